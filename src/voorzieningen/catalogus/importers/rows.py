"""Validate rows (dicts keyed by DUO column names) into records, with one clear error per bad row."""

import datetime
import re
from dataclasses import dataclass, field

from voorzieningen.catalogus.models import Leertraject, RioType

from .columns import MUTATIE


@dataclass
class RowError:
    file: str
    row: int
    column: str
    message: str
    key: str = ""

    def as_dict(self) -> dict:
        return {"file": self.file, "row": self.row, "column": self.column, "message": self.message, "key": self.key}

    def __str__(self) -> str:
        where = f"{self.file} regel {self.row}"
        return f"{where}, kolom {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class InvalidRow(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


@dataclass
class OpleidingRecord:
    code: str
    crebo: str
    kwalificatie_naam: str
    aanbieder_code: str
    aanbieder_naam: str
    leertraject: str
    wervingsnaam: str
    brin: str
    locatie_code: str = ""
    bestuur_code: str = ""
    niveau: int | None = None
    sector: str = ""
    straatnaam: str = ""
    huisnummer: str = ""
    huisnummertoevoeging: str = ""
    postcode: str = ""
    plaatsnaam: str = ""
    website: str = ""
    instelling_naam: str = ""
    aanbieder_type: str = RioType.CENTRAAL_AANMELDEN_MBO
    gemeentecode: str = ""
    latitude: float | None = None
    longitude: float | None = None
    actief: bool = True
    verwijderen: bool = False


@dataclass
class CohortRecord:
    opleiding_code: str
    code: str
    begindatum: datetime.date | None = None
    aanmelden_vanaf: datetime.date | None = None
    aanmelden_tot: datetime.date | None = None
    einddatum: datetime.date | None = None
    status: str = "O"
    toegangscode: str = ""
    capaciteit: int | None = None
    verwijderen: bool = False


@dataclass
class ParsedBatch:
    opleidingen: list[OpleidingRecord] = field(default_factory=list)
    cohorten: list[CohortRecord] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows_read: int = 0


UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# re.ASCII: \d would also take Arabic-Indic and other Unicode digits, which no register spells its codes in.
PATTERNS = {
    "ONDERWIJSAANBIEDERID": (re.compile(r"^\d{3}A\d{3}$", re.ASCII), "verwacht de vorm 123A456"),
    "ONDERWIJSLOCATIECODE": (re.compile(r"^\d{3}X\d{3}$", re.ASCII), "verwacht de vorm 123X456"),
    "ONDERWIJSBESTUURID": (re.compile(r"^\d{3}B\d{3}$", re.ASCII), "verwacht de vorm 123B456"),
    "INSTELLINGSERKENNINGSCODE": (re.compile(r"^\d{2}[A-Z]{2}$", re.ASCII), "verwacht een BRIN als 25LX"),
    "ERKENDEOPLEIDINGSCODE": (re.compile(r"^\d{5}$", re.ASCII), "verwacht een crebo-code van vijf cijfers"),
    "POSTCODE": (re.compile(r"^\d{4}[A-Z]{2}$", re.ASCII), "verwacht een postcode als 1234AB"),
    "GEMEENTECODE": (re.compile(r"^\d{4}$", re.ASCII), "verwacht een gemeentecode van vier cijfers"),
}
MAX_LENGTHS = {
    "EIGENNAAM": 225,
    "NAAM": 255,
    "OPLEIDINGSEENHEID_NAAM": 255,
    "STRAATNAAM": 200,
    "HUISNUMMER": 10,
    "HUISNUMMERTOEVOEGING": 10,
    "PLAATSNAAM": 100,
    "WEBSITE": 320,
    "INSTELLINGSNAAM": 255,
    "DOMEIN": 150,
    "COHORTCODE": 60,
    "TOEGANGSCODE_COHORT": 60,
}


