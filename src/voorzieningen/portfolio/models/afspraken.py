"""Binding agreements of the association, decided by a qualified majority of its member institutions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Lidmaatschap(models.Model):
    """Membership of the association (MBO Raad): who has a vote on binding agreements, on which days."""

    instelling = models.OneToOneField(
        "catalogus.Instelling", models.CASCADE, related_name="+", verbose_name=_("instelling")
    )
    lid_sinds = models.DateField(_("lid sinds"))
    lid_tot = models.DateField(_("lid tot en met"), null=True, blank=True)

    class Meta:
        verbose_name = _("lidmaatschap vereniging")
        verbose_name_plural = _("lidmaatschappen vereniging")
        ordering = ["instelling__naam"]

    def __str__(self):
        return str(self.instelling)


class BindendeAfspraak(models.Model):
    """A proposed binding agreement about the portfolio, put to the vote of the member institutions."""

    class Status(models.TextChoices):
        CONCEPT = "concept", _("Concept")
        IN_STEMMING = "in_stemming", _("In stemming")
        AANGENOMEN = "aangenomen", _("Aangenomen")
        VERWORPEN = "verworpen", _("Verworpen")
        GEEN_BESLUIT = "geen_besluit", _("Geen besluit (quorum niet gehaald of geen stemgerechtigden)")

    titel = models.CharField(_("titel"), max_length=200)
    tekst = models.TextField(_("tekst van de afspraak"))
    stemdatum = models.DateField(_("datum van de stemming"))
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.CONCEPT)
    regel = models.JSONField(_("toegepaste besluitregel"), default=dict, blank=True)
    telling = models.JSONField(_("telling"), default=dict, blank=True)
    uitslag_tekst = models.TextField(_("uitleg van de uitslag"), blank=True)
    vastgesteld_op = models.DateTimeField(_("vastgesteld op"), null=True, blank=True)
    vastgesteld_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("door")
    )

    class Meta:
        verbose_name = _("bindende afspraak")
        verbose_name_plural = _("bindende afspraken")
        ordering = ["-stemdatum", "-pk"]

    def __str__(self):
        return self.titel


class Stem(models.Model):
    class Keuze(models.TextChoices):
        VOOR = "voor", _("Voor")
        TEGEN = "tegen", _("Tegen")
        ONTHOUDING = "onthouding", _("Onthouding")

    afspraak = models.ForeignKey(BindendeAfspraak, models.CASCADE, related_name="stemmen")
    instelling = models.ForeignKey(
        "catalogus.Instelling", models.PROTECT, related_name="+", verbose_name=_("instelling")
    )
    keuze = models.CharField(_("stem"), max_length=10, choices=Keuze.choices)
    geregistreerd_op = models.DateTimeField(_("geregistreerd op"), auto_now=True)

    class Meta:
        verbose_name = _("stem")
        verbose_name_plural = _("stemmen")
        constraints = [models.UniqueConstraint(fields=["afspraak", "instelling"], name="portfolio_stem_uniek")]

    def __str__(self):
        return f"{self.instelling}: {self.get_keuze_display()}"
