import re

from rest_framework import serializers

from voorzieningen.identiteit.bsn import validate_bsn

from ..services import WETTELIJKE_STATUSSEN


class VvaStatusberichtSerializer(serializers.Serializer):
    """An aanmeldstatusbericht as SISes deliver it; the five statuses of the law, nothing else."""

    berichtId = serializers.CharField(max_length=100)
    aanmeldId = serializers.CharField(max_length=36, help_text="caKetenId (UUID) of ketenId van de aanmelding.")
    status = serializers.ChoiceField(
        choices=list(WETTELIJKE_STATUSSEN.items()),
        error_messages={
            "invalid_choice": "'{input}' is geen wettelijke aanmeldstatus. Vertaal de status van uw systeem naar "
            "RECEIVED, OFFERED, REJECTED, WITHDRAWN of ENROLLED."
        },
    )
    pgn = serializers.CharField(
        max_length=9, min_length=9, help_text="Persoonsgebonden nummer (BSN of onderwijsnummer)."
    )
    postcode = serializers.RegexField(r"^[1-9][0-9]{3} ?[A-Za-z]{2}$", required=False, allow_blank=True, default="")
    gemeentecode = serializers.RegexField(r"^[0-9]{4}$", required=False, allow_blank=True, default="")
    geboortedatum = serializers.DateField()
    startkwalificatie = serializers.BooleanField()
    iltCodeVooropleiding = serializers.CharField(max_length=6, required=False, allow_blank=True, default="")
    brinVoSchool = serializers.CharField(max_length=6, required=False, allow_blank=True, default="")
    leertraject = serializers.CharField(max_length=8)
    vavo = serializers.BooleanField(default=False)
    reden = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    brinMbo = serializers.CharField(max_length=4, required=False, allow_blank=True, default="")
    tijdstip = serializers.DateTimeField(required=False)

    def validate_pgn(self, value):
        if not re.fullmatch(r"[0-9]{9}", value):  # not isdigit(): that takes '²' and Arabic-Indic digits
            raise serializers.ValidationError("Een PGN bestaat uit 9 cijfers.")
        if not value.startswith("10"):  # an onderwijsnummer starts with 10 (its own check); a BSN: the 11-proof
            try:
                validate_bsn(value)
            except Exception as exc:
                raise serializers.ValidationError("Dit BSN klopt niet (elfproef).") from exc
        return value

    def validate(self, data):
        if data["status"] == "WITHDRAWN" and not data.get("reden"):
            raise serializers.ValidationError({"reden": "Geef bij een intrekking de reden mee."})
        return data


class RouteringSerializer(serializers.Serializer):
    berichtId = serializers.CharField(source="bericht_id")
    ontvangenOp = serializers.DateTimeField(source="ontvangen_op")
    ontvangers = serializers.ListField(child=serializers.CharField())
    nietNaar = serializers.DictField(
        source="niet_naar", child=serializers.ListField(child=serializers.CharField()), help_text="Waarom niet."
    )
    sandbox = serializers.BooleanField()
    afleveringen = serializers.SerializerMethodField()

    def get_afleveringen(self, obj) -> list[dict]:
        from ..services import afleveringen

        return [
            {"kanaal": a.kanaal, "status": a.status, "pogingen": a.pogingen, "laatsteFout": a.laatste_fout}
            for a in afleveringen(obj)
        ]
