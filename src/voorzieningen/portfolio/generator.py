"""Generated population and enrolment figures for the catalogue in the database, in the import format.

GENERATED, NOT REAL: the shared reference data has no population per age band and no enrolments per location.
These figures are plausible, so the early warning has something to compute on, and are replaced by importing
real CBS and DUO figures in the same format (``import-portfolio``).

How they are made, from a seed (the same seed gives the same files):

- Inhabitants per municipality: with the reference data, about 3,700 per four-digit postcode area (17.9 million
  over 4,766 areas); without it, a skewed random size. Age shares near the national ones, with some noise.
- Trends per year by COROP region: the shrink regions named by the national government (Groningen's east and
  Delfzijl, Zeeuws-Vlaanderen, Zuid-Limburg, Achterhoek, …) lose young people fast, the big-city regions gain
  a little, elsewhere a slow decline. Registered figures for five years back, projections ten years ahead.
- Enrolments per current offering (initial leertrajecten) for the last five school years, following the
  region's trend of 15–19-year-olds with noise per offering; some offerings started recently, and stopped
  offerings (in earlier years only) are added, more of them in shrink regions, so offerings fall there too.
"""

import csv
import datetime
import random
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from voorzieningen.catalogus import generator as catalogus_generator
from voorzieningen.catalogus import reference as catalogus_reference
from voorzieningen.catalogus.models import AangebodenOpleiding, Kwalificatie
from voorzieningen.core import reference as core_reference
from voorzieningen.core.models import Gemeente

from .data import INITIELE_LEERTRAJECTEN, huidig_schooljaar
from .importeren import BEVOLKING_BESTAND, BEVOLKING_KOLOMMEN, INSCHRIJVING_KOLOMMEN, INSCHRIJVINGEN_BESTAND
from .models import Leeftijdsklasse

KRIMPREGIO_S = {
    "Oost-Groningen",
    "Delfzijl en omgeving",
    "Zeeuwsch-Vlaanderen",
    "Zuid-Limburg",
    "Achterhoek",
    "Noord-Friesland",
    "Zuidoost-Drenthe",
    "Kop van Noord-Holland",
}
GROEIREGIO_S = {"Groot-Amsterdam", "Utrecht", "Agglomeratie 's-Gravenhage", "Groot-Rijnmond", "Flevoland"}
AANDELEN = {  # national age shares, roughly CBS 2024
    Leeftijdsklasse.K0_9: 0.104,
    Leeftijdsklasse.K10_14: 0.056,
    Leeftijdsklasse.K15_19: 0.059,
    Leeftijdsklasse.K20_24: 0.066,
    Leeftijdsklasse.K25_64: 0.513,
    Leeftijdsklasse.K65: 0.202,
}
JONG = {Leeftijdsklasse.K0_9, Leeftijdsklasse.K10_14, Leeftijdsklasse.K15_19, Leeftijdsklasse.K20_24}
INWONERS_PER_PC4 = 3_700
JAREN_TERUG = 4
JAREN_VOORUIT = 10
SCHOOLJAREN = 5
BASIS = {1: (12, 40), 2: (20, 70), 3: (25, 90), 4: (40, 160)}
LEERWEGFACTOR = {"BOL": 1.0, "BBL": 0.45, "BOL_DT": 0.15}


