from rest_framework import serializers

from ..models import AangebodenOpleiding, Cohort, Leertraject


class CohortSerializer(serializers.ModelSerializer):
    class Meta:
        model = Cohort
        fields = ["code", "begindatum", "aanmelden_vanaf", "aanmelden_tot", "einddatum", "capaciteit"]


class OpleidingSerializer(serializers.ModelSerializer):
    crebo = serializers.CharField(source="kwalificatie.crebo")
    kwalificatie = serializers.CharField(source="kwalificatie.naam")
    instelling = serializers.CharField(source="aanbieder.instelling.naam")
    brin = serializers.CharField(source="aanbieder.instelling.brin")
    plaats = serializers.CharField(source="locatie.plaatsnaam", default="")

    class Meta:
        model = AangebodenOpleiding
        fields = [
            "code",
            "wervingsnaam",
            "crebo",
            "kwalificatie",
            "niveau",
            "leertraject",
            "actief",
            "instelling",
            "brin",
            "plaats",
            "website",
        ]


class OpleidingDetailSerializer(OpleidingSerializer):
    open_cohorten = CohortSerializer(many=True, read_only=True)

    class Meta(OpleidingSerializer.Meta):
        fields = OpleidingSerializer.Meta.fields + ["open_cohorten"]


class ZoekSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    niveau = serializers.IntegerField(required=False, min_value=1, max_value=4)
    leertraject = serializers.ChoiceField(required=False, choices=Leertraject.choices)
    plaats = serializers.CharField(required=False, allow_blank=True, max_length=100)
    inactief = serializers.BooleanField(required=False, default=False)


class MutatiesSerializer(serializers.Serializer):
    """Rows keyed by the import columns, each with MUTATIE = TOEVOEGEN, WIJZIGEN or VERWIJDEREN."""

    opleidingen = serializers.ListField(child=serializers.DictField(), required=False, default=list, max_length=20000)
    cohorten = serializers.ListField(child=serializers.DictField(), required=False, default=list, max_length=50000)


class ImportRunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    uitkomst = serializers.CharField()
    aantallen = serializers.DictField()
    fouten = serializers.ListField(child=serializers.DictField())
    melding = serializers.CharField()


class SyncSerializer(serializers.Serializer):
    laatste_sync = serializers.DateTimeField(allow_null=True)
