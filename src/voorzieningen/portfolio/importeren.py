"""Import of population and enrolment figures (the formats are documented in docs/portfolioregie.md).

``bevolking.csv`` follows CBS' regional population figures and projections, one row per municipality, age band
and year; ``inschrijvingen.csv`` follows DUO's 'Mbo-studenten per instelling' columns, refined to location and
crebo (the level institutions report to DUO). A file is a full delivery for the years it contains: rows of those
years that are not in the file are removed, other years are left alone. Re-importing the same file changes
nothing. Rows that cannot be read are refused with their line number and reason; the rest is imported.
"""

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from voorzieningen.catalogus.models import Instelling, Kwalificatie, Onderwijslocatie
from voorzieningen.core.bulk import chunks, sync_objects
from voorzieningen.core.models import Gemeente

from .models import Bevolking, Inschrijving, Leeftijdsklasse

BEVOLKING_BESTAND = "bevolking.csv"
BEVOLKING_KOLOMMEN = ["GEMEENTECODE", "GEMEENTENAAM", "LEEFTIJDSCATEGORIE", "JAAR", "AANTAL", "TYPE", "BRON"]
BEVOLKING_VERPLICHT = ["GEMEENTECODE", "LEEFTIJDSCATEGORIE", "JAAR", "AANTAL"]

INSCHRIJVINGEN_BESTAND = "inschrijvingen.csv"
INSCHRIJVING_KOLOMMEN = [
    "JAAR",
    "INSTELLINGSCODE",
    "ONDERWIJSLOCATIECODE",
    "GEMEENTENUMMER",
    "ERKENDEOPLEIDINGSCODE",
    "LEERWEG",
    "AANTAL",
    "BRON",
]
INSCHRIJVING_VERPLICHT = [
    "JAAR",
    "INSTELLINGSCODE",
    "ONDERWIJSLOCATIECODE",
    "ERKENDEOPLEIDINGSCODE",
    "LEERWEG",
    "AANTAL",
]
MAXIMUM_AANTAL = 100_000_000  # far above any count; the columns hold up to 2**31
MAXIMUM_JAAR = 2200  # the year columns are small integers
BRON_LENGTE = 50
# DUO writes BOLVT/BOLDT; RIO writes BOL/BOL_DT. Both are accepted.
LEERWEGEN = {"BOL": "BOL", "BOLVT": "BOL", "BOL_VT": "BOL", "BOLDT": "BOL_DT", "BOL_DT": "BOL_DT", "BBL": "BBL"}


@dataclass
class Importresultaat:
    aantallen: Counter = field(default_factory=Counter)
    fouten: list[str] = field(default_factory=list)

    def fout(self, bestand: str, regel: int, melding: str) -> None:
        self.fouten.append(f"{bestand}, regel {regel}: {melding}")


def _lees(pad: Path, verplicht: list[str], resultaat: Importresultaat) -> list[tuple[int, dict]] | None:
    """The rows by line number; a file that is no UTF-8 CSV text at all is refused as a whole (None)."""
    try:
        tekst = pad.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        resultaat.fout(pad.name, 1, "het bestand is geen UTF-8-tekst; sla het op als CSV UTF-8")
        return None
    if "\x00" in tekst:
        resultaat.fout(pad.name, 1, "het bestand bevat NUL-tekens: geen CSV-tekst")
        return None
    scheiding = ";" if ";" in tekst.split("\n", 1)[0] else ","  # CBS and Excel exports often use semicolons
    lezer = csv.DictReader(io.StringIO(tekst, newline=""), delimiter=scheiding)
    rijen = []
    try:
        kolommen = [k.strip().upper() for k in (lezer.fieldnames or [])]
        ontbreekt = [k for k in verplicht if k not in kolommen]
        if ontbreekt:
            resultaat.fout(pad.name, 1, f"kolommen ontbreken: {', '.join(ontbreekt)}")
            return None
        for nummer, rij in enumerate(lezer, start=2):
            if None in rij:  # DictReader keeps the surplus of a row with more fields than columns under None
                resultaat.fout(pad.name, nummer, f"meer velden dan de {len(kolommen)} kolommen van de kopregel")
                continue
            rijen.append((nummer, {(k or "").strip().upper(): (v or "").strip() for k, v in rij.items()}))
    except csv.Error as exc:
        resultaat.fout(pad.name, lezer.line_num, f"geen leesbare CSV meer ({exc})")
        return None
    return rijen


