"""Figures per municipality and per programme that the analyses compute on: population and enrolments."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from voorzieningen.catalogus.models import Leertraject


class Leeftijdsklasse(models.TextChoices):
    """CBS age bands; 10–14 is next years' mbo inflow, 15–19 today's, 20–24 the older and BBL students."""

    K0_9 = "0-9", _("0 tot 10 jaar")
    K10_14 = "10-14", _("10 tot 15 jaar")
    K15_19 = "15-19", _("15 tot 20 jaar")
    K20_24 = "20-24", _("20 tot 25 jaar")
    K25_64 = "25-64", _("25 tot 65 jaar")
    K65 = "65+", _("65 jaar en ouder")


class Bevolking(models.Model):
    """Inhabitants of a municipality in one age band on 1 January of a year: registered or projected."""

    gemeente = models.ForeignKey("core.Gemeente", models.CASCADE, related_name="+", verbose_name=_("gemeente"))
    jaar = models.PositiveSmallIntegerField(_("jaar"))
    leeftijdsklasse = models.CharField(_("leeftijdsklasse"), max_length=5, choices=Leeftijdsklasse.choices)
    aantal = models.PositiveIntegerField(_("aantal inwoners"))
    prognose = models.BooleanField(
        _("prognose"), default=False, help_text=_("Aan: een verwachting (prognose), uit: een geregistreerd aantal.")
    )
    bron = models.CharField(
        _("bron"), max_length=50, default="gegenereerd", help_text=_("Bijv. CBS-regionale prognose, of gegenereerd.")
    )

    class Meta:
        verbose_name = _("bevolkingscijfer")
        verbose_name_plural = _("bevolkingscijfers")
        constraints = [
            models.UniqueConstraint(fields=["gemeente", "jaar", "leeftijdsklasse"], name="portfolio_bevolking_uniek")
        ]
        indexes = [models.Index(fields=["jaar", "leeftijdsklasse"])]

    def __str__(self):
        return f"{self.gemeente_id} {self.jaar} {self.leeftijdsklasse}: {self.aantal}"


class Inschrijving(models.Model):
    """Students enrolled on 1 October in one programme (crebo, leertraject) at one location in one school year.

    Keyed by codes rather than by the offered programme: a programme that stopped is gone from the catalogue, but
    its enrolment history is exactly what the early warning needs.
    """

    schooljaar = models.PositiveSmallIntegerField(_("schooljaar"), help_text=_("Het beginjaar: 2025 is 2025/2026."))
    instelling = models.ForeignKey(
        "catalogus.Instelling", models.CASCADE, related_name="+", verbose_name=_("instelling")
    )
    onderwijslocatiecode = models.CharField(_("onderwijslocatiecode"), max_length=7)
    gemeentecode = models.CharField(_("gemeentecode"), max_length=4, db_index=True)
    kwalificatie = models.ForeignKey(
        "catalogus.Kwalificatie", models.CASCADE, related_name="+", verbose_name=_("kwalificatie")
    )
    leertraject = models.CharField(_("leertraject"), max_length=8, choices=Leertraject.choices)
    aantal = models.PositiveIntegerField(_("aantal studenten"))
    bron = models.CharField(_("bron"), max_length=50, default="import", help_text=_("Bijv. DUO, of gegenereerd."))

    class Meta:
        verbose_name = _("inschrijving")
        verbose_name_plural = _("inschrijvingen")
        constraints = [
            models.UniqueConstraint(
                fields=["schooljaar", "instelling", "onderwijslocatiecode", "kwalificatie", "leertraject"],
                name="portfolio_inschrijving_uniek",
            )
        ]
        indexes = [models.Index(fields=["schooljaar"])]

    def __str__(self):
        return f"{self.schooljaar} {self.onderwijslocatiecode} {self.kwalificatie_id} {self.leertraject}: {self.aantal}"
