"""Intake, delivery through the outbox to the simulators, ordering, dead letters, and transience."""

import datetime
import json
import re
from urllib.parse import urlsplit

from django.test import Client
from django.utils import timezone

import pytest
from freezegun import freeze_time

from voorzieningen.aanmelden.statussen import Status
from voorzieningen.aanmelden.tests.factories import AanmeldingFactory
from voorzieningen.catalogus.tests.factories import InstellingFactory
from voorzieningen.core import outbox
from voorzieningen.core.models import AuditLogEntry, OutboxBericht
from voorzieningen.core.services import set_simulator_mode, subject_ref
from voorzieningen.core.testing import database_bevat
from voorzieningen.koppelpunt import services
from voorzieningen.koppelpunt.models import GemeenteEndpoint, Routering, SimulatorOntvangst, VoIltCode
from voorzieningen.koppelpunt.simulators import GEDRAG

pytestmark = pytest.mark.django_db
PGN = "999990019"
URL = "/api/koppelpunt/v1/statusberichten"


@pytest.fixture
def simulators(requests_mock, settings):
    """Koppelpunt VO and the municipalities' endpoints are the simulator views, reached over 'HTTP'."""
    ontvanger = Client()

    def forward(request, context):
        response = ontvanger.post(urlsplit(request.url).path, request.body, content_type="application/json")
        context.status_code = response.status_code
        return response.content

    requests_mock.post(re.compile(r"https://sim\.example/.*"), content=forward)
    settings.KOPPELPUNT_VO_URL = "https://sim.example/simulators/koppelpunt-vo/berichten"
    GemeenteEndpoint.objects.create(
        gemeentecode="0344", url="https://sim.example/simulators/koppelpunt-gemeenten/0344/berichten"
    )
    VoIltCode.objects.create(code="0141", omschrijving="vmbo-tl (simulator)")
    return requests_mock


@pytest.fixture
def afzender():
    afzender, sleutel = services.maak_afzender("SIS ROC Test", InstellingFactory(brin="25XX"))
    client = Client(headers={"Authorization": f"Bearer {sleutel}"})
    client.afzender = afzender
    return client


def bericht(**kwargs) -> dict:
    basis = {
        "berichtId": "m-1",
        "aanmeldId": "9100000001",
        "status": "RECEIVED",
        "pgn": PGN,
        "postcode": "3511 AB",
        "gemeentecode": "0344",
        "geboortedatum": "2010-05-01",
        "startkwalificatie": False,
        "iltCodeVooropleiding": "0141",
        "brinVoSchool": "01AB",
        "leertraject": "BOL",
    }
    return {**basis, **kwargs}


def stuur(client, **kwargs):
    return client.post(URL, bericht(**kwargs), content_type="application/json")


def test_a_message_reaches_vo_and_the_municipality_and_only_the_log_stays(afzender, simulators, outbox_direct):
    response = stuur(afzender)
    assert response.status_code == 201, response.json()
    assert response.json()["ontvangers"] == ["CENTRAAL_AANMELDEN", "KOPPELPUNT_VO", "KOPPELPUNT_GEMEENTEN"]
    vo = SimulatorOntvangst.objects.get(ontvanger="VO").payload
    assert vo["pgn"] == PGN and vo["brinVo"] == "01AB" and vo["instelling"] == "25XX" and vo["status"] == "RECEIVED"
    gemeente = SimulatorOntvangst.objects.get(ontvanger="0344").payload
    assert gemeente["postcode"] == "3511AB" and set(gemeente) == {
        "berichtId", "aanmeldId", "status", "tijdstip", "instelling", "pgn", "postcode", "gemeentecode", "reden",
    }  # fmt: skip
    log = Routering.objects.get()
    assert services.is_afgerond(log)
    # the disclosure is in the audit trail, findable per person by the FG, without the PGN itself
    verstrekt = AuditLogEntry.objects.get(action="disclose", object_type="koppelpunt.Routering", object_id=str(log.pk))
    assert verstrekt.subject_ref == subject_ref(PGN) and "KOPPELPUNT_VO" in verstrekt.extra["ontvangers"]
    # transience: outside the receivers (the simulators stand for other organisations) no PGN or postcode remains
    SimulatorOntvangst.objects.all().delete()
    assert database_bevat(PGN) == [] and database_bevat("3511AB") == []


