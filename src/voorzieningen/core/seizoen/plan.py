"""The season's population and what each person and each SIS will do, drawn from one seed before anything runs.

Shapes (where the sources give no figures, plausible ones; all in one place so they can be argued with):

* submissions from 1 October to 31 August, low in autumn, rising from January, a rush in the second half of
  March before the 1 April application date, quiet in the summer; fewer at weekends; between 07:00 and 22:30;
* applications per student 1 (62%), 2 (27%), 3 (8%), 4 (3%): 1.52 on average; a student's later applications
  follow the first within 45 days; 70% at a location in the student's own municipality when there is one;
* the SIS answers within a week (RECEIVED); an offer (OFFERED) 1–11 weeks later; 86% of students enrol at one
  of their applications (ENROLLED after the offer); their other applications end as WITHDRAWN (by the SIS,
  often after an offer), REJECTED, or withdrawn by the student in the portal; of students who do not enrol,
  applications are rejected, withdrawn, or still open at the end of the season; 1% of enrolments is undone
  later (WITHDRAWN as a correction: a de-enrolment); 2% of status messages are sent twice (same berichtId);
  0.3% of fetched applications get a processing error report before the acknowledgement;
* the VO side delivers its list of intended mbo students (beoogde mbo-gangers) on 15 January — the VO pupils
  among the applicants plus 6% who never apply — and an update on 15 April in which 3% are no longer intended.
"""

import bisect
import datetime
import random
import string
from dataclasses import dataclass, field

from voorzieningen.identiteit import duo

# Illustrative ILT codes of prior education; the VO ones are put on the 'ILT-codes voor Koppelpunt VO' list.
ILT_VO = {
    "0121": ("VMBO-BB", "VMBO basisberoepsgerichte leerweg"),
    "0141": ("VMBO-KB", "VMBO kaderberoepsgerichte leerweg"),
    "0161": ("VMBO-GL", "VMBO gemengde leerweg"),
    "0181": ("VMBO-TL", "VMBO theoretische leerweg"),
    "0200": ("HAVO", "HAVO"),
    "0300": ("VWO", "VWO"),
}
ILT_PRO = ("0101", "PRO", "Praktijkonderwijs")  # a VO school, but not on the list
ILT_MBO = {1: ("2510", "MBO-1", "Entreeopleiding"), 2: ("2520", "MBO-2", "MBO niveau 2 (basisberoepsopleiding)")}

VOORNAMEN = [
    "Sanne", "Daan", "Emma", "Liam", "Julia", "Noah", "Mila", "Sem", "Tess", "Lucas", "Zoë", "Finn", "Sara", "Levi",
    "Nora", "Milan", "Yara", "Jesse", "Lotte", "Thijs", "Fleur", "Bram", "Amira", "Mohammed", "Fatima", "Ayoub",
    "Sophie", "Ruben", "Eva", "Jayden", "Noor", "Stijn", "Lina", "Luuk", "Isa", "Gijs", "Roos", "Mees", "Anouk", "Ties",
]  # fmt: skip
ACHTERNAMEN = [
    "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot",
    "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits",
    "de Graaf", "van der Meer", "El Amrani", "Yilmaz", "Kaya", "van Dijk", "Koster", "Prins", "Huisman", "Kok",
]  # fmt: skip
STRATEN = ["Dorpsstraat", "Kerkstraat", "Schoolstraat", "Molenweg", "Julianastraat", "Lindelaan", "Eikenlaan"]
POSTCODE_LETTERS = "ABCDEFGHJKLMNPRSTVWXZ"
BUITENLAND = [("5010", "Grote Markt 1", "2000 Antwerpen"), ("6029", "Hauptstraße 12", "47533 Kleve")]

AANTAL_AANMELDINGEN = [(1, 62), (2, 27), (3, 8), (4, 3)]
VO_VERDELING = [("0121", 18), ("0141", 26), ("0161", 8), ("0181", 30), ("0200", 15), ("0300", 3)]
LEEFTIJDEN = [(15, 12), (16, 38), (17, 14), (18, 9), (19, 7), (20, 5), (21, 4), (22, 4), (23, 3), (25, 2), (28, 2)]