def _geheel(waarde: str, minimum: int = 0, maximum: int = MAXIMUM_AANTAL) -> int:
    """A whole number, '21.000' allowed; only ASCII digits, and within what the column can hold."""
    kaal = waarde.replace(".", "").replace(" ", "")
    if not re.fullmatch(r"[0-9]{1,12}", kaal):
        raise ValueError(waarde)
    getal = int(kaal)
    if not minimum <= getal <= maximum:
        raise ValueError(waarde)
    return getal


def _bron(rij: dict, veld: str = "BRON") -> str:
    bron = rij.get(veld) or "import"
    if len(bron) > BRON_LENGTE:
        raise ValueError(bron)
    return bron


def _gemeentecode(waarde: str) -> str:
    """Accepts 0344, 344 and CBS' GM0344."""
    waarde = waarde.upper().removeprefix("GM")
    if not re.fullmatch(r"[0-9]{1,4}", waarde):
        raise ValueError
    return waarde.zfill(4)


@transaction.atomic
def importeer_bevolking(pad: Path, resultaat: Importresultaat | None = None) -> Importresultaat:
    resultaat = resultaat or Importresultaat()
    rijen = _lees(pad, BEVOLKING_VERPLICHT, resultaat)
    if rijen is None:
        return resultaat
    gemeenten = set(Gemeente.objects.values_list("code", flat=True))
    klassen = set(Leeftijdsklasse.values)
    gewenst: dict[tuple, dict] = {}
    for nummer, rij in rijen:
        try:
            code = _gemeentecode(rij["GEMEENTECODE"])
        except ValueError:
            resultaat.fout(pad.name, nummer, f"ongeldige gemeentecode {rij['GEMEENTECODE']!r}")
            continue
        if code not in gemeenten:
            resultaat.fout(pad.name, nummer, f"onbekende gemeente {code}")
            continue
        klasse = rij["LEEFTIJDSCATEGORIE"].replace(" ", "")
        if klasse not in klassen:
            resultaat.fout(pad.name, nummer, f"onbekende leeftijdscategorie {klasse!r}; kies uit {', '.join(klassen)}")
            continue
        try:
            jaar, aantal = _geheel(rij["JAAR"], 1900, MAXIMUM_JAAR), _geheel(rij["AANTAL"])
        except ValueError:
            resultaat.fout(
                pad.name, nummer, "JAAR en AANTAL moeten gehele getallen zijn (JAAR 1900–2200, AANTAL niet negatief)"
            )
            continue
        soort = rij.get("TYPE", "").lower()
        if soort not in ("", "realisatie", "prognose"):
            resultaat.fout(pad.name, nummer, f"TYPE is Realisatie of Prognose, niet {rij['TYPE']!r}")
            continue
        try:
            bron = _bron(rij)
        except ValueError:
            resultaat.fout(pad.name, nummer, f"BRON is langer dan {BRON_LENGTE} tekens")
            continue
        sleutel = (code, jaar, klasse)
        if sleutel in gewenst:
            resultaat.fout(pad.name, nummer, f"dubbele regel voor {code} {jaar} {klasse}: de laatste telt")
        gewenst[sleutel] = {"aantal": aantal, "prognose": soort == "prognose", "bron": bron}
    jaren = {j for _c, j, _k in gewenst}
    bestaand = {(b.gemeente_id, b.jaar, b.leeftijdsklasse): b for b in Bevolking.objects.filter(jaar__in=jaren)}
    telling = sync_objects(
        Bevolking,
        bestaand,
        gewenst,
        lambda k, velden: Bevolking(gemeente_id=k[0], jaar=k[1], leeftijdsklasse=k[2], **velden),
    )
    weg = [b.pk for k, b in bestaand.items() if k not in gewenst]
    for deel in chunks(weg):
        Bevolking.objects.filter(pk__in=deel).delete()
    resultaat.aantallen.update({f"bevolking.{k}": v for k, v in telling.items()})
    resultaat.aantallen["bevolking.verwijderd"] += len(weg)
    return resultaat


