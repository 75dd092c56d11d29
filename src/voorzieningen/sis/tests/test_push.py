"""What the platform pushes to a SIS: withdrawal events, signed webhooks through the outbox, the Stub SIS."""

import datetime
import json

from django.urls import reverse
from django.utils import timezone

import pytest

from voorzieningen.aanmelden.models import Aanmelding
from voorzieningen.aanmelden.statussen import Status
from voorzieningen.aanmelden.tests.helpers import doorloop, indienen
from voorzieningen.catalogus.tests.factories import CohortFactory
from voorzieningen.core.models import OutboxBericht
from voorzieningen.sis import services
from voorzieningen.sis.models import Aanlevering, Gebeurtenis, Koppelpunt

pytestmark = pytest.mark.django_db
API = "/api/sis/v1/koppelpunten"


def _koppelpunt(cohort, **kwargs):
    return Koppelpunt.objects.create(
        instelling=cohort.opleiding.aanbieder.instelling,
        code="K1",
        standaard=True,
        geldig_vanaf=timezone.now() - datetime.timedelta(days=1),
        **kwargs,
    )


def _withdraw(client, aanmelding):
    url = reverse("aanmelden:intrekken", args=[aanmelding.ca_keten_id])
    assert client.post(url, {"bevestig": "on"}).status_code == 302


def test_a_student_withdrawal_is_its_own_event_for_the_sis(student_client):
    cohort = CohortFactory()
    koppelpunt = _koppelpunt(cohort)
    sleutel = services.maak_sleutel(koppelpunt)
    indienen(student_client, doorloop(student_client, cohort))
    aanmelding = Aanmelding.objects.get()
    _withdraw(student_client, aanmelding)

    headers = {"HTTP_AUTHORIZATION": f"Bearer {sleutel}"}
    [event] = student_client.get(f"{API}/K1/gebeurtenissen", **headers).json()["results"]
    assert event["soort"] == "INGETROKKEN" and event["caKetenId"] == str(aanmelding.ca_keten_id)
    ack = student_client.post(f"{API}/K1/gebeurtenissen/{event['id']}/bevestiging", **headers)
    assert ack.status_code == 200 and ack.json()["bevestigdOp"]
    assert student_client.get(f"{API}/K1/gebeurtenissen", **headers).json()["results"] == []


def test_webhooks_are_signed_and_retried_through_the_outbox(student_client, requests_mock):
    cohort = CohortFactory()
    _koppelpunt(cohort, webhook_url="https://sis.roc-test.nl/hook", webhook_geheim="s3cret")
    hook = requests_mock.post("https://sis.roc-test.nl/hook", status_code=503)
    indienen(student_client, doorloop(student_client, cohort))
    assert hook.call_count == 1
    webhook = OutboxBericht.objects.get(kanaal="sis.webhook")
    assert webhook.status == OutboxBericht.Status.WACHTEND and "503" in webhook.laatste_fout  # nothing lost

    hook = requests_mock.post("https://sis.roc-test.nl/hook", status_code=204)
    OutboxBericht.objects.update(volgende_poging=timezone.now())
    from voorzieningen.core import outbox

    assert outbox.lever_openstaande() == 1
    request = hook.last_request
    body = json.loads(request.body)
    assert body["gebeurtenis"] == "NIEUW" and body["caKetenId"] == str(Aanmelding.objects.get().ca_keten_id)
    expected = services.webhook_handtekening("s3cret", request.headers["X-MBO-Tijdstempel"], request.body)
    assert request.headers["X-MBO-Handtekening"] == f"sha256={expected}"
    assert "999990019" not in request.body.decode()  # a webhook says 'fetch', it carries no personal data

    _withdraw(student_client, Aanmelding.objects.get())
    assert json.loads(hook.last_request.body)["gebeurtenis"] == "INGETROKKEN"


def test_stub_sis_plays_the_whole_chain(student_client):
    cohort = CohortFactory()
    _koppelpunt(cohort, stub_sis=True, stub_statussen=["RECEIVED", "OFFERED", "ENROLLED"])
    indienen(student_client, doorloop(student_client, cohort))
    aanmelding = Aanmelding.objects.get()
    assert aanmelding.status == Status.ENROLLED
    assert list(aanmelding.statuswijzigingen.values_list("status", flat=True)) == [
        "SUBMITTED",
        "RECEIVED",
        "OFFERED",
        "ENROLLED",
    ]
    aanlevering = Aanlevering.objects.get()
    assert aanlevering.bevestigd_op and aanlevering.in_wachtrij_sinds is None
    assert Gebeurtenis.objects.count() == 0
