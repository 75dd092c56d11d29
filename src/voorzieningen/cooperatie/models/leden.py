from django.db import models
from django.utils.translation import gettext_lazy as _


class Cooperatie(models.Model):
    """A cooperative run on this engine (the mbo cooperative, the PO/VO ICT purchasing cooperative).

    The rules in which two cooperatives differ (who may be a member, notice periods, councils, packages) are
    data on this row and its related rows, not code paths.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    naam = models.CharField(_("naam"), max_length=200)

    class Meta:
        verbose_name = _("coöperatie")
        verbose_name_plural = _("coöperaties")
        ordering = ["naam"]

    def __str__(self):
        return self.naam


class Lid(models.Model):
    """A member organisation: an mbo institution, or a PO/VO school board in the second profile."""

    cooperatie = models.ForeignKey(Cooperatie, models.PROTECT, related_name="leden", verbose_name=_("coöperatie"))
    naam = models.CharField(_("naam"), max_length=255)
    instelling = models.ForeignKey(
        "catalogus.Instelling",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="lidmaatschappen",
        verbose_name=_("mbo-instelling"),
    )
    bestuur = models.ForeignKey(
        "catalogus.Onderwijsbestuur",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="lidmaatschappen",
        verbose_name=_("onderwijsbestuur"),
    )
    begindatum = models.DateField(_("lid sinds"))
    einddatum = models.DateField(_("lid tot en met"), null=True, blank=True)

    class Meta:
        verbose_name = _("lid")
        verbose_name_plural = _("leden")
        ordering = ["naam"]

    def __str__(self):
        return self.naam
