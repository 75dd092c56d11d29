"""Shapes of the portfolio API. Query parameters are validated here; a wrong value is a 400 problem, never a 500."""

from django.utils.translation import gettext_lazy as _

from rest_framework import serializers

from voorzieningen.catalogus.models import Instelling, Kwalificatie
from voorzieningen.core.models import Gemeente

from ..models import Overlapmodus, Soort

CREBO = r"^\d{5}$"


def _bestaat(model, veld: str, label: str):
    def controle(waarde):
        if waarde and not model.objects.filter(**{veld: waarde}).exists():
            raise serializers.ValidationError(
                _("%(label)s %(waarde)s is niet bekend.") % {"label": label, "waarde": waarde}
            )

    return controle


class SelectieSerializer(serializers.Serializer):
    crebo = serializers.RegexField(CREBO, required=False, help_text="Vijf cijfers.")
    sector = serializers.CharField(required=False, max_length=150)
    niveau = serializers.IntegerField(required=False, min_value=1, max_value=4)

    def validate_crebo(self, waarde):
        _bestaat(Kwalificatie, "crebo", "Crebo")(waarde)
        return waarde


class OverlapParamsSerializer(SelectieSerializer):
    modus = serializers.ChoiceField(choices=Overlapmodus.choices, required=False)
    straal_km = serializers.IntegerField(required=False, min_value=1, max_value=200)


class ImpactParamsSerializer(serializers.Serializer):
    soort = serializers.ChoiceField(choices=Soort.choices)
    instelling = serializers.RegexField(r"^\d{2}[A-Z]{2}$", help_text="BRIN van de instelling.")
    crebo = serializers.RegexField(CREBO)
    gemeente = serializers.RegexField(r"^\d{4}$", help_text="Gemeentecode (CBS), vier cijfers.")
    partner = serializers.RegexField(r"^\d{2}[A-Z]{2}$", required=False, help_text="BRIN; bij uitruilen of samen.")
    ruil_crebo = serializers.RegexField(CREBO, required=False)
    plaatsen = serializers.IntegerField(required=False, min_value=-32000, max_value=32000)

    def validate_instelling(self, waarde):
        _bestaat(Instelling, "brin", "Instelling")(waarde)
        return waarde

    def validate_partner(self, waarde):
        _bestaat(Instelling, "brin", "Instelling")(waarde)
        return waarde

    def validate_crebo(self, waarde):
        _bestaat(Kwalificatie, "crebo", "Crebo")(waarde)
        return waarde

    def validate_ruil_crebo(self, waarde):
        _bestaat(Kwalificatie, "crebo", "Crebo")(waarde)
        return waarde

    def validate_gemeente(self, waarde):
        _bestaat(Gemeente, "code", "Gemeente")(waarde)
        return waarde

    def validate(self, data):
        if data["soort"] in (Soort.UITRUILEN, Soort.SAMEN) and not data.get("partner"):
            raise serializers.ValidationError({"partner": _("Kies de partnerinstelling.")})
        return data


# --- responses ---------------------------------------------------------------------------------------------------


class GemeenteSerializer(serializers.Serializer):
    code = serializers.CharField()
    naam = serializers.CharField()
    corop_code = serializers.CharField()
    corop_naam = serializers.CharField()
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    jongeren_15_19 = serializers.IntegerField(help_text="Inwoners van 15 tot 20 jaar in het peiljaar.")


class AantalVeld(serializers.IntegerField):
    """A count of students: null when 1–4 (suppressed, as on the pages)."""


class LocatieSerializer(serializers.Serializer):
    code = serializers.CharField()
    plaats = serializers.CharField()
    gemeentecode = serializers.CharField()
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()


class KaartpuntSerializer(serializers.Serializer):
    locatie = LocatieSerializer()
    instellingen = serializers.ListField(child=serializers.CharField())
    opleidingen = serializers.IntegerField()
    capaciteit = serializers.IntegerField(help_text="Opgegeven studieplaatsen.")
    zonder_capaciteit = serializers.IntegerField(help_text="Aanbod zonder opgegeven capaciteit.")
    inschrijvingen = AantalVeld(allow_null=True, help_text="null: 1 tot en met 4 (onderdrukt).")


class AanbodSerializer(serializers.Serializer):
    schooljaar = serializers.IntegerField(allow_null=True)
    kwalificaties = serializers.IntegerField()
    aanbod = serializers.IntegerField()
    instellingen = serializers.IntegerField()
    capaciteit = serializers.IntegerField()
    inschrijvingen = AantalVeld(allow_null=True)
    locaties = KaartpuntSerializer(many=True)


class DeelnemerSerializer(serializers.Serializer):
    instelling = serializers.CharField()
    brin = serializers.CharField()
    locaties = serializers.ListField(child=serializers.CharField())
    inschrijvingen = AantalVeld(allow_null=True)
    capaciteit = serializers.IntegerField(allow_null=True)


class UitzonderingSerializer(serializers.Serializer):
    instelling = serializers.CharField()
    reden = serializers.CharField()