def test_routing_follows_the_rules_and_says_why_not(afzender, simulators, outbox_direct):
    response = stuur(afzender, leertraject="ODT", startkwalificatie=True)
    assert response.json()["ontvangers"] == ["CENTRAAL_AANMELDEN"]
    assert response.json()["nietNaar"] == {
        "KOPPELPUNT_VO": ["leertraject is ODT"],
        "KOPPELPUNT_GEMEENTEN": ["heeft een startkwalificatie"],
    }
    assert not SimulatorOntvangst.objects.exists()
    detail = afzender.get(f"{URL}/m-1")
    assert detail.status_code == 200 and detail.json()["ontvangers"] == ["CENTRAAL_AANMELDEN"]


def test_bad_input_is_refused_with_a_specific_error(afzender, simulators):
    onbekend = stuur(afzender, status="AANGEMELD").json()
    assert "geen wettelijke aanmeldstatus" in json.dumps(onbekend, ensure_ascii=False)
    vavo = stuur(afzender, vavo=True)
    assert vavo.status_code == 422 and vavo.json()["code"] == "vavo_niet_toegestaan"
    assert stuur(afzender, pgn="999990018").status_code == 400  # fails the 11-proof
    zonder_reden = stuur(afzender, status="WITHDRAWN")
    assert zonder_reden.status_code == 400 and "reden" in json.dumps(zonder_reden.json())
    assert not Routering.objects.exists() and not OutboxBericht.objects.exists()
    assert Client().post(URL, bericht(), content_type="application/json").status_code == 401
    ander = Client(headers={"Authorization": "Bearer vva_nope"})
    assert ander.post(URL, bericht(), content_type="application/json").status_code == 401


def test_a_resent_message_is_routed_once(afzender, simulators, outbox_direct):
    assert stuur(afzender).status_code == 201
    assert stuur(afzender).status_code == 200
    assert Routering.objects.count() == 1 and OutboxBericht.objects.filter(kanaal="vva.vo").count() == 1
    assert SimulatorOntvangst.objects.get(ontvanger="VO").aantal_keer == 1


def test_receiver_down_for_a_while_nothing_lost_nothing_duplicated_and_in_order(afzender, simulators, outbox_direct):
    set_simulator_mode("koppelpunt-vo", "onbereikbaar", toegestaan=GEDRAG)
    stuur(afzender, berichtId="m-1", status="RECEIVED")
    stuur(afzender, berichtId="m-2", status="OFFERED")
    assert not SimulatorOntvangst.objects.filter(ontvanger="VO").exists()
    vo = OutboxBericht.objects.filter(kanaal="vva.vo").order_by("pk")
    assert [b.pogingen for b in vo] == [1, 0]  # the second waits for the first: order per application
    set_simulator_mode("koppelpunt-vo", "dubbel", toegestaan=GEDRAG)  # back, but the first answer gets lost
    for minuten in (2, 10, 30):
        with freeze_time(timezone.now() + datetime.timedelta(minutes=minuten)):
            outbox.lever_openstaande()
    ontvangen = SimulatorOntvangst.objects.filter(ontvanger="VO").order_by("pk")
    assert [o.payload["status"] for o in ontvangen] == ["RECEIVED", "OFFERED"]
    assert ontvangen[0].aantal_keer == 2  # delivered twice, kept once (idempotent receiver)
    assert all(b.status == OutboxBericht.Status.AFGELEVERD and b.payload == {} for b in vo.all())


def test_a_municipality_without_endpoint_waits_in_the_dead_letters_until_retried(afzender, simulators, outbox_direct):
    stuur(afzender, gemeentecode="0363")
    dode = OutboxBericht.objects.get(kanaal="vva.gemeente")
    assert dode.status == OutboxBericht.Status.MISLUKT and "geen endpoint voor gemeente 0363" in dode.laatste_fout
    GemeenteEndpoint.objects.create(
        gemeentecode="0363", url="https://sim.example/simulators/koppelpunt-gemeenten/0363/berichten"
    )
    outbox.opnieuw(dode.pk)
    assert SimulatorOntvangst.objects.filter(ontvanger="0363").exists()


