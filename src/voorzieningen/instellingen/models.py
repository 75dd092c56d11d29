"""What an institution's admins configure for the portal: return links, allowed domains, registratiecode.

The screens to edit them are the institution admin environment; the student journey only reads them.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

DOMEIN = RegexValidator(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
    _("Geef een domeinnaam zonder https:// of pad, bijvoorbeeld www.roc-voorbeeld.nl."),
)


class Instellingsconfiguratie(models.Model):
    instelling = models.OneToOneField("catalogus.Instelling", models.CASCADE, related_name="configuratie")
    toegestane_domeinen = models.TextField(
        _("toegestane domeinen"),
        blank=True,
        help_text=_(
            "Eén domein per regel. Een returnUrl uit een deeplink wordt alleen gevolgd als de host dit domein "
            "is of eronder valt."
        ),
    )
    retour_url_succes = models.URLField(_("algemene retourlink na aanmelden"), max_length=500, blank=True)
    retour_url_fout = models.URLField(_("algemene retourlink bij afbreken of fout"), max_length=500, blank=True)
    registratiecode = models.CharField(
        _("registratiecode"),
        max_length=60,
        blank=True,
        help_text=_("Code die de instelling geeft aan wie zonder DigiD (zonder BSN) interesse wil melden."),
    )

    class Meta:
        verbose_name = _("instellingsconfiguratie")
        verbose_name_plural = _("instellingsconfiguraties")
        constraints = [
            models.UniqueConstraint(
                fields=["registratiecode"], condition=~models.Q(registratiecode=""), name="unieke_registratiecode"
            )
        ]

    def __str__(self):
        return str(self.instelling)

    @property
    def domeinen(self) -> list[str]:
        return [d.strip().lower().rstrip(".") for d in self.toegestane_domeinen.splitlines() if d.strip()]


class OpleidingRetourlinks(models.Model):
    """Per-programme return links; they win over the institution's general ones."""

    opleiding = models.OneToOneField("catalogus.AangebodenOpleiding", models.CASCADE, related_name="retourlinks")
    retour_url_succes = models.URLField(_("retourlink na aanmelden"), max_length=500, blank=True)
    retour_url_fout = models.URLField(_("retourlink bij afbreken of fout"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("retourlinks per opleiding")
        verbose_name_plural = _("retourlinks per opleiding")

    def __str__(self):
        return str(self.opleiding_id)
