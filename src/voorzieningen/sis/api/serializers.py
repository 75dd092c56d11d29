from rest_framework import serializers

from voorzieningen.aanmelden.statussen import Status

SIS_STATUSSEN = [s for s in Status if s != Status.SUBMITTED]
SIS_STATUS_CHOICES = [(s.value, s.label) for s in SIS_STATUSSEN]


class WachtrijItemSerializer(serializers.Serializer):
    caKetenId = serializers.UUIDField(source="aanmelding.ca_keten_id")  # noqa: N815
    ketenId = serializers.CharField(source="aanmelding.keten_id")  # noqa: N815
    ingediendOp = serializers.DateTimeField(source="aanmelding.ingediend_op")  # noqa: N815
    inWachtrijSinds = serializers.DateTimeField(source="in_wachtrij_sinds")  # noqa: N815
    status = serializers.ChoiceField(choices=Status.choices, source="aanmelding.status")


class AdresSerializer(serializers.Serializer):
    land = serializers.CharField()
    straat = serializers.CharField(allow_blank=True)
    huisnummer = serializers.CharField(allow_blank=True)
    huisnummerToevoeging = serializers.CharField(source="huisnummer_toevoeging", allow_blank=True)  # noqa: N815
    huisnummerToelichting = serializers.CharField(source="huisnummer_toelichting", allow_blank=True)  # noqa: N815
    postcode = serializers.CharField(allow_blank=True)
    plaats = serializers.CharField(allow_blank=True)
    regel1 = serializers.CharField(allow_blank=True)
    regel2 = serializers.CharField(allow_blank=True)
    regel3 = serializers.CharField(allow_blank=True)


class PersoonSerializer(serializers.Serializer):
    bsn = serializers.CharField()
    voornamen = serializers.CharField(allow_blank=True)
    voorvoegsel = serializers.CharField(allow_blank=True)
    achternaam = serializers.CharField()
    geboortedatum = serializers.DateField()
    geboorteland = serializers.CharField(allow_blank=True)
    geboorteplaats = serializers.CharField(allow_blank=True)


class OuderSerializer(serializers.Serializer):
    naam = serializers.CharField()
    email = serializers.CharField(allow_blank=True)
    telefoon = serializers.CharField()


class VooropleidingSerializer(serializers.Serializer):
    brin = serializers.CharField()
    school = serializers.CharField()
    iltCode = serializers.CharField(source="ilt_code")  # noqa: N815
    omschrijving = serializers.CharField()
    niveau = serializers.CharField()
    diploma = serializers.BooleanField()
    startkwalificatie = serializers.BooleanField()
    datum = serializers.DateField(allow_null=True)


class LeerbedrijfSerializer(serializers.Serializer):
    id = serializers.CharField()
    kvk = serializers.CharField()
    naam = serializers.CharField()
    plaats = serializers.CharField()


class AanmeldingSerializer(serializers.Serializer):
    """An application in full, as the SIS receives it."""

    caKetenId = serializers.UUIDField(source="ca_keten_id")  # noqa: N815
    ketenId = serializers.CharField(source="keten_id")  # noqa: N815
    status = serializers.ChoiceField(choices=Status.choices)
    ingediendOp = serializers.DateTimeField(source="ingediend_op")  # noqa: N815
    instelling = serializers.SerializerMethodField()
    onderwijsaanbieder = serializers.SerializerMethodField()
    opleiding = serializers.SerializerMethodField()
    cohort = serializers.SerializerMethodField()
    persoon = PersoonSerializer(source="gegevens.persoon")
    adres = AdresSerializer(source="gegevens.adres")
    adresHandmatig = serializers.BooleanField(source="gegevens.adres_handmatig")  # noqa: N815
    email = serializers.CharField(source="gegevens.contact.email")
    telefoon = serializers.CharField(source="gegevens.contact.telefoon", allow_blank=True)
    ouders = OuderSerializer(source="gegevens.ouders", many=True)
    vooropleidingen = VooropleidingSerializer(source="gegevens.vooropleidingen", many=True)
    leerbedrijf = LeerbedrijfSerializer(allow_null=True)
    kenmerken = serializers.DictField(child=serializers.CharField())

    def get_instelling(self, obj) -> dict[str, str]:
        return {"brin": obj.instelling.brin, "naam": obj.instelling.naam}

    def get_onderwijsaanbieder(self, obj) -> dict[str, str]:
        return {"code": obj.onderwijsaanbieder.code, "naam": obj.onderwijsaanbieder.naam}

    def get_opleiding(self, obj) -> dict[str, str]:
        o = obj.opleiding
        return {
            "code": o.code,
            "crebo": obj.crebo,
            "naam": o.wervingsnaam,
            "leertraject": obj.leertraject,
            "niveau": str(o.niveau or ""),
            "onderwijslocatiecode": o.locatie.code if o.locatie else "",
        }

    def get_cohort(self, obj) -> dict[str, str]:
        return {"code": obj.cohort.code, "begindatum": obj.cohort.begindatum.isoformat()}


