"""Fault injection on the production path (``make chaos``, CHAOS=1): a real Celery worker subprocess on RabbitMQ,
the outbox on a committed PostgreSQL test database, Koppelpunt VO's simulator behind pytest-django's live server.

* a worker SIGKILLed while its handler waits on a slow receiver: the broker hands the unacknowledged task
  (``acks_late``) to a new worker, which delivers it; the receiver saw it twice and stored it once;
* the broker restarted while messages wait in the queue, and messages placed while it is down (their publish
  fails): after the restart the queued ones arrive and the beat's sweeper (``deliver_due_outbox``) brings the rest;
  every message delivered exactly once.

Each test first shows that the fault really happened (the worker's exit status, the row lock held during the
kill, the queue's length before and after the restart, the failed publishes), then that nothing was lost or
duplicated. RabbitMQ is always started again at the end (CI runs on this machine right after).
"""

import logging
import os
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from django.db import connection, transaction

import pytest

CHAOS = os.environ.get("CHAOS") == "1"
BROKER = os.environ.get("CHAOS_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
CELERY = Path(sys.executable).with_name("celery")

pytestmark = [
    pytest.mark.chaos,
    pytest.mark.skipif(
        not CHAOS, reason="fault injection with a real worker and broker runs with `make chaos` (CHAOS=1)"
    ),
]


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("the chaos tests need PostgreSQL (a committed database shared with a worker process)")


@pytest.fixture
def wachtrij(settings):
    """A queue of this test's own, so a worker of someone else on the machine never takes our tasks."""
    from voorzieningen.conf.celery import app

    naam = f"chaos-{os.getpid()}-{time.monotonic_ns()}"
    oud = {k: app.conf[k] for k in ("task_always_eager", "broker_url", "task_default_queue")}
    app.conf.update(task_always_eager=False, broker_url=BROKER, task_default_queue=naam)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    yield naam
    app.conf.update(**oud)
    app.close()  # drops the connection pool (a new one is made on the next publish)
    _rabbitmqctl("delete_queue", naam, check=False)


def _rabbitmqctl(*args, check=True) -> str:
    uit = subprocess.run(["rabbitmqctl", *args], capture_output=True, text=True, timeout=120)
    if check and uit.returncode != 0:
        raise RuntimeError(f"rabbitmqctl {' '.join(args)}: {uit.stderr.strip()}")
    return uit.stdout


def _in_wachtrij(naam: str) -> int:
    for regel in _rabbitmqctl("list_queues", "-q", "name", "messages").splitlines():
        delen = regel.split()
        if len(delen) == 2 and delen[0] == naam:
            return int(delen[1])
    return 0


def _database_url() -> str:
    d = connection.settings_dict
    wachtwoord = f":{urllib.parse.quote(d['PASSWORD'])}" if d.get("PASSWORD") else ""
    return f"postgres://{d['USER']}{wachtwoord}@{d['HOST'] or '127.0.0.1'}:{d['PORT'] or 5432}/{d['NAME']}"


class Werker:
    """``celery worker`` as a subprocess on the test database and our queue (solo pool: the task runs in the
    process we kill, so its broker connection and its database transaction die with it)."""

    def __init__(self, wachtrij: str, live_server, log: Path):
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": BROKER,
            "KOPPELPUNT_VO_URL": f"{live_server.url}/simulators/koppelpunt-vo/berichten",
            "DB_CONN_MAX_AGE": "0",
        }
        self.log = log
        self.proces = subprocess.Popen(
            [str(CELERY), "-A", "voorzieningen.conf.celery", "worker", "--pool=solo", "-Q", wachtrij,
             "-n", f"{wachtrij}-{time.monotonic_ns()}@%h", "--without-gossip", "--without-mingle",
             "--loglevel=info"],
            env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self._wacht_op("ready", 60)

    def _wacht_op(self, tekst: str, seconden: float) -> None:
        einde = time.monotonic() + seconden
        while time.monotonic() < einde:
            if tekst in self.log.read_text(errors="replace"):
                return
            if self.proces.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"worker niet '{tekst}':\n{self.log.read_text(errors='replace')[-3000:]}")

    def staart(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def dood(self) -> int:
        os.killpg(self.proces.pid, signal.SIGKILL)
        return self.proces.wait(timeout=30)

    def stop(self) -> None:
        if self.proces.poll() is None:
            os.killpg(self.proces.pid, signal.SIGTERM)
            try:
                self.proces.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proces.pid, signal.SIGKILL)
                self.proces.wait()


def _plaats(n: int, voorvoegsel: str) -> list[int]:
    from voorzieningen.core import outbox

    pks = []
    for i in range(n):
        with transaction.atomic():  # committed: the task is published right after
            pks.append(outbox.plaats("vva.vo", f"{voorvoegsel}-{i}", {"berichtId": f"{voorvoegsel}-{i}"}).pk)
    return pks


def _wacht_tot_afgeleverd(pks: list[int], seconden: float = 90) -> None:
    from voorzieningen.core.models import OutboxBericht

    einde = time.monotonic() + seconden
    while time.monotonic() < einde:
        open_ = OutboxBericht.objects.filter(pk__in=pks).exclude(status=OutboxBericht.Status.AFGELEVERD).count()
        if not open_:
            return
        time.sleep(0.3)
    raise AssertionError(f"{open_} van {len(pks)} berichten niet afgeleverd")


