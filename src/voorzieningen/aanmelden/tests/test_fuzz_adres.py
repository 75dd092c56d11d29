"""Bad input at scale for the address rules (form and API alike): any input gives the normalised address and
Dutch messages per field, never an exception; a well-formed Dutch or foreign address passes unchanged."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voorzieningen.aanmelden.adres import NEDERLAND, VELDEN, normaliseer, valideer

pytestmark = pytest.mark.fuzz
PARSERS = settings.get_profile("parsers")

waarde = st.one_of(st.text(max_size=30), st.integers(), st.none(), st.booleans(), st.sampled_from(["6030", "5010"]))
invoer = st.dictionaries(st.one_of(st.sampled_from(VELDEN), st.text(max_size=8)), waarde, max_size=12)


@PARSERS
@given(invoer, st.one_of(st.none(), st.sets(st.text("0123456789", min_size=4, max_size=4), max_size=3)))
def test_any_input_gives_an_address_and_messages(data, landcodes):
    adres, fouten = valideer(data, landcodes)
    assert set(adres) == set(VELDEN) and all(isinstance(v, str) for v in adres.values())
    assert set(fouten) <= set(VELDEN)
    assert all(isinstance(m, str) and m for berichten in fouten.values() for m in berichten)
    if not fouten:
        assert len(adres["land"]) == 4 and adres["land"].isascii() and adres["land"].isdigit()


@PARSERS
@given(invoer)
def test_normalising_twice_changes_nothing(data):
    eenmaal = normaliseer(data)
    assert normaliseer(eenmaal) == eenmaal


tekst = st.text(st.characters(codec="utf-8", exclude_categories=["C", "Z"]), min_size=1, max_size=40)


@PARSERS
@given(
    straat=tekst,
    huisnummer=st.integers(1, 99999).map(str),
    postcode=st.from_regex(r"[1-9][0-9]{3} ?[A-Za-z]{2}", fullmatch=True),
    plaats=tekst,
)
def test_a_well_formed_dutch_address_passes(straat, huisnummer, postcode, plaats):
    adres, fouten = valideer(
        {"land": NEDERLAND, "straat": straat, "huisnummer": huisnummer, "postcode": postcode, "plaats": plaats}
    )
    assert fouten == {}
    assert adres["postcode"] == postcode.replace(" ", "").upper()
    assert (adres["straat"], adres["plaats"]) == (straat.strip(), plaats.strip())


@PARSERS
@given(regels=st.lists(tekst, min_size=1, max_size=3), land=st.from_regex(r"[0-9]{4}", fullmatch=True))
def test_a_well_formed_foreign_address_passes(regels, land):
    if land == NEDERLAND:
        land = "5010"
    adres, fouten = valideer({"land": land, **{f"regel{i}": r for i, r in enumerate(regels, 1)}})
    assert fouten == {}


def test_a_country_code_is_four_ascii_digits():
    _adres, fouten = valideer({"land": "٥٠١٠", "regel1": "Rue 1"})
    assert "land" in fouten