@dataclass(frozen=True)
class Seizoen:
    """School year ``schooljaar`` (the September it starts): applications from 1 October the year before."""

    schooljaar: int

    @property
    def begin(self) -> datetime.date:
        return datetime.date(self.schooljaar - 1, 10, 1)

    @property
    def einde(self) -> datetime.date:
        return datetime.date(self.schooljaar, 8, 31)

    @property
    def eerste_maart(self) -> datetime.date:
        return datetime.date(self.schooljaar, 3, 1)

    @property
    def vijftien_juni(self) -> datetime.date:
        return datetime.date(self.schooljaar, 6, 15)

    @property
    def vo_lijst(self) -> datetime.date:
        return datetime.date(self.schooljaar, 1, 15)

    @property
    def vo_update(self) -> datetime.date:
        return datetime.date(self.schooljaar, 4, 15)

    @property
    def catalogus_peildatum(self) -> datetime.date:
        """The date the catalogue is generated for: its cohorts open on 1 October."""
        return datetime.date(self.schooljaar - 1, 9, 15)

    def dagen(self) -> list[datetime.date]:
        n = (self.einde - self.begin).days + 1
        return [self.begin + datetime.timedelta(days=i) for i in range(n)]

    def gewicht(self, dag: datetime.date) -> float:
        """The seasonal shape of submissions: a rush in the two weeks before 1 April."""
        if dag.month in (10, 11, 12):
            w = 1.0
        elif dag.month == 1:
            w = 1.8
        elif dag.month == 2:
            w = 2.8
        elif dag.month == 3:
            w = 4.5 if dag.day <= 15 else 9.0
        else:
            w = {4: 1.6, 5: 1.2, 6: 1.0, 7: 0.6, 8: 0.7}[dag.month]
        return w * (0.6 if dag.weekday() >= 5 else 1.0)


@dataclass(frozen=True, slots=True)
class CohortInfo:
    id: int
    leertraject: str
    instelling_id: int
    aanbieder_id: int
    gemeentecode: str
    vanaf: datetime.date
    tot: datetime.date | None
    einde: datetime.date | None
    open: bool
    toegangscode: str

    def is_open_op(self, dag: datetime.date) -> bool:
        return (
            self.open
            and self.vanaf <= dag
            and (self.tot is None or dag <= self.tot)
            and (self.einde is None or dag <= self.einde)
        )


@dataclass
class Catalogus:
    """What the plan needs of the imported catalogue: the portal's cohorts, homes, pc4 → municipality."""

    cohorten: list[CohortInfo]
    per_gemeente: dict[str, list[CohortInfo]]
    woonplaatsen: list[tuple[str, str]]  # (pc4, plaats) of the catalogue's locations: where students live
    pc4_gemeente: dict[str, str]
    gemeenten: frozenset[str] | None  # current municipality codes, None without the reference table


@dataclass(slots=True)
class Student:
    nr: int
    bsn: str
    voornamen: str
    voorvoegsel: str
    achternaam: str
    geboortedatum: datetime.date
    adres: duo.Adres
    handmatig_adres: dict | None  # typed by the student when DUO's address is secret
    vooropleidingen: list[duo.Vooropleiding]
    email: str
    telefoon: str
    ouder: dict
    beoogd: bool = False  # on the VO side's list of intended mbo students
    niet_meer_beoogd: bool = False  # set to 'no' in the April update
    aanmeldingen: list[int] = field(default_factory=list)

    def duo_persoon(self) -> duo.Persoonsgegevens:
        return duo.Persoonsgegevens(
            self.bsn,
            self.voornamen,
            self.voorvoegsel,
            self.achternaam,
            self.geboortedatum,
            self.adres,
            "6030" if self.adres.land == "6030" else self.adres.land,
            self.adres.plaats or "Buitenland",
        )

    def duo_vooropleidingen(self) -> list[duo.Vooropleiding]:
        return list(self.vooropleidingen)

    @property
    def woonadres(self) -> dict:
        """The address delivered (the snapshot's): the typed one when DUO's is secret."""
        if self.handmatig_adres:
            return self.handmatig_adres
        return {"land": self.adres.land, "postcode": self.adres.postcode}


