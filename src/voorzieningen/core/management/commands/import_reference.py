from django.core.management.base import BaseCommand, CommandError

from voorzieningen.catalogus.services import import_reference_catalogus
from voorzieningen.core import reference


class Command(BaseCommand):
    help = "Import the public reference data (BRP land/gemeente tables, geo, crebo list, institutions). Idempotent."

    def handle(self, **options):
        directory = reference.data_dir()
        if directory is None:
            raise CommandError("REFERENCE_DATA_DIR is niet ingesteld of bestaat niet; er is niets geïmporteerd.")
        results = {"landen": reference.import_landen(directory), "gemeenten": reference.import_gemeenten(directory)}
        results.update(import_reference_catalogus())
        for name, counts in results.items():
            self.stdout.write(f"{name}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
