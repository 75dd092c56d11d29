"""A realistic national catalogue, generated from a seed, in the RIO open-data file format.

At scale 1.0: ~60 institutions, ~90 providers, ~600 locations over the 342 gemeenten, ~500 qualifications,
~12,000 offered programmes and ~25,000 cohorts. With REFERENCE_DATA_DIR it uses real crebo names,
institutions, gemeenten and coordinates; without it, synthetic stand-ins of the same shape.
"""

import csv
import datetime
import random
import string
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from . import reference
from .importers.columns import (
    COHORT_OPTIONAL,
    COHORT_REQUIRED,
    COHORTEN_FILE,
    OPLEIDING_OPTIONAL,
    OPLEIDING_REQUIRED,
    OPLEIDINGEN_FILE,
)

SECTOREN = [
    "Techniek en gebouwde omgeving",
    "Zorg, welzijn en sport",
    "Handel",
    "Specialistisch vakmanschap",
    "Mobiliteit, transport, logistiek en maritiem",
    "Voedsel, groen en gastvrijheid",
    "ICT en creatieve industrie",
    "Zakelijke dienstverlening en veiligheid",
]
STRATEN = [
    "Schoolstraat",
    "Stationsweg",
    "Kerkstraat",
    "Dorpsstraat",
    "Industrieweg",
    "Molenweg",
    "Parklaan",
    "Beatrixlaan",
    "Julianastraat",
    "Onderwijsboulevard",
    "Campuslaan",
    "Vakschoolweg",
]
LEERTRAJECTEN = [("BOL", 55), ("BBL", 28), ("BOL_DT", 5), ("EX", 4), ("ODT", 3), ("CBL", 2), ("COL", 2), ("OVO", 1)]
NIVEAUS = [(1, 6), (2, 24), (3, 30), (4, 40)]
POSTCODE_LETTERS = "ABCDEFGHJKLMNPRSTVWXZ"
SYNTHETIC_NAMES = ["Noord", "Zuid", "Oost", "West", "Midden", "Rivierenland", "Kust", "Veluwe", "Delta", "Heuvelland"]