class OverlapgevalSerializer(serializers.Serializer):
    crebo = serializers.CharField()
    kwalificatie = serializers.CharField()
    niveau = serializers.IntegerField(allow_null=True)
    sector = serializers.CharField()
    regio = serializers.CharField()
    corop = serializers.CharField()
    gemeenten = serializers.ListField(child=serializers.CharField())
    instellingen = DeelnemerSerializer(many=True)
    niet_meegeteld = UitzonderingSerializer(many=True)


class OverlapSerializer(serializers.Serializer):
    modus = serializers.CharField()
    straal_km = serializers.IntegerField()
    aantal = serializers.IntegerField()
    gevallen = OverlapgevalSerializer(many=True)


class GemeentebereikSerializer(serializers.Serializer):
    gemeentecode = serializers.CharField()
    naam = serializers.CharField()
    jongeren_15_19 = serializers.IntegerField()
    kwalificaties = serializers.IntegerField()
    binnen_norm = serializers.IntegerField()
    ontbrekend_aantal = serializers.IntegerField()
    ontbrekend = serializers.ListField(
        child=serializers.CharField(), help_text="Crebo's buiten de norm; alleen bij een selectie van ten hoogste 50."
    )
    afstand_km = serializers.FloatField(allow_null=True, help_text="Alleen bij één crebo.")
    reistijd_minuten = serializers.FloatField(allow_null=True, help_text="Alleen bij één crebo.")
    norm_minuten = serializers.IntegerField(allow_null=True)


class NiveaudekkingSerializer(serializers.Serializer):
    niveau = serializers.IntegerField()
    norm_minuten = serializers.IntegerField()
    kwalificaties = serializers.IntegerField()
    gewogen_aandeel = serializers.FloatField()
    gemeenten_volledig = serializers.IntegerField()


class BereikbaarheidSerializer(serializers.Serializer):
    omrijfactor = serializers.FloatField()
    snelheid_kmu = serializers.FloatField()
    kwalificaties = serializers.IntegerField()
    per_niveau = NiveaudekkingSerializer(many=True)
    gemeenten = GemeentebereikSerializer(many=True)


class SignaalSerializer(serializers.Serializer):
    soort = serializers.CharField()
    ernst = serializers.CharField()
    regio = serializers.CharField()
    sector = serializers.CharField()
    crebo = serializers.CharField(allow_null=True)
    tekst = serializers.CharField()


class RegioreeksSerializer(serializers.Serializer):
    corop = serializers.CharField()
    aanbod = serializers.ListField(child=serializers.IntegerField())
    inschrijvingen = serializers.ListField(child=serializers.IntegerField())
    jongeren_nu = serializers.IntegerField()
    jongeren_over_5_jaar = serializers.IntegerField(allow_null=True, help_text="null: geen prognose.")


class SignalenSerializer(serializers.Serializer):
    jaren = serializers.ListField(child=serializers.IntegerField())
    signalen = SignaalSerializer(many=True)
    regio_s = RegioreeksSerializer(many=True)


class DekkingsverschilSerializer(serializers.Serializer):
    gemeente = serializers.CharField()
    naam = serializers.CharField()
    voor = serializers.IntegerField(allow_null=True, help_text="Minuten vooraf.")
    na = serializers.IntegerField(allow_null=True, help_text="Minuten daarna.")
    jongeren = serializers.IntegerField()


class OverlapKortSerializer(serializers.Serializer):
    regio = serializers.CharField()
    instellingen = serializers.ListField(child=serializers.CharField())


class AlternatiefSerializer(serializers.Serializer):
    instelling = serializers.CharField()
    plaats = serializers.CharField()
    minuten = serializers.IntegerField()


class KwalimpactSerializer(serializers.Serializer):
    crebo = serializers.CharField()
    naam = serializers.CharField()
    specialistisch = serializers.BooleanField()
    norm_minuten = serializers.IntegerField()
    verliest = DekkingsverschilSerializer(many=True)
    wint = DekkingsverschilSerializer(many=True)
    jongeren_verliest = serializers.IntegerField()
    jongeren_wint = serializers.IntegerField()
    overlap_voor = OverlapKortSerializer(many=True)
    overlap_na = OverlapKortSerializer(many=True)
    locaties_voor = serializers.IntegerField()
    locaties_na = serializers.IntegerField()
    instellingen_voor = serializers.IntegerField()
    instellingen_na = serializers.IntegerField()
    capaciteit_voor = serializers.IntegerField()
    capaciteit_na = serializers.IntegerField()
    inschrijvingen_geraakt = AantalVeld(allow_null=True, help_text="null: 1 tot en met 4 (onderdrukt).")
    laatste_aanbod = serializers.BooleanField()
    alternatief = AlternatiefSerializer(allow_null=True)


class ImpactSerializer(serializers.Serializer):
    modus = serializers.CharField()
    straal_km = serializers.FloatField()
    meldingen = serializers.ListField(child=serializers.CharField())
    kwalificaties = KwalimpactSerializer(many=True)
