"""Numbers in query strings and forms that only look like numbers: '²' passes str.isdigit() and crashes int()
(found while fuzzing the parsers). The pages answer as if the value were not given, never with a server error."""

import datetime

from django.urls import reverse
from django.utils import timezone

import pytest

from voorzieningen.sis.models import Koppelpunt

pytestmark = pytest.mark.django_db
NEP_GETALLEN = ["²", "١٢", "1" * 5000]


@pytest.mark.parametrize("jaar", NEP_GETALLEN)
@pytest.mark.parametrize("pagina", ["beheer:statistieken", "beheer:meervoudig"])
def test_a_school_year_that_is_no_number_shows_the_latest(beheer_client, pagina, jaar):
    assert beheer_client.get(reverse(pagina), {"schooljaar": jaar}).status_code == 200


@pytest.mark.parametrize("waarde", NEP_GETALLEN)
def test_a_whitelist_choice_that_is_no_number_is_ignored(beheer_client, waarde):
    response = beheer_client.post(reverse("beheer:opleidingen"), {"whitelist": [waarde]})
    assert response.status_code == 302


@pytest.mark.parametrize("waarde", NEP_GETALLEN)
def test_revoking_keys_except_one_that_is_no_number_keeps_none(beheer_client, instelling, waarde):
    kp = Koppelpunt.objects.create(
        instelling=instelling, code="K1", standaard=True, geldig_vanaf=timezone.now() - datetime.timedelta(days=1)
    )
    response = beheer_client.post(
        reverse("beheer:koppelpunt-sleutel", args=[kp.pk]), {"actie": "intrekken", "behalve": waarde}
    )
    assert response.status_code == 302
