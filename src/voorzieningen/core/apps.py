from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "voorzieningen.core"
    verbose_name = "Core"
