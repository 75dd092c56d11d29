"""Import the public reference data (REFERENCE_DATA_DIR) into the database with the project's own importers.

Idempotent: re-running changes nothing. BRP dates are jjjjmmdd; an empty end date means still valid.
"""

import csv
import datetime
import json
import statistics
from collections import defaultdict
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .bulk import sync_objects
from .models import Gemeente, Land, Postcodegebied


class ReferenceDataMissing(Exception):
    pass


def data_dir() -> Path | None:
    """settings.REFERENCE_DATA_DIR when it exists; None means: use synthetic stand-ins."""
    path = Path(settings.REFERENCE_DATA_DIR) if settings.REFERENCE_DATA_DIR else None
    return path if path and path.is_dir() else None


def read_csv(path: Path) -> list[dict]:
    if not path.is_file():
        raise ReferenceDataMissing(f"{path} ontbreekt")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _brp_date(value: str) -> datetime.date | None:
    value = (value or "").strip()
    if not value or value == "00000000":
        return None
    try:
        return datetime.datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        return None


def _sync(model, desired: dict[str, dict]) -> dict[str, int]:
    existing = {o.pk: o for o in model.objects.all()}
    return sync_objects(model, existing, desired, lambda pk, fields: model(pk=pk, **fields))


@transaction.atomic
def import_landen(directory: Path) -> dict[str, int]:
    desired = {}
    for row in read_csv(directory / "brp/tabel34.csv"):
        code = row["94.10 Landcode"].strip().zfill(4)
        desired[code] = {
            "omschrijving": row["94.11 Omschrijving"].strip(),
            "ingang": _brp_date(row["99.98 Datum ingang"]),
            "einde": _brp_date(row["99.99 Datum einde"]),
        }
    return _sync(Land, desired)


@transaction.atomic
def import_gemeenten(directory: Path) -> dict[str, int]:
    """Current gemeenten from the woonplaats table (with COROP), history from BRP tabel 33, centroids from pc4."""
    current: dict[str, dict] = {}
    woonplaats_gemeente = {}
    for row in read_csv(directory / "geo/woonplaatsen_gemeenten_corop.csv"):
        code = row["Gemeentecode"].strip().zfill(4)
        woonplaats_gemeente.setdefault(row["Woonplaats"].strip().lower(), code)
        current.setdefault(code, {"naam": row["Gemeente"].strip(), "corop_code": row["COROP-gebiedcode"].strip(),
                                  "corop_naam": row["COROP-gebied"].strip()})  # fmt: skip
    points = defaultdict(list)
    pc4_gemeente = {}
    centroids = directory / "geo/pc4_city_centroids.json"
    if centroids.is_file():
        for pc4, entry in json.loads(centroids.read_text()).items():
            code = woonplaats_gemeente.get(entry["city"].strip().lower())
            if code:
                points[code].append(entry["c"])
                pc4_gemeente[pc4] = code
    _sync(Postcodegebied, {pc4: {"gemeentecode": code} for pc4, code in pc4_gemeente.items()})
    from .services import POSTCODEGEBIEDEN

    POSTCODEGEBIEDEN.vergeet()  # this process's copy; others refresh within ten minutes
    desired = {}
    for row in read_csv(directory / "brp/tabel33.csv"):
        code = row["92.10 Gemeentecode"].strip().zfill(4)
        if code == "0000":
            continue
        desired[code] = {"naam": row["92.11 Omschrijving"].strip(), "corop_code": "", "corop_naam": "",
                         "latitude": None, "longitude": None, "actueel": False,
                         "nieuwe_code": row["92.12 Nieuwe code"].strip()}  # fmt: skip
    for code, fields in current.items():
        lat = lon = None
        if points[code]:  # the median resists the source's outliers
            lat = statistics.median(p[0] for p in points[code])
            lon = statistics.median(p[1] for p in points[code])
        desired[code] = {**fields, "latitude": lat, "longitude": lon, "actueel": True, "nieuwe_code": ""}
    return _sync(Gemeente, desired)