@dataclass(slots=True)
class Stap:
    dag: datetime.date
    status: str
    correctie: bool = False
    toelichting: str = ""
    opnieuw: bool = False  # the SIS sends this message twice


@dataclass(slots=True)
class PlanAanmelding:
    nr: int
    student: int
    dag: datetime.date  # local date of the submission
    moment: datetime.datetime
    cohort_id: int
    stappen: list[Stap] = field(default_factory=list)  # what the SIS posts, in order
    intrekking: datetime.date | None = None  # the student withdraws in the portal (during that day)
    foutmelding: bool = False
    via_deeplink: bool = False


@dataclass(slots=True)
class ExtraBeoogde:
    """A VO pupil on the intended list who never applies (the ones the municipality must chase)."""

    pgn: str
    postcode: str
    gemeentecode: str
    brin_vo: str
    niet_meer_beoogd: bool


@dataclass
class Plan:
    seizoen: Seizoen
    studenten: list[Student]
    aanmeldingen: list[PlanAanmelding]
    extra_beoogden: list[ExtraBeoogde]
    zonder_open_cohort: int = 0  # applications not planned: no open cohort found on the day

    @property
    def personen(self) -> dict[str, Student]:
        return {s.bsn: s for s in self.studenten}


def bsns(start: int):
    """Valid BSNs (11-proof) above ``start``, in order: the check digit is computed, not searched for."""
    prefix = start // 10
    while True:
        prefix += 1
        cijfers = f"{prefix:08d}"
        rest = sum(int(c) * w for c, w in zip(cijfers, range(9, 1, -1), strict=True)) % 11
        if rest < 10:  # 9·d1 + … + 2·d8 − d9 ≡ 0 (mod 11) with d9 = rest
            yield f"{cijfers}{rest}"


_CUMULATIEF: dict[int, tuple[list, list[float]]] = {}


def _gewogen(rng: random.Random, opties):
    tabel = _CUMULATIEF.get(id(opties))
    if tabel is None:
        waarden, totaal, cumulatief = [], 0.0, []
        for waarde, gewicht in opties:
            totaal += gewicht
            waarden.append(waarde)
            cumulatief.append(totaal)
        tabel = _CUMULATIEF[id(opties)] = (waarden, cumulatief)
    waarden, cumulatief = tabel
    return waarden[bisect.bisect_right(cumulatief, rng.random() * cumulatief[-1])]


def _vo_scholen(rng: random.Random, n: int = 700) -> list[str]:
    codes = set()
    while len(codes) < n:
        codes.add(f"{rng.randint(0, 99):02d}{rng.choice(string.ascii_uppercase)}{rng.choice(string.ascii_uppercase)}")
    return sorted(codes)


def _verjaardag(rng: random.Random, leeftijd: int, peildatum: datetime.date) -> datetime.date:
    """A birth date such that the person is ``leeftijd`` on ``peildatum``."""
    laatste = peildatum.replace(year=peildatum.year - leeftijd)
    return laatste - datetime.timedelta(days=rng.randint(0, 364))


