"""Contracts the cooperative closes with suppliers on behalf of all members, after a tender.

The standard term is four years plus twice two years' extension; deviating needs weighty reasons, so the model
asks for them. Every year the cooperative checks that the contract still meets the requirements and reports to the AV.
"""

import calendar
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .leden import Cooperatie

STANDAARD_LOOPTIJD = 4
STANDAARD_VERLENGINGEN = 2
STANDAARD_VERLENGING_JAREN = 2


def plus_jaren(datum: datetime.date, jaren: int) -> datetime.date:
    """The same day ``jaren`` later; 29 February becomes 28 February in a common year."""
    try:
        return datum.replace(year=datum.year + jaren)
    except ValueError:
        return datum.replace(year=datum.year + jaren, day=28)


def min_maanden(datum: datetime.date, maanden: int) -> datetime.date:
    """The same day ``maanden`` earlier, clipped to the end of a shorter month (31 May − 3 = 28/29 February)."""
    index = datum.year * 12 + datum.month - 1 - maanden
    jaar, maand = divmod(index, 12)
    maand += 1
    return datum.replace(year=jaar, month=maand, day=min(datum.day, calendar.monthrange(jaar, maand)[1]))


class Leverancier(models.Model):
    naam = models.CharField(_("naam"), max_length=200)
    kvk_nummer = models.CharField(_("KvK-nummer"), max_length=8, blank=True)
    contactpersoon = models.CharField(_("contactpersoon"), max_length=200, blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)
    telefoon = models.CharField(_("telefoon"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("leverancier")
        verbose_name_plural = _("leveranciers")
        ordering = ["naam"]

    def __str__(self):
        return self.naam


class Contract(models.Model):
    cooperatie = models.ForeignKey(Cooperatie, models.PROTECT, related_name="contracten", verbose_name=_("coöperatie"))
    leverancier = models.ForeignKey(
        Leverancier, models.PROTECT, related_name="contracten", verbose_name=_("leverancier")
    )
    onderwerp = models.CharField(_("onderwerp"), max_length=200)
    kenmerk = models.CharField(_("kenmerk"), max_length=60, blank=True)
    diensten = models.ManyToManyField(
        "Dienst", blank=True, related_name="contracten", verbose_name=_("diensten onder dit contract")
    )
    eisen = models.TextField(
        _("eisen"), blank=True, help_text=_("Het programma van eisen of een verwijzing ernaar; hieraan wordt getoetst.")
    )
    ingangsdatum = models.DateField(_("ingangsdatum"))
    looptijd_jaren = models.PositiveSmallIntegerField(_("looptijd (jaren)"), default=STANDAARD_LOOPTIJD)
    max_verlengingen = models.PositiveSmallIntegerField(
        _("aantal mogelijke verlengingen"), default=STANDAARD_VERLENGINGEN
    )
    verlenging_jaren = models.PositiveSmallIntegerField(_("jaren per verlenging"), default=STANDAARD_VERLENGING_JAREN)
    afwijking_motivering = models.TextField(
        _("motivering afwijkende looptijd"),
        blank=True,
        help_text=_("Verplicht als de looptijd afwijkt van vier jaar plus twee keer twee jaar verlenging."),
    )
    opzegtermijn_maanden = models.PositiveSmallIntegerField(
        _("beslistermijn (maanden)"),
        default=6,
        help_text=_("Uiterlijk zoveel maanden vóór de einddatum moet besloten zijn over verlengen of opzeggen."),
    )
    herinnering_maanden = models.PositiveSmallIntegerField(
        _("herinnering (maanden)"),
        default=6,
        help_text=_("Zoveel maanden vóór de beslisdatum krijgen de medewerkers een herinnering."),
    )
    beeindigd_per = models.DateField(
        _("loopt af per"),
        null=True,
        blank=True,
        help_text=_("Ingevuld als besloten is niet (verder) te verlengen."),
    )
    laatste_herinnering_voor = models.DateField(_("laatste herinnering voor beslisdatum"), null=True, editable=False)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracten")
        ordering = ["cooperatie", "ingangsdatum"]

    def __str__(self):
        return f"{self.onderwerp} ({self.leverancier})"

    @property
    def wijkt_af(self) -> bool:
        return (self.looptijd_jaren, self.max_verlengingen, self.verlenging_jaren) != (
            STANDAARD_LOOPTIJD,
            STANDAARD_VERLENGINGEN,
            STANDAARD_VERLENGING_JAREN,
        )

    def clean(self):
        if self.looptijd_jaren == 0:
            raise ValidationError({"looptijd_jaren": _("De looptijd is minstens één jaar.")})
        if self.wijkt_af and not self.afwijking_motivering.strip():
            raise ValidationError(
                {
                    "afwijking_motivering": _(
                        "De looptijd wijkt af van vier jaar plus twee keer twee jaar: geef de zwaarwegende redenen."
                    )
                }
            )

    # The contract runs up to and including the day before the anniversary of its start.
    def einddatum_na(self, verlengingen: int) -> datetime.date:
        jaren = self.looptijd_jaren + verlengingen * self.verlenging_jaren
        return plus_jaren(self.ingangsdatum, jaren) - datetime.timedelta(days=1)

    @property
    def einddatum_initieel(self) -> datetime.date:
        return self.einddatum_na(0)

    @property
    def einddatum_maximaal(self) -> datetime.date:
        return self.einddatum_na(self.max_verlengingen)

    @property
    def benutte_verlengingen(self) -> int:
        return self.verlengingen.count()

    @property
    def einddatum(self) -> datetime.date:
        """The end date as things stand: the initial term plus the extensions decided so far (or the agreed end)."""
        return self.beeindigd_per or self.einddatum_na(self.benutte_verlengingen)

    @property
    def kan_verlengen(self) -> bool:
        return self.beeindigd_per is None and self.benutte_verlengingen < self.max_verlengingen

    @property
    def volgende_beslisdatum(self) -> datetime.date | None:
        """The day by which staff must decide: extend, or (with no extension left) re-tender. None once decided."""
        if self.beeindigd_per is not None:
            return None
        return min_maanden(self.einddatum, self.opzegtermijn_maanden)

    @property
    def herinneringsdatum(self) -> datetime.date | None:
        beslisdatum = self.volgende_beslisdatum
        return min_maanden(beslisdatum, self.herinnering_maanden) if beslisdatum else None


class Contractverlenging(models.Model):
    contract = models.ForeignKey(Contract, models.PROTECT, related_name="verlengingen", verbose_name=_("contract"))
    volgnummer = models.PositiveSmallIntegerField(_("verlenging nr."))
    besloten_op = models.DateField(_("besloten op"))
    besluit = models.CharField(_("besluit"), max_length=255, blank=True, help_text=_("Verwijzing naar het besluit."))

    class Meta:
        verbose_name = _("verlenging")
        verbose_name_plural = _("verlengingen")
        ordering = ["contract", "volgnummer"]
        constraints = [models.UniqueConstraint(fields=["contract", "volgnummer"], name="verlenging_volgnummer_uniek")]

    def __str__(self):
        return _("verlenging %(n)d") % {"n": self.volgnummer}


class Contracttoetsing(models.Model):
    """The yearly check whether the contract still meets the requirements; reported to the AV."""

    class Uitkomst(models.TextChoices):
        VOLDOET = "voldoet", _("voldoet aan de eisen")
        VOLDOET_DEELS = "voldoet_deels", _("voldoet deels (verbeterpunten afgesproken)")
        VOLDOET_NIET = "voldoet_niet", _("voldoet niet")

    contract = models.ForeignKey(Contract, models.PROTECT, related_name="toetsingen", verbose_name=_("contract"))
    jaar = models.PositiveSmallIntegerField(_("jaar"))
    uitgevoerd_op = models.DateField(_("uitgevoerd op"))
    uitkomst = models.CharField(_("uitkomst"), max_length=20, choices=Uitkomst.choices)
    bevindingen = models.TextField(_("bevindingen"))
    maatregelen = models.TextField(_("maatregelen"), blank=True)
    uitgevoerd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uitgevoerd door"),
    )

    class Meta:
        verbose_name = _("jaarlijkse toetsing")
        verbose_name_plural = _("jaarlijkse toetsingen")
        ordering = ["contract", "-jaar"]
        constraints = [models.UniqueConstraint(fields=["contract", "jaar"], name="toetsing_per_jaar")]

    def __str__(self):
        return _("toetsing %(jaar)d: %(uitkomst)s") % {"jaar": self.jaar, "uitkomst": self.get_uitkomst_display()}

    def clean(self):
        if self.uitkomst and self.uitkomst != self.Uitkomst.VOLDOET and not self.maatregelen.strip():
            raise ValidationError({"maatregelen": _("Leg vast welke maatregelen zijn afgesproken.")})
