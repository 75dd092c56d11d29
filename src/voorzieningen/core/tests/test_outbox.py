import datetime

from django.core import mail
from django.db import connection
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


# --- A batch in one transaction (lever_partij): the sweeper and the nightly backlog --------------------------


@pytest.fixture
def grillig(monkeypatch):
    """A receiver that refuses the payloads named in ``weiger``, and records the order it was given the rest."""
    state = {"weiger": set(), "ontvangen": []}

    def ontvang(payload):
        if payload["n"] in state["weiger"]:
            raise ConnectionError(f"ontvanger weigert {payload['n']}")
        state["ontvangen"].append(payload["n"])

    monkeypatch.setitem(outbox.HANDLERS, "test", ontvang)
    return state


@pytest.fixture
def gewekt(monkeypatch):
    from voorzieningen.core import tasks

    lijst = []
    monkeypatch.setattr(outbox, "_after_commit", lambda func: func())
    monkeypatch.setattr(tasks.deliver_outbox, "delay", lijst.append)
    return lijst


def _plaats(*namen_en_groepen):
    return [outbox.plaats("test", n, {"n": n}, groep=g) for n, g in namen_en_groepen]


def test_a_batch_delivers_every_message_once_and_writes_each_outcome(grillig, gewekt):
    berichten = _plaats(("a", ""), ("b", "g"), ("c", "g"), ("d", "h"))
    gewekt.clear()
    uitkomst = outbox.lever_partij([b.pk for b in reversed(berichten)] + [berichten[0].pk])
    assert uitkomst == {b.pk: OutboxBericht.Status.AFGELEVERD for b in berichten}
    assert grillig["ontvangen"] == ["a", "b", "c", "d"]  # in id order, whatever order asked
    for b in OutboxBericht.objects.all():
        assert (b.status, b.payload, b.groep, b.pogingen, b.laatste_fout) == ("afgeleverd", {}, "", 1, "")
        assert b.afgeleverd_op is not None
    assert outbox.lever_partij([b.pk for b in berichten]) == dict.fromkeys([b.pk for b in berichten], "overgeslagen")
    assert grillig["ontvangen"] == ["a", "b", "c", "d"] and gewekt == []


def test_in_a_batch_a_group_stops_at_its_first_failure_and_other_groups_go_on(grillig, gewekt):
    g1, g2, g3, h1 = _plaats(("g1", "g"), ("g2", "g"), ("g3", "g"), ("h1", "h"))
    gewekt.clear()
    grillig["weiger"] = {"g2"}
    uitkomst = outbox.lever_partij([g1.pk, g2.pk, g3.pk, h1.pk])
    assert uitkomst == {
        g1.pk: OutboxBericht.Status.AFGELEVERD,
        g2.pk: OutboxBericht.Status.WACHTEND,  # refused: retried after its backoff
        g3.pk: "wacht op eerder bericht",
        h1.pk: OutboxBericht.Status.AFGELEVERD,
    }
    assert grillig["ontvangen"] == ["g1", "h1"]
    g2.refresh_from_db()
    g3.refresh_from_db()
    assert g2.pogingen == 1 and "weigert g2" in g2.laatste_fout and g2.payload == {"n": "g2"} and g2.groep == "g"
    assert g2.volgende_poging > timezone.now() + datetime.timedelta(seconds=25)
    assert g3.pogingen == 0 and g3.laatste_fout == outbox.WACHT and g3.payload == {"n": "g3"}
    assert gewekt == []  # g2 comes next in the group, and it was not waiting for this batch: no early retry

    grillig["weiger"] = set()
    OutboxBericht.objects.filter(pk=g2.pk).update(volgende_poging=timezone.now())
    assert outbox.lever(g2.pk) == OutboxBericht.Status.AFGELEVERD
    assert gewekt == [g3.pk]  # the one that waited is woken once its predecessor is delivered
    assert outbox.lever_partij(gewekt) == {g3.pk: OutboxBericht.Status.AFGELEVERD}
    assert grillig["ontvangen"] == ["g1", "h1", "g2", "g3"]


def test_a_batch_waits_for_an_earlier_message_outside_it_and_wakes_a_later_one_that_waited(grillig, gewekt):
    eerste, tweede, derde = _plaats(("e1", "g"), ("e2", "g"), ("e3", "g"))
    gewekt.clear()
    assert outbox.lever_partij([tweede.pk]) == {tweede.pk: "wacht op eerder bericht"}  # e1 is not delivered
    assert outbox.lever_partij([derde.pk]) == {derde.pk: "wacht op eerder bericht"}
    assert grillig["ontvangen"] == [] and gewekt == []

    assert outbox.lever_partij([eerste.pk, tweede.pk]) == dict.fromkeys([eerste.pk, tweede.pk], "afgeleverd")
    # e3, outside the batch and waiting for it, is woken after the commit; one at a time (SQLite) e1 also wakes e2,
    # which the same loop then delivers (its task finds nothing to do)
    assert gewekt == ([derde.pk] if connection.vendor == "postgresql" else [tweede.pk, derde.pk])


def test_a_batch_turns_the_last_attempt_into_a_dead_letter_and_its_group_waits(grillig, gewekt):
    eerste, tweede = _plaats(("d1", "g"), ("d2", "g"))
    OutboxBericht.objects.filter(pk=eerste.pk).update(pogingen=outbox.MAX_POGINGEN - 1)
    grillig["weiger"] = {"d1"}
    uitkomst = outbox.lever_partij([eerste.pk, tweede.pk])
    assert uitkomst == {eerste.pk: OutboxBericht.Status.MISLUKT, tweede.pk: "wacht op eerder bericht"}
    assert outbox.lever_partij([tweede.pk]) == {tweede.pk: "wacht op eerder bericht"}  # a dead letter blocks too


