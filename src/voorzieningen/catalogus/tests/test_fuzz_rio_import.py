"""Bad input at scale for the RIO import: CSV files, rows as dicts (API push), dates, and the RIO API adapter.

Whatever comes in, the parsers answer with records, row errors (``InvalidRow`` inside, ``RowError`` in the
batch) or ``ImportFileError`` for a file that cannot be read at all; the RIO API adapter with rows or
``RioApiError``. Valid rows come out as they went in.
"""

import csv
import datetime
import io
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voorzieningen.catalogus.importers.columns import (
    COHORT_OPTIONAL,
    COHORT_REQUIRED,
    MUTATIE,
    OPLEIDING_OPTIONAL,
    OPLEIDING_REQUIRED,
)
from voorzieningen.catalogus.importers.files import ImportFileError, parse_row_dicts, parse_texts
from voorzieningen.catalogus.importers.rows import (
    CohortRecord,
    InvalidRow,
    OpleidingRecord,
    ParsedBatch,
    parse_cohort,
    parse_date,
    parse_opleiding,
)
from voorzieningen.catalogus.models import Leertraject
from voorzieningen.catalogus.rio.client import RioApiError, RioLodClient

pytestmark = pytest.mark.fuzz
PARSERS = settings.get_profile("parsers")

KOLOMMEN = OPLEIDING_REQUIRED + OPLEIDING_OPTIONAL + COHORT_REQUIRED + COHORT_OPTIONAL + [MUTATIE]
tekst = st.text(max_size=40)
# What a cell can hold after JSON: text, numbers, nothing, or a structure where text was expected.
waarde = st.one_of(
    tekst,
    st.integers(),
    st.floats(),
    st.booleans(),
    st.none(),
    st.lists(tekst, max_size=3),
    st.dictionaries(tekst, tekst, max_size=2),
)
rij = st.dictionaries(st.one_of(st.sampled_from(KOLOMMEN), tekst), waarde, max_size=12)


def _cijfers(n):
    return st.text("0123456789", min_size=n, max_size=n)


geldige_opleiding = st.fixed_dictionaries(
    {
        "AANGEBODEN_OPLEIDINGCODE": st.uuids().map(str),
        "ERKENDEOPLEIDINGSCODE": _cijfers(5),
        "OPLEIDINGSEENHEID_NAAM": st.text(st.characters(codec="utf-8", exclude_categories=["C", "Z"]), min_size=1),
        "ONDERWIJSAANBIEDERID": st.builds(lambda a, b: f"{a}A{b}", _cijfers(3), _cijfers(3)),
        "NAAM": st.from_regex(r"[A-Za-z][A-Za-z .'-]{0,40}[A-Za-z]", fullmatch=True),
        "LEERTRAJECT": st.sampled_from(Leertraject.values),
        "EIGENNAAM": st.from_regex(r"[A-Za-zéëï][A-Za-zéëï ,-]{0,60}[a-z]", fullmatch=True),
        "INSTELLINGSERKENNINGSCODE": st.builds(
            lambda a, b: a + b, _cijfers(2), st.text("ABCXYZ", min_size=2, max_size=2)
        ),
        "MBONIVEAU": st.sampled_from(["", "1", "2", "3", "4", "MBO-2", "mbo 4"]),
        "POSTCODE": st.builds(lambda a, b: a + b, st.from_regex(r"[1-9][0-9]{3}", fullmatch=True), st.just("AB")),
        "GPS_LATITUDE": st.floats(-90, 90, allow_nan=False).map(lambda f: f"{f:.6f}"),
        "ACTIEF": st.sampled_from(["J", "N", ""]),
    }
)
datum = st.dates(datetime.date(1900, 1, 1), datetime.date(2100, 12, 31))


@PARSERS
@given(st.text())
def test_parse_date_answers_a_date_or_a_row_error(value):
    try:
        result = parse_date(value, "BEGINDATUM")
    except InvalidRow as exc:
        assert exc.column == "BEGINDATUM" and "ongeldige datum" in exc.message
    else:
        assert result is None or isinstance(result, datetime.date)


@PARSERS
@given(datum, st.sampled_from(["%Y-%m-%d", "%d-%m-%Y", "%Y%m%d"]), st.sampled_from(["", " "]))
def test_parse_date_reads_the_three_formats_back(d, fmt, rand):
    assert parse_date(f"{rand}{d.strftime(fmt)}{rand}", "EINDDATUM") == d


@PARSERS
@given(rij, st.booleans())
def test_a_row_of_anything_is_a_record_or_a_row_error(row, mutation):
    for parse, record in ((parse_opleiding, OpleidingRecord), (parse_cohort, CohortRecord)):
        try:
            result = parse(row, mutation)
        except InvalidRow as exc:
            assert exc.column and exc.message
        else:
            assert isinstance(result, record)


@PARSERS
@given(st.lists(rij, max_size=4), st.lists(rij, max_size=4))
def test_pushed_rows_never_stop_the_batch(opleidingen, cohorten):
    batch = parse_row_dicts(opleidingen, cohorten, mutation=True)
    assert batch.rows_read == len(opleidingen) + len(cohorten)
    assert len(batch.opleidingen) + len(batch.cohorten) + len(batch.errors) == batch.rows_read


@PARSERS
@given(st.one_of(st.none(), st.text()), st.one_of(st.none(), st.text()), st.booleans())
def test_any_text_is_a_batch_or_a_file_error(opleidingen, cohorten, mutation):
    try:
        batch = parse_texts(opleidingen, cohorten, mutation)
    except ImportFileError as exc:
        assert str(exc)
    else:
        assert isinstance(batch, ParsedBatch)


