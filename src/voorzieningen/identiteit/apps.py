from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentiteitConfig(AppConfig):
    name = "voorzieningen.identiteit"
    verbose_name = _("Identiteit (DigiD, DUO)")
