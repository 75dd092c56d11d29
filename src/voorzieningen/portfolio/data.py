"""The national portfolio as plain Python objects: loaded with one query per table, then analysed in memory.

The analyses (overlap, accessibility, impact) visit every municipality for every qualification; doing that in
SQL would be hundreds of thousands of rows of distances. Here a snapshot is a few thousand small objects.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Max, Q, Sum
from django.utils import timezone

from voorzieningen.catalogus.models import AangebodenOpleiding, Cohort, Instelling, Kwalificatie, Onderwijslocatie
from voorzieningen.core.models import Gemeente

from .geo import Punt
from .models import Aanbodmarkering, Bevolking, Inschrijving, Leeftijdsklasse, Regieinstellingen, Specialisme

# Initial vocational education is what the portfolio agreements are about: BOL (full- and part-time) and BBL.
# Contract education, exam candidates and lifelong-learning trajectories are left out.
INITIELE_LEERTRAJECTEN = ("BOL", "BOL_DT", "BBL")


@dataclass(slots=True, eq=False)
class Gebied:
    """A municipality with its centroid and its young people (15–19, the mbo inflow age)."""

    idx: int
    code: str
    naam: str
    corop_code: str
    corop_naam: str
    lat: float
    lon: float
    punt: Punt
    jongeren: int = 0


@dataclass(slots=True, eq=False)
class Locatie:
    idx: int
    pk: int | None
    code: str
    plaats: str
    gemeentecode: str
    lat: float
    lon: float
    punt: Punt


@dataclass(slots=True, eq=False)
class Kwal:
    pk: int
    crebo: str
    naam: str
    niveau: int | None
    sector: str
    specialistisch: bool = False

    def __str__(self):
        return f"{self.crebo} {self.naam}"


@dataclass(slots=True, eq=False)
class Aanbod:
    """One institution offering one qualification at one location (its leertrajecten merged)."""

    instelling_id: int
    locatie_idx: int
    kwalificatie_id: int
    leertrajecten: set[str] = field(default_factory=set)
    capaciteit: int | None = None  # study places of its open cohorts; None: no cohort states a capacity
    inschrijvingen: int = 0
    uitgezonderd: str = ""  # '' or an Aanbodmarkering.Soort: capacity-driven / clearly distinct


@dataclass(frozen=True)
class Selectie:
    """Which qualifications an analysis covers; empty fields select everything."""

    crebo: str = ""
    sector: str = ""
    niveau: int | None = None
    instelling_id: int | None = None

    def past(self, kwal: Kwal) -> bool:
        return (
            (not self.crebo or kwal.crebo == self.crebo)
            and (not self.sector or kwal.sector == self.sector)
            and (self.niveau is None or kwal.niveau == self.niveau)
        )


ALLES = Selectie()


@dataclass
class Portfoliodata:
    parameters: Regieinstellingen
    gemeenten: list[Gebied]
    locaties: list[Locatie]
    kwalificaties: dict[int, Kwal]
    instellingen: dict[int, tuple[str, str]]  # pk -> (BRIN, name)
    aanbod: list[Aanbod]
    schooljaar: int | None  # the school year of the enrolment figures
    peiljaar: int  # the year of the population figures
    gegenereerd: bool = False  # population or enrolments come from the generator, not from CBS/DUO
    per_kwalificatie: dict[int, list[Aanbod]] = field(default_factory=dict)
    gemeente_index: dict[str, int] = field(default_factory=dict)
    locatie_index: dict[str, int] = field(default_factory=dict)

    def __post_init__(self):
        self.gemeente_index = {g.code: g.idx for g in self.gemeenten}
        self.locatie_index = {loc.code: loc.idx for loc in self.locaties}
        per_kwal = defaultdict(list)
        for a in self.aanbod:
            per_kwal[a.kwalificatie_id].append(a)
        self.per_kwalificatie = dict(per_kwal)

    def gemeente(self, code: str) -> Gebied | None:
        idx = self.gemeente_index.get(code)
        return None if idx is None else self.gemeenten[idx]

    def gemeente_van_locatie(self, locatie: Locatie) -> Gebied | None:
        return self.gemeente(locatie.gemeentecode)

    def aangeboden_kwalificaties(self, selectie: Selectie = ALLES) -> list[Kwal]:
        """Qualifications with at least one offering that the selection covers, in crebo order."""
        kwals = [self.kwalificaties[pk] for pk in self.per_kwalificatie]
        if selectie.instelling_id is not None:
            eigen = {a.kwalificatie_id for a in self.aanbod if a.instelling_id == selectie.instelling_id}
            kwals = [k for k in kwals if k.pk in eigen]
        return sorted((k for k in kwals if selectie.past(k)), key=lambda k: k.crebo)

    def sectoren(self) -> list[str]:
        return sorted({self.kwalificaties[pk].sector for pk in self.per_kwalificatie} - {""})

    def instelling_naam(self, pk: int) -> str:
        return self.instellingen.get(pk, ("", str(pk)))[1]

    def voeg_locatie_toe(self, gemeentecode: str) -> Locatie | None:
        """A virtual location at a municipality's centroid, for a planned start where no building is known yet."""
        gebied = self.gemeente(gemeentecode)
        if gebied is None:
            return None
        loc = Locatie(
            len(self.locaties), None, f"~{gemeentecode}", gebied.naam, gemeentecode, gebied.lat, gebied.lon, gebied.punt
        )
        self.locaties.append(loc)
        self.locatie_index[loc.code] = loc.idx
        return loc


