"""The routing truth table: one test per clause, hypothesis for every combination."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voorzieningen.koppelpunt.routering import CA, GEMEENTEN, VO, Bericht, Context, leeftijd, routeer

VANDAAG = datetime.date(2027, 4, 1)
CTX = Context(ilt_codes=frozenset({"0141", "0151"}), gemeenten=frozenset({"0344", "0363"}))


def bericht(**kwargs) -> Bericht:
    basis = dict(
        leertraject="BOL",
        ilt_code="0141",
        brin_vo="01AB",
        gemeentecode="0344",
        startkwalificatie=False,
        geboortedatum=datetime.date(2011, 5, 1),
        berichtdatum=VANDAAG,
    )
    return Bericht(**{**basis, **kwargs})


def test_all_three_when_every_clause_holds():
    assert routeer(bericht(), CTX).ontvangers == [CA, VO, GEMEENTEN]


@pytest.mark.parametrize(
    "wijziging, reden",
    [
        ({"ilt_code": "9999"}, "ILT-code van de vooropleiding staat niet op de lijst voor Koppelpunt VO"),
        ({"leertraject": "ODT"}, "leertraject is ODT"),
        ({"brin_vo": ""}, "BRIN van de latende (VA)VO-school ontbreekt"),
        ({"brin_vo": "   "}, "BRIN van de latende (VA)VO-school ontbreekt"),
    ],
)
def test_each_vo_clause_on_its_own(wijziging, reden):
    besluit = routeer(bericht(**wijziging), CTX)
    assert VO not in besluit.ontvangers and besluit.niet_naar[VO] == [reden]
    assert CA in besluit.ontvangers and GEMEENTEN in besluit.ontvangers


@pytest.mark.parametrize(
    "wijziging, reden",
    [
        ({"gemeentecode": "1999"}, "woont niet in een Nederlandse gemeente"),  # RNI: abroad
        ({"gemeentecode": ""}, "woont niet in een Nederlandse gemeente"),
        ({"gemeentecode": "0999"}, "woont niet in een Nederlandse gemeente"),  # not a current municipality
        ({"startkwalificatie": True}, "heeft een startkwalificatie"),
        ({"geboortedatum": datetime.date(2004, 4, 1)}, "is op de berichtdatum 23 jaar of ouder"),  # 23 today
    ],
)
def test_each_municipality_clause_on_its_own(wijziging, reden):
    besluit = routeer(bericht(**wijziging), CTX)
    assert GEMEENTEN not in besluit.ontvangers and besluit.niet_naar[GEMEENTEN] == [reden]
    assert besluit.ontvangers[:2] == [CA, VO]


def test_the_day_before_the_23rd_birthday_still_counts():
    assert GEMEENTEN in routeer(bericht(geboortedatum=datetime.date(2004, 4, 2)), CTX).ontvangers


def test_without_reference_table_the_format_decides():
    assert GEMEENTEN in routeer(bericht(gemeentecode="0999"), Context(ilt_codes=CTX.ilt_codes)).ontvangers


def test_every_failed_clause_is_named():
    besluit = routeer(bericht(ilt_code="x", leertraject="ODT", brin_vo="", startkwalificatie=True), CTX)
    assert besluit.ontvangers == [CA] and len(besluit.niet_naar[VO]) == 3
    assert besluit.niet_naar[GEMEENTEN] == ["heeft een startkwalificatie"]


@given(
    ilt=st.sampled_from(["0141", "0151", "9999", ""]),
    leertraject=st.sampled_from(["BOL", "BBL", "ODT", "BOL_DT"]),
    brin_vo=st.sampled_from(["01AB", "", " "]),
    gemeente=st.sampled_from(["0344", "0363", "1999", "0999", "", "12"]),
    skw=st.booleans(),
    geboren=st.dates(datetime.date(1990, 1, 1), datetime.date(2015, 12, 31)),
    op=st.dates(datetime.date(2026, 1, 1), datetime.date(2028, 12, 31)),
)
def test_combinations_follow_the_law(ilt, leertraject, brin_vo, gemeente, skw, geboren, op):
    b = bericht(
        ilt_code=ilt,
        leertraject=leertraject,
        brin_vo=brin_vo,
        gemeentecode=gemeente,
        startkwalificatie=skw,
        geboortedatum=geboren,
        berichtdatum=op,
    )
    verwacht = [CA]
    if ilt in CTX.ilt_codes and leertraject != "ODT" and brin_vo.strip():
        verwacht.append(VO)
    if gemeente in CTX.gemeenten and not skw and leeftijd(geboren, op) < 23:
        verwacht.append(GEMEENTEN)
    assert routeer(b, CTX).ontvangers == verwacht


@given(st.dates(datetime.date(1990, 1, 1), datetime.date(2015, 12, 31)), st.integers(0, 40))
def test_age_is_whole_years_on_the_day(geboren, jaren):
    try:
        verjaardag = geboren.replace(year=geboren.year + jaren)
    except ValueError:  # 29 February
        verjaardag = datetime.date(geboren.year + jaren, 3, 1)
    assert leeftijd(geboren, verjaardag) == jaren
    assert leeftijd(geboren, verjaardag - datetime.timedelta(days=1)) == jaren - 1
