"""The privacy registers that are not code: data breaches (AVG art. 33/34) and DPIAs (art. 35)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from voorzieningen.core.datums import plus_maanden

MELDTERMIJN = datetime.timedelta(hours=72)


class Voorziening(models.TextChoices):
    CENTRAAL_AANMELDEN = "centraal-aanmelden", _("Centraal Aanmelden")
    KOPPELPUNT = "koppelpunt-mbo", _("Koppelpunt MBO (VVA)")
    COOPERATIE = "cooperatie", _("Coöperatie (leden, facturatie, dienstverlening)")
    PORTFOLIO = "portfolio-regie", _("Portfolioregie")


class Datalek(models.Model):
    """A (suspected) personal-data breach, followed through the protocol: report, assess, notify, close.

    The 72 hours for notifying the Autoriteit Persoonsgegevens run from the moment the cooperative became aware
    (``ontdekt_op``), not from when the report was typed in.
    """

    class Risico(models.TextChoices):
        GEEN = "geen", _("Waarschijnlijk geen risico: niet melden bij de AP (wel registreren)")
        RISICO = "risico", _("Risico: melden bij de AP binnen 72 uur")
        HOOG = "hoog", _("Hoog risico: melden bij de AP én de betrokkenen informeren")

    class Fase(models.TextChoices):
        GEMELD = "gemeld", _("Gemeld, nog te beoordelen")
        BEOORDEELD = "beoordeeld", _("Beoordeeld")
        AP_GEMELD = "ap-gemeld", _("Gemeld bij de AP")
        GESLOTEN = "gesloten", _("Afgesloten")

    # report
    titel = models.CharField(_("korte omschrijving"), max_length=200)
    omschrijving = models.TextField(_("wat is er gebeurd"))
    voorziening = models.CharField(_("voorziening"), max_length=30, choices=Voorziening.choices)
    ontdekt_op = models.DateTimeField(_("ontdekt op"), help_text=_("Vanaf dit moment lopen de 72 uur."))
    gemeld_op = models.DateTimeField(_("geregistreerd op"), auto_now_add=True)
    gemeld_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gemeld door"),
    )
    fase = models.CharField(_("fase"), max_length=12, choices=Fase.choices, default=Fase.GEMELD, editable=False)
    # assessment
    vertrouwelijkheid = models.BooleanField(_("vertrouwelijkheid geschonden"), default=False)
    integriteit = models.BooleanField(_("integriteit geschonden"), default=False)
    beschikbaarheid = models.BooleanField(_("beschikbaarheid geschonden"), default=False)
    categorieen = models.CharField(_("soorten gegevens"), max_length=500, blank=True)
    aantal_betrokkenen = models.PositiveIntegerField(_("aantal betrokkenen (schatting)"), null=True, blank=True)
    risico = models.CharField(_("risico voor betrokkenen"), max_length=10, choices=Risico.choices, blank=True)
    motivering = models.TextField(_("motivering van de beoordeling"), blank=True)
    beoordeeld_op = models.DateTimeField(_("beoordeeld op"), null=True, blank=True, editable=False)
    # notification
    ap_gemeld_op = models.DateTimeField(_("gemeld bij de AP op"), null=True, blank=True)
    ap_meldnummer = models.CharField(_("meldnummer AP"), max_length=50, blank=True)
    reden_vertraging = models.TextField(
        _("reden van de vertraging"), blank=True, help_text=_("Verplicht als de melding later dan 72 uur is gedaan.")
    )
    instellingen_geinformeerd_op = models.DateTimeField(
        _("verwerkingsverantwoordelijken (instellingen) geïnformeerd op"), null=True, blank=True
    )
    betrokkenen_geinformeerd_op = models.DateTimeField(_("betrokkenen geïnformeerd op"), null=True, blank=True)
    reden_niet_informeren = models.TextField(
        _("reden om betrokkenen niet te informeren"), blank=True, help_text=_("AVG art. 34 lid 3.")
    )
    # close
    maatregelen = models.TextField(_("genomen maatregelen"), blank=True)
    gesloten_op = models.DateTimeField(_("afgesloten op"), null=True, blank=True, editable=False)
    gewaarschuwd_op = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("datalek")
        verbose_name_plural = _("datalekkenregister")
        ordering = ["-ontdekt_op"]

    def __str__(self):
        return f"{self.ontdekt_op:%Y-%m-%d} {self.titel}"

    @property
    def meldtermijn(self) -> datetime.datetime:
        return self.ontdekt_op + MELDTERMIJN

    @property
    def klok_loopt(self) -> bool:
        """The 72-hour clock stops when the AP has been notified or the assessment says there is no risk."""
        return not self.ap_gemeld_op and self.risico != self.Risico.GEEN and self.fase != self.Fase.GESLOTEN


class DPIA(models.Model):
    """A data protection impact assessment of one provision, at its start, on fundamental change, periodically."""

    class Aanleiding(models.TextChoices):
        START = "start", _("Start van de voorziening")
        WIJZIGING = "wijziging", _("Fundamentele wijziging")
        PERIODIEK = "periodiek", _("Periodieke herbeoordeling")

    class Restrisico(models.TextChoices):
        LAAG = "laag", _("Laag")
        MIDDEL = "middel", _("Middel")
        HOOG = "hoog", _("Hoog (voorafgaande raadpleging AP, art. 36)")

    voorziening = models.CharField(_("voorziening"), max_length=30, choices=Voorziening.choices)
    titel = models.CharField(_("titel"), max_length=200)
    aanleiding = models.CharField(_("aanleiding"), max_length=12, choices=Aanleiding.choices)
    uitgevoerd_op = models.DateField(_("uitgevoerd op"))
    vastgesteld_op = models.DateField(_("vastgesteld op"), null=True, blank=True)
    uitkomst = models.TextField(_("uitkomst en maatregelen"))
    restrisico = models.CharField(_("restrisico"), max_length=8, choices=Restrisico.choices)
    document = models.URLField(_("document"), blank=True, help_text=_("Link naar het DPIA-rapport."))
    verantwoordelijke = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("verantwoordelijke medewerker")
    )
    volgende_herziening = models.DateField(
        _("volgende herziening uiterlijk"),
        blank=True,
        help_text=_("Leeg = vaststellingsdatum (of uitvoeringsdatum) plus de standaard herzieningstermijn."),
    )
    herinnering_voor = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("DPIA")
        verbose_name_plural = _("DPIA's")
        ordering = ["voorziening", "-uitgevoerd_op"]

    def __str__(self):
        return f"{self.get_voorziening_display()}: {self.titel} ({self.uitgevoerd_op:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        if not self.volgende_herziening:  # the standard period from the date it was adopted (or carried out)
            basis = self.vastgesteld_op or self.uitgevoerd_op
            self.volgende_herziening = plus_maanden(basis, settings.DPIA_HERZIENING_MAANDEN)
        super().save(*args, **kwargs)
