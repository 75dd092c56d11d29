"""The contracts report takes its cooperative and year from the address: anything typed there shows the default
report, never a server error (found while fuzzing the parsers: 'abc' as an id crashed the query)."""

from django.urls import reverse

import pytest

from .factories import CooperatieFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "params",
    [
        {"cooperatie": "abc"},
        {"cooperatie": "²"},
        {"cooperatie": "9" * 30},
        {"jaar": "abc"},
        {"jaar": "0"},
        {"jaar": "99999"},
    ],
)
def test_the_report_shows_the_default_for_values_that_are_no_id_or_year(admin_client, params):
    cooperatie = CooperatieFactory(code="rapport")
    response = admin_client.get(reverse("admin:cooperatie_contract_avrapport"), params)
    assert response.status_code == 200
    assert response.context["cooperatie"] == cooperatie
    assert 1900 <= response.context["jaar"] <= 2999
