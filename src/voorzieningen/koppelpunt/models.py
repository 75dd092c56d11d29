"""Koppelpunt MBO keeps no message content: only who may send, where to deliver, and a log without personal data.

The content of a status message lives only in the outbox rows of its recipients and is emptied on delivery.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Afzender(models.Model):
    """A system that delivers status messages (an institution's SIS, or the portal itself), with its own key."""

    naam = models.CharField(_("naam"), max_length=200)
    instelling = models.ForeignKey(
        "catalogus.Instelling", models.CASCADE, null=True, blank=True, related_name="vva_afzenders"
    )
    sleutel_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=12, editable=False)
    sandbox = models.BooleanField(
        _("sandbox"),
        default=False,
        help_text=_("Berichten worden gerouteerd en gelogd, maar niet afgeleverd: voor SIS-leveranciers om te testen."),
    )
    actief = models.BooleanField(_("actief"), default=True)
    aangemaakt_op = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("afzender (VVA)")
        verbose_name_plural = _("afzenders (VVA)")

    def __str__(self):
        return self.naam


class VoIltCode(models.Model):
    """An ILT code of prior education whose messages go to Koppelpunt VO (the configured list)."""

    code = models.CharField(_("ILT-code"), max_length=6, unique=True)
    omschrijving = models.CharField(_("omschrijving"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("ILT-code voor Koppelpunt VO")
        verbose_name_plural = _("ILT-codes voor Koppelpunt VO")
        ordering = ["code"]

    def __str__(self):
        return self.code


class GemeenteEndpoint(models.Model):
    """Exactly one endpoint per municipality: its own or its RMC region's."""

    gemeentecode = models.CharField(_("gemeentecode"), max_length=4, unique=True)
    url = models.URLField(_("endpoint"), max_length=500)
    rmc_regio = models.CharField(_("RMC-regio"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("endpoint van een gemeente")
        verbose_name_plural = _("endpoints van gemeenten")
        ordering = ["gemeentecode"]

    def __str__(self):
        return f"{self.gemeentecode} → {self.url}"


class Routering(models.Model):
    """The log line of one status message: id, sender, recipients and why others were not — nothing personal."""

    afzender = models.ForeignKey(Afzender, models.PROTECT, related_name="routeringen")
    bericht_id = models.CharField(_("bericht-id"), max_length=100)
    ontvangen_op = models.DateTimeField(_("ontvangen op"), auto_now_add=True, db_index=True)
    ontvangers = models.JSONField(_("ontvangers"), default=list)
    niet_naar = models.JSONField(_("niet naar, met reden"), default=dict)
    sandbox = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("routering")
        verbose_name_plural = _("routeringen (log)")
        ordering = ["-ontvangen_op"]
        constraints = [models.UniqueConstraint(fields=["afzender", "bericht_id"], name="uniek_vva_bericht")]

    def __str__(self):
        return f"{self.afzender_id}:{self.bericht_id}"


class SimulatorOntvangst(models.Model):
    """What the Koppelpunt VO / Gemeenten simulators received, once per message id (receivers are idempotent)."""

    ontvanger = models.CharField(max_length=20)  # "VO" or a gemeentecode
    bericht_id = models.CharField(max_length=200)
    payload = models.JSONField(default=dict)
    ontvangen_op = models.DateTimeField(auto_now_add=True)
    aantal_keer = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("ontvangst in simulator")
        verbose_name_plural = _("ontvangsten in simulators")
        constraints = [models.UniqueConstraint(fields=["ontvanger", "bericht_id"], name="uniek_simulator_bericht")]

    def __str__(self):
        return f"{self.ontvanger}:{self.bericht_id}"


class BeoogdeMboGanger(models.Model):
    """Koppelpunt Gemeenten simulator: a pupil the VO school expects to go to mbo (from the VO side's lists)."""

    pgn = models.CharField(max_length=9, unique=True)
    postcode = models.CharField(max_length=6, blank=True)
    gemeentecode = models.CharField(max_length=4, db_index=True)
    brin_vo = models.CharField(max_length=6, blank=True)
    beoogd = models.BooleanField(default=True)
    reden = models.CharField(max_length=500, blank=True)
    bijgewerkt_op = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("beoogde mbo-ganger (simulator)")
        verbose_name_plural = _("beoogde mbo-gangers (simulator)")

    def __str__(self):
        return self.pgn


class GemeenteSignaal(models.Model):
    """Koppelpunt Gemeenten simulator: what a municipality is told (bulk on 1 March / 15 June, then realtime)."""

    class Soort(models.TextChoices):
        NIET_AANGEMELD = "NIET_AANGEMELD", _("1 maart: beoogd, nog niet aangemeld")
        NIET_INGESCHREVEN = "NIET_INGESCHREVEN", _("15 juni: beoogd, niet ingeschreven")
        AANMELDSTATUS = "AANMELDSTATUS", _("Wijziging aanmeldstatus")
        NIET_MEER_BEOOGD = "NIET_MEER_BEOOGD", _("Niet langer beoogd mbo-ganger")
        UITSCHRIJVING = "UITSCHRIJVING", _("Uitschrijving")

    gemeentecode = models.CharField(max_length=4, db_index=True)
    soort = models.CharField(max_length=20, choices=Soort.choices)
    peildatum = models.DateField()
    pgn = models.CharField(max_length=9)
    postcode = models.CharField(max_length=6, blank=True)
    aanmeld_id = models.CharField(max_length=36, blank=True)
    status = models.CharField(max_length=10, blank=True)
    reden = models.CharField(max_length=500, blank=True)
    aangemaakt_op = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("signaal aan een gemeente (simulator)")
        verbose_name_plural = _("signalen aan gemeenten (simulator)")
        ordering = ["peildatum", "gemeentecode", "pgn"]

    def __str__(self):
        return f"{self.gemeentecode} {self.soort} {self.peildatum}"
