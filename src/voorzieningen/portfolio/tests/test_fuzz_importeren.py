"""Bad input at scale for the population and enrolment imports: whatever the file holds, the result lists the
refused lines with a reason and the rest is imported; valid rows are stored as they are in the file."""

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voorzieningen.portfolio.importeren import (
    BEVOLKING_KOLOMMEN,
    INSCHRIJVING_KOLOMMEN,
    Importresultaat,
    importeer_bevolking,
    importeer_inschrijvingen,
)
from voorzieningen.portfolio.models import Bevolking

from .factories import bied_aan

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]
PARSERS = settings.get_profile("parsers")


@pytest.fixture
def map_(tmp_path_factory, wereld):
    bied_aan(wereld.roc_a, wereld.kok, wereld.utrecht)
    return tmp_path_factory.mktemp("portfolio")


def _schrijf(map_: Path, naam: str, inhoud: bytes) -> Path:
    pad = map_ / naam
    pad.write_bytes(inhoud)
    return pad


def _controleer(resultaat: Importresultaat, naam: str) -> None:
    assert isinstance(resultaat, Importresultaat)
    assert all(f.startswith(f"{naam}, regel ") for f in resultaat.fouten)


@PARSERS
@given(inhoud=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_any_file_is_imported_or_refused_with_its_line(map_, inhoud):
    for naam, importeer in (("bevolking.csv", importeer_bevolking), ("inschrijvingen.csv", importeer_inschrijvingen)):
        _controleer(importeer(_schrijf(map_, naam, inhoud)), naam)


veld = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["0344", "GM0344", "15-19", "2026", "21.000", "²", "١٢", "9" * 15, "prognose", "BOL", "25180"]),
    st.sampled_from(["01AA", "001X001", "x" * 60, "\x00", "99999", "-1", "1_000"]),
)


def _csv(kolommen, rijen, scheiding) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=scheiding)
    writer.writerow(kolommen)
    writer.writerows(rijen)
    return out.getvalue().encode()


@PARSERS
@given(
    rijen=st.lists(st.lists(veld, min_size=4, max_size=9), max_size=6),
    scheiding=st.sampled_from([";", ","]),
)
def test_garbage_under_the_right_columns_is_refused_per_line(map_, rijen, scheiding):
    """Past the header every field is judged: numbers beyond the columns, lookalike digits, long sources."""
    for naam, kolommen, importeer in (
        ("bevolking.csv", BEVOLKING_KOLOMMEN, importeer_bevolking),
        ("inschrijvingen.csv", INSCHRIJVING_KOLOMMEN, importeer_inschrijvingen),
    ):
        _controleer(importeer(_schrijf(map_, naam, _csv(kolommen, rijen, scheiding))), naam)


@PARSERS
@given(
    aantallen=st.dictionaries(
        st.tuples(st.sampled_from(["0344", "0355", "0307"]), st.integers(1900, 2200)),
        st.integers(0, 100_000_000),
        min_size=1,
        max_size=6,
    ),
    punten=st.booleans(),
)
def test_valid_population_rows_are_stored_as_in_the_file(map_, aantallen, punten):
    def getal(n):
        return f"{n:,}".replace(",", ".") if punten else str(n)

    rijen = [
        [code, "Gemeente", "15-19", str(jaar), getal(n), "Realisatie", "CBS"] for (code, jaar), n in aantallen.items()
    ]
    resultaat = importeer_bevolking(_schrijf(map_, "bevolking.csv", _csv(BEVOLKING_KOLOMMEN, rijen, ";")))
    assert resultaat.fouten == []
    opgeslagen = {
        (b.gemeente_id, b.jaar): b.aantal
        for b in Bevolking.objects.filter(leeftijdsklasse="15-19", jaar__in={j for _c, j in aantallen})
    }
    assert opgeslagen == aantallen


def test_a_row_with_more_fields_than_columns_is_refused_with_its_line(map_):
    inhoud = b"GEMEENTECODE;LEEFTIJDSCATEGORIE;JAAR;AANTAL\n0344;15-19;2026;100;extra\n0344;15-19;2027;5\n"
    resultaat = importeer_bevolking(_schrijf(map_, "bevolking.csv", inhoud))
    assert resultaat.fouten == ["bevolking.csv, regel 2: meer velden dan de 4 kolommen van de kopregel"]
    assert Bevolking.objects.filter(jaar=2027).exists()


@pytest.mark.parametrize(
    "inhoud,melding",
    [
        (b"\xff\xfeG\x00", "geen UTF-8"),
        (b"GEMEENTECODE;LEEFTIJDSCATEGORIE;JAAR;AANTAL\n0344;15-19;2026;1\x00\n", "NUL"),
        (b"GEMEENTECODE;LEEFTIJDSCATEGORIE;JAAR;AANTAL\n" + b"x" * 200_000 + b"\n", "geen leesbare CSV"),
    ],
)
def test_a_file_that_is_no_csv_text_is_refused(map_, inhoud, melding):
    [fout] = importeer_bevolking(_schrijf(map_, "bevolking.csv", inhoud)).fouten
    assert melding in fout


@pytest.mark.parametrize(
    "jaar,aantal,bron",
    [("40000", "1", "CBS"), ("2026", "9" * 15, "CBS"), ("2026", "١٢", "CBS"), ("2026", "1", "x" * 51)],
)
def test_numbers_and_sources_beyond_the_columns_are_refused(map_, jaar, aantal, bron):
    inhoud = f"GEMEENTECODE;LEEFTIJDSCATEGORIE;JAAR;AANTAL;BRON\n0344;15-19;{jaar};{aantal};{bron}\n".encode()
    [fout] = importeer_bevolking(_schrijf(map_, "bevolking.csv", inhoud)).fouten
    assert fout.startswith("bevolking.csv, regel 2: ")
    assert not Bevolking.objects.exists()
