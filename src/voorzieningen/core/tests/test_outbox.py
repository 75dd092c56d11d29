import datetime

from django.core import mail
from django.utils import timezone

import pytest

from voorzieningen.core import outbox
from voorzieningen.core.models import OutboxBericht

pytestmark = pytest.mark.django_db


@pytest.fixture
def kanaal(monkeypatch):
    """A receiver that can be told to be down."""
    state = {"down": False, "ontvangen": []}

    def ontvang(payload):
        if state["down"]:
            raise ConnectionError("ontvanger onbereikbaar")
        state["ontvangen"].append(payload)

    monkeypatch.setitem(outbox.HANDLERS, "test", ontvang)
    return state


def test_delivered_after_commit_once_and_the_payload_is_emptied(kanaal, outbox_direct):
    bericht = outbox.plaats("test", "a-1", {"bsn": "999990019"})
    opnieuw = outbox.plaats("test", "a-1", {"bsn": "anders"})  # the same key again: a no-op, the first stands
    assert opnieuw.pk == bericht.pk and OutboxBericht.objects.count() == 1
    bericht.refresh_from_db()
    assert kanaal["ontvangen"] == [{"bsn": "999990019"}]
    assert bericht.status == OutboxBericht.Status.AFGELEVERD and bericht.payload == {}
    assert outbox.lever(bericht.pk) == "overgeslagen"


def test_a_receiver_that_is_down_loses_nothing_and_is_retried_with_backoff(kanaal):
    kanaal["down"] = True
    bericht = outbox.plaats("test", "b-1", {"x": 1})
    assert outbox.lever(bericht.pk) == OutboxBericht.Status.WACHTEND
    bericht.refresh_from_db()
    assert bericht.pogingen == 1 and "onbereikbaar" in bericht.laatste_fout and bericht.payload == {"x": 1}
    assert bericht.volgende_poging > timezone.now() + datetime.timedelta(seconds=25)
    assert outbox.lever_openstaande() == 0  # not due yet

    kanaal["down"] = False
    OutboxBericht.objects.update(volgende_poging=timezone.now())
    assert outbox.lever_openstaande() == 1
    assert kanaal["ontvangen"] == [{"x": 1}]


def test_after_the_maximum_it_is_a_dead_letter_until_retried(kanaal):
    kanaal["down"] = True
    bericht = outbox.plaats("test", "c-1", {"x": 2})
    for _ in range(outbox.MAX_POGINGEN):
        OutboxBericht.objects.filter(pk=bericht.pk).update(volgende_poging=timezone.now())
        outbox.lever(bericht.pk)
    bericht.refresh_from_db()
    assert bericht.status == OutboxBericht.Status.MISLUKT
    kanaal["down"] = False
    outbox.opnieuw(bericht.pk)
    bericht.refresh_from_db()
    assert bericht.status == OutboxBericht.Status.AFGELEVERD


def test_backoff_grows_and_is_capped():
    waits = [outbox.backoff(n).total_seconds() for n in range(1, 20)]
    assert waits[0] == 30 and waits == sorted(waits) and max(waits) == 6 * 3600


def test_email_channel(outbox_direct):
    outbox.plaats("email", "m-1", {"aan": "a@example.nl", "onderwerp": "Hallo", "tekst": "Tekst"})
    assert mail.outbox[0].subject == "Hallo" and mail.outbox[0].to == ["a@example.nl"]


_echte_after_commit = outbox._after_commit  # taken before the autouse fixture replaces it


def test_a_broker_that_is_down_does_not_fail_the_commit(kanaal, monkeypatch, django_capture_on_commit_callbacks):
    """The message is in the outbox once the change commits; a failed publish is the sweeper's to make up."""
    from django.db import transaction

    from voorzieningen.core import tasks

    def broker_weg(pk):
        raise ConnectionRefusedError("amqp://127.0.0.1:5672: connection refused")

    monkeypatch.setattr(outbox, "_after_commit", _echte_after_commit)
    monkeypatch.setattr(tasks.deliver_outbox, "delay", broker_weg)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            bericht = outbox.plaats("test", "broker-1", {"x": 1})
    assert len(callbacks) == 1  # the publish was tried, failed, and did not reach the caller
    bericht.refresh_from_db()
    assert bericht.status == OutboxBericht.Status.WACHTEND and kanaal["ontvangen"] == []
    assert outbox.lever_openstaande() == 1 and kanaal["ontvangen"] == [{"x": 1}]


def test_a_group_is_delivered_in_order_and_the_first_wakes_the_one_that_waited(kanaal, monkeypatch):
    """The earlier-open check rides on the lock of the message, the look-up of the next one on its final write
    (one statement each on PostgreSQL); only a next one that already waited is woken, and only once delivered."""
    from voorzieningen.core import tasks

    gewekt = []
    monkeypatch.setattr(outbox, "_after_commit", lambda func: func())
    monkeypatch.setattr(tasks.deliver_outbox, "delay", gewekt.append)
    kanaal["down"] = True
    eerste, tweede, los = (
        outbox.plaats("test", s, {"n": s}, groep=g) for s, g in (("g-1", "a"), ("g-2", "a"), ("l", "b"))
    )
    gewekt.clear()  # each message's own task, queued when it was placed
    assert outbox.lever(eerste.pk) == OutboxBericht.Status.WACHTEND  # the receiver is down
    assert outbox.lever(tweede.pk) == "wacht op eerder bericht"
    tweede.refresh_from_db()
    assert tweede.laatste_fout == outbox.WACHT and tweede.pogingen == 0 and kanaal["ontvangen"] == []
    assert outbox.lever(los.pk) == OutboxBericht.Status.WACHTEND and gewekt == []  # another group: its own fate

    kanaal["down"] = False
    OutboxBericht.objects.update(volgende_poging=timezone.now())
    assert outbox.lever(eerste.pk) == OutboxBericht.Status.AFGELEVERD
    assert gewekt == [tweede.pk]  # woken by the first, once it was delivered
    eerste.refresh_from_db()
    assert eerste.groep == "" and eerste.payload == {} and eerste.pogingen == 2
    assert outbox.lever(tweede.pk) == OutboxBericht.Status.AFGELEVERD
    assert gewekt == [tweede.pk] and kanaal["ontvangen"] == [{"n": "g-1"}, {"n": "g-2"}]  # nothing after it to wake
