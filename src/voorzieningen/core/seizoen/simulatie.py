"""The runner: set the country up, play the season day by day, check the chain, time every phase.

A day, in simulated local time: 06:00 the municipalities' bulk run (1 March, 15 June), 12:00 the VO side's list
(15 January, 15 April), 07:00–22:30 the students, 23:00 the SISes fetch (events, queue, full application,
acknowledgement), 23:20 they post that day's status messages, 23:45 the outbox workers deliver what is due.
"""

import collections
import datetime
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from voorzieningen.core import gestolen

from . import controles, omgeving, storingen, taken
from .omgeving import BASIS, gesimuleerde_omgeving
from .plan import ILT_VO, Catalogus, CohortInfo, Plan, Seizoen, maak_plan, moment_op
from .storingen import Overzicht, Storing
from .werkers import Werkers

DOEL_SECONDEN = 600  # the target: a national season in under 10 minutes
BSN_START = 300_000_000


class SeizoenFout(Exception):
    """The season cannot start (e.g. the database already holds applications)."""


@dataclass
class Instellingen:
    studenten: int = 200_000
    scale: float = 1.0
    seed: int = 2027
    processen: int = field(default_factory=lambda: os.cpu_count() or 1)
    schooljaar: int | None = None  # the September the school year starts; default: the coming one
    uitvoer: Callable[[str], None] = print
    voortgang: bool = True
    storingen: list[Storing] = field(default_factory=list)  # faults to inject (storingen.py, docs/chaos.md)

    def seizoen(self) -> Seizoen:
        if self.schooljaar:
            return Seizoen(self.schooljaar)
        vandaag = datetime.date.today()
        return Seizoen(vandaag.year + 1 if vandaag.month >= 9 else vandaag.year)


@dataclass
class Fase:
    seconden: float = 0.0
    bezig: float = 0.0  # summed busy time of the processes (≈ CPU for the platform's work)
    aantal: int = 0  # what was done (submissions, fetches, messages, deliveries)
    eenheid: str = ""


@dataclass
class Verloop:
    """What the simulated actors saw, to reconcile with the database afterwards."""

    ca: dict[int, str] = field(default_factory=dict)  # plan application → caKetenId
    cohort: dict[int, int] = field(default_factory=dict)  # plan application → cohort it was submitted to
    niet_ingediend: list[int] = field(default_factory=list)
    uitgeweken: int = 0
    nieuwe_studenten: int = 0
    ingetrokken: int = 0
    opgehaald: list[tuple[str, str]] = field(default_factory=list)  # (koppelpuntcode, caKetenId)
    gebeurtenissen: int = 0
    foutmeldingen: int = 0
    paginas: int = 0
    berichten: dict[str, tuple[int, int]] = field(default_factory=dict)  # berichtId → (application, step)
    verwerkt: set[str] = field(default_factory=set)
    herhaald: int = 0
    niet_verstuurd: int = 0  # planned statuses whose application never reached a SIS
    afgeleverd: int = 0
    mails: int = 0
    vo_lijst: int = 0
    bulk: dict[datetime.date, int] = field(default_factory=dict)
    fouten: int = 0
    foutteksten: list[str] = field(default_factory=list)
    onderbroken: int = 0  # deliveries interrupted by the database going away
    werkers_vervangen: list[tuple] = field(default_factory=list)  # (step, index, pid, exit code) of killed ones
    niet_ingezet: list[str] = field(default_factory=list)  # configured faults that could not be injected here


@dataclass
class Resultaat:
    instellingen: Instellingen
    seizoen: Seizoen
    plan: Plan
    catalogus: Catalogus
    verloop: Verloop
    fases: dict[str, Fase]
    sleutels: dict[str, str]
    totaal: float = 0.0
    gestolen: str = ""  # CPU time the shared host gave to others meanwhile (core/gestolen.py)
    controles: list = field(default_factory=list)
    storingen: Overzicht | None = None  # what the injected faults did (None: a season without faults)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.controles)


# --- setting the country up ---------------------------------------------------------------------------------


