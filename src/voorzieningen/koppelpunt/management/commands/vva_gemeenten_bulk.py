import datetime

from django.core.management.base import BaseCommand, CommandError

from ... import gemeenten


class Command(BaseCommand):
    help = "Run the Koppelpunt Gemeenten simulator's bulk signals for a date (1 March or 15 June); reproducible."

    def add_arguments(self, parser):
        parser.add_argument("--datum", required=True, type=datetime.date.fromisoformat)

    def handle(self, datum, **options):
        try:
            aantal = gemeenten.bulk(datum)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{aantal} signalen voor {datum}")
