"""Municipality signals in the Koppelpunt Gemeenten simulator: bulk on 1 March and 15 June, then realtime."""

import datetime

from django.core.management import call_command
from django.test import Client

import pytest
from freezegun import freeze_time

from voorzieningen.koppelpunt import gemeenten
from voorzieningen.koppelpunt.models import BeoogdeMboGanger, GemeenteSignaal
from voorzieningen.koppelpunt.tasks import gemeenten_bulk

pytestmark = pytest.mark.django_db
Soort = GemeenteSignaal.Soort


def ontvang(client, gemeente, bericht_id, pgn, status, aanmeld_id="9100000001", **extra):
    payload = {"berichtId": bericht_id, "aanmeldId": aanmeld_id, "status": status, "pgn": pgn, "postcode": "3511AB"}
    response = client.post(
        f"/simulators/koppelpunt-gemeenten/{gemeente}/berichten", {**payload, **extra}, content_type="application/json"
    )
    assert response.status_code in (200, 201)


@pytest.fixture
def beoogden(client):
    lijst = [
        {"pgn": "999990019", "postcode": "3511 AB", "gemeentecode": "0344", "brinVo": "01AB"},
        {"pgn": "999990020", "postcode": "3512AB", "gemeentecode": "0344", "brinVo": "01AB"},
        {"pgn": "999990032", "postcode": "1011AB", "gemeentecode": "0363", "brinVo": "02CD"},
    ]
    with freeze_time("2027-01-15 12:00"):
        response = client.post(
            "/simulators/koppelpunt-gemeenten/beoogde-mbo-gangers", lijst, content_type="application/json"
        )
    assert response.json() == {"verwerkt": 3}
    return client


def _signalen(soort, datum):
    return sorted((s.gemeentecode, s.pgn) for s in GemeenteSignaal.objects.filter(soort=soort, peildatum=datum))


def test_1_march_lists_the_intended_who_have_not_applied_per_municipality(beoogden):
    with freeze_time("2027-02-20 12:00"):
        ontvang(beoogden, "0344", "m-1", "999990019", "RECEIVED")
    with freeze_time("2027-03-01 06:00"):
        assert gemeenten_bulk() == 2
    assert _signalen(Soort.NIET_AANGEMELD, datetime.date(2027, 3, 1)) == [("0344", "999990020"), ("0363", "999990032")]


def test_a_bulk_run_is_reproducible_for_its_date(beoogden):
    with freeze_time("2027-02-20 12:00"):
        ontvang(beoogden, "0344", "m-1", "999990019", "RECEIVED")
    call_command("vva_gemeenten_bulk", "--datum", "2027-03-01")
    eerst = _signalen(Soort.NIET_AANGEMELD, datetime.date(2027, 3, 1))
    with freeze_time("2027-03-05 12:00"):  # a later application does not change the 1 March run
        ontvang(beoogden, "0363", "m-2", "999990032", "RECEIVED", aanmeld_id="9100000002")
    call_command("vva_gemeenten_bulk", "--datum", "2027-03-01")
    assert _signalen(Soort.NIET_AANGEMELD, datetime.date(2027, 3, 1)) == eerst
    assert GemeenteSignaal.objects.filter(soort=Soort.NIET_AANGEMELD).count() == len(eerst)


def test_15_june_lists_the_intended_not_enrolled(beoogden):
    with freeze_time("2027-02-20 12:00"):
        ontvang(beoogden, "0344", "m-1", "999990019", "RECEIVED")
        ontvang(beoogden, "0344", "m-2", "999990020", "RECEIVED", aanmeld_id="9100000002")
    with freeze_time("2027-06-01 12:00"):
        ontvang(beoogden, "0344", "m-3", "999990019", "ENROLLED")
    assert gemeenten.bulk(datetime.date(2027, 6, 15)) == 2
    assert _signalen(Soort.NIET_INGESCHREVEN, datetime.date(2027, 6, 15)) == [
        ("0344", "999990020"),
        ("0363", "999990032"),
    ]


def test_after_1_march_changes_are_signalled_at_once(beoogden):
    with freeze_time("2027-02-20 12:00"):
        ontvang(beoogden, "0344", "m-1", "999990019", "RECEIVED")
    assert not GemeenteSignaal.objects.exists()  # before 1 March: only the bulk run tells
    with freeze_time("2027-04-10 12:00"):
        ontvang(beoogden, "0344", "m-2", "999990019", "ENROLLED")
    with freeze_time("2027-09-10 12:00"):
        ontvang(beoogden, "0344", "m-3", "999990019", "WITHDRAWN", reden="Gestopt met de opleiding")
    soorten = list(GemeenteSignaal.objects.order_by("pk").values_list("soort", "status"))
    assert soorten == [(Soort.AANMELDSTATUS, "ENROLLED"), (Soort.UITSCHRIJVING, "WITHDRAWN")]


def test_no_longer_intended_after_1_march_is_a_withdrawal_signal_with_reason(beoogden):
    with freeze_time("2027-03-20 12:00"):
        Client().post(
            "/simulators/koppelpunt-gemeenten/beoogde-mbo-gangers",
            [{"pgn": "999990020", "gemeentecode": "0344", "beoogd": False, "reden": "Gaat naar havo 4"}],
            content_type="application/json",
        )
    signaal = GemeenteSignaal.objects.get(soort=Soort.NIET_MEER_BEOOGD)
    assert (signaal.gemeentecode, signaal.pgn, signaal.reden) == ("0344", "999990020", "Gaat naar havo 4")
    assert not BeoogdeMboGanger.objects.get(pgn="999990020").beoogd
    assert gemeenten.bulk(datetime.date(2027, 6, 15)) == 2  # no longer in the 15 June list


def test_only_the_two_dates_are_bulk_dates():
    with pytest.raises(ValueError):
        gemeenten.bulk(datetime.date(2027, 3, 2))
    with freeze_time("2027-03-02 06:00"):
        assert gemeenten_bulk() == 0