@transaction.atomic
def importeer_inschrijvingen(pad: Path, resultaat: Importresultaat | None = None) -> Importresultaat:
    resultaat = resultaat or Importresultaat()
    rijen = _lees(pad, INSCHRIJVING_VERPLICHT, resultaat)
    if rijen is None:
        return resultaat
    instellingen = dict(Instelling.objects.values_list("brin", "pk"))
    kwalificaties = dict(Kwalificatie.objects.values_list("crebo", "pk"))
    locatie_gemeente = dict(Onderwijslocatie.objects.values_list("code", "gemeentecode"))
    gewenst: dict[tuple, dict] = {}
    for nummer, rij in rijen:
        instelling = instellingen.get(rij["INSTELLINGSCODE"].upper())
        if instelling is None:
            resultaat.fout(pad.name, nummer, f"onbekende instelling {rij['INSTELLINGSCODE']!r}")
            continue
        kwalificatie = kwalificaties.get(rij["ERKENDEOPLEIDINGSCODE"])
        if kwalificatie is None:
            resultaat.fout(pad.name, nummer, f"onbekende crebo {rij['ERKENDEOPLEIDINGSCODE']!r}")
            continue
        leerweg = LEERWEGEN.get(rij["LEERWEG"].upper())
        if leerweg is None:
            resultaat.fout(pad.name, nummer, f"leerweg {rij['LEERWEG']!r} hoort niet bij het initieel onderwijs")
            continue
        locatie = rij["ONDERWIJSLOCATIECODE"].upper()
        if not re.fullmatch(r"[0-9]{3}X[0-9]{3}", locatie):
            resultaat.fout(pad.name, nummer, f"ongeldige onderwijslocatiecode {locatie!r}: verwacht 123X456")
            continue
        gemeente = locatie_gemeente.get(locatie, "")
        if not gemeente and rij.get("GEMEENTENUMMER"):
            try:
                gemeente = _gemeentecode(rij["GEMEENTENUMMER"])
            except ValueError:
                resultaat.fout(pad.name, nummer, f"ongeldig gemeentenummer {rij['GEMEENTENUMMER']!r}")
                continue
        if not gemeente:
            resultaat.fout(pad.name, nummer, f"locatie {locatie} is onbekend en GEMEENTENUMMER ontbreekt")
            continue
        try:
            jaar, aantal = _geheel(rij["JAAR"], 1990, MAXIMUM_JAAR), _geheel(rij["AANTAL"])
        except ValueError:
            resultaat.fout(
                pad.name, nummer, "JAAR en AANTAL moeten gehele getallen zijn (JAAR 1990–2200, AANTAL niet negatief)"
            )
            continue
        try:
            bron = _bron(rij)
        except ValueError:
            resultaat.fout(pad.name, nummer, f"BRON is langer dan {BRON_LENGTE} tekens")
            continue
        sleutel = (jaar, instelling, locatie, kwalificatie, leerweg)
        if sleutel in gewenst:
            resultaat.fout(pad.name, nummer, "dubbele regel: de laatste telt")
        gewenst[sleutel] = {"gemeentecode": gemeente, "aantal": aantal, "bron": bron}
    jaren = {k[0] for k in gewenst}
    bestaand = {
        (i.schooljaar, i.instelling_id, i.onderwijslocatiecode, i.kwalificatie_id, i.leertraject): i
        for i in Inschrijving.objects.filter(schooljaar__in=jaren)
    }
    telling = sync_objects(
        Inschrijving,
        bestaand,
        gewenst,
        lambda k, velden: Inschrijving(
            schooljaar=k[0],
            instelling_id=k[1],
            onderwijslocatiecode=k[2],
            kwalificatie_id=k[3],
            leertraject=k[4],
            **velden,
        ),
    )
    weg = [i.pk for k, i in bestaand.items() if k not in gewenst]
    for deel in chunks(weg):
        Inschrijving.objects.filter(pk__in=deel).delete()
    resultaat.aantallen.update({f"inschrijvingen.{k}": v for k, v in telling.items()})
    resultaat.aantallen["inschrijvingen.verwijderd"] += len(weg)
    return resultaat


def importeer_map(map_: Path) -> Importresultaat:
    """Import whichever of the two files the folder holds."""
    resultaat = Importresultaat()
    gevonden = False
    if (map_ / BEVOLKING_BESTAND).is_file():
        importeer_bevolking(map_ / BEVOLKING_BESTAND, resultaat)
        gevonden = True
    if (map_ / INSCHRIJVINGEN_BESTAND).is_file():
        importeer_inschrijvingen(map_ / INSCHRIJVINGEN_BESTAND, resultaat)
        gevonden = True
    if not gevonden:
        resultaat.fouten.append(f"{map_}: geen {BEVOLKING_BESTAND} of {INSCHRIJVINGEN_BESTAND} gevonden")
    return resultaat