def test_the_sweeper_delivers_what_is_due_in_batches(grillig, monkeypatch):
    monkeypatch.setattr(outbox, "PARTIJ", 3)
    berichten = _plaats(*((f"s{i}", f"g{i % 2}") for i in range(8)))
    OutboxBericht.objects.filter(pk=berichten[5].pk).update(volgende_poging=timezone.now() + datetime.timedelta(1))
    assert outbox.lever_openstaande() == 6  # s5 is not due yet, and s7 (its group's next) waits for it
    assert grillig["ontvangen"] == ["s0", "s1", "s2", "s3", "s4", "s6"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="one lock statement and one write: PostgreSQL's")
def test_a_batch_is_two_statements_whatever_its_size(grillig, gewekt):
    from django.test.utils import CaptureQueriesContext

    pks = [b.pk for b in _plaats(*((f"q{i}", f"g{i % 3}") for i in range(30)))]
    with CaptureQueriesContext(connection) as gezien:
        uitkomst = outbox.lever_partij(pks)
    assert set(uitkomst.values()) == {"afgeleverd"} and len(grillig["ontvangen"]) == 30
    statements = [q["sql"] for q in gezien.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(statements) == 2, statements


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_batch_skips_a_message_another_worker_holds(grillig, gewekt):
    from django.conf import settings

    import psycopg

    eerste, tweede, derde = _plaats(("w1", ""), ("w2", ""), ("w3", "x"))
    db = settings.DATABASES["default"]
    dsn = f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} user={db['USER']} dbname={db['NAME']}"
    with connection.cursor() as cursor:  # without SKIP LOCKED the batch would wait: fail instead of hanging
        cursor.execute("SET lock_timeout = '5s'")
    with psycopg.connect(dsn) as ander:  # another worker, in the middle of delivering w2
        ander.execute(f"SELECT 1 FROM {OutboxBericht._meta.db_table} WHERE id = %s FOR UPDATE", [tweede.pk])
        try:
            uitkomst = outbox.lever_partij([eerste.pk, tweede.pk, derde.pk])
        finally:
            ander.rollback()
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
    assert uitkomst == {eerste.pk: "afgeleverd", tweede.pk: "overgeslagen", derde.pk: "afgeleverd"}
    assert grillig["ontvangen"] == ["w1", "w3"]
    assert OutboxBericht.objects.get(pk=tweede.pk).status == OutboxBericht.Status.WACHTEND


def test_a_bulk_block_hands_its_messages_to_the_workers_as_batches(grillig, monkeypatch):
    from django.db import transaction

    from voorzieningen.core import tasks

    enkel, partijen = [], []
    monkeypatch.setattr(outbox, "_after_commit", lambda func: func())
    monkeypatch.setattr(tasks.deliver_outbox, "delay", enkel.append)
    monkeypatch.setattr(tasks.deliver_outbox_partij, "delay", partijen.append)
    monkeypatch.setattr(outbox, "PARTIJ", 2)
    with transaction.atomic(), outbox.verzamel():
        eerste = _plaats(("v1", "g"), ("v2", "g"))
        with outbox.verzamel():  # a nested block adds to the outer one's batches
            tweede = _plaats(("v3", ""))
    assert enkel == [] and partijen == [[eerste[0].pk, eerste[1].pk], [tweede[0].pk]]
    for partij in partijen:
        outbox.lever_partij(partij)
    assert grillig["ontvangen"] == ["v1", "v2", "v3"]

    partijen.clear()
    with pytest.raises(RuntimeError), transaction.atomic(), outbox.verzamel():
        _plaats(("v4", ""))
        raise RuntimeError("teruggedraaid")
    assert partijen == [] and enkel == [] and not OutboxBericht.objects.filter(sleutel="test:v4").exists()
    _plaats(("v5", ""))  # outside a block: a task of its own, as before
    assert len(enkel) == 1 and partijen == []


def test_a_batch_behind_a_slow_receiver_hands_the_rest_back_instead_of_holding_its_locks(monkeypatch, gewekt):
    from voorzieningen.core import tasks

    klok = {"nu": 0.0}
    ontvangen, partijen = [], []

    def traag(payload):  # each delivery takes 6 s of the batch's 10
        klok["nu"] += 6
        ontvangen.append(payload["n"])

    monkeypatch.setitem(outbox.HANDLERS, "test", traag)
    monkeypatch.setattr(outbox.time, "monotonic", lambda: klok["nu"])
    monkeypatch.setattr(tasks.deliver_outbox_partij, "delay", partijen.append)
    pks = [b.pk for b in _plaats(("t1", "g"), ("t2", ""), ("t3", "g"), ("t4", ""))]
    uitkomst = outbox.lever_partij(pks)
    if connection.vendor == "postgresql":
        assert uitkomst == {pks[0]: "afgeleverd", pks[1]: "afgeleverd", pks[2]: "uitgesteld", pks[3]: "uitgesteld"}
        assert ontvangen == ["t1", "t2"] and partijen == [pks[2:]]
        t3 = OutboxBericht.objects.get(pk=pks[2])
        assert (t3.status, t3.pogingen, t3.laatste_fout) == ("wachtend", 0, "")  # untouched
        assert outbox.lever_partij(partijen[0]) == {pks[2]: "afgeleverd", pks[3]: "afgeleverd"}
    else:  # one at a time: no batch to hold
        assert set(uitkomst.values()) == {"afgeleverd"}