def _is_vergrendeld() -> bool:
    """Whether another backend holds an outbox row lock and waits inside its transaction (the worker in
    outbox.lever, the handler's POST with the receiver). Asked of pg_stat_activity, not by trying the lock: a probe
    that took the lock, however briefly, could make the worker's SKIP LOCKED pass the message by."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND state = 'idle in transaction' AND query ILIKE %s",
            ["%core_outboxbericht%FOR UPDATE%SKIP LOCKED%"],  # outbox._neem: FOR UPDATE OF o SKIP LOCKED
        )
        return cursor.fetchone()[0] > 0


def test_a_worker_killed_while_delivering_is_replaced_and_the_message_delivered_once(
    postgres, wachtrij, live_server, tmp_path
):
    from voorzieningen.core.models import OutboxBericht
    from voorzieningen.core.services import set_simulator_mode
    from voorzieningen.koppelpunt import simulators
    from voorzieningen.koppelpunt.models import SimulatorOntvangst

    werker = Werker(wachtrij, live_server, tmp_path / "werker-1.log")
    werkers = [werker]
    try:
        set_simulator_mode("koppelpunt-vo", "traag", simulators.GEDRAG)  # the receiver takes 3 s to answer
        [pk] = _plaats(1, "gedood")
        einde = time.monotonic() + 60
        while not _is_vergrendeld():  # the worker is inside outbox.lever (row lock held, handler posting)
            assert time.monotonic() < einde, f"de worker begon niet aan de aflevering:\n{werker.staart()}"
            time.sleep(0.05)
        time.sleep(0.5)  # the POST is with the receiver, which sleeps
        assert werker.dood() == -signal.SIGKILL
        set_simulator_mode("koppelpunt-vo", "normaal", simulators.GEDRAG)
        bericht = OutboxBericht.objects.get(pk=pk)
        # its transaction died with the worker: still pending, the attempt not even counted
        assert bericht.status == OutboxBericht.Status.WACHTEND and bericht.pogingen == 0
        later = _plaats(3, "daarna")

        werkers.append(Werker(wachtrij, live_server, tmp_path / "werker-2.log"))
        _wacht_tot_afgeleverd([pk, *later])
    finally:
        set_simulator_mode("koppelpunt-vo", "normaal", simulators.GEDRAG)
        for w in werkers:
            w.stop()

    bericht = OutboxBericht.objects.get(pk=pk)
    assert bericht.status == OutboxBericht.Status.AFGELEVERD and bericht.pogingen == 1
    # the broker redelivered the unacknowledged task to the new worker: the receiver saw the message twice (the
    # killed attempt, which it finished on its own, and the redelivery) and stored it once
    ontvangst = SimulatorOntvangst.objects.get(ontvanger="VO", bericht_id="gedood-0")
    assert ontvangst.aantal_keer == 2
    assert "deliver_outbox" in (tmp_path / "werker-2.log").read_text()
    assert list(
        SimulatorOntvangst.objects.filter(bericht_id__startswith="daarna").values_list("aantal_keer", flat=True)
    ) == [1, 1, 1]


def test_a_broker_restart_loses_nothing_and_duplicates_nothing(postgres, wachtrij, live_server, tmp_path, caplog):
    from kombu.exceptions import OperationalError as KombuFout

    from voorzieningen.core.models import OutboxBericht
    from voorzieningen.core.tasks import deliver_due_outbox
    from voorzieningen.koppelpunt.models import SimulatorOntvangst

    werker = None
    try:
        wachtend = _plaats(20, "wacht")  # no worker yet: the tasks wait in the (durable) queue
        assert _in_wachtrij(wachtrij) == 20

        _rabbitmqctl("stop_app")
        with caplog.at_level(logging.ERROR, logger="django.db.backends.base"):
            for pk_voorvoegsel in range(5):  # while the broker is down: the row commits, the publish fails
                _plaats(1, f"plat-{pk_voorvoegsel}")  # and the caller gets no error (on_commit robust)
        mislukt_gepubliceerd = [r for r in caplog.records if isinstance(r.exc_info and r.exc_info[1], KombuFout)]
        assert len(mislukt_gepubliceerd) == 5, "de broker was niet weg"
        _rabbitmqctl("start_app")
        _rabbitmqctl("await_startup")

        assert _in_wachtrij(wachtrij) == 20  # the queued tasks survived the restart
        plat = list(OutboxBericht.objects.filter(sleutel__startswith="vva.vo:plat-").values_list("pk", flat=True))
        assert len(plat) == 5  # the rows were committed before the publish failed

        werker = Werker(wachtrij, live_server, tmp_path / "werker.log")
        _wacht_tot_afgeleverd(wachtend)
        assert OutboxBericht.objects.filter(pk__in=plat, status=OutboxBericht.Status.WACHTEND).count() == 5
        deliver_due_outbox.delay()  # the beat's sweeper, every minute in production
        _wacht_tot_afgeleverd(plat)
    finally:
        _rabbitmqctl("start_app", check=False)  # never leave the broker down
        if werker:
            werker.stop()

    ontvangen = dict(SimulatorOntvangst.objects.values_list("bericht_id", "aantal_keer"))
    assert len(ontvangen) == 25 and set(ontvangen.values()) == {1}
    assert OutboxBericht.objects.filter(status=OutboxBericht.Status.AFGELEVERD, pogingen=1).count() == 25
