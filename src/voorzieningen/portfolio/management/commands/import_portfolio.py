from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from voorzieningen.portfolio.importeren import importeer_map


class Command(BaseCommand):
    help = "Import bevolking.csv and/or inschrijvingen.csv from a folder (see docs/portfolioregie.md). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("map", nargs="?", default="var/portfolio")

    def handle(self, map, **options):
        folder = Path(map)
        if not folder.is_dir():
            raise CommandError(f"{folder} bestaat niet")
        resultaat = importeer_map(folder)
        for sleutel, aantal in sorted(resultaat.aantallen.items()):
            self.stdout.write(f"{sleutel}: {aantal}")
        for fout in resultaat.fouten[:50]:
            self.stderr.write(fout)
        if len(resultaat.fouten) > 50:
            self.stderr.write(f"… en nog {len(resultaat.fouten) - 50} fouten")