@dataclass
class Dataset:
    bevolking: list[dict] = field(default_factory=list)
    inschrijvingen: list[dict] = field(default_factory=list)

    def write(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        for naam, kolommen, rijen in (
            (BEVOLKING_BESTAND, BEVOLKING_KOLOMMEN, self.bevolking),
            (INSCHRIJVINGEN_BESTAND, INSCHRIJVING_KOLOMMEN, self.inschrijvingen),
        ):
            with (directory / naam).open("w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=kolommen)
                writer.writeheader()
                writer.writerows(rijen)


@transaction.atomic
def zorg_voor_gemeenten(seed: int) -> int:
    """Municipalities with centroids must exist: from the reference data, else the catalogue generator's
    synthetic places for the same seed (so locations and municipalities share their codes)."""
    if Gemeente.objects.filter(actueel=True, latitude__isnull=False).exists():
        return 0
    directory = core_reference.data_dir()
    if directory is not None:
        return core_reference.import_gemeenten(directory)["nieuw"]
    per_code = {}
    for plaats in catalogus_generator._places(random.Random(seed)):
        per_code.setdefault(plaats.gemeentecode, plaats)
    bestaand = set(Gemeente.objects.values_list("code", flat=True))
    nieuw = [
        Gemeente(
            code=code,
            naam=p.gemeente,
            corop_code=p.corop.removeprefix("COROP ").zfill(2),
            corop_naam=p.corop,
            latitude=p.lat,
            longitude=p.lon,
        )
        for code, p in per_code.items()
        if code not in bestaand
    ]
    Gemeente.objects.bulk_create(nieuw)
    return len(nieuw)


def _groei(rng: random.Random, corop: str, klasse: str) -> float:
    """Yearly growth factor of one age band in one region."""
    if klasse in JONG:
        if corop in KRIMPREGIO_S:
            return 1 + rng.uniform(-0.035, -0.018)
        if corop in GROEIREGIO_S:
            return 1 + rng.uniform(0.0, 0.012)
        return 1 + rng.uniform(-0.014, -0.002)
    if klasse == Leeftijdsklasse.K65:
        return 1 + rng.uniform(0.012, 0.025)
    return 1 + rng.uniform(-0.006, 0.004)


def genereer(seed: int, vandaag: datetime.date | None = None) -> Dataset:
    vandaag = vandaag or datetime.date.today()
    rng = random.Random(f"portfolio:{seed}")
    data = Dataset()
    gemeenten = list(Gemeente.objects.filter(actueel=True).order_by("code").values_list("code", "naam", "corop_naam"))
    pc4_per_gemeente: dict[str, int] = {}
    if core_reference.data_dir() is not None:
        for plaats in catalogus_reference.plaatsen():
            pc4_per_gemeente[plaats.gemeentecode] = pc4_per_gemeente.get(plaats.gemeentecode, 0) + 1

    peiljaar = vandaag.year
    jeugdtrend: dict[str, list[float]] = {}  # corop -> growth factors of 15–19 (to drive the enrolments)
    for code, naam, corop in gemeenten:
        if code in pc4_per_gemeente:
            inwoners = pc4_per_gemeente[code] * INWONERS_PER_PC4 * rng.uniform(0.8, 1.2)
        else:
            inwoners = min(900_000, rng.lognormvariate(10.5, 0.7))
        for klasse, aandeel in AANDELEN.items():
            groei = _groei(rng, corop, klasse)
            if klasse == Leeftijdsklasse.K15_19:
                jeugdtrend.setdefault(corop, []).append(groei)
            basis = inwoners * aandeel * rng.uniform(0.9, 1.1)
            for jaar in range(peiljaar - JAREN_TERUG, peiljaar + JAREN_VOORUIT + 1):
                data.bevolking.append(
                    {
                        "GEMEENTECODE": code,
                        "GEMEENTENAAM": naam,
                        "LEEFTIJDSCATEGORIE": klasse.value,
                        "JAAR": jaar,
                        "AANTAL": max(0, round(basis * groei ** (jaar - peiljaar))),
                        "TYPE": "Prognose" if jaar > peiljaar else "Realisatie",
                        "BRON": "gegenereerd",
                    }
                )
    trend = {corop: sum(f) / len(f) for corop, f in jeugdtrend.items()}
    data.inschrijvingen = _inschrijvingen(rng, vandaag, trend, {c: corop for c, _n, corop in gemeenten})
    return data


def _inschrijvingen(rng, vandaag, trend: dict[str, float], corop_van: dict[str, str]) -> list[dict]:
    laatste = huidig_schooljaar(vandaag)
    jaren = list(range(laatste - SCHOOLJAREN + 1, laatste + 1))
    aanbod = (
        AangebodenOpleiding.objects.filter(actief=True, leertraject__in=INITIELE_LEERTRAJECTEN, locatie__isnull=False)
        .order_by("pk")
        .values_list(
            "aanbieder__instelling__brin",
            "locatie__code",
            "locatie__gemeentecode",
            "kwalificatie__crebo",
            "kwalificatie__niveau",
            "leertraject",
        )
    )
    rijen = {}
    gezien = set()
    for brin, locatie, gemeente, crebo, niveau, leertraject in aanbod:
        sleutel = (brin, locatie, crebo, leertraject)
        if sleutel in gezien:
            continue
        gezien.add(sleutel)
        regio = trend.get(corop_van.get(gemeente, ""), 0.99)
        laag, hoog = BASIS.get(niveau or 3, BASIS[3])
        aantal = rng.uniform(laag, hoog) * LEERWEGFACTOR.get(leertraject, 1.0)
        eerste = jaren[0] if rng.random() > 0.12 else rng.choice(jaren[1:])  # some started recently
        reeks = []
        for jaar in reversed(jaren):  # walk back from today's size
            reeks.append((jaar, aantal))
            aantal = aantal / (regio * rng.uniform(0.93, 1.07))
        for jaar, waarde in reeks:
            if jaar >= eerste:
                rijen[(jaar, *sleutel)] = (gemeente, max(1, round(waarde)))

    # stopped offerings: present in the early years only, more often in shrink regions
    crebos = list(Kwalificatie.objects.filter(opleidingen__isnull=False).distinct().values_list("crebo", "niveau"))
    locaties = sorted({(brin, loc, gem) for brin, loc, gem, *_rest in aanbod})
    huidig = {(brin, loc, crebo) for brin, loc, _gem, crebo, *_rest in aanbod}
    for brin, locatie, gemeente in locaties:
        kans = 0.9 if corop_van.get(gemeente, "") in KRIMPREGIO_S else 0.3
        for _ in range(3):
            if rng.random() > kans or not crebos:
                continue
            crebo, niveau = rng.choice(crebos)
            if (brin, locatie, crebo) in huidig:
                continue
            laag, hoog = BASIS.get(niveau or 3, BASIS[3])
            gestopt = rng.choice(jaren[1:])
            aantal = rng.uniform(laag, hoog) * 0.6
            for jaar in jaren:
                sleutel = (jaar, brin, locatie, crebo, "BOL")
                if jaar < gestopt and sleutel not in rijen:
                    rijen[sleutel] = (gemeente, max(1, round(aantal)))
                    aantal *= rng.uniform(0.7, 0.95)  # winding down before the stop
    return [
        {
            "JAAR": jaar,
            "INSTELLINGSCODE": brin,
            "ONDERWIJSLOCATIECODE": locatie,
            "GEMEENTENUMMER": gemeente,
            "ERKENDEOPLEIDINGSCODE": crebo,
            "LEERWEG": leertraject,
            "AANTAL": aantal,
            "BRON": "gegenereerd",
        }
        for (jaar, brin, locatie, crebo, leertraject), (gemeente, aantal) in sorted(rijen.items())
    ]
