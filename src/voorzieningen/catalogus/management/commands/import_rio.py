from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from voorzieningen.catalogus import services

from ._progress import progress_bar, report


class Command(BaseCommand):
    help = "Import the catalogue from RIO open-data files (a folder) or from the RIO API (--api)."

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", help="folder with mbo_opleidingsaanbod(_cohorten).csv")
        parser.add_argument("--mutations", action="store_true", help="the files hold mutations (column MUTATIE)")
        parser.add_argument("--api", action="store_true", help="full sync from the RIO API (or its simulator)")

    def handle(self, directory=None, mutations=False, api=False, **options):
        if api:
            run = services.sync_from_api()
        elif directory:
            run = services.import_directory(Path(directory), mutation=mutations, progress=progress_bar(self.stderr))
        else:
            raise CommandError("Geef een map met importbestanden, of --api.")
        report(self, run)
        if run.uitkomst == "failed":
            raise CommandError("Import mislukt; er is niets gewijzigd.")
