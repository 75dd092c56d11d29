"""Read DUO open-data CSV files (comma or semicolon separated, UTF-8 with or without BOM)."""

import csv
import io
from pathlib import Path

from .columns import (
    COHORT_OPTIONAL,
    COHORT_REQUIRED,
    COHORTEN_FILE,
    MUTATIE,
    OPLEIDING_OPTIONAL,
    OPLEIDING_REQUIRED,
    OPLEIDINGEN_FILE,
)
from .rows import ParsedBatch, parse_cohort, parse_opleiding, parse_rows


class ImportFileError(Exception):
    """The file as a whole cannot be read (missing, wrong columns): nothing is imported."""


def _reader(text: str) -> csv.DictReader:
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    return csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)


def _check_header(name: str, reader: csv.DictReader, required: list[str], optional: list[str], mutation: bool):
    found = [c.strip().upper() for c in (reader.fieldnames or [])]
    reader.fieldnames = found
    needed = required + ([MUTATIE] if mutation else [])
    missing = [c for c in needed if c not in found]
    if missing:
        raise ImportFileError(f"{name}: verplichte kolommen ontbreken: {', '.join(missing)}")


def read_text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def parse_texts(opleidingen: str | None, cohorten: str | None, mutation: bool = False, progress=None) -> ParsedBatch:
    batch = ParsedBatch()
    for name, text, required, optional, parser, target in (
        (OPLEIDINGEN_FILE, opleidingen, OPLEIDING_REQUIRED, OPLEIDING_OPTIONAL, parse_opleiding, batch.opleidingen),
        (COHORTEN_FILE, cohorten, COHORT_REQUIRED, COHORT_OPTIONAL, parse_cohort, batch.cohorten),
    ):
        if text is None:
            continue
        reader = _reader(text)
        try:
            _check_header(name, reader, required, optional, mutation)
            rows = progress(reader, name) if progress else reader
            parse_rows(name, rows, parser, mutation, batch, target)
        except csv.Error as exc:  # e.g. a field beyond the csv module's limit: the rest of the file is unreadable
            raise ImportFileError(f"{name}: geen leesbare CSV meer vanaf regel {reader.line_num + 1} ({exc})") from exc
    return batch


def parse_directory(directory: Path, mutation: bool = False, progress=None) -> ParsedBatch:
    """A full import needs both files; a mutation import takes whichever of the two is present."""
    directory = Path(directory)
    paths = {name: directory / name for name in (OPLEIDINGEN_FILE, COHORTEN_FILE)}
    present = {name: p for name, p in paths.items() if p.is_file()}
    if not directory.is_dir():
        raise ImportFileError(f"map {directory} bestaat niet")
    if not mutation and len(present) < 2:
        missing = [n for n in paths if n not in present]
        raise ImportFileError(f"volledige import in {directory}: bestand(en) ontbreken: {', '.join(missing)}")
    if not present:
        raise ImportFileError(f"geen importbestanden in {directory} ({OPLEIDINGEN_FILE} of {COHORTEN_FILE})")
    texts = {name: read_text(p) for name, p in present.items()}
    return parse_texts(texts.get(OPLEIDINGEN_FILE), texts.get(COHORTEN_FILE), mutation, progress)


def parse_row_dicts(opleidingen: list[dict], cohorten: list[dict], mutation: bool = False) -> ParsedBatch:
    """Rows that arrive as dicts (RIO API, JSON push) go through the same validation as file rows."""
    batch = ParsedBatch()
    upper = lambda rows: [{str(k).strip().upper(): v for k, v in row.items()} for row in rows]  # noqa: E731
    parse_rows("aangeboden-opleidingen", upper(opleidingen), parse_opleiding, mutation, batch, batch.opleidingen, 1)
    parse_rows("aangeboden-opleiding-cohorten", upper(cohorten), parse_cohort, mutation, batch, batch.cohorten, 1)
    return batch
