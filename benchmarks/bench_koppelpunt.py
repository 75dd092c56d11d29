"""Koppelpunt MBO: status messages routed and delivered per second, from the first POST to the last delivery.

N status messages go through the real API (Django's test Client, in this process: WSGI, sender key, serializer,
routing, outbox rows). Koppelpunt VO and the municipalities are one small threaded HTTP receiver in this process
(answers 201, counts what arrives); Centraal Aanmelden is the internal channel.

Two modes, the output says which one was measured:

- ``CELERY_BROKER_URL`` set and reachable (e.g. ``CELERY_BROKER_URL=amqp://guest:guest@127.0.0.1:5672// make bench
  BENCH_ARGS="--only koppelpunt"``): the bench starts its own Celery worker subprocess (prefork, concurrency 2) on a
  queue of its own (so it neither takes nor leaves tasks on the shared ``celery`` queue), delivers through it, and
  stops it at the end. The settings module reads the broker at import, so it must be in the environment.
- otherwise (no broker configured, or it does not answer): tasks run eagerly in this process, so each POST
  returns only after its deliveries; intake and end-to-end are then the same thing.

Messages: 4 per application (RECEIVED, OFFERED, ENROLLED, WITHDRAWN); a third of the applications route to all
three recipients, the others to two or only Centraal Aanmelden. They are posted a block of applications at a time,
status by status, so a message often arrives while its predecessor for the same recipient is still queued: the
per-application ordering of the outbox is exercised. Checks: every outbox row delivered, the receiver got exactly
one POST per external delivery (nothing lost, nothing duplicated) and in order per application and recipient.
"""

import json
import logging
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from benchmarks.bench_catalogus import percentile

N = 2000  # messages
PER_APPLICATION = 4
BLOCK = 10  # applications posted together, status by status
STATUSSEN = ["RECEIVED", "OFFERED", "ENROLLED", "WITHDRAWN"]
GEMEENTEN = ["0344", "0363", "0599", "0518"]
CONCURRENCY = 2
STALL_SECONDS = 15  # no progress this long: nudge what is due, as the beat does every minute in production
TIMEOUT_SECONDS = 600
ROOT = Path(__file__).resolve().parents[1]

# The worker subprocess: the project's Celery app, with the bench's own queue as the default one, so that the
# follow-up deliveries the worker queues itself (next message of a group) land on that queue too.
# Quiet: no banner, and no warning about running as root (dev machines and CI): its log is then empty unless
# something went wrong, and shown when it is not.
WORKER = """
import sys, warnings
from celery.exceptions import SecurityWarning
from voorzieningen.conf.celery import app
warnings.filterwarnings("ignore", category=SecurityWarning)
app.conf.task_default_queue = sys.argv[1]
app.worker_main(["--quiet", "worker", "--loglevel=warning", "--concurrency=%s", "-P", "prefork", "-Q", sys.argv[1],
                 "-n", sys.argv[2], "--without-gossip", "--without-mingle", "--without-heartbeat"])
"""


