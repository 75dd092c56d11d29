from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KoppelpuntConfig(AppConfig):
    name = "voorzieningen.koppelpunt"
    verbose_name = _("Koppelpunt MBO (VVA)")

    def ready(self):
        from . import services, signals  # noqa: F401 — registers the outbox handlers and the cache's receivers
