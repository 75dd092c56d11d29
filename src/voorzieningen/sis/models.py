"""Koppelpunten (the SIS endpoints of an institution), their API keys and the fetch queue."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Koppelpunt(models.Model):
    """Where a SIS fetches applications. The default one takes all the institution's onderwijsaanbieders;
    an extra one takes only the aanbieders assigned to it, from ``geldig_vanaf`` on."""

    instelling = models.ForeignKey("catalogus.Instelling", models.CASCADE, related_name="koppelpunten")
    code = models.CharField(
        _("koppelpuntcode"), max_length=50, unique=True, help_text=_("Uniek en hoofdlettergevoelig; meestal de BRIN.")
    )
    naam = models.CharField(_("naam"), max_length=200, blank=True)
    standaard = models.BooleanField(_("standaardkoppelpunt"), default=False)
    aanbieders = models.ManyToManyField(
        "catalogus.Onderwijsaanbieder", blank=True, related_name="koppelpunten", verbose_name=_("onderwijsaanbieders")
    )
    geldig_vanaf = models.DateTimeField(_("geldig vanaf"))
    actief = models.BooleanField(_("actief"), default=True)
    stub_sis = models.BooleanField(
        _("Stub SIS"), default=False, help_text=_("Het platform speelt zelf de SIS, om de keten zonder SIS te testen.")
    )
    stub_statussen = models.JSONField(_("statusreeks van de Stub SIS"), default=list, blank=True)
    webhook_url = models.URLField(_("webhook"), max_length=500, blank=True)
    webhook_geheim = models.CharField(_("webhookgeheim"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("koppelpunt")
        verbose_name_plural = _("koppelpunten")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["instelling"], condition=models.Q(standaard=True), name="een_standaardkoppelpunt_per_instelling"
            )
        ]

    def __str__(self):
        return self.code


class SisSleutel(models.Model):
    """An API key of a koppelpunt. Only a SHA-256 of the random secret is kept; rotation = a new key."""

    koppelpunt = models.ForeignKey(Koppelpunt, models.CASCADE, related_name="sleutels")
    prefix = models.CharField(max_length=12, db_index=True)
    sleutel_hash = models.CharField(max_length=64, unique=True)
    aangemaakt_op = models.DateTimeField(auto_now_add=True)
    ingetrokken_op = models.DateTimeField(null=True, blank=True)
    laatst_gebruikt_op = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API-sleutel")
        verbose_name_plural = _("API-sleutels")

    def __str__(self):
        return f"{self.koppelpunt.code}:{self.prefix}…"


class Aanlevering(models.Model):
    """One application in one koppelpunt's fetch queue, and what the SIS did with it."""

    aanmelding = models.OneToOneField("aanmelden.Aanmelding", models.CASCADE, related_name="aanlevering")
    koppelpunt = models.ForeignKey(Koppelpunt, models.PROTECT, related_name="aanleveringen")
    in_wachtrij_sinds = models.DateTimeField(_("in de wachtrij sinds"), null=True, blank=True)
    opgehaald_op = models.DateTimeField(_("opgehaald op"), null=True, blank=True)
    bevestigd_op = models.DateTimeField(_("ophalen bevestigd op"), null=True, blank=True)
    foutmelding = models.TextField(_("foutmelding van de SIS"), blank=True)
    foutmelding_op = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("aanlevering aan de SIS")
        verbose_name_plural = _("aanleveringen aan de SIS")
        indexes = [models.Index(fields=["koppelpunt", "in_wachtrij_sinds", "id"], name="sis_wachtrij")]

    def __str__(self):
        return f"{self.koppelpunt_id}:{self.aanmelding_id}"


class StatusBericht(models.Model):
    """A status message from a SIS, kept by its message id so a resend is answered, not applied twice."""

    koppelpunt = models.ForeignKey(Koppelpunt, models.CASCADE, related_name="statusberichten")
    bericht_id = models.CharField(_("bericht-id"), max_length=100)
    aanmelding = models.ForeignKey("aanmelden.Aanmelding", models.SET_NULL, null=True, related_name="+")
    status = models.CharField(_("status"), max_length=10)
    resultaat = models.CharField(_("resultaat"), max_length=20)
    ontvangen_op = models.DateTimeField(_("ontvangen op"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("statusbericht")
        verbose_name_plural = _("statusberichten")
        constraints = [
            models.UniqueConstraint(fields=["koppelpunt", "bericht_id"], name="uniek_bericht_per_koppelpunt")
        ]

    def __str__(self):
        return f"{self.koppelpunt_id}:{self.bericht_id}"


class Gebeurtenis(models.Model):
    """Something the SIS must hear about besides a new application: now the student's own withdrawal."""

    class Soort(models.TextChoices):
        INGETROKKEN = "INGETROKKEN", _("Ingetrokken door de aanmelder")

    koppelpunt = models.ForeignKey(Koppelpunt, models.CASCADE, related_name="gebeurtenissen")
    aanmelding = models.ForeignKey("aanmelden.Aanmelding", models.CASCADE, related_name="+")
    soort = models.CharField(_("soort"), max_length=20, choices=Soort.choices)
    tijdstip = models.DateTimeField(_("tijdstip"))
    bevestigd_op = models.DateTimeField(_("bevestigd op"), null=True, blank=True)

    class Meta:
        verbose_name = _("gebeurtenis voor de SIS")
        verbose_name_plural = _("gebeurtenissen voor de SIS")
        indexes = [models.Index(fields=["koppelpunt", "bevestigd_op", "tijdstip", "id"], name="sis_gebeurtenissen")]

    def __str__(self):
        return f"{self.soort} {self.aanmelding_id}"


class SisLogregel(models.Model):
    """What happened between the platform and the SIS for one application: the message log admins read."""

    class Soort(models.TextChoices):
        KLAARGEZET = "KLAARGEZET", _("Klaargezet voor de SIS")
        OPGEHAALD = "OPGEHAALD", _("Opgehaald door de SIS")
        BEVESTIGD = "BEVESTIGD", _("Ophalen bevestigd")
        FOUTMELDING = "FOUTMELDING", _("Foutmelding van de SIS")
        STATUS = "STATUS", _("Statusbericht ontvangen")
        OPNIEUW = "OPNIEUW", _("Opnieuw klaargezet")
        GEBEURTENIS = "GEBEURTENIS", _("Gebeurtenis gemeld")

    aanmelding = models.ForeignKey("aanmelden.Aanmelding", models.CASCADE, related_name="sis_log")
    koppelpunt = models.ForeignKey(Koppelpunt, models.SET_NULL, null=True, related_name="+")
    soort = models.CharField(_("soort"), max_length=12, choices=Soort.choices)
    tijdstip = models.DateTimeField(_("tijdstip"))
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("SIS-logregel")
        verbose_name_plural = _("SIS-logregels")
        ordering = ["tijdstip", "id"]
        indexes = [models.Index(fields=["aanmelding", "tijdstip"], name="sis_log_aanmelding")]

    def __str__(self):
        return f"{self.soort} {self.aanmelding_id}"
