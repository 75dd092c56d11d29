from django.core.management.base import BaseCommand

from voorzieningen.conf.config import REGISTRY


class Command(BaseCommand):
    help = "List every environment variable the platform reads, with its default and meaning."

    def handle(self, *args, **options):
        for var in sorted(REGISTRY.values(), key=lambda v: v.name):
            self.stdout.write(f"{var.name}\n    default: {var.default!r}\n    {var.help_text}\n")
