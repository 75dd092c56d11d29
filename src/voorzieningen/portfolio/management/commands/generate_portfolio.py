import datetime
from pathlib import Path

from django.core.management.base import BaseCommand

from voorzieningen.portfolio.generator import genereer, zorg_voor_gemeenten


class Command(BaseCommand):
    help = (
        "Generate population (per age band, with projection) and enrolment figures for the catalogue in the "
        "database, in the import format of import-portfolio. GENERATED figures, not real ones."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None)
        parser.add_argument("--out", default="var/portfolio", help="output folder")

    def handle(self, seed, today, out, **options):
        nieuw = zorg_voor_gemeenten(seed)
        if nieuw:
            self.stdout.write(f"{nieuw} gemeenten aangemaakt")
        dataset = genereer(seed, today)
        dataset.write(Path(out))
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(dataset.bevolking)} bevolkingscijfers, {len(dataset.inschrijvingen)} inschrijvingen → {out}"
            )
        )
