"""Taking a place (plain SQL on the submit path) follows exactly the rule of cohort_is_open."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voorzieningen.catalogus.models import Cohort
from voorzieningen.catalogus.services import cohort_is_open, neem_plaats, open_cohorts_q

from .factories import CohortFactory

pytestmark = pytest.mark.django_db
VANDAAG = datetime.date(2027, 3, 31)
rond_vandaag = st.one_of(st.none(), st.integers(-2, 2).map(lambda d: VANDAAG + datetime.timedelta(days=d)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    status=st.sampled_from(Cohort.Status.values),
    vanaf=st.integers(-2, 2).map(lambda d: VANDAAG + datetime.timedelta(days=d)),
    tot=rond_vandaag,
    einde=rond_vandaag,
    capaciteit=st.one_of(st.none(), st.integers(0, 3)),
    aantal=st.integers(0, 4),
)
def test_a_place_is_taken_exactly_when_the_cohort_is_open(status, vanaf, tot, einde, capaciteit, aantal):
    cohort = CohortFactory(
        status=status, aanmelden_vanaf=vanaf, aanmelden_tot=tot, einddatum=einde, capaciteit=capaciteit,
        aantal_aanmeldingen=aantal,
    )  # fmt: skip
    verwacht = cohort_is_open(cohort, VANDAAG)
    assert Cohort.objects.filter(open_cohorts_q(VANDAAG), pk=cohort.pk).exists() == verwacht
    assert neem_plaats(cohort.pk, VANDAAG) == verwacht
    cohort.refresh_from_db()
    assert cohort.aantal_aanmeldingen == aantal + (1 if verwacht else 0)


def test_the_last_place_goes_once():
    cohort = CohortFactory(capaciteit=2, aantal_aanmeldingen=1, aanmelden_vanaf=VANDAAG, aanmelden_tot=None)
    assert neem_plaats(cohort.pk, VANDAAG) is True
    assert neem_plaats(cohort.pk, VANDAAG) is False
    cohort.refresh_from_db()
    assert cohort.aantal_aanmeldingen == 2
