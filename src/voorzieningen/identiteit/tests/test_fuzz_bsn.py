"""Bad input at scale for the BSN check: any value is a yes or a no (``validate_bsn``: a ValidationError), and
yes only for nine ASCII digits that pass the 11-proof."""

from django.core.exceptions import ValidationError

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voorzieningen.identiteit.bsn import TEST_BSNS, is_valid_bsn, validate_bsn

pytestmark = pytest.mark.fuzz
PARSERS = settings.get_profile("parsers")


def elfproef(cijfers: str) -> bool:
    return sum(int(c) * w for c, w in zip(cijfers, [9, 8, 7, 6, 5, 4, 3, 2, -1], strict=True)) % 11 == 0


@PARSERS
@given(st.one_of(st.text(max_size=12), st.text("0123456789", min_size=9, max_size=9), st.integers(), st.none()))
def test_any_value_is_a_yes_or_a_no(waarde):
    geldig = is_valid_bsn(waarde)
    if geldig:
        assert isinstance(waarde, str) and len(waarde) == 9 and waarde.isascii() and waarde.isdigit()
        assert elfproef(waarde) and waarde != "000000000"
    try:
        validate_bsn(waarde)
    except ValidationError as exc:
        assert not geldig and exc.code == "invalid_bsn"
    else:
        assert geldig


@PARSERS
@given(st.text("0123456789", min_size=8, max_size=8))
def test_every_valid_number_is_accepted(acht):
    """Exactly one last digit makes the 11-proof close (or none, when it would have to be 10)."""
    passend = [acht + c for c in "0123456789" if elfproef(acht + c) and acht + c != "000000000"]
    assert [b for b in (acht + c for c in "0123456789") if is_valid_bsn(b)] == passend
    assert len(passend) <= 1


@pytest.mark.parametrize(
    "waarde",
    [
        "999990019\n",  # $ in a regex also matches before a final newline
        "٩٩٩٩٩٠٠١٩",  # Arabic-Indic digits: \d takes them, int() reads them, the 11-proof passes
        "９９９９９００１９",  # fullwidth digits
    ],
)
def test_only_nine_ascii_digits_are_a_bsn(waarde):
    assert not is_valid_bsn(waarde)


def test_the_test_persons_are_valid():
    assert all(is_valid_bsn(b) for b in TEST_BSNS)