def _controleer_leeg() -> None:
    from voorzieningen.aanmelden.models import Aanmelding
    from voorzieningen.koppelpunt.models import Routering, SimulatorOntvangst

    if Aanmelding.objects.exists() or Routering.objects.exists() or SimulatorOntvangst.objects.exists():
        raise SeizoenFout(
            "Deze database bevat al aanmeldingen of statusberichten. Een seizoen telt en controleert de hele keten, "
            "dus het draait op een lege database (bijv. DATABASE_URL=postgres://…/seizoen na migrate)."
        )


def _importeer_catalogus(inst: Instellingen, seizoen: Seizoen) -> dict:
    from voorzieningen.catalogus import services as catalogus
    from voorzieningen.catalogus.generator import generate

    dataset = generate(inst.seed, inst.scale, seizoen.catalogus_peildatum)
    with tempfile.TemporaryDirectory(prefix="seizoen-rio-") as tmp:
        dataset.write(Path(tmp))
        run = catalogus.import_directory(Path(tmp))
    if run.uitkomst not in ("success", "partial"):
        raise SeizoenFout(f"import van de catalogus mislukt: {run.melding}")
    return {"opleidingen": len(dataset.opleidingen), "cohorten": len(dataset.cohorten), "uitkomst": run.uitkomst}


def _richt_referentie_in() -> str:
    """Routing to municipalities needs pc4 → gemeente: the reference table, or a stand-in from the catalogue."""
    from voorzieningen.catalogus.models import Onderwijslocatie
    from voorzieningen.core import reference
    from voorzieningen.core.models import Postcodegebied

    if Postcodegebied.objects.exists():
        return "aanwezig"
    directory = reference.data_dir()
    if directory is not None:
        reference.import_gemeenten(directory)
        return "uit REFERENCE_DATA_DIR"
    rijen = {
        postcode[:4]: gemeente
        for postcode, gemeente in Onderwijslocatie.objects.exclude(gemeentecode="").values_list(
            "postcode", "gemeentecode"
        )
        if len(postcode) >= 4 and postcode[:4].isdigit()
    }
    Postcodegebied.objects.bulk_create(Postcodegebied(pc4=p, gemeentecode=g) for p, g in rijen.items())
    return "uit de locaties van de catalogus (geen REFERENCE_DATA_DIR)"


def _richt_koppelpunten_in(seizoen: Seizoen) -> tuple[dict[str, str], dict[int, list[str]]]:
    """A default koppelpunt per institution, an extra one for the second aanbieder of every fourth institution
    that has two; a SIS key for each (as the institution admin makes them)."""
    from voorzieningen.catalogus.models import Instelling, RioType
    from voorzieningen.sis import services as sis
    from voorzieningen.sis.models import Koppelpunt

    vanaf = moment_op(seizoen.begin - datetime.timedelta(days=1), 0)
    sleutels, per_instelling = {}, {}
    instellingen = (
        Instelling.objects.filter(aanbieders__rio_type=RioType.CENTRAAL_AANMELDEN_MBO)
        .distinct()
        .order_by("brin")
        .prefetch_related("aanbieders")
    )
    with transaction.atomic():
        for i, instelling in enumerate(instellingen):
            koppelpunten = list(instelling.koppelpunten.filter(actief=True))
            if not any(k.standaard for k in koppelpunten):
                koppelpunten.append(
                    Koppelpunt.objects.create(
                        instelling=instelling,
                        code=instelling.brin,
                        naam=instelling.naam,
                        standaard=True,
                        geldig_vanaf=vanaf,
                    )  # fmt: skip
                )
            aanbieders = sorted(
                (a for a in instelling.aanbieders.all() if a.rio_type == RioType.CENTRAAL_AANMELDEN_MBO),
                key=lambda a: a.code,
            )
            if len(koppelpunten) == 1 and len(aanbieders) > 1 and i % 4 == 0:
                extra = Koppelpunt.objects.create(
                    instelling=instelling, code=f"{instelling.brin}-VAK", naam=f"{instelling.naam} (vakcollege)",
                    geldig_vanaf=vanaf,
                )  # fmt: skip
                extra.aanbieders.add(aanbieders[1])
                koppelpunten.append(extra)
            per_instelling[instelling.pk] = sorted(k.code for k in koppelpunten)
            for koppelpunt in koppelpunten:
                sleutels[koppelpunt.code] = sis.maak_sleutel(koppelpunt)
    return sleutels, per_instelling