class Receiver(ThreadingHTTPServer):
    """Stands in for Koppelpunt VO (/vo) and the municipalities' endpoints (/gemeente/<code>)."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.received: list[tuple[str, str, str, str]] = []  # (path, berichtId, aanmeldId, status)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 — http.server's name
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        with self.server.lock:
            self.server.received.append((self.path, body.get("berichtId"), body.get("aanmeldId"), body.get("status")))
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format, *args):  # noqa: A002 — quiet
        pass


def _profile(a: int) -> dict:
    """Per application (all its messages go the same way): a third to all three recipients."""
    basis = {
        "pgn": "999990019",
        "postcode": "3511 AB",
        "gemeentecode": GEMEENTEN[a % len(GEMEENTEN)],
        "geboortedatum": "2010-05-01",
        "startkwalificatie": False,
        "iltCodeVooropleiding": "0141",
        "brinVoSchool": "01AB",
        "leertraject": "BOL",
        "brinMbo": "25XX",
    }
    variant = [
        {},  # CA + VO + municipality
        {},  # CA + VO + municipality
        {"startkwalificatie": True},  # CA + VO
        {"iltCodeVooropleiding": "0999"},  # CA + municipality (ILT code not on the list)
        {"brinVoSchool": ""},  # CA + municipality (no VO school)
        {"leertraject": "ODT", "startkwalificatie": True},  # CA only
    ][a % 6]
    return basis | variant


def _messages(tag: str) -> list[dict]:
    applications = N // PER_APPLICATION
    berichten = []
    for start in range(0, applications, BLOCK):
        block = range(start, min(start + BLOCK, applications))
        for s, status in enumerate(STATUSSEN[:PER_APPLICATION]):
            for a in block:
                berichten.append(
                    {
                        **_profile(a),
                        "berichtId": f"{tag}-{a}-{s}",
                        "aanmeldId": str(9_600_000_000 + a),
                        "status": status,
                        "reden": "bench",
                    }
                )
    return berichten


def _broker_reachable(url: str) -> bool:
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
        return True
    except Exception:  # noqa: BLE001 — any failure means: not usable here
        return False


def _queue(app, name: str, action: str) -> None:
    from kombu import Queue

    with app.connection_for_write() as conn:
        queue = Queue(name, durable=True)(conn.default_channel)
        queue.declare()
        getattr(queue, action)()


def _start_worker(app, queue: str, env: dict, log) -> tuple[subprocess.Popen, str]:
    node = f"bench-koppelpunt-{os.getpid()}"
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER % CONCURRENCY, queue, f"{node}@%h"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    destination = f"{node}@{socket.gethostname()}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise RuntimeError(f"the Celery worker exited with {worker.returncode}; see {log.name}")
        if app.control.ping(destination=[destination], timeout=1.0):
            return worker, destination
    _stop_worker(worker)
    raise RuntimeError(f"the Celery worker did not answer within 60 s; see {log.name}")


def _stop_worker(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.terminate()  # warm shutdown: finishes the tasks in hand
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def _drain(rows, nudge) -> tuple[float, int]:
    """Poll until no row of this run is undelivered; returns (moment done, nudges needed)."""
    from voorzieningen.core.models import OutboxBericht

    open_rows = rows.exclude(status=OutboxBericht.Status.AFGELEVERD)
    nudges, last, last_change, deadline = 0, None, time.perf_counter(), time.perf_counter() + TIMEOUT_SECONDS
    while True:
        remaining = open_rows.count()
        now = time.perf_counter()
        if remaining == 0:
            return now, nudges
        if rows.filter(status=OutboxBericht.Status.MISLUKT).exists():
            raise RuntimeError(f"dead letters: {list(rows.filter(status='mislukt').values_list('laatste_fout'))[:3]}")
        if now > deadline:
            raise RuntimeError(f"{remaining} messages still undelivered after {TIMEOUT_SECONDS} s")
        if remaining != last:
            last, last_change = remaining, now
        elif now - last_change > STALL_SECONDS:
            print(f"[koppelpunt] no progress for {STALL_SECONDS} s with {remaining} undelivered: nudging as the beat")
            nudge()
            nudges, last_change = nudges + 1, now
        time.sleep(0.1)


def run() -> None:
    from django.conf import settings
    from django.db import connection, transaction
    from django.test import Client

    from kombu.utils.url import maybe_sanitize_url

    from voorzieningen.conf.celery import app
    from voorzieningen.core import outbox, tasks
    from voorzieningen.core.models import OutboxBericht
    from voorzieningen.koppelpunt import services
    from voorzieningen.koppelpunt.models import GemeenteEndpoint, VoIltCode

    logging.getLogger("celery.app.trace").setLevel(logging.WARNING)  # eager mode: a line per delivered task
    # bench_aanmelden switches delivery off for its own measurement (and leaves it so): put the real one back.
    outbox._after_commit = lambda func: transaction.on_commit(func)

    receiver = Receiver()
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    old = settings.KOPPELPUNT_VO_URL, app.conf.task_always_eager, app.conf.task_default_queue
    settings.KOPPELPUNT_VO_URL = f"{receiver.url}/vo"
    VoIltCode.objects.get_or_create(code="0141", defaults={"omschrijving": "bench"})
    for code in GEMEENTEN:
        GemeenteEndpoint.objects.update_or_create(
            gemeentecode=code, defaults={"url": f"{receiver.url}/gemeente/{code}"}
        )
    afzender, sleutel = services.maak_afzender("Bench SIS")
    tag = f"kp{int(time.time())}"
    rows = OutboxBericht.objects.filter(sleutel__contains=f":{afzender.pk}:{tag}-")
    berichten = _messages(tag)

    broker = settings.CELERY_BROKER_URL
    worker = log = None
    queue = f"bench.koppelpunt.{settings.DATABASES['default']['NAME']}"
    if broker and _broker_reachable(broker):
        mode = f"Celery worker subprocess (prefork, concurrency {CONCURRENCY}) via {maybe_sanitize_url(broker)}"
    elif broker:
        mode = f"in-process eager delivery (CELERY_BROKER_URL {maybe_sanitize_url(broker)} does not answer)"
        broker = ""
    else:
        mode = "in-process eager delivery (no CELERY_BROKER_URL; set it for the worker figure)"
    try:
        if broker:
            app.conf.task_always_eager = False
            app.conf.task_default_queue = queue
            _queue(app, queue, "purge")  # what an aborted earlier run against this database left
            log = tempfile.NamedTemporaryFile("w+", prefix="bench-koppelpunt-worker-", suffix=".log", delete=False)
            env = {
                **os.environ,
                "KOPPELPUNT_VO_URL": settings.KOPPELPUNT_VO_URL,
                "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
            }
            worker, node = _start_worker(app, queue, env, log)
            mode += f" ({node}, queue {queue})"
        else:
            app.conf.task_always_eager = True
        print(f"[koppelpunt] mode: {mode}; {connection.vendor}; receiver {receiver.url}")

        client = Client(HTTP_AUTHORIZATION=f"Bearer {sleutel}")
        url = "/api/koppelpunt/v1/statusberichten"
        latencies = []
        started = time.perf_counter()
        for body in berichten:
            t = time.perf_counter()
            response = client.post(url, body, content_type="application/json")
            latencies.append(time.perf_counter() - t)
            assert response.status_code == 201, response.content
        intake_done = time.perf_counter()
        open_after_intake = rows.exclude(status=OutboxBericht.Status.AFGELEVERD).count()
        nudge = tasks.deliver_due_outbox.delay if broker else outbox.lever_openstaande
        done, nudges = _drain(rows, nudge)
    finally:
        if worker is not None:
            _stop_worker(worker)
            _queue(app, queue, "delete")
        receiver.shutdown()
        receiver.server_close()
        settings.KOPPELPUNT_VO_URL, app.conf.task_always_eager, app.conf.task_default_queue = old

    intake, total = intake_done - started, done - started
    per_channel = Counter(rows.values_list("kanaal", flat=True))
    deliveries = sum(per_channel.values())
    external = per_channel["vva.vo"] + per_channel["vva.gemeente"]
    print(
        f"[koppelpunt] intake via the API: {len(berichten):,} messages"
        f" ({len(berichten) // PER_APPLICATION} applications × {PER_APPLICATION}) in {intake:.1f} s"
        f" → {len(berichten) / intake:,.0f} messages/s;"
        f" p50 {statistics.median(latencies) * 1000:.1f} ms, p99 {percentile(latencies, 99) * 1000:.1f} ms;"
        f" routed to {per_channel['vva.ca']:,} CA + {per_channel['vva.vo']:,} VO"
        f" + {per_channel['vva.gemeente']:,} municipality = {deliveries:,} deliveries"
    )
    wachttijd = [
        (afgeleverd - aangemaakt).total_seconds()
        for aangemaakt, afgeleverd in rows.values_list("aangemaakt_op", "afgeleverd_op")
    ]
    print(
        f"[koppelpunt] end-to-end: every delivery done {total:.1f} s after the first POST →"
        f" {len(berichten) / total:,.0f} messages/s routed and delivered, {deliveries / total:,.0f} deliveries/s"
        f" ({external / total:,.0f}/s over HTTP);"
        + (
            f" {open_after_intake:,} undelivered when the last POST returned, done {done - intake_done:.1f} s later"
            f" ({open_after_intake / (done - intake_done):,.0f} deliveries/s with intake over);"
            if open_after_intake
            else " each POST returned after its deliveries;"
        )
        + f" queued → delivered p50 {statistics.median(wachttijd) * 1000:.0f} ms,"
        f" p99 {percentile(wachttijd, 99) * 1000:.0f} ms, max {max(wachttijd) * 1000:.0f} ms"
        + (f"; {nudges} nudge(s) needed after a stall" if nudges else "")
    )

    got = receiver.received
    unique = {(path, bericht_id) for path, bericht_id, _a, _s in got}
    order = defaultdict(list)
    for path, _b, aanmeld_id, status in got:
        order[(path, aanmeld_id)].append(status)
    out_of_order = sum(statuses != sorted(statuses, key=STATUSSEN.index) for statuses in order.values())
    retries = sum(rows.values_list("pogingen", flat=True)) - deliveries
    ok = len(got) == external == len(unique) and not out_of_order
    print(
        f"[koppelpunt] check: receiver got {len(got):,} POSTs for {external:,} HTTP deliveries ({len(unique):,}"
        f" distinct); out of order: {out_of_order} of {len(order):,} application×recipient sequences"
        f" → {'OK: nothing lost, nothing duplicated, in order' if ok else 'MISMATCH'}; failed attempts (retried):"
        f" {retries}"
    )
    if log is not None:
        log.seek(0)
        lines = [line.rstrip() for line in log if line.strip() and "Warm shutdown" not in line]
        if lines:
            print(f"[koppelpunt] worker log ({len(lines)} lines, {log.name}):", *lines[:10], sep="\n  ")
        log.close()
        if not lines:
            os.unlink(log.name)
    assert ok, "koppelpunt delivery check failed"