class FoutmeldingSerializer(serializers.Serializer):
    melding = serializers.CharField(max_length=2000)


class AanleveringStatusSerializer(serializers.Serializer):
    caKetenId = serializers.UUIDField(source="aanmelding.ca_keten_id")  # noqa: N815
    opgehaaldOp = serializers.DateTimeField(source="opgehaald_op", allow_null=True)  # noqa: N815
    bevestigdOp = serializers.DateTimeField(source="bevestigd_op", allow_null=True)  # noqa: N815
    foutmelding = serializers.CharField(allow_blank=True)


class BevestigingenSerializer(serializers.Serializer):
    caKetenIds = serializers.ListField(  # noqa: N815
        child=serializers.UUIDField(), min_length=1, max_length=500, help_text="Ten hoogste 500 per keer."
    )

    def validate_caKetenIds(self, waarde):  # noqa: N802
        if len(set(waarde)) != len(waarde):
            raise serializers.ValidationError("Elke caKetenId mag maar één keer voorkomen.")
        return waarde


class BevestigingenResultaatSerializer(serializers.Serializer):
    bevestigd = AanleveringStatusSerializer(many=True)
    onbekend = serializers.ListField(
        child=serializers.UUIDField(), help_text="Bestaat niet bij dit koppelpunt; de rest is wel bevestigd."
    )


class StatusberichtSerializer(serializers.Serializer):
    berichtId = serializers.CharField(max_length=100)  # noqa: N815
    caKetenId = serializers.UUIDField(required=False, help_text="Wint van ketenId als beide zijn gegeven.")  # noqa: N815
    ketenId = serializers.RegexField(r"^9\d{9}$", required=False, help_text="Verouderd; gebruik caKetenId.")  # noqa: N815
    status = serializers.ChoiceField(choices=SIS_STATUS_CHOICES)
    tijdstip = serializers.DateTimeField(required=False)
    toelichting = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    correctie = serializers.BooleanField(required=False, default=False)

    def validate(self, data):
        if not data.get("caKetenId") and not data.get("ketenId"):
            raise serializers.ValidationError({"caKetenId": "Geef caKetenId (of het verouderde ketenId)."})
        if data.get("correctie") and not data.get("toelichting", "").strip():
            raise serializers.ValidationError({"toelichting": "Een correctie vraagt een reden."})
        return data


class StatusberichtResultaatSerializer(serializers.Serializer):
    berichtId = serializers.CharField(source="bericht_id")  # noqa: N815
    caKetenId = serializers.UUIDField(source="aanmelding.ca_keten_id")  # noqa: N815
    status = serializers.CharField()
    resultaat = serializers.ChoiceField(choices=["verwerkt", "ongewijzigd"])
    ontvangenOp = serializers.DateTimeField(source="ontvangen_op")  # noqa: N815


class StatusberichtenBulkSerializer(serializers.Serializer):
    berichten = StatusberichtSerializer(many=True, min_length=1, max_length=500)


class UitkomstSerializer(serializers.Serializer):
    berichtId = serializers.CharField(source="bericht_id")  # noqa: N815
    http = serializers.IntegerField(help_text="201 verwerkt, 200 al eerder ontvangen, 404 onbekende aanmelding, 409 "
                                    "statusovergang niet toegestaan.")  # fmt: skip
    bericht = StatusberichtResultaatSerializer(allow_null=True, help_text="Bij 200 en 201.")
    code = serializers.CharField(allow_blank=True, help_text="Bij 404 en 409, zoals bij één bericht.")
    detail = serializers.CharField(allow_blank=True)


class StatusberichtenBulkResultaatSerializer(serializers.Serializer):
    resultaten = UitkomstSerializer(many=True, help_text="In de volgorde van de berichten.")


class GebeurtenisSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    soort = serializers.ChoiceField(choices=["INGETROKKEN"])
    caKetenId = serializers.UUIDField(source="aanmelding.ca_keten_id")  # noqa: N815
    ketenId = serializers.CharField(source="aanmelding.keten_id")  # noqa: N815
    tijdstip = serializers.DateTimeField()
    bevestigdOp = serializers.DateTimeField(source="bevestigd_op", allow_null=True)  # noqa: N815