def _richt_vva_in(catalogus: Catalogus) -> int:
    """The ILT list for Koppelpunt VO and one endpoint per municipality (the Gemeenten simulator)."""
    from voorzieningen.koppelpunt.models import GemeenteEndpoint, VoIltCode

    for code, (_niveau, omschrijving) in ILT_VO.items():
        VoIltCode.objects.get_or_create(code=code, defaults={"omschrijving": omschrijving})
    codes = set(catalogus.pc4_gemeente.values()) | set(catalogus.gemeenten or ())
    bestaand = set(GemeenteEndpoint.objects.values_list("gemeentecode", flat=True))
    GemeenteEndpoint.objects.bulk_create(
        GemeenteEndpoint(gemeentecode=c, url=f"{BASIS}/simulators/koppelpunt-gemeenten/{c}/berichten")
        for c in sorted(codes - bestaand)
    )
    return len(codes)


def lees_catalogus() -> Catalogus:
    from voorzieningen.catalogus import services as catalogus
    from voorzieningen.catalogus.models import Cohort, Onderwijslocatie
    from voorzieningen.core.models import Gemeente, Postcodegebied

    rijen = Cohort.objects.filter(opleiding__in=catalogus.portal_opleidingen().filter(actief=True)).values_list(
        "pk", "opleiding__leertraject", "opleiding__aanbieder__instelling_id", "opleiding__aanbieder_id",
        "opleiding__locatie__gemeentecode", "aanmelden_vanaf", "aanmelden_tot", "einddatum", "status", "toegangscode",
    ).order_by("pk")  # fmt: skip
    cohorten = [
        CohortInfo(pk, lt, inst, aanb, gem or "", vanaf, tot, einde, status == Cohort.Status.OPEN, code)
        for pk, lt, inst, aanb, gem, vanaf, tot, einde, status, code in rijen
    ]
    per_gemeente = collections.defaultdict(list)
    for c in cohorten:
        if c.gemeentecode:
            per_gemeente[c.gemeentecode].append(c)
    woonplaatsen = [
        (postcode[:4], plaats)
        for postcode, plaats in Onderwijslocatie.objects.order_by("code").values_list("postcode", "plaatsnaam")
        if len(postcode) == 6 and postcode[:4].isdigit() and plaats
    ]
    gemeenten = frozenset(Gemeente.objects.filter(actueel=True).values_list("code", flat=True))
    return Catalogus(
        cohorten=cohorten,
        per_gemeente=dict(per_gemeente),
        woonplaatsen=woonplaatsen,
        pc4_gemeente=dict(Postcodegebied.objects.values_list("pc4", "gemeentecode")),
        gemeenten=gemeenten or None,
    )


# --- the season ------------------------------------------------------------------------------------------------