def _vooropleidingen(rng, leeftijd: int, seizoen: Seizoen, vo_scholen, mbo_brins) -> tuple[list, bool]:
    """DUO's prior education for a person of this age; and whether he is a VO pupil (on the intended list)."""
    eind_vorig_jaar = datetime.date(seizoen.schooljaar - 1, 7, 1)
    school = rng.choice(vo_scholen)
    if leeftijd <= 17:  # a VO pupil in his final year: no diploma yet
        x = rng.random()
        if x < 0.07:
            ilt, niveau, omschrijving = ILT_PRO
        else:
            ilt = _gewogen(rng, VO_VERDELING)
            niveau, omschrijving = ILT_VO[ilt]
        opleiding = duo.Vooropleiding(school, f"VO-school {school}", ilt, omschrijving, niveau, False, False, None)
        return [opleiding], True
    x = rng.random()
    if leeftijd >= 23:
        x = 0.2 + x * 0.8 if x < 0.6 else 0.95  # mostly an mbo diploma, otherwise nothing known
    if x < 0.30:  # a VMBO diploma, left school earlier
        ilt = rng.choice(["0121", "0141", "0161", "0181"])
        niveau, omschrijving = ILT_VO[ilt]
        datum = eind_vorig_jaar.replace(year=eind_vorig_jaar.year - rng.randint(0, 3))
        return [duo.Vooropleiding(school, f"VO-school {school}", ilt, omschrijving, niveau, True, False, datum)], False
    if x < 0.40:  # a HAVO/VWO diploma: a startkwalificatie
        ilt = rng.choice(["0200", "0300"])
        niveau, omschrijving = ILT_VO[ilt]
        return [duo.Vooropleiding(school, f"VO-school {school}", ilt, omschrijving, niveau, True, True,
                                  eind_vorig_jaar)], False  # fmt: skip
    if x < 0.90:  # an mbo programme: level 2 is a startkwalificatie, level 1 is not
        mbo_niveau = 2 if rng.random() < 0.7 else 1
        ilt, niveau, omschrijving = ILT_MBO[mbo_niveau]
        brin = rng.choice(mbo_brins)
        return [duo.Vooropleiding(brin, f"Mbo-instelling {brin}", ilt, omschrijving, niveau, True, mbo_niveau == 2,
                                  eind_vorig_jaar)], False  # fmt: skip
    return [], False  # nothing known at DUO (e.g. schooled abroad)


def _student(rng, nr, bsn, catalogus: Catalogus, seizoen: Seizoen, vo_scholen, mbo_brins) -> Student:
    leeftijd = _gewogen(rng, LEEFTIJDEN)
    geboren = _verjaardag(rng, leeftijd, seizoen.begin)
    pc4, plaats = rng.choice(catalogus.woonplaatsen)
    postcode = pc4 + "".join(rng.choices(POSTCODE_LETTERS, k=2))
    straat, huisnummer = rng.choice(STRATEN), str(rng.randint(1, 180))
    x = rng.random()
    handmatig = None
    if x < 0.015:  # lives abroad
        land, regel1, regel2 = rng.choice(BUITENLAND)
        adres = duo.Adres(land=land, regel1=regel1, regel2=regel2)
    elif x < 0.025:  # secret address (indicatie 7): the student types the address the school may use
        adres = duo.Adres(straat=straat, huisnummer=huisnummer, postcode=postcode, plaats=plaats,
                          indicatie_geheim=duo.GEHEIM)  # fmt: skip
        ander_pc4, ander_plaats = rng.choice(catalogus.woonplaatsen)
        handmatig = {
            "land": "6030",
            "straat": "Postbus",
            "huisnummer": str(rng.randint(1, 999)),
            "postcode": ander_pc4 + "".join(rng.choices(POSTCODE_LETTERS, k=2)),
            "plaats": ander_plaats,
        }
    else:
        adres = duo.Adres(straat=straat, huisnummer=huisnummer, postcode=postcode, plaats=plaats)
    vooropleidingen, vo_leerling = _vooropleidingen(rng, leeftijd, seizoen, vo_scholen, mbo_brins)
    achternaam = rng.choice(ACHTERNAMEN)
    voorvoegsel, _spatie, kern = achternaam.rpartition(" ") if achternaam[0].islower() else ("", "", achternaam)
    return Student(
        nr=nr,
        bsn=bsn,
        voornamen=rng.choice(VOORNAMEN),
        voorvoegsel=voorvoegsel,
        achternaam=kern,
        geboortedatum=geboren,
        adres=adres,
        handmatig_adres=handmatig,
        vooropleidingen=vooropleidingen,
        email=f"student{nr}@seizoen.example.nl",
        telefoon=f"06{rng.randint(10_000_000, 99_999_999)}",
        ouder={"naam": f"Ouder van {kern}", "email": "", "telefoon": f"06{rng.randint(10_000_000, 99_999_999)}"},
        beoogd=vo_leerling and adres.land == "6030",
    )


