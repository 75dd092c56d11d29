"""Bad input at scale for the participant-count import: whatever the file holds, the answer is an
``Importresultaat`` (with its errors per line), never an exception; valid counts are stored as they are in the file.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voorzieningen.cooperatie import facturatie
from voorzieningen.cooperatie.dienstverlening import richt_aanbod_in
from voorzieningen.cooperatie.models import Deelnemertelling
from voorzieningen.cooperatie.profielen import MBO

from .factories import CooperatieFactory
from .factories_dienst import FacturatiegegevensFactory, mbo_lid

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]
PARSERS = settings.get_profile("parsers")


@pytest.fixture
def mbo(db):
    cooperatie = CooperatieFactory(code="mbo-fuzz")
    richt_aanbod_in(cooperatie, MBO)
    FacturatiegegevensFactory(cooperatie=cooperatie)
    mbo_lid(cooperatie, naam="ROC Fuzz", brin="25LX")
    return cooperatie


def _geldig(resultaat) -> None:
    assert isinstance(resultaat, facturatie.Importresultaat)
    assert all(str(f) for f in resultaat.fouten)
    if resultaat.fouten:
        assert resultaat.aangemaakt == resultaat.bijgewerkt == resultaat.ongewijzigd == 0


@PARSERS
@given(inhoud=st.one_of(st.binary(max_size=300), st.text(max_size=300)))
def test_any_file_gives_a_result_with_reasons(mbo, inhoud):
    _geldig(facturatie.importeer_deelnemertellingen(mbo, inhoud))


veld = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["25LX", "25lx", "2019", "0", "²", "١٢", "99999999999", "1" * 5000, " 7 ", "-1"]),
)


@PARSERS
@given(
    rijen=st.lists(st.lists(veld, min_size=3, max_size=5), max_size=6),
    scheiding=st.sampled_from([";", ","]),
    kop=st.sampled_from(["brin;jaar;bol;bbl", "lid,jaar,bol,bbl", "BRIN ; Jaar ; BOL ; BBL"]),
)
def test_garbage_under_a_right_header_is_reported_per_line(mbo, rijen, scheiding, kop):
    """Past the header every field is judged: lookalike digits, numbers beyond the database, stray quotes."""
    regels = [kop.replace(";", scheiding).replace(",", scheiding)]
    regels += [scheiding.join(r) for r in rijen]
    _geldig(facturatie.importeer_deelnemertellingen(mbo, "\n".join(regels) + "\n"))


@PARSERS
@given(
    tellingen=st.dictionaries(
        st.integers(2000, 2100), st.tuples(st.integers(0, 1_000_000), st.integers(0, 1_000_000)), min_size=1
    ),
    scheiding=st.sampled_from([";", ","]),
)
def test_valid_counts_are_stored_as_in_the_file(mbo, tellingen, scheiding):
    regels = [scheiding.join(["brin", "jaar", "bol", "bbl"])]
    regels += [scheiding.join(["25LX", str(jaar), str(bol), str(bbl)]) for jaar, (bol, bbl) in tellingen.items()]
    resultaat = facturatie.importeer_deelnemertellingen(mbo, ("\r\n".join(regels)).encode("utf-8-sig"))
    assert resultaat.fouten == []
    assert resultaat.aangemaakt + resultaat.bijgewerkt + resultaat.ongewijzigd == len(tellingen)
    opgeslagen = {
        t.jaar: (t.bol, t.bbl) for t in Deelnemertelling.objects.filter(lid__cooperatie=mbo, jaar__in=tellingen)
    }
    assert opgeslagen == tellingen


@pytest.mark.parametrize("waarde", ["²", "١٢", "1" * 5000, "3000000000", "1000001"])
def test_numbers_only_in_ascii_digits_and_within_what_a_count_can_be(mbo, waarde):
    resultaat = facturatie.importeer_deelnemertellingen(mbo, f"brin;jaar;bol;bbl\n25LX;2019;{waarde};0\n")
    [fout] = resultaat.fouten
    assert fout.startswith("Regel 2: BOL") and ("geen geheel getal" in fout or "meer dan 1.000.000" in fout)
    assert not Deelnemertelling.objects.exists()


def test_a_carriage_return_inside_a_field_is_a_line_error_not_a_crash(mbo):
    resultaat = facturatie.importeer_deelnemertellingen(mbo, "brin;jaar;bol;bbl\n25LX\r;2019;1;1\n")
    assert resultaat.fouten and not Deelnemertelling.objects.exists()
