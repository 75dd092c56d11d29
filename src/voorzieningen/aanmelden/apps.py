from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AanmeldenConfig(AppConfig):
    name = "voorzieningen.aanmelden"
    verbose_name = _("Centraal Aanmelden")

    def ready(self):
        from . import services  # noqa: F401 — registers the outbox channel 'aanmelden.email' in every process
