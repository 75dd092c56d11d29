"""Bad input at scale for the IBAN check on a member's invoicing details: any text is accepted or refused with a
ValidationError, never an exception from the arithmetic; every IBAN with a correct check number is accepted."""

import string

from django.core.exceptions import ValidationError

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voorzieningen.cooperatie.models.facturen import valideer_iban

pytestmark = pytest.mark.fuzz
PARSERS = settings.get_profile("parsers")


def _met_controlegetal(land: str, rest: str) -> str:
    getal = int("".join(str(int(c, 36)) for c in rest + land + "00"))
    return f"{land}{98 - getal % 97:02d}{rest}"


@PARSERS
@given(st.one_of(st.text(max_size=40), st.text(string.ascii_letters + string.digits + " éÉ²ß", max_size=36)))
def test_any_text_is_an_iban_or_a_validation_error(tekst):
    try:
        valideer_iban(tekst)
    except ValidationError as exc:
        assert exc.messages
    else:
        kaal = tekst.replace(" ", "").upper()
        assert kaal.isascii() and kaal.isalnum() and 15 <= len(kaal) <= 34


@PARSERS
@given(
    st.text(string.ascii_uppercase, min_size=2, max_size=2),
    st.text(string.ascii_uppercase + string.digits, min_size=11, max_size=30),
    st.booleans(),
)
def test_every_iban_with_a_correct_check_number_is_accepted(land, rest, met_spaties):
    iban = _met_controlegetal(land, rest)
    if met_spaties:
        iban = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)).lower()
    valideer_iban(iban)


@pytest.mark.parametrize("iban", ["NL91ABNAÉ417164300", "NL91ABNA²417164300", "NL9١ABNA0417164300"])
def test_letters_and_digits_outside_ascii_are_refused_not_a_crash(iban):
    with pytest.raises(ValidationError):
        valideer_iban(iban)


def test_a_known_iban():
    valideer_iban("NL91 ABNA 0417 1643 00")
    with pytest.raises(ValidationError, match="controlegetal"):
        valideer_iban("NL92ABNA0417164300")
