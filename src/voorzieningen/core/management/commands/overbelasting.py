from django.core.management.base import BaseCommand

from voorzieningen.core import overbelasting


class Command(BaseCommand):
    help = (
        "Show or set load shedding for all web processes: 'aan' sheds the non-essential pages now, 'uit' never "
        "sheds (whatever the queue time says), 'meten' decides from the measured queue time (the default)."
    )

    def add_arguments(self, parser):
        parser.add_argument("stand", nargs="?", choices=["aan", "uit", "meten"])
        parser.add_argument(
            "--minuten", type=int, default=60, help="'aan' and 'uit' expire by themselves after this (default 60)."
        )

    def handle(self, stand=None, minuten=60, **options):
        if stand:
            overbelasting.zet_vlag(None if stand == "meten" else stand, minuten * 60)
        huidig = overbelasting.lees_vlag() or "meten"
        self.stdout.write(f"overbelasting: {huidig}")
