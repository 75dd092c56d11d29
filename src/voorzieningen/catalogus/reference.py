"""Read the public reference data in settings.REFERENCE_DATA_DIR (see ../shared/data/README.md).

Each reader returns plain tuples so the generator and the importers do not depend on the file layout.
Everything here is optional: without the folder the callers use synthetic stand-ins.
"""

import json
import math
import statistics
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from voorzieningen.core.reference import data_dir, read_csv


@dataclass(frozen=True)
class Plaats:
    woonplaats: str
    gemeentecode: str
    gemeente: str
    corop: str
    pc4: str
    lat: float
    lon: float


def _csv(relative: str) -> list[dict]:
    return read_csv(data_dir() / relative)


def crebo_kwalificaties() -> list[tuple[str, str]]:
    """The 4,103 real crebo codes with their names."""
    return [
        (r["Opleidingcode"].strip(), r["Opleidingsnaam"].strip()) for r in _csv("opleidingen/opleidingen_crebo.csv")
    ]


def mbo_instellingen() -> list[tuple[str, str]]:
    """(BRIN, name) of the 57 mbo institutions."""
    return [(r["BRIN"].strip(), r["school"].strip()) for r in _csv("opleidingen/mbo_instellingen_brin.csv")]


def _distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat = math.radians((a[0] + b[0]) / 2)
    return math.hypot((a[0] - b[0]) * 111.2, (a[1] - b[1]) * 111.2 * math.cos(lat))


@cache
def _plaatsen(directory: str) -> tuple[Plaats, ...]:
    woonplaatsen = {}
    for r in _csv("geo/woonplaatsen_gemeenten_corop.csv"):
        woonplaatsen.setdefault(r["Woonplaats"].strip().lower(), r)
    centroids = json.loads((Path(directory) / "geo/pc4_city_centroids.json").read_text())
    per_city: dict[str, list[tuple[str, tuple[float, float]]]] = {}
    for pc4, entry in centroids.items():
        per_city.setdefault(entry["city"].strip().lower(), []).append((pc4, tuple(entry["c"])))
    plaatsen = []
    for city, points in per_city.items():
        row = woonplaatsen.get(city)
        if row is None:
            continue
        # the source is noisy: drop postcodes more than 15 km from the city's median point
        median = (statistics.median(p[1][0] for p in points), statistics.median(p[1][1] for p in points))
        for pc4, point in points:
            if _distance_km(point, median) <= 15:
                plaatsen.append(
                    Plaats(
                        row["Woonplaats"],
                        row["Gemeentecode"].zfill(4),
                        row["Gemeente"],
                        row["COROP-gebied"],
                        pc4,
                        *point,
                    )
                )
    return tuple(sorted(plaatsen, key=lambda p: p.pc4))


def plaatsen() -> tuple[Plaats, ...]:
    """Postcode areas with coordinates, joined to woonplaats, gemeente and COROP region; outliers removed."""
    return _plaatsen(str(data_dir()))


def gemeenten() -> list[tuple[str, str, str]]:
    """(gemeentecode, name, COROP region) of every current gemeente in the woonplaats table."""
    seen = {}
    for r in _csv("geo/woonplaatsen_gemeenten_corop.csv"):
        seen.setdefault(r["Gemeentecode"].zfill(4), (r["Gemeentecode"].zfill(4), r["Gemeente"], r["COROP-gebied"]))
    return sorted(seen.values())
