"""Bad input at scale for the date helpers: the BRP reference tables' jjjjmmdd dates, age in whole years and
calendar months; every date in Python's calendar is handled, and results read back."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voorzieningen.core.datums import leeftijd, plus_maanden
from voorzieningen.core.reference import _brp_date

pytestmark = pytest.mark.fuzz
PARSERS = settings.get_profile("parsers")


@PARSERS
@given(st.one_of(st.text(max_size=12), st.text("0123456789", min_size=8, max_size=8), st.none()))
def test_a_brp_date_is_a_date_or_none(waarde):
    assert _brp_date(waarde) is None or isinstance(_brp_date(waarde), datetime.date)


@PARSERS
@given(st.dates(datetime.date(1000, 1, 1)))
def test_a_brp_date_reads_back(d):
    assert _brp_date(d.strftime("%Y%m%d")) == d


def verjaardag(geboren: datetime.date, jaar: int) -> datetime.date:
    """Born on 29 February: in a common year the birthday counts from 1 March."""
    try:
        return geboren.replace(year=jaar)
    except ValueError:
        return datetime.date(jaar, 3, 1)


@PARSERS
@given(st.dates(), st.dates())
def test_age_in_whole_years(geboren, op):
    jaren = leeftijd(geboren, op)
    if op < geboren:
        assert jaren <= 0
        return
    assert jaren >= 0 and verjaardag(geboren, geboren.year + jaren) <= op
    if geboren.year + jaren < 9999:
        assert op < verjaardag(geboren, geboren.year + jaren + 1)


@PARSERS
@given(st.dates(), st.integers(-12 * 9999, 12 * 9999))
def test_calendar_months_stay_in_the_calendar_or_say_so(d, maanden):
    try:
        later = plus_maanden(d, maanden)
    except ValueError:  # beyond year 1 or 9999
        assert not 1 <= d.year + (d.month - 1 + maanden) // 12 <= 9999
    else:
        assert (later.year - d.year) * 12 + later.month - d.month == maanden
        assert later.day == d.day or later.day < d.day and later.month != (later + datetime.timedelta(days=1)).month


@PARSERS
@given(
    st.dates(datetime.date(2, 1, 1), datetime.date(9998, 12, 31)).filter(lambda d: d.day <= 28), st.integers(-12, 12)
)
def test_calendar_months_read_back(d, maanden):
    assert plus_maanden(plus_maanden(d, maanden), -maanden) == d