class Draaiboek:
    """The day loop. Keeps the tallies in a :class:`Verloop` and the wall time per phase."""

    def __init__(self, inst, seizoen, plan, catalogus, sleutels, per_instelling, fases, werkers):
        self.inst, self.seizoen, self.plan, self.catalogus = inst, seizoen, plan, catalogus
        self.sleutels, self.per_instelling, self.fases, self.werkers = sleutels, per_instelling, fases, werkers
        self.verloop = Verloop()
        self.n = werkers.aantal
        self.cohort_info = {c.id: c for c in catalogus.cohorten}
        self.eigenaar = self._verdeel_koppelpunten()
        self.ca_koppelpunt: dict[str, str] = {}
        self.dag: datetime.date | None = None
        self.storingen = list(inst.storingen)
        self.gedaan: set[Storing] = set()  # kills and restarts happen once, on the first day they can
        self.gewapend: Storing | None = None
        self.herstart = False
        self._per_dag()

    def _verdeel_koppelpunten(self) -> dict[str, int]:
        """Each SIS runs in one process; the busiest first onto the least loaded process."""
        last = collections.Counter()
        for a in self.plan.aanmeldingen:
            for code in self.per_instelling.get(self.cohort_info[a.cohort_id].instelling_id, []):
                last[code] += 1
        belasting, eigenaar = [0] * self.n, {}
        for code in sorted(self.sleutels, key=lambda c: (-last[c], c)):
            i = belasting.index(min(belasting))
            eigenaar[code] = i
            belasting[i] += last[code] + 1
        return eigenaar

    def _per_dag(self) -> None:
        self.studentdag = collections.defaultdict(list)
        self.statusdag = collections.defaultdict(list)
        self.foutdag = collections.defaultdict(list)
        for student in self.plan.studenten:
            eigen = [self.plan.aanmeldingen[nr] for nr in student.aanmeldingen]
            if not eigen:
                continue
            eerste = eigen[0]
            self.studentdag[eerste.dag].append(("nieuw", student.nr, eerste.moment - datetime.timedelta(minutes=10)))
            for a in eigen:
                self.studentdag[a.dag].append(("aanmelding", a.nr, a.moment))
                if a.foutmelding:
                    self.foutdag[a.dag].append(a.nr)
                if a.intrekking:
                    moment = moment_op(a.intrekking, 18) + datetime.timedelta(microseconds=a.nr)
                    self.studentdag[a.intrekking].append(("intrekking", a.nr, moment))
                for i, stap in enumerate(a.stappen):
                    self.statusdag[stap.dag].append((a.nr, i))

    def _actief(self, soort: str, delen: dict) -> dict[int, storingen.Actief]:
        """The faults in force for each process's share of this step today."""
        per_fase = {"aanmelden": "studenten", "sis-statussen": "statussen", "afleveren": "afleveren"}
        kwijt_in = {"status": "statussen", "bevestiging": "ophalen", "aflevering": "afleveren"}
        basis: dict = {"kwijt": [], "time_out": 0, "dubbel_afleveren": False}
        eenmalig: dict[int, dict] = {}
        grootste = max(delen, key=lambda i: len(delen[i]) if isinstance(delen[i], list) else 0)
        for s in self.storingen:
            vandaag = self.dag in s.dagen_in(self.seizoen)
            if s.soort == "antwoord-kwijt" and vandaag and kwijt_in[s.doel] == soort:
                basis["kwijt"].append((s.doel, s.aantal))
            elif s.soort == "time-out" and vandaag and soort in ("ophalen", "statussen"):
                basis["time_out"] += s.aantal
            elif s.soort == "dubbel-afleveren" and vandaag and soort == "afleveren":
                basis["dubbel_afleveren"] = True
            elif s.soort == "werker-gedood" and soort == "afleveren" and s not in self.gedaan:
                if self.dag >= s.datum(self.seizoen) and self.n > 1:
                    eenmalig.setdefault(grootste, {})["dood_na"] = s.aantal
                    self.gewapend = s
            elif s.soort == "postgres" and per_fase[s.doel] == soort and s not in self.gedaan:
                if self.dag >= s.datum(self.seizoen):
                    eenmalig.setdefault(grootste, {})["postgres"] = True
                    self.gedaan.add(s)
                    self.herstart = True
        basis["kwijt"] = tuple(basis["kwijt"])
        return {i: storingen.Actief(**basis, **eenmalig.get(i, {})) for i in delen}

    def _fase(self, naam: str, soort: str, delen: dict, eenheid: str = "") -> list:
        begin = time.perf_counter()
        opnieuw = None
        self.gewapend, self.herstart = None, False
        if self.storingen:
            actief = self._actief(soort, delen)
            delen = {i: storingen.MetStoringen(actief[i], payload) for i, payload in delen.items()}
            if soort == "afleveren":
                opnieuw = storingen.zonder_dood  # a killed worker's share is done again by its replacement
        vervangen = len(self.werkers.vervangen)
        resultaten, bezig = self.werkers.voer_uit(soort, delen, opnieuw=opnieuw)
        if len(self.werkers.vervangen) > vervangen and self.gewapend is not None:
            self.gedaan.add(self.gewapend)
        if self.herstart:
            storingen.wacht_op_database()  # the runner's own connection went down with the restart
        fase = self.fases.setdefault(naam, Fase(eenheid=eenheid))
        fase.seconden += time.perf_counter() - begin
        fase.bezig += bezig
        for r in resultaten:
            self.verloop.onderbroken += r.get("onderbroken", 0)
            self.verloop.fouten += r.get("fouten", 0)
            ruimte = 20 - len(self.verloop.foutteksten)
            if ruimte > 0:
                self.verloop.foutteksten += r.get("foutteksten", [])[:ruimte]
        return resultaten

    def speel(self) -> Verloop:
        dagen = self.seizoen.dagen()
        begin = time.perf_counter()
        for i, dag in enumerate(dagen):
            self._dag(dag, laatste=i == len(dagen) - 1)
            if self.inst.voortgang and (dag.day == 1 or i == len(dagen) - 1):
                self.inst.uitvoer(
                    f"  {dag:%Y-%m-%d}: {len(self.verloop.ca):,} ingediend, {len(self.verloop.opgehaald):,} opgehaald,"
                    f" {len(self.verloop.verwerkt):,} statusberichten, {self.verloop.afgeleverd:,} afgeleverd"
                    f" ({time.perf_counter() - begin:,.0f} s)"
                )
        self._leeg_outbox(dagen[-1])
        return self.verloop

    def _ontvangers(self, dag: datetime.date) -> None:
        """Switch the simulators as the faults say: down (503) or 'dubbel' (502) from the first day, normal after."""
        for s in self.storingen:
            if s.soort in ("onbereikbaar", "dubbel"):
                dagen = s.dagen_in(self.seizoen)
                if dag == dagen[0]:
                    storingen.zet_ontvanger(storingen.ONTVANGERS[s.doel], s.soort)
                elif dag == dagen[-1] + datetime.timedelta(days=1):
                    storingen.zet_ontvanger(storingen.ONTVANGERS[s.doel], "normaal")

    def _dag(self, dag: datetime.date, laatste: bool) -> None:
        self.dag = dag
        if self.storingen:
            self._ontvangers(dag)
        if dag in (self.seizoen.eerste_maart, self.seizoen.vijftien_juni):
            self._bulk(dag)
        if dag in (self.seizoen.vo_lijst, self.seizoen.vo_update):
            self._vo_lijst(dag)
        actieve = self._studenten(dag)
        self._ophalen(dag, actieve, alle=laatste or dag.weekday() == 6)
        self._statussen(dag)
        self._afleveren(moment_op(dag, 23, 45))

    def _studenten(self, dag) -> set[int]:
        """Returns the institutions that got a submission or a withdrawal today (their SISes fetch tonight)."""
        delen = collections.defaultdict(list)
        for gebeurtenis in sorted(self.studentdag.pop(dag, []), key=lambda g: g[2]):
            soort, nr = gebeurtenis[0], gebeurtenis[1]
            student = nr if soort == "nieuw" else self.plan.aanmeldingen[nr].student
            if soort == "intrekking":
                ca = self.verloop.ca.get(nr)
                if ca is None:
                    continue
                gebeurtenis = (*gebeurtenis, ca)
            delen[student % self.n].append(gebeurtenis)
        if not delen:
            return set()
        actieve = set()
        for r in self._fase("aanmelden", "studenten", dict(delen), "aanmeldingen"):
            self.verloop.nieuwe_studenten += r["nieuw"]
            self.verloop.uitgeweken += r["uitgeweken"]
            self.verloop.ingetrokken += r["ingetrokken"]
            self.verloop.niet_ingediend += r["niet_ingediend"]
            for nr, ca, cohort_id in r["ingediend"]:
                self.verloop.ca[nr] = ca
                self.verloop.cohort[nr] = cohort_id
                actieve.add(self._instelling(cohort_id))
        for gebeurtenis in [g for deel in delen.values() for g in deel if g[0] == "intrekking"]:
            actieve.add(self._instelling(self.verloop.cohort[gebeurtenis[1]]))
        self.fases["aanmelden"].aantal = len(self.verloop.ca)
        return actieve

    def _instelling(self, cohort_id: int) -> int:
        """An alternative cohort the student moved to may lie outside the plan's list (e.g. an inactive programme)."""
        info = self.cohort_info.get(cohort_id)
        if info is None:
            from voorzieningen.catalogus.models import Cohort

            instelling = Cohort.objects.values_list("opleiding__aanbieder__instelling_id", flat=True).get(pk=cohort_id)
            return instelling
        return info.instelling_id

    def _ophalen(self, dag, actieve: set, alle: bool) -> None:
        if alle:
            codes = sorted(self.sleutels)
        else:
            codes = sorted({c for inst in actieve for c in self.per_instelling.get(inst, [])})
        if not codes:
            return
        foutmeldingen = {self.verloop.ca[nr] for nr in self.foutdag.pop(dag, []) if nr in self.verloop.ca}
        delen = collections.defaultdict(list)
        for j, code in enumerate(codes):
            delen[self.eigenaar[code]].append((code, moment_op(dag, 23) + datetime.timedelta(seconds=10 * j),
                                               foutmeldingen))  # fmt: skip
        for r in self._fase("sis-ophalen", "ophalen", dict(delen), "aanmeldingen opgehaald"):
            self.verloop.opgehaald += r["opgehaald"]
            self.verloop.gebeurtenissen += r["gebeurtenissen"]
            self.verloop.foutmeldingen += r["foutmeldingen"]
            self.verloop.paginas += r["paginas"]
            for code, ca in r["opgehaald"]:
                self.ca_koppelpunt.setdefault(ca, code)
        self.fases["sis-ophalen"].aantal = len(self.verloop.opgehaald)

    def _statussen(self, dag) -> None:
        delen = collections.defaultdict(list)
        moment = moment_op(dag, 23, 20)
        for j, (nr, i) in enumerate(sorted(self.statusdag.pop(dag, []))):
            ca = self.verloop.ca.get(nr)
            if ca is None:  # never submitted (every cohort tried was full or closed): nothing for a SIS to say
                continue
            code = self.ca_koppelpunt.get(ca)
            if code is None:
                self.verloop.niet_verstuurd += 1
                continue
            stap = self.plan.aanmeldingen[nr].stappen[i]
            bericht_id = f"{code}-{nr}-{i}"
            self.verloop.berichten[bericht_id] = (nr, i)
            delen[self.eigenaar[code]].append(
                (
                    code,
                    ca,
                    bericht_id,
                    stap.status,
                    stap.correctie,
                    stap.toelichting,
                    stap.opnieuw,
                    moment + datetime.timedelta(milliseconds=j),
                )
            )
        if not delen:
            return
        for r in self._fase("sis-statussen", "statussen", dict(delen), "statusberichten"):
            self.verloop.verwerkt.update(r["verwerkt"])
            self.verloop.herhaald += r["herhaald"]
        self.fases["sis-statussen"].aantal = len(self.verloop.verwerkt) + self.verloop.herhaald

    def _afleveren(self, moment) -> int:
        from voorzieningen.core.models import OutboxBericht

        if not OutboxBericht.objects.filter(status=OutboxBericht.Status.WACHTEND, volgende_poging__lte=moment).exists():
            return 0  # a quiet day: no need to wake the workers
        resultaten = self._fase(
            "afleveren", "afleveren", {i: (i, self.n, moment) for i in range(self.n)}, "berichten afgeleverd"
        )
        aantal = sum(r["afgeleverd"] for r in resultaten)
        self.verloop.afgeleverd += aantal
        self.verloop.mails += sum(r["mails"] for r in resultaten)
        if omgeving.TellendePost.gedeeld is not None:  # counted by the 'mail server', also what a killed one sent
            self.verloop.mails = omgeving.TellendePost.gedeeld.value
        self.fases["afleveren"].aantal = self.verloop.afgeleverd
        return aantal

    def _leeg_outbox(self, laatste_dag) -> None:
        """After the season: what still waits (a retry after a failure) is retried hourly, for at most two days."""
        from voorzieningen.core.models import OutboxBericht

        moment = moment_op(laatste_dag, 23, 45)
        for naam in storingen.ONTVANGERS.values() if self.storingen else ():
            storingen.zet_ontvanger(naam, "normaal")
        for _ in range(48):
            if not OutboxBericht.objects.filter(status=OutboxBericht.Status.WACHTEND).exists():
                return
            moment += datetime.timedelta(hours=1)
            self._afleveren(moment)

    def _bulk(self, dag) -> None:
        from voorzieningen.koppelpunt import tasks

        from .omgeving import KLOK

        KLOK.zet(moment_op(dag, 6))
        begin = time.perf_counter()
        self.verloop.bulk[dag] = tasks.gemeenten_bulk(dag.isoformat())  # what the beat runs daily at 06:00
        fase = self.fases.setdefault("gemeenten-bulk", Fase(eenheid="signalen"))
        fase.seconden += time.perf_counter() - begin
        fase.bezig += time.perf_counter() - begin
        fase.aantal += self.verloop.bulk[dag]

    def _vo_lijst(self, dag) -> None:
        rijen = []
        update = dag == self.seizoen.vo_update
        for s in self.plan.studenten:
            gemeente = self.catalogus.pc4_gemeente.get(s.adres.postcode[:4], "")
            if s.beoogd and gemeente and (not update or s.niet_meer_beoogd):
                rij = {"pgn": s.bsn, "postcode": s.adres.postcode, "gemeentecode": gemeente,
                       "brinVo": s.vooropleidingen[0].brin, "beoogd": not update}  # fmt: skip
                if update:
                    rij["reden"] = "Gaat naar havo 4"
                rijen.append(rij)
        for e in self.plan.extra_beoogden:
            if e.gemeentecode and (not update or e.niet_meer_beoogd):
                rij = {"pgn": e.pgn, "postcode": e.postcode, "gemeentecode": e.gemeentecode, "brinVo": e.brin_vo,
                       "beoogd": not update}  # fmt: skip
                if update:
                    rij["reden"] = "Blijft in het voortgezet onderwijs"
                rijen.append(rij)
        moment = moment_op(dag, 12)
        blokken = [rijen[i : i + 2000] for i in range(0, len(rijen), 2000)]
        delen = collections.defaultdict(list)
        for i, blok in enumerate(blokken):
            delen[i % self.n].append(blok)
        # one process posts its blocks one after the other: a task per block would serialise on the barrier
        for ronde in range(max((len(v) for v in delen.values()), default=0)):
            opdrachten = {w: (blokken_w[ronde], moment) for w, blokken_w in delen.items() if ronde < len(blokken_w)}
            for r in self._fase("vo-lijsten", "vo_lijst", opdrachten, "rijen"):
                self.verloop.vo_lijst += r["verwerkt"]
        if "vo-lijsten" in self.fases:
            self.fases["vo-lijsten"].aantal = self.verloop.vo_lijst


