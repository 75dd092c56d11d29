import os

from django.core.management.base import BaseCommand, CommandError

from voorzieningen.core import seizoen
from voorzieningen.core.seizoen import storingen


class Command(BaseCommand):
    help = (
        "Simulate a national application season on a fresh database: the generated catalogue, students submitting "
        "with the seasonal shape, SISes fetching and posting statuses through the SIS API, Koppelpunt MBO routing "
        "them to the VO and Gemeenten simulators, the 1 March and 15 June bulk signals. Prints a summary with the "
        "time per phase and checks the chain's invariants (PASS/FAIL); exits non-zero on a FAIL."
    )

    def add_arguments(self, parser):
        parser.add_argument("--studenten", type=int, default=200_000, help="Students (about 1.5 applications each).")
        parser.add_argument("--scale", type=float, default=1.0, help="Catalogue scale: 1.0 = national.")
        parser.add_argument("--seed", type=int, default=2027)
        parser.add_argument(
            "--processen", type=int, default=os.cpu_count() or 1, help="Forked worker processes (default: cores)."
        )
        parser.add_argument("--schooljaar", type=int, default=None, help="The September it starts (default: next).")
        parser.add_argument("--klein", action="store_true", help="A quick run: 2,000 students, catalogue scale 0.1.")
        parser.add_argument(
            "--storingen",
            default="",
            help="Faults to inject, comma-separated soort[:doel]@MM-DD[+dagen][*aantal], e.g. "
            "'onbereikbaar:vo@03-16+2,werker-gedood@03-27,postgres:afleveren@03-30'; 'chaos' = the standard set "
            f"(docs/chaos.md). Kinds: {', '.join(storingen.SOORTEN)}.",
        )
        parser.add_argument(
            "--chaos", action="store_true", help="Inject the standard set of faults (--storingen chaos)."
        )

    def handle(self, studenten, scale, seed, processen, schooljaar, klein, **options):
        if klein:
            studenten, scale = 2_000, 0.1
        if studenten < 1 or processen < 1 or scale <= 0:
            raise CommandError("--studenten, --processen en --scale moeten positief zijn.")
        try:
            fouten = storingen.lees(
                ",".join(filter(None, [options.get("storingen") or "", "chaos" * bool(options.get("chaos"))]))
            )
        except ValueError as e:
            raise CommandError(str(e)) from e

        def uitvoer(regel: str) -> None:
            self.stdout.write(regel)
            self.stdout.flush()

        instellingen = seizoen.Instellingen(
            studenten=studenten,
            scale=scale,
            seed=seed,
            processen=processen,
            schooljaar=schooljaar,
            uitvoer=uitvoer,
            storingen=fouten,
        )
        try:
            resultaat = seizoen.simuleer(instellingen)
        except seizoen.SeizoenFout as e:
            raise CommandError(str(e)) from e
        for regel in seizoen.verslag(resultaat):
            if regel.startswith("FAIL"):
                self.stdout.write(self.style.ERROR(regel))
            elif regel.startswith("PASS"):
                self.stdout.write(self.style.SUCCESS(regel))
            else:
                self.stdout.write(regel)
        if not resultaat.ok:
            failed = sum(not c.ok for c in resultaat.controles)
            raise CommandError(f"{failed} controle(s) FAIL")