def huidig_schooljaar(vandaag: datetime.date) -> int:
    """School years start on 1 August; 2025 means 2025/2026."""
    return vandaag.year if vandaag.month >= 8 else vandaag.year - 1


def laatste_schooljaar() -> int | None:
    return Inschrijving.objects.aggregate(m=Max("schooljaar"))["m"]


def laad(schooljaar: int | None = None, vandaag: datetime.date | None = None) -> Portfoliodata:
    """Load the snapshot: one query per table, nothing per row."""
    vandaag = vandaag or timezone.localdate()
    parameters = Regieinstellingen.huidig()
    peiljaar = vandaag.year

    jongeren = _jongeren(peiljaar)
    gemeenten = []
    for code, naam, corop_code, corop_naam, lat, lon in (
        Gemeente.objects.filter(actueel=True, latitude__isnull=False, longitude__isnull=False)
        .order_by("code")
        .values_list("code", "naam", "corop_code", "corop_naam", "latitude", "longitude")
    ):
        gemeenten.append(
            Gebied(
                len(gemeenten), code, naam, corop_code, corop_naam, lat, lon, Punt.van(lat, lon), jongeren.get(code, 0)
            )
        )
    centroid = {g.code: g for g in gemeenten}

    specialistisch = set(Specialisme.objects.values_list("kwalificatie_id", flat=True))
    kwalificaties = {
        pk: Kwal(pk, crebo, naam, niveau, sector, pk in specialistisch)
        for pk, crebo, naam, niveau, sector in Kwalificatie.objects.values_list(
            "pk", "crebo", "naam", "niveau", "sector"
        )
    }
    instellingen = {pk: (brin, naam) for pk, brin, naam in Instelling.objects.values_list("pk", "brin", "naam")}

    locaties: list[Locatie] = []
    locatie_van_pk: dict[int, int] = {}
    for pk, code, plaats, gemeentecode, lat, lon in Onderwijslocatie.objects.values_list(
        "pk", "code", "plaatsnaam", "gemeentecode", "latitude", "longitude"
    ):
        if lat is None or lon is None:  # no coordinates from RIO: the municipality's centroid will do
            gebied = centroid.get(gemeentecode)
            if gebied is None:
                continue
            lat, lon = gebied.lat, gebied.lon
        locatie_van_pk[pk] = len(locaties)
        locaties.append(Locatie(len(locaties), pk, code, plaats, gemeentecode, lat, lon, Punt.van(lat, lon)))

    aanbod: dict[tuple[int, int, int], Aanbod] = {}
    aanbod_van_opleiding: dict[int, Aanbod] = {}
    for pk, instelling_id, locatie_id, kwalificatie_id, leertraject in AangebodenOpleiding.objects.filter(
        actief=True, leertraject__in=INITIELE_LEERTRAJECTEN, locatie__isnull=False
    ).values_list("pk", "aanbieder__instelling_id", "locatie_id", "kwalificatie_id", "leertraject"):
        idx = locatie_van_pk.get(locatie_id)
        if idx is None:
            continue
        sleutel = (instelling_id, idx, kwalificatie_id)
        a = aanbod.get(sleutel)
        if a is None:
            a = aanbod[sleutel] = Aanbod(instelling_id, idx, kwalificatie_id)
        a.leertrajecten.add(leertraject)
        aanbod_van_opleiding[pk] = a

    for opleiding_id, plaatsen in (
        Cohort.objects.filter(
            status=Cohort.Status.OPEN,
            capaciteit__isnull=False,
            opleiding__actief=True,
            opleiding__leertraject__in=INITIELE_LEERTRAJECTEN,
        )
        .order_by()
        .values_list("opleiding_id")
        .annotate(plaatsen=Sum("capaciteit"))
    ):
        a = aanbod_van_opleiding.get(opleiding_id)
        if a is not None:
            a.capaciteit = (a.capaciteit or 0) + plaatsen

    if schooljaar is None:
        schooljaar = laatste_schooljaar()
    if schooljaar is not None:
        locatie_code_idx = {loc.code: loc.idx for loc in locaties}
        for instelling_id, locatiecode, kwalificatie_id, aantal in (
            Inschrijving.objects.filter(schooljaar=schooljaar, leertraject__in=INITIELE_LEERTRAJECTEN)
            .order_by()
            .values_list("instelling_id", "onderwijslocatiecode", "kwalificatie_id")
            .annotate(aantal=Sum("aantal"))
        ):
            a = aanbod.get((instelling_id, locatie_code_idx.get(locatiecode, -1), kwalificatie_id))
            if a is not None:
                a.inschrijvingen += aantal

    _pas_markeringen_toe(aanbod.values(), locaties, vandaag)
    gegenereerd = (
        Bevolking.objects.filter(bron="gegenereerd").exists()
        or Inschrijving.objects.filter(schooljaar=schooljaar, bron="gegenereerd").exists()
    )
    return Portfoliodata(
        parameters,
        gemeenten,
        locaties,
        kwalificaties,
        instellingen,
        list(aanbod.values()),
        schooljaar,
        peiljaar,
        gegenereerd,
    )


