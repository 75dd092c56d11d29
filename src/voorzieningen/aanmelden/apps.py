from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AanmeldenConfig(AppConfig):
    name = "voorzieningen.aanmelden"
    verbose_name = _("Centraal Aanmelden")
