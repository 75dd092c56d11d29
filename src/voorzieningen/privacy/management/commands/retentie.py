from django.core.management.base import BaseCommand

from ... import services


class Command(BaseCommand):
    help = "Retention: report what would be warned/deleted (default), or do it with --uitvoeren."

    def add_arguments(self, parser):
        parser.add_argument("--uitvoeren", action="store_true", help="really warn and delete (not a dry run)")

    def handle(self, uitvoeren=False, **options):
        self.stdout.write(str(services.ruim_op(droog=not uitvoeren)))
