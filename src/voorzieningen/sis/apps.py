from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SisConfig(AppConfig):
    name = "voorzieningen.sis"
    verbose_name = _("SIS-koppelvlak")

    def ready(self):
        from . import signals  # noqa: F401 — routes every submitted application to its koppelpunt