def _jongeren(jaar: int) -> dict[str, int]:
    """15–19-year-olds per municipality in ``jaar``, or in the latest earlier year that has figures."""
    qs = Bevolking.objects.filter(leeftijdsklasse=Leeftijdsklasse.K15_19, jaar__lte=jaar)
    laatste = qs.aggregate(m=Max("jaar"))["m"]
    if laatste is None:
        return {}
    return dict(qs.filter(jaar=laatste).values_list("gemeente_id", "aantal"))


def _pas_markeringen_toe(aanbod, locaties: list[Locatie], vandaag: datetime.date) -> None:
    markeringen = defaultdict(list)
    for instelling_id, kwalificatie_id, gemeente_id, soort in Aanbodmarkering.objects.filter(
        Q(geldig_tot__isnull=True) | Q(geldig_tot__gte=vandaag)
    ).values_list("instelling_id", "kwalificatie_id", "gemeente_id", "soort"):
        markeringen[(instelling_id, kwalificatie_id)].append((gemeente_id, soort))
    if not markeringen:
        return
    for a in aanbod:
        for gemeente_id, soort in markeringen.get((a.instelling_id, a.kwalificatie_id), ()):
            if gemeente_id is None or gemeente_id == locaties[a.locatie_idx].gemeentecode:
                a.uitgezonderd = soort
                break
