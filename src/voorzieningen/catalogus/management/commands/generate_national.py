import datetime
from pathlib import Path

from django.core.management.base import BaseCommand

from voorzieningen.catalogus.generator import generate


class Command(BaseCommand):
    help = "Generate the national catalogue dataset in RIO open-data format (for import-rio)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--scale", type=float, default=1.0, help="1.0 = national, 0.05 = demo slice")
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None)
        parser.add_argument("--out", default="var/rio-national", help="output folder")

    def handle(self, seed, scale, today, out, **options):
        dataset = generate(seed, scale, today)
        dataset.write(Path(out))
        self.stdout.write(
            self.style.SUCCESS(f"{len(dataset.opleidingen)} opleidingen, {len(dataset.cohorten)} cohorten → {out}")
        )