def _text(row: dict, column: str, required: bool = False) -> str:
    value = row.get(column)
    value = "" if value is None else str(value).strip()
    if required and not value:
        raise InvalidRow(column, "verplicht veld is leeg")
    if value and column in PATTERNS:
        pattern, expected = PATTERNS[column]
        normalised = value.replace(" ", "").upper() if column == "POSTCODE" else value
        if not pattern.match(normalised):
            raise InvalidRow(column, f"ongeldige waarde {value!r}: {expected}")
        value = normalised
    if column in MAX_LENGTHS and len(value) > MAX_LENGTHS[column]:
        raise InvalidRow(column, f"te lang ({len(value)} tekens, maximaal {MAX_LENGTHS[column]})")
    return value


def parse_date(value: str, column: str) -> datetime.date | None:
    """Accept ISO (2026-08-31), DUO's dd-mm-jjjj and RIO's jjjjmmdd."""
    value = (value or "").strip()
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%Y%m%d"):
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise InvalidRow(column, f"ongeldige datum {value!r}: gebruik jjjj-mm-dd")


def _niveau(row: dict) -> int | None:
    for column in ("MBONIVEAU", "OPLEIDINGSEENHEID_NIVEAU"):
        value = _text(row, column).upper().replace("MBO-", "").replace("MBO", "").strip()
        if not value:
            continue
        if value not in {"1", "2", "3", "4"}:
            raise InvalidRow(column, f"ongeldig niveau {row.get(column)!r}: verwacht 1 t/m 4 (of MBO-1 t/m MBO-4)")
        return int(value)
    return None


def _float(row: dict, column: str, low: float, high: float) -> float | None:
    value = _text(row, column).replace(",", ".")
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise InvalidRow(column, f"geen getal: {value!r}") from None
    if not low <= number <= high:
        raise InvalidRow(column, f"{number} ligt buiten {low}..{high}")
    return number


def _is_delete(row: dict, mutation: bool) -> bool:
    if not mutation:
        return False
    value = _text(row, MUTATIE, required=True).upper()
    if value not in {"TOEVOEGEN", "WIJZIGEN", "VERWIJDEREN"}:
        raise InvalidRow(MUTATIE, f"ongeldige mutatie {value!r}: verwacht TOEVOEGEN, WIJZIGEN of VERWIJDEREN")
    return value == "VERWIJDEREN"


def parse_opleiding(row: dict, mutation: bool = False) -> OpleidingRecord:
    code = _text(row, "AANGEBODEN_OPLEIDINGCODE", required=True)
    if not UUID_RE.match(code):
        raise InvalidRow("AANGEBODEN_OPLEIDINGCODE", f"ongeldige code {code!r}: verwacht een UUID van 36 tekens")
    code = code.lower()
    if _is_delete(row, mutation):
        return OpleidingRecord(
            code=code,
            crebo="",
            kwalificatie_naam="",
            aanbieder_code="",
            aanbieder_naam="",
            leertraject="",
            wervingsnaam="",
            brin="",
            verwijderen=True,
        )
    leertraject = _text(row, "LEERTRAJECT", required=True).upper().replace("-", "_")
    if leertraject not in Leertraject.values:
        raise InvalidRow(
            "LEERTRAJECT", f"onbekend leertraject {leertraject!r}: verwacht een van {', '.join(Leertraject.values)}"
        )
    aanbieder_type = _text(row, "ONDERWIJSAANBIEDER_TYPE").upper() or RioType.CENTRAAL_AANMELDEN_MBO
    if aanbieder_type not in RioType.values:
        raise InvalidRow(
            "ONDERWIJSAANBIEDER_TYPE", f"onbekend type {aanbieder_type!r}: verwacht een van {', '.join(RioType.values)}"
        )
    actief = _text(row, "ACTIEF").upper() or "J"
    if actief not in {"J", "N", "JA", "NEE", "TRUE", "FALSE", "1", "0"}:
        raise InvalidRow("ACTIEF", f"ongeldige waarde {actief!r}: verwacht J of N")
    website = _text(row, "WEBSITE")
    if website and not re.match(r"^https?://", website, re.I):
        raise InvalidRow("WEBSITE", f"ongeldige website {website!r}: moet met http:// of https:// beginnen")
    return OpleidingRecord(
        code=code,
        crebo=_text(row, "ERKENDEOPLEIDINGSCODE", required=True),
        kwalificatie_naam=_text(row, "OPLEIDINGSEENHEID_NAAM", required=True),
        aanbieder_code=_text(row, "ONDERWIJSAANBIEDERID", required=True),
        aanbieder_naam=_text(row, "NAAM", required=True),
        leertraject=leertraject,
        wervingsnaam=_text(row, "EIGENNAAM", required=True),
        brin=_text(row, "INSTELLINGSERKENNINGSCODE", required=True),
        locatie_code=_text(row, "ONDERWIJSLOCATIECODE"),
        bestuur_code=_text(row, "ONDERWIJSBESTUURID"),
        niveau=_niveau(row),
        sector=_text(row, "DOMEIN"),
        straatnaam=_text(row, "STRAATNAAM"),
        huisnummer=_text(row, "HUISNUMMER"),
        huisnummertoevoeging=_text(row, "HUISNUMMERTOEVOEGING"),
        postcode=_text(row, "POSTCODE"),
        plaatsnaam=_text(row, "PLAATSNAAM"),
        website=website,
        instelling_naam=_text(row, "INSTELLINGSNAAM"),
        aanbieder_type=aanbieder_type,
        gemeentecode=_text(row, "GEMEENTECODE"),
        latitude=_float(row, "GPS_LATITUDE", -90, 90),
        longitude=_float(row, "GPS_LONGITUDE", -180, 180),
        actief=actief in {"J", "JA", "TRUE", "1"},
    )