def _kies_cohort(rng, catalogus: Catalogus, dag, gemeente: str, gekozen: set[int]) -> CohortInfo | None:
    lokaal = catalogus.per_gemeente.get(gemeente)
    for poging in range(60):
        bron = lokaal if lokaal and poging < 20 and rng.random() < 0.7 else catalogus.cohorten
        cohort = rng.choice(bron)
        if cohort.id not in gekozen and cohort.is_open_op(dag):
            return cohort
    return None


def _dag(basis: datetime.date, dagen: int, einde: datetime.date) -> datetime.date:
    return min(basis + datetime.timedelta(days=dagen), einde)


def _plan_statussen(rng: random.Random, aanmeldingen: list[PlanAanmelding], einde: datetime.date) -> None:
    """What the SISes (and the student) do with one student's applications; dates never go backwards."""
    ontvangen = {a.nr: _dag(a.dag, rng.randint(1, 6), einde) for a in aanmeldingen}
    inschrijving = None
    if rng.random() < 0.86:
        kies = rng.choice(aanmeldingen)
        r = ontvangen[kies.nr]
        aanbod = _dag(r, rng.randint(7, 75), einde)
        inschrijving = _dag(aanbod, rng.randint(2, 40), einde)
        kies.stappen = [Stap(r, "RECEIVED"), Stap(aanbod, "OFFERED"), Stap(inschrijving, "ENROLLED")]
        if rng.random() < 0.01 and inschrijving + datetime.timedelta(days=5) <= einde:
            kies.stappen.append(
                Stap(_dag(inschrijving, rng.randint(5, 30), einde), "WITHDRAWN", True, "Uitgeschreven: gestopt")
            )
    for a in aanmeldingen:
        if a.stappen:
            continue
        r = ontvangen[a.nr]
        a.stappen = [Stap(r, "RECEIVED")]
        x = rng.random()
        if inschrijving is not None:  # the student enrols elsewhere
            if x < 0.20:
                a.stappen.append(Stap(_dag(r, rng.randint(5, 50), einde), "REJECTED", toelichting="Niet toelaatbaar"))
            elif x < 0.32 and r < einde:
                a.intrekking = _dag(max(r, inschrijving), rng.randint(1, 7), einde)
            else:
                einde_a = _dag(max(r, inschrijving), rng.randint(0, 14), einde)
                aanbod = _dag(r, rng.randint(7, 75), einde)
                if rng.random() < 0.6 and aanbod <= einde_a:
                    a.stappen.append(Stap(aanbod, "OFFERED"))
                a.stappen.append(Stap(einde_a, "WITHDRAWN", toelichting="Ingeschreven bij een andere opleiding"))
        else:  # this student does not enrol this season
            if x < 0.45:
                a.stappen.append(Stap(_dag(r, rng.randint(5, 60), einde), "REJECTED", toelichting="Afgewezen"))
            elif x < 0.70:
                aanbod = _dag(r, rng.randint(7, 75), einde)
                if rng.random() < 0.5:
                    a.stappen.append(Stap(aanbod, "OFFERED"))
                a.stappen.append(Stap(_dag(aanbod, rng.randint(1, 30), einde), "WITHDRAWN", toelichting="Afgemeld"))
            elif x < 0.80 and r < einde:
                a.intrekking = _dag(r, rng.randint(1, 60), einde)
            elif rng.random() < 0.5:  # still open at the end of the season
                a.stappen.append(Stap(_dag(r, rng.randint(7, 75), einde), "OFFERED"))
        if a.intrekking and a.intrekking <= r:
            a.intrekking = None
    for a in aanmeldingen:
        for stap in a.stappen:
            stap.opnieuw = rng.random() < 0.02
        a.foutmelding = rng.random() < 0.003


