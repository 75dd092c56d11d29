"""A cohort is open when today is inside its aanmeldperiode, its end date has not passed and it is not full."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from voorzieningen.catalogus.models import Cohort, Leertraject
from voorzieningen.catalogus.services import cohort_is_open, open_cohorts_q

from .factories import CohortFactory

D = datetime.date
dates = st.dates(min_value=D(2025, 1, 1), max_value=D(2028, 12, 31))


def cohort(**kwargs) -> Cohort:
    defaults = dict(
        status="O",
        aanmelden_vanaf=D(2026, 10, 1),
        aanmelden_tot=D(2027, 8, 31),
        einddatum=None,
        capaciteit=None,
        aantal_aanmeldingen=0,
        begindatum=D(2027, 9, 1),
    )
    return Cohort(**{**defaults, **kwargs})


@pytest.mark.parametrize(
    "today,kwargs,expected",
    [
        (D(2026, 9, 30), {}, False),  # before the aanmeldperiode
        (D(2026, 10, 1), {}, True),  # first day
        (D(2027, 8, 31), {}, True),  # last day, inclusive
        (D(2027, 9, 1), {}, False),  # after
        (D(2030, 1, 1), {"aanmelden_tot": None}, True),  # open-ended
        (D(2027, 1, 1), {"einddatum": D(2026, 12, 31)}, False),  # end date passed
        (D(2026, 12, 31), {"einddatum": D(2026, 12, 31)}, True),  # end date is today
        (D(2027, 1, 1), {"capaciteit": 20, "aantal_aanmeldingen": 20}, False),  # full
        (D(2027, 1, 1), {"capaciteit": 20, "aantal_aanmeldingen": 19}, True),  # one place left
        (D(2027, 1, 1), {"status": "G"}, False),  # closed in RIO
    ],
)
def test_open_rule_examples(today, kwargs, expected):
    assert cohort_is_open(cohort(**kwargs), today) is expected


@given(
    today=dates,
    vanaf=dates,
    tot=st.none() | dates,
    eind=st.none() | dates,
    capaciteit=st.none() | st.integers(1, 50),
    aantal=st.integers(0, 60),
)
def test_open_means_inside_period_not_ended_not_full(today, vanaf, tot, eind, capaciteit, aantal):
    c = cohort(
        aanmelden_vanaf=vanaf, aanmelden_tot=tot, einddatum=eind, capaciteit=capaciteit, aantal_aanmeldingen=aantal
    )
    inside = vanaf <= today and (tot is None or today <= tot)
    not_ended = eind is None or today <= eind
    not_full = capaciteit is None or aantal < capaciteit
    assert cohort_is_open(c, today) == (inside and not_ended and not_full)


class OpenQueryMatchesRule(TestCase):
    """The SQL filter and the Python rule must never disagree (the portal lists, the submit step checks)."""

    @settings(max_examples=40, deadline=None)
    @given(
        today=dates,
        vanaf=dates,
        tot=st.none() | dates,
        eind=st.none() | dates,
        capaciteit=st.none() | st.integers(1, 5),
        aantal=st.integers(0, 6),
        status=st.sampled_from(["O", "G"]),
    )
    def test_same_answer(self, today, vanaf, tot, eind, capaciteit, aantal, status):
        c = CohortFactory(
            aanmelden_vanaf=vanaf,
            aanmelden_tot=tot,
            einddatum=eind,
            capaciteit=capaciteit,
            aantal_aanmeldingen=aantal,
            status=status,
            opleiding__leertraject=Leertraject.BBL,
        )
        in_query = Cohort.objects.filter(open_cohorts_q(today), pk=c.pk).exists()
        assert in_query == cohort_is_open(c, today)


def test_leertraject_merges_leerweg_and_intensity_as_rio_does():
    assert Leertraject.merge("BBL", "examendeelnemer") == Leertraject.EX
    assert Leertraject.merge("BOL", "deeltijd") == Leertraject.BOL_DT
    assert Leertraject.merge("bol", "voltijd") == Leertraject.BOL
    assert Leertraject.merge("BBL", "deeltijd") == Leertraject.BBL