def _csv(kolommen, rijen, delimiter=";") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(kolommen)
    writer.writerows(rijen)
    return out.getvalue()


@PARSERS
@given(
    st.lists(st.lists(st.text(max_size=20), max_size=len(OPLEIDING_REQUIRED) + 3), max_size=5),
    st.sampled_from([";", ","]),
)
def test_a_right_header_over_garbage_rows_gives_row_errors_not_a_crash(rijen, delimiter):
    """Past the header check every cell is examined: this reaches the row validation the way a file does."""
    tekst_ = _csv(OPLEIDING_REQUIRED + ["MBONIVEAU", "GPS_LATITUDE", "WEBSITE"], rijen, delimiter)
    batch = parse_texts(tekst_, None)
    assert len(batch.opleidingen) + len(batch.errors) == batch.rows_read


@PARSERS
@given(st.lists(geldige_opleiding, min_size=1, max_size=4, unique_by=lambda r: r["AANGEBODEN_OPLEIDINGCODE"]))
def test_valid_rows_come_out_as_they_went_in(rows):
    kolommen = list(rows[0])
    batch = parse_texts(_csv(kolommen, [[r[k] for k in kolommen] for r in rows]), None)
    assert batch.errors == []
    for row, record in zip(rows, batch.opleidingen, strict=True):
        assert record.code == row["AANGEBODEN_OPLEIDINGCODE"]
        assert record.crebo == row["ERKENDEOPLEIDINGSCODE"]
        assert record.kwalificatie_naam == row["OPLEIDINGSEENHEID_NAAM"].strip()
        assert record.wervingsnaam == row["EIGENNAAM"]
        assert record.leertraject == row["LEERTRAJECT"]
        assert record.postcode == row["POSTCODE"]
        assert record.latitude == float(row["GPS_LATITUDE"])
        assert record.actief is (row["ACTIEF"] != "N")
        assert record.niveau == (int(row["MBONIVEAU"][-1]) if row["MBONIVEAU"] else None)


@pytest.mark.parametrize("plaatsen", ["²", "٣٠", "1" * 5000, "١٢"])
def test_places_that_only_look_like_digits_are_a_row_error(plaatsen):
    """str.isdigit() says yes to '²' and Arabic-Indic digits, and int() refuses 5000 digits: a row error each."""
    row = {
        "AANGEBODEN_OPLEIDINGCODE": str(uuid.uuid4()),
        "COHORTCODE": "2027",
        "BEGINDATUM": "2027-09-01",
        "BEGIN_AANMELDPERIODE": "2026-10-01",
        "DEELNEMERSPLAATSEN": plaatsen,
    }
    with pytest.raises(InvalidRow) as exc:
        parse_cohort(row)
    assert exc.value.column == "DEELNEMERSPLAATSEN"


@pytest.mark.parametrize("kolom,waarde", [("ERKENDEOPLEIDINGSCODE", "٢٥١٨٠"), ("POSTCODE", "١٢٣٤AB")])
def test_codes_are_ascii_digits(kolom, waarde):
    row = {
        "AANGEBODEN_OPLEIDINGCODE": str(uuid.uuid4()),
        "ERKENDEOPLEIDINGSCODE": "25180",
        "OPLEIDINGSEENHEID_NAAM": "Kok",
        "ONDERWIJSAANBIEDERID": "123A456",
        "NAAM": "ROC",
        "LEERTRAJECT": "BOL",
        "EIGENNAAM": "Kok",
        "INSTELLINGSERKENNINGSCODE": "25LX",
        kolom: waarde,
    }
    with pytest.raises(InvalidRow) as exc:
        parse_opleiding(row)
    assert exc.value.column == kolom


def test_a_field_beyond_the_csv_limit_is_a_file_error():
    kop = ";".join(OPLEIDING_REQUIRED)
    with pytest.raises(ImportFileError, match="regel 2"):
        parse_texts(f"{kop}\n{'x' * 200_000};a\n", None)


# --- The RIO API adapter ----------------------------------------------------------------------------------

json_waarde = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda kinderen: st.lists(kinderen, max_size=3) | st.dictionaries(st.text(max_size=10), kinderen, max_size=3),
    max_leaves=12,
)
# A page that is half right: the HAL envelope with anything inside, so the adapter gets past the first check.
hal_pagina = st.fixed_dictionaries(
    {
        "_embedded": st.one_of(
            json_waarde, st.dictionaries(st.text(max_size=10), st.lists(json_waarde, max_size=3), max_size=1)
        ),
        "_links": st.one_of(json_waarde, st.fixed_dictionaries({"next": json_waarde})),
    }
)


@PARSERS
@given(st.lists(st.one_of(json_waarde, hal_pagina), min_size=1, max_size=8))
def test_rio_answering_nonsense_is_a_rio_api_error(antwoorden):
    """Whatever RIO sends, the sync gets rows (which the row parser then judges) or RioApiError, nothing else."""
    pagina = iter(antwoorden * 20)
    client = RioLodClient("http://rio.test/api/rio/v2", fetch=lambda url, params: next(pagina))
    try:
        opleidingen, cohorten = client.import_rows(datetime.date(2026, 11, 23))
    except RioApiError as exc:
        assert str(exc)
    else:
        assert all(isinstance(r, dict) for r in opleidingen + cohorten)
        batch = parse_row_dicts(opleidingen, cohorten)
        assert batch.rows_read == len(opleidingen) + len(cohorten)