def simuleer(inst: Instellingen) -> Resultaat:
    seizoen = inst.seizoen()
    fases: dict[str, Fase] = {}
    uit = inst.uitvoer
    start = time.perf_counter()
    steal = gestolen.teller()

    def fase(naam: str, eenheid: str = ""):
        f = fases.setdefault(naam, Fase(eenheid=eenheid))
        return f

    _controleer_leeg()
    uit(f"Seizoen {seizoen.begin:%d-%m-%Y} – {seizoen.einde:%d-%m-%Y}: {inst.studenten:,} studenten, catalogus-schaal"
        f" {inst.scale}, seed {inst.seed}, {inst.processen} proces(sen)")  # fmt: skip

    t = time.perf_counter()
    info = _importeer_catalogus(inst, seizoen)
    f = fase("catalogus", "cohorten")
    f.seconden = f.bezig = time.perf_counter() - t
    f.aantal = info["cohorten"]
    uit(f"  catalogus: {info['opleidingen']:,} opleidingen, {info['cohorten']:,} cohorten ({f.seconden:.1f} s)")

    t = time.perf_counter()
    referentie = _richt_referentie_in()
    sleutels, per_instelling = _richt_koppelpunten_in(seizoen)
    catalogus = lees_catalogus()
    gemeenten = _richt_vva_in(catalogus)
    f = fase("inrichting", "koppelpunten")
    f.seconden = f.bezig = time.perf_counter() - t
    f.aantal = len(sleutels)
    uit(f"  inrichting: {len(sleutels)} koppelpunten met een SIS-sleutel, {gemeenten} gemeente-endpoints,"
        f" postcodegebieden {referentie} ({f.seconden:.1f} s)")  # fmt: skip

    t = time.perf_counter()
    mbo_brins = sorted({brin for brin in _brins()})
    plan = maak_plan(catalogus, inst.studenten, inst.seed, seizoen, mbo_brins, BSN_START)
    f = fase("plan", "aanmeldingen")
    f.seconden = f.bezig = time.perf_counter() - t
    f.aantal = len(plan.aanmeldingen)
    uit(
        f"  plan: {len(plan.studenten):,} studenten, {len(plan.aanmeldingen):,} aanmeldingen,"
        f" {sum(len(a.stappen) for a in plan.aanmeldingen):,} statusberichten gepland ({f.seconden:.1f} s)"
    )

    taken.STAAT = taken.Staat(plan=plan, sleutels=sleutels)
    niet_ingezet = _bereid_storingen_voor(inst)
    with gesimuleerde_omgeving(plan.personen, moment_op(seizoen.begin, 0)):
        werkers = Werkers(inst.processen)
        try:
            draaiboek = Draaiboek(inst, seizoen, plan, catalogus, sleutels, per_instelling, fases, werkers)
            verloop = draaiboek.speel()
            verloop.werkers_vervangen = list(werkers.vervangen)
            verloop.niet_ingezet = niet_ingezet
        finally:
            werkers.stop()
            taken.STAAT = None
            overzicht = _ruim_storingen_op(inst)
    resultaat = Resultaat(inst, seizoen, plan, catalogus, verloop, fases, sleutels, storingen=overzicht)
    t = time.perf_counter()
    resultaat.controles = controles.controleer(resultaat)
    f = fase("controles", "controles")
    f.seconden = f.bezig = time.perf_counter() - t
    f.aantal = len(resultaat.controles)
    resultaat.totaal = time.perf_counter() - start
    resultaat.gestolen = gestolen.sinds(steal)
    return resultaat


