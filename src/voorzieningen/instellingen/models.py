"""What an institution's admins configure for the portal: return links, allowed domains, registratiecode.

The screens to edit them are the institution admin environment; the student journey only reads them.
"""

from django.conf import settings
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


class Instellingsbeheerder(models.Model):
    """A personal admin account of one institution (at most two: every view must be traceable to a person)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="instellingsbeheerder")
    instelling = models.ForeignKey("catalogus.Instelling", models.CASCADE, related_name="beheerders")
    aangemaakt_op = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("instellingsbeheerder")
        verbose_name_plural = _("instellingsbeheerders")

    def __str__(self):
        return f"{self.user.get_full_name() or self.user.email} ({self.instelling.brin})"


class Uitnodiging(models.Model):
    """An invitation link for a new admin account, valid for seven days and usable once.

    Only a SHA-256 of the link's secret is kept, so a database read does not hand out accounts.
    """

    instelling = models.ForeignKey("catalogus.Instelling", models.CASCADE, related_name="uitnodigingen")
    naam = models.CharField(_("naam"), max_length=200)
    email = models.EmailField(_("e-mailadres"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    aangemaakt_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    aangemaakt_op = models.DateTimeField(auto_now_add=True)
    verloopt_op = models.DateTimeField(_("verloopt op"))
    gebruikt_op = models.DateTimeField(_("gebruikt op"), null=True, blank=True)
    ingetrokken_op = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    nieuwe_link_gevraagd_op = models.DateTimeField(_("nieuwe link gevraagd op"), null=True, blank=True)

    class Meta:
        verbose_name = _("uitnodiging voor een beheeraccount")
        verbose_name_plural = _("uitnodigingen voor beheeraccounts")
        ordering = ["-aangemaakt_op"]

    def __str__(self):
        return f"{self.email} ({self.instelling.brin})"