def test_centraal_aanmelden_gets_the_status_on_its_application(afzender, simulators, outbox_direct):
    aanmelding = AanmeldingFactory(status=Status.SUBMITTED)
    stuur(afzender, aanmeldId=str(aanmelding.ca_keten_id), status="OFFERED")
    aanmelding.refresh_from_db()
    assert aanmelding.status == Status.OFFERED
    assert aanmelding.statuswijzigingen.filter(status=Status.OFFERED).exists()


def test_a_sandbox_sender_sees_the_routing_but_nothing_is_delivered(simulators, outbox_direct):
    _afzender, sleutel = services.maak_afzender("Leverancier X (sandbox)", sandbox=True)
    client = Client(headers={"Authorization": f"Bearer {sleutel}"})
    response = stuur(client)
    assert response.status_code == 201 and response.json()["sandbox"] is True
    assert len(response.json()["ontvangers"]) == 3
    assert not OutboxBericht.objects.exists() and not SimulatorOntvangst.objects.exists()


def test_a_status_through_the_portals_sis_api_goes_on_to_vo_and_the_municipality(simulators, outbox_direct):
    from voorzieningen.core.models import Postcodegebied
    from voorzieningen.sis import services as sis
    from voorzieningen.sis.models import Koppelpunt

    Postcodegebied.objects.create(pc4="3511", gemeentecode="0344")
    aanmelding = AanmeldingFactory(status=Status.SUBMITTED)
    aanmelding.gegevens = {
        "persoon": {"bsn": PGN, "geboortedatum": "2010-05-01", "achternaam": "Jansen"},
        "adres": {"land": "6030", "postcode": "3511 AB"},
        "vooropleidingen": [
            {"brin": "01AB", "ilt_code": "0141", "startkwalificatie": False, "datum": "2026-07-01"},
            {"brin": "99ZZ", "ilt_code": "0001", "startkwalificatie": False, "datum": "2020-07-01"},
        ],
    }
    aanmelding.save(update_fields=["gegevens"])
    sis.leg_klaar(aanmelding)
    client = sis.SisClient(Koppelpunt.objects.get(), None)
    sis.verwerk_status(client, bericht_id="s-1", status=Status.OFFERED, ca_keten_id=aanmelding.ca_keten_id)
    log = Routering.objects.get()
    assert log.ontvangers == ["CENTRAAL_AANMELDEN", "KOPPELPUNT_VO", "KOPPELPUNT_GEMEENTEN"]
    assert not OutboxBericht.objects.filter(kanaal="vva.ca").exists()  # the portal has it already
    vo = SimulatorOntvangst.objects.get(ontvanger="VO").payload
    assert (vo["aanmeldId"], vo["status"], vo["brinVo"]) == (str(aanmelding.ca_keten_id), "OFFERED", "01AB")
    assert SimulatorOntvangst.objects.get(ontvanger="0344").payload["postcode"] == "3511AB"
    sis.verwerk_status(client, bericht_id="s-1", status=Status.OFFERED, ca_keten_id=aanmelding.ca_keten_id)
    assert Routering.objects.count() == 1  # a resend to the SIS API is not a new VVA message


def test_a_rotated_sender_key_replaces_the_old_one():
    afzender, oud = services.maak_afzender("SIS")
    nieuw = services.vervang_sleutel(afzender)
    assert services.authenticeer(oud) is None and services.authenticeer(nieuw) == afzender


def test_a_changed_municipal_address_is_not_used_again(django_assert_num_queries):
    """The register is kept a minute per process; a change or removal is forgotten at once by the process that
    made it, and a missing address is never kept (staff add it and press 'retry')."""
    assert services._endpoint_url("0599") is None
    endpoint = GemeenteEndpoint.objects.create(gemeentecode="0599", url="https://oud.example/berichten")
    assert services._endpoint_url("0599") == "https://oud.example/berichten"
    with django_assert_num_queries(0):
        assert services._endpoint_url("0599") == "https://oud.example/berichten"  # the kept copy
    endpoint.url = "https://nieuw.example/berichten"
    endpoint.save()
    assert services._endpoint_url("0599") == "https://nieuw.example/berichten"
    endpoint.delete()
    assert services._endpoint_url("0599") is None
