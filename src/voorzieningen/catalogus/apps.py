from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogusConfig(AppConfig):
    name = "voorzieningen.catalogus"
    verbose_name = _("Catalogus (RIO)")

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from . import models, services

        # what the search shows depends on these (portal_opleidingen): a cached result list must not outlive them
        for model in (models.AangebodenOpleiding, models.Onderwijsaanbieder, models.Instelling):
            post_save.connect(services.catalogus_gewijzigd, sender=model, dispatch_uid=f"zoek-{model.__name__}")
            post_delete.connect(services.catalogus_gewijzigd, sender=model, dispatch_uid=f"zoek-weg-{model.__name__}")
        m2m_changed.connect(
            services.catalogus_gewijzigd, sender=models.Instelling.whitelist.through, dispatch_uid="zoek-whitelist"
        )
