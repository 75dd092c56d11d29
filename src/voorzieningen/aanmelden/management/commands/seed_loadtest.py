"""Prepare a load test of the 1 April peak (``make loadtest``): students with drafts ready to submit.

Only for a test database with the DigiD stub on: the students are generated DUO test persons (BSNs 9999xxxxx,
see ``identiteit.duo.DuoSimulator``), so they can also log in and open the wizard. Each gets contact details
and drafts whose steps are all done, on open cohorts without access code or capacity limit, so the load test
can drive submits per second independently of the wizard. Re-running tops every student up to the number of
drafts asked for. The files written next to it tell the locustfile who and what exists.
"""

import random
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from voorzieningen.aanmelden import adres as adresregels
from voorzieningen.aanmelden.models import Aanmelder, Concept
from voorzieningen.aanmelden.services import stappen
from voorzieningen.catalogus import services as catalogus
from voorzieningen.catalogus.models import Cohort
from voorzieningen.identiteit import duo
from voorzieningen.identiteit.bsn import TEST_BSNS, is_valid_bsn
from voorzieningen.identiteit.models import User

EERSTE = 999_900_000


def bsns(aantal: int, vanaf: int = EERSTE):
    """The first ``aantal`` valid BSNs from ``vanaf`` upward, the stub's five named persons skipped."""
    nummer = vanaf
    while aantal and nummer <= 999_999_999:
        waarde = str(nummer)
        if is_valid_bsn(waarde) and waarde not in TEST_BSNS:
            aantal -= 1
            yield waarde
        nummer += 1


class Command(BaseCommand):
    help = "Seed students with drafts ready to submit, for the load test of the 1 April peak (test databases only)."

    def add_arguments(self, parser):
        parser.add_argument("--studenten", type=int, default=5000, help="How many students (default 5000).")
        parser.add_argument("--concepten", type=int, default=3, help="Drafts ready per student (default 3).")
        parser.add_argument(
            "--uitvoer", default=str(settings.VAR_DIR / "loadtest"), help="Folder for the lists the locustfile reads."
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed for the choice of cohorts.")

    def handle(self, studenten, concepten, uitvoer, seed, **options):
        if not settings.DIGID_MOCK:
            raise CommandError("Alleen in een testomgeving met de DigiD-stub (DIGID_MOCK=true).")
        vandaag = timezone.localdate()
        cohorten = list(
            Cohort.objects.filter(catalogus.open_cohorts_q(vandaag), toegangscode="", capaciteit__isnull=True)
            .filter(opleiding__in=catalogus.portal_opleidingen(), opleiding__actief=True)
            .select_related("opleiding")
            .order_by("pk")
        )
        if not cohorten:
            raise CommandError("Geen open cohorten zonder toegangscode en capaciteit: laad eerst de demo (load-demo).")
        alle_bsns = list(bsns(studenten))
        if len(alle_bsns) < studenten:
            raise CommandError(f"De reeks 9999xxxxx heeft maar {len(alle_bsns)} geldige BSN's.")
        kiezer = random.Random(seed)
        with transaction.atomic():
            aanmelders = self._aanmelders(alle_bsns)
            nieuw = self._concepten(aanmelders, cohorten, concepten, kiezer)
        self._schrijf(Path(uitvoer), alle_bsns, cohorten)
        self.stdout.write(
            f"{len(aanmelders)} studenten, {nieuw} nieuwe concepten klaar om in te dienen; lijsten in {uitvoer}"
        )

    def _aanmelders(self, alle_bsns: list[str]) -> list[Aanmelder]:
        bestaand = set(User.objects.filter(bsn__in=alle_bsns).values_list("bsn", flat=True))
        User.objects.bulk_create(User(username=User.username_for_bsn(b), bsn=b) for b in alle_bsns if b not in bestaand)
        users = {u.bsn: u for u in User.objects.filter(bsn__in=alle_bsns)}
        heeft = set(Aanmelder.objects.filter(user__bsn__in=alle_bsns).values_list("user__bsn", flat=True))
        nu = timezone.now()
        nieuw = []
        for b in alle_bsns:
            if b in heeft:
                continue
            persoon = duo.ophalen(b).persoon.as_dict()  # what the login would fetch
            persoon["adres"] = {k: v for k, v in persoon["adres"].items() if k in adresregels.VELDEN}
            nieuw.append(
                Aanmelder(
                    user=users[b],
                    persoon=persoon,
                    vooropleidingen=[],
                    duo_opgehaald_op=nu,
                    email=f"student-{b}@loadtest.example",
                    telefoon="0612345678",
                )
            )
        Aanmelder.objects.bulk_create(nieuw, batch_size=1000)
        return list(Aanmelder.objects.filter(user__bsn__in=alle_bsns).order_by("pk"))

    def _concepten(self, aanmelders, cohorten, per_student: int, kiezer: random.Random) -> int:
        open_per = {}
        for aanmelder_id, cohort_id in Concept.objects.filter(aanmelder__in=aanmelders).values_list(
            "aanmelder_id", "cohort_id"
        ):
            open_per.setdefault(aanmelder_id, set()).add(cohort_id)
        nieuw = []
        for aanmelder in aanmelders:
            heeft = open_per.get(aanmelder.pk, set())
            keuze = [c for c in kiezer.sample(cohorten, min(len(cohorten), per_student * 2)) if c.pk not in heeft]
            for cohort in keuze[: max(per_student - len(heeft), 0)]:
                concept = Concept(aanmelder=aanmelder, cohort=cohort)
                concept.voltooide_stappen = [s.slug for s in stappen(concept)][:-1]  # all but 'controleren'
                concept.toegangscode_ok = True
                nieuw.append(concept)
        Concept.objects.bulk_create(nieuw, batch_size=1000)
        return len(nieuw)

    def _schrijf(self, map_: Path, alle_bsns: list[str], cohorten: list[Cohort]) -> None:
        map_.mkdir(parents=True, exist_ok=True)
        (map_ / "studenten.txt").write_text("\n".join(alle_bsns) + "\n")
        regels = sorted({f"{c.opleiding.code}\t{c.code}\t{c.opleiding.leertraject}" for c in cohorten})
        (map_ / "cohorten.tsv").write_text("\n".join(regels) + "\n")
        woorden = sorted(
            {w.lower() for c in cohorten for w in c.opleiding.wervingsnaam.split() if len(w) >= 5 and w.isalpha()}
        )
        (map_ / "zoekwoorden.txt").write_text("\n".join(woorden) + "\n")