def _bereid_storingen_voor(inst: Instellingen) -> list[str]:
    """Before the fork: the fault log, the transport hook, the shared mail counter, the receivers' own connection.
    Drops (and returns, with the reason) the faults that cannot be injected here."""
    import multiprocessing

    from django.db import connection

    omgeving.TellendePost.gedeeld = multiprocessing.get_context("fork").Value("q", 0)
    if not inst.storingen:
        return []
    niet = []
    bruikbaar = []
    for s in inst.storingen:
        reden = ""
        if s.soort == "werker-gedood" and inst.processen < 2:
            reden = "een werkproces doden kan alleen met --processen 2 of meer"
        elif s.soort == "postgres":
            reden = storingen.kan_postgres_herstarten()
        if reden:
            niet.append(f"{s.naam()}: {reden}")
        else:
            bruikbaar.append(s)
    inst.storingen = bruikbaar
    storingen.LOGMAP = storingen.nieuwe_logmap()
    storingen.EIGEN_VERBINDING = inst.processen > 1 and connection.vendor == "postgresql"
    omgeving.HAAK = storingen.verstuur
    storingen.stil(True)
    for s in inst.storingen:
        inst.uitvoer(f"  storing: {s.naam()} — {storingen.SOORTEN[s.soort]}")
    for regel in niet:
        inst.uitvoer(f"  storing niet ingezet: {regel}")
    return niet


def _ruim_storingen_op(inst: Instellingen) -> Overzicht | None:
    omgeving.HAAK = None
    storingen.stil(False)
    storingen.EIGEN_VERBINDING = False
    map_, storingen.LOGMAP = storingen.LOGMAP, None
    if map_ is None:
        return None
    try:
        return Overzicht.uit_log(storingen.lees_log(map_), inst.storingen)
    finally:
        storingen.ruim_op(map_)


def _brins() -> list[str]:
    from voorzieningen.catalogus.models import Instelling

    return list(Instelling.objects.values_list("brin", flat=True))
