from django.core.management.base import BaseCommand

from voorzieningen.core.services import SIMULATOR_MODES, simulator_mode
from voorzieningen.identiteit.duo import DuoSimulator


class Command(BaseCommand):
    help = "Show or set how the DUO simulator behaves: normaal, traag (slower than DUO_TIMEOUT) or onbereikbaar."

    def add_arguments(self, parser):
        parser.add_argument("mode", nargs="?", choices=SIMULATOR_MODES)

    def handle(self, mode=None, **options):
        if mode:
            DuoSimulator.set_mode(mode)
        self.stdout.write(f"DUO-simulator: {simulator_mode(DuoSimulator.NAME)}")
