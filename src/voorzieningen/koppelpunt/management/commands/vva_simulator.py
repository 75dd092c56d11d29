from django.core.management.base import BaseCommand

from voorzieningen.core.services import set_simulator_mode, simulator_mode

from ...simulators import GEDRAG

NAMEN = {"vo": "koppelpunt-vo", "gemeenten": "koppelpunt-gemeenten"}


class Command(BaseCommand):
    help = "Show or set how the Koppelpunt VO / Gemeenten simulator behaves (normaal, traag, onbereikbaar, dubbel)."

    def add_arguments(self, parser):
        parser.add_argument("simulator", choices=sorted(NAMEN))
        parser.add_argument("gedrag", nargs="?", choices=GEDRAG)

    def handle(self, simulator, gedrag=None, **options):
        naam = NAMEN[simulator]
        if gedrag:
            set_simulator_mode(naam, gedrag, toegestaan=GEDRAG)
        self.stdout.write(f"{naam}: {simulator_mode(naam)}")