def parse_cohort(row: dict, mutation: bool = False) -> CohortRecord:
    opleiding_code = _text(row, "AANGEBODEN_OPLEIDINGCODE", required=True)
    if not UUID_RE.match(opleiding_code):
        raise InvalidRow("AANGEBODEN_OPLEIDINGCODE", f"ongeldige code {opleiding_code!r}: verwacht een UUID")
    record = CohortRecord(opleiding_code=opleiding_code.lower(), code=_text(row, "COHORTCODE", required=True))
    if _is_delete(row, mutation):
        record.verwijderen = True
        return record
    record.begindatum = parse_date(_text(row, "BEGINDATUM", required=True), "BEGINDATUM")
    record.aanmelden_vanaf = parse_date(_text(row, "BEGIN_AANMELDPERIODE", required=True), "BEGIN_AANMELDPERIODE")
    record.aanmelden_tot = parse_date(_text(row, "EINDE_AANMELDPERIODE"), "EINDE_AANMELDPERIODE")
    record.einddatum = parse_date(_text(row, "EINDDATUM"), "EINDDATUM")
    if record.aanmelden_tot and record.aanmelden_tot < record.aanmelden_vanaf:
        raise InvalidRow("EINDE_AANMELDPERIODE", "einde van de aanmeldperiode ligt vóór het begin")
    record.status = _text(row, "COHORTSTATUS").upper() or "O"
    if record.status not in {"O", "G"}:
        raise InvalidRow("COHORTSTATUS", f"ongeldige status {record.status!r}: verwacht O (open) of G (gesloten)")
    record.toegangscode = _text(row, "TOEGANGSCODE_COHORT")
    plaatsen = _text(row, "DEELNEMERSPLAATSEN")
    if plaatsen:
        if not re.fullmatch(r"[0-9]{1,5}", plaatsen) or not 1 <= int(plaatsen) <= 32000:  # isdigit() takes '²'
            raise InvalidRow("DEELNEMERSPLAATSEN", f"ongeldig aantal {plaatsen!r}: verwacht 1 t/m 32000")
        record.capaciteit = int(plaatsen)
    return record


def parse_rows(file: str, rows, parser, mutation: bool, batch: ParsedBatch, target: list, start: int = 2):
    """Parse every row into ``target``; bad rows become errors and never stop the rest."""
    for number, row in enumerate(rows, start=start):
        batch.rows_read += 1
        try:
            target.append(parser(row, mutation))
        except InvalidRow as exc:
            key = str(row.get("AANGEBODEN_OPLEIDINGCODE") or "")
            batch.errors.append(RowError(file, number, exc.column, exc.message, key))