@dataclass
class Dataset:
    opleidingen: list[dict] = field(default_factory=list)
    cohorten: list[dict] = field(default_factory=list)

    def write(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        for name, columns, rows in (
            (OPLEIDINGEN_FILE, OPLEIDING_REQUIRED + OPLEIDING_OPTIONAL, self.opleidingen),
            (COHORTEN_FILE, COHORT_REQUIRED + COHORT_OPTIONAL, self.cohorten),
        ):
            with (directory / name).open("w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
                writer.writeheader()
                writer.writerows(rows)


def _weighted(rng: random.Random, options):
    values, weights = zip(*options, strict=True)
    return rng.choices(values, weights)[0]


def _places(rng: random.Random) -> list[reference.Plaats]:
    if reference.data_dir():
        return list(reference.plaatsen())
    places = []
    for i in range(342):  # synthetic gemeenten spread over the Netherlands' bounding box
        lat, lon = rng.uniform(51.3, 53.3), rng.uniform(3.9, 7.0)
        name = f"{rng.choice(SYNTHETIC_NAMES)}stad {i + 1}"
        places.append(reference.Plaats(name, f"{i + 1:04d}", name, f"COROP {i % 40 + 1}", f"{1000 + i * 25}", lat, lon))
    return places


def _institutions(rng: random.Random, count: int) -> list[tuple[str, str]]:
    real = reference.mbo_instellingen() if reference.data_dir() else []
    rng.shuffle(real)
    chosen = real[:count]
    used = {b for b, _ in chosen}
    while len(chosen) < count:
        brin = f"{rng.randint(0, 99):02d}{rng.choice(string.ascii_uppercase)}{rng.choice(string.ascii_uppercase)}"
        if brin not in used:
            used.add(brin)
            chosen.append((brin, f"ROC {rng.choice(SYNTHETIC_NAMES)} {len(chosen) + 1}"))
    return chosen


def _qualifications(rng: random.Random, count: int) -> list[tuple[str, str, int, str]]:
    if reference.data_dir():
        pool = reference.crebo_kwalificaties()
    else:
        pool = [(f"{25000 + i}", f"Vakopleiding {i + 1}") for i in range(4000)]
    chosen = rng.sample(pool, min(count, len(pool)))
    return [(crebo, naam, _weighted(rng, NIVEAUS), rng.choice(SECTOREN)) for crebo, naam in sorted(chosen)]


def generate(seed: int, scale: float = 1.0, today: datetime.date | None = None) -> Dataset:
    rng = random.Random(seed)
    today = today or datetime.date.today()
    n_inst = max(2, round(60 * scale))
    places = _places(rng)
    by_corop: dict[str, list[reference.Plaats]] = {}
    for place in places:
        by_corop.setdefault(place.corop, []).append(place)
    by_gemeente: dict[str, list[reference.Plaats]] = {}
    for place in places:
        by_gemeente.setdefault(place.gemeentecode, []).append(place)
    gemeente_codes = sorted(by_gemeente)
    quals = _qualifications(rng, max(20, round(500 * scale)))
    data = Dataset()
    school_year = today.year if today.month < 8 else today.year + 1
    location_no = provider_no = 0
    target_locations = max(n_inst * 2, round(600 * scale))
    unused_gemeenten = gemeente_codes[:]
    rng.shuffle(unused_gemeenten)
    for inst_index, (brin, naam) in enumerate(_institutions(rng, n_inst)):
        home = rng.choice(places)
        bestuur = f"{100 + inst_index:03d}B{rng.randint(0, 999):03d}"
        specialism = rng.sample(quals, min(len(quals), max(10, len(quals) * 3 // 10)))
        for p in range(2 if inst_index % 2 == 0 else 1):
            provider_no += 1
            aanbieder = f"{provider_no:03d}A{rng.randint(0, 999):03d}"
            aanbieder_naam = naam if p == 0 else f"{naam} Vakcollege"
            rio_type = "CENTRAAL_AANMELDEN_MBO" if rng.random() < 0.95 else "AANMELDEN"
            per_provider = max(1, round(target_locations / (n_inst * 1.5)))
            for _ in range(per_provider):
                location_no += 1
                if unused_gemeenten and rng.random() < 0.5:
                    place = rng.choice(by_gemeente[unused_gemeenten.pop()])  # spread over the country
                else:
                    place = rng.choice(by_corop.get(home.corop, places))
                locatie = f"{location_no % 1000:03d}X{location_no // 1000 * 100 + rng.randint(0, 99):03d}"
                location = {
                    "ONDERWIJSLOCATIECODE": locatie,
                    "STRAATNAAM": rng.choice(STRATEN),
                    "HUISNUMMER": str(rng.randint(1, 250)),
                    "POSTCODE": place.pc4 + "".join(rng.choices(POSTCODE_LETTERS, k=2)),
                    "PLAATSNAAM": place.woonplaats,
                    "GEMEENTECODE": place.gemeentecode,
                    "GPS_LATITUDE": f"{place.lat + rng.uniform(-0.004, 0.004):.6f}",
                    "GPS_LONGITUDE": f"{place.lon + rng.uniform(-0.004, 0.004):.6f}",
                }
                for crebo, kwal_naam, niveau, sector in rng.sample(specialism, min(len(specialism), 20)):
                    leertraject = _weighted(rng, LEERTRAJECTEN)
                    code = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                    wervingsnaam = kwal_naam if rng.random() < 0.7 else f"{kwal_naam} ({place.woonplaats})"
                    data.opleidingen.append(
                        {
                            "AANGEBODEN_OPLEIDINGCODE": code,
                            "ERKENDEOPLEIDINGSCODE": crebo,
                            "OPLEIDINGSEENHEID_NAAM": kwal_naam,
                            "OPLEIDINGSEENHEID_NIVEAU": f"MBO-{niveau}",
                            "MBONIVEAU": f"MBO-{niveau}",
                            "DOMEIN": sector,
                            "ONDERWIJSAANBIEDERID": aanbieder,
                            "NAAM": aanbieder_naam,
                            "ONDERWIJSBESTUURID": bestuur,
                            "INSTELLINGSERKENNINGSCODE": brin,
                            "INSTELLINGSNAAM": naam,
                            "ONDERWIJSAANBIEDER_TYPE": rio_type,
                            "LEERTRAJECT": leertraject,
                            "EIGENNAAM": wervingsnaam[:225],
                            "WEBSITE": f"https://www.{brin.lower()}.example.nl/opleidingen/{crebo}",
                            "ACTIEF": "J" if rng.random() < 0.95 else "N",
                            **location,
                        }
                    )
                    data.cohorten.extend(_cohorts(rng, code, school_year))
    return data


def _cohorts(rng: random.Random, code: str, year: int) -> list[dict]:
    def cohort(cohortcode, start, vanaf, tot):
        row = {
            "AANGEBODEN_OPLEIDINGCODE": code,
            "COHORTCODE": cohortcode,
            "COHORTSTATUS": "G" if rng.random() < 0.03 else "O",
            "BEGINDATUM": start.isoformat(),
            "BEGIN_AANMELDPERIODE": vanaf.isoformat(),
            "EINDE_AANMELDPERIODE": tot.isoformat() if tot else "",
            "EINDDATUM": "",
            "TOEGANGSCODE_COHORT": "",
            "DEELNEMERSPLAATSEN": "",
        }
        if rng.random() < 0.04:
            row["TOEGANGSCODE_COHORT"] = "".join(rng.choices(string.ascii_uppercase + string.digits, k=8))
        if rng.random() < 0.10:
            row["DEELNEMERSPLAATSEN"] = str(rng.randint(12, 60))
        if rng.random() < 0.04:  # closed early by hand
            row["EINDDATUM"] = (vanaf + datetime.timedelta(days=rng.randint(30, 200))).isoformat()
        return row

    d = datetime.date
    rows = [cohort(f"{year}-09", d(year, 9, 1), d(year - 1, 10, 1), None if rng.random() < 0.3 else d(year, 8, 31))]
    if rng.random() < 0.8:
        rows.append(cohort(f"{year + 1}-02", d(year + 1, 2, 1), d(year - 1, 10, 1), d(year + 1, 1, 15)))
    if rng.random() < 0.3:
        rows.append(cohort(f"{year + 1}-09", d(year + 1, 9, 1), d(year, 10, 1), d(year + 1, 8, 31)))
    return rows