def maak_plan(
    catalogus: Catalogus, studenten: int, seed: int, seizoen: Seizoen, mbo_brins: list[str], bsn_start: int
) -> Plan:
    rng = random.Random(seed)
    vo_scholen = _vo_scholen(rng)
    dagen = seizoen.dagen()
    cumulatief, totaal = [], 0.0
    for dag in dagen:
        totaal += seizoen.gewicht(dag)
        cumulatief.append(totaal)
    laatste_dag = seizoen.einde - datetime.timedelta(days=1)
    from django.utils import timezone as dj_timezone

    lokaal = dj_timezone.get_default_timezone()
    nummers = bsns(bsn_start)
    plan = Plan(seizoen, [], [], [])
    for nr in range(studenten):
        student = _student(rng, nr, next(nummers), catalogus, seizoen, vo_scholen, mbo_brins or ["00AA"])
        plan.studenten.append(student)
        k = _gewogen(rng, AANTAL_AANMELDINGEN)
        eerste = dagen[bisect.bisect_left(cumulatief, rng.random() * totaal)]
        dagen_student = sorted([eerste] + [_dag(eerste, rng.randint(0, 45), laatste_dag) for _ in range(k - 1)])
        gemeente = catalogus.pc4_gemeente.get(student.adres.postcode[:4], "")
        gekozen: set[int] = set()
        eigen = []
        for dag in dagen_student:
            cohort = _kies_cohort(rng, catalogus, dag, gemeente, gekozen)
            if cohort is None:
                plan.zonder_open_cohort += 1
                continue
            gekozen.add(cohort.id)
            seconden = rng.randint(7 * 3600, 22 * 3600 + 1800)
            moment = datetime.datetime.combine(dag, datetime.time()) + datetime.timedelta(seconds=seconden)
            aanmelding = PlanAanmelding(
                nr=len(plan.aanmeldingen),
                student=nr,
                dag=dag,
                moment=_aware(moment, lokaal),
                cohort_id=cohort.id,
                via_deeplink=rng.random() < 0.3,
            )
            plan.aanmeldingen.append(aanmelding)
            eigen.append(aanmelding)
        eigen.sort(key=lambda a: a.moment)
        student.aanmeldingen = [a.nr for a in eigen]
        if eigen:
            _plan_statussen(rng, eigen, seizoen.einde)
        if student.beoogd and rng.random() < 0.03:
            student.niet_meer_beoogd = True
    for _ in range(round(studenten * 0.06)):
        pc4, _plaats = rng.choice(catalogus.woonplaatsen)
        plan.extra_beoogden.append(
            ExtraBeoogde(
                pgn=next(nummers),
                postcode=pc4 + "".join(rng.choices(POSTCODE_LETTERS, k=2)),
                gemeentecode=catalogus.pc4_gemeente.get(pc4, ""),
                brin_vo=rng.choice(vo_scholen),
                niet_meer_beoogd=rng.random() < 0.03,
            )
        )
    return plan


def _aware(moment: datetime.datetime, tz) -> datetime.datetime:
    from django.utils import timezone as dj_timezone

    return dj_timezone.make_aware(moment, tz).astimezone(datetime.UTC)


def moment_op(dag: datetime.date, uur: int, minuut: int = 0) -> datetime.datetime:
    """A local wall-clock moment on ``dag`` as an aware UTC datetime."""
    from django.utils import timezone as dj_timezone

    return _aware(datetime.datetime.combine(dag, datetime.time(uur, minuut)), dj_timezone.get_default_timezone())
