"""Submitting applications: 20 concurrent clients through the submit service vs. raw PostgreSQL inserts.

Both sides write the same rows per submission in one transaction each: the aanmelding, its first status,
its place in the SIS queue and the queue's log line, the audit line and the outbox message (plus the cohort
counter). Both run as 20 client processes. The raw side is measured twice, one statement per row and all rows in
one statement (as the service sends them on PostgreSQL), and the faster is the ceiling. The ratio says how much of
the database's ceiling the domain code keeps; it is measured in rounds (the service, then its ceiling) and the
median is the figure. E-mail delivery is left to the workers (not part of the submit step).
"""

import json
import os
import resource
import statistics
import time
import uuid

from benchmarks.bench_catalogus import percentile
from voorzieningen.core import gestolen

CLIENTS = 20
PER_CLIENT = 100
WARMUP = 10  # untimed jobs per client process first (see _run_processes)
# The service and its ceiling are measured in turn this many times: the host's speed drifts within minutes
# (docs/performance.md), so one pair says less than the median of several.
RONDES = int(os.environ.get("BENCH_RONDES", "3"))


def _bsns(n):
    from voorzieningen.identiteit.bsn import is_valid_bsn

    number = 100_000_000
    while n:
        number += 1
        if is_valid_bsn(str(number)):
            n -= 1
            yield str(number)


def _prepare(n):
    from django.utils import timezone

    from voorzieningen.aanmelden.models import Aanmelder, Concept
    from voorzieningen.aanmelden.services import stappen
    from voorzieningen.catalogus.tests.factories import CohortFactory
    from voorzieningen.identiteit.models import User

    cohorten = [CohortFactory(capaciteit=None) for _ in range(8)] + [CohortFactory(capaciteit=32000) for _ in range(2)]
    users = User.objects.bulk_create(User(username=f"bench-{b}", bsn=b) for b in _bsns(n))
    persoon = {
        "bsn": "",
        "voornamen": "Sanne",
        "voorvoegsel": "",
        "achternaam": "Jansen",
        "geboortedatum": "2007-05-01",
        "adres": {
            "land": "6030",
            "straat": "Oudegracht",
            "huisnummer": "12",
            "postcode": "3511AB",
            "plaats": "Utrecht",
        },
        "geboorteland": "6030",
        "geboorteplaats": "Utrecht",
    }
    aanmelders = Aanmelder.objects.bulk_create(
        Aanmelder(
            user=u, persoon={**persoon, "bsn": u.bsn}, duo_opgehaald_op=timezone.now(), email=f"{u.bsn}@example.nl"
        )
        for u in users
    )
    concepten = []
    for i, a in enumerate(aanmelders):
        cohort = cohorten[i % len(cohorten)]
        c = Concept(aanmelder=a, cohort=cohort)
        c.voltooide_stappen = [s.slug for s in stappen(c)]
        concepten.append(c)
    Concept.objects.bulk_create(concepten)
    return [(a, c.token) for a, c in zip(aanmelders, concepten, strict=True)], cohorten


_AANMELDING = (
    "INSERT INTO bench_aanmelding (ca_keten_id, keten_id, indien_token, aanmelder_id, cohort_id, opleiding_id,"
    " onderwijsaanbieder_id, instelling_id, crebo, leertraject, status, ingediend_op, status_gewijzigd_op, gegevens,"
    " kenmerken, via_deeplink, return_url, ontvangstbewijs, schooljaar)"
    " VALUES (%s,nextval('bench_keten_seq'),%s,%s,%s,%s,%s,%s,%s,%s,%s,now(),now(),%s,'{}',false,'',%s,%s) RETURNING id"
)
_OUTBOX = (
    "INSERT INTO bench_outbox (kanaal, sleutel, payload, status, pogingen, volgende_poging, laatste_fout,"
    " aangemaakt_op, groep) VALUES (%s,%s,%s,'wachtend',0,now(),'',now(),'')"
)
_COHORT = "UPDATE catalogus_cohort SET aantal_aanmeldingen = aantal_aanmeldingen WHERE id = %s"
# the same rows in one statement: the children take the application's id from the first CTE
_GEBUNDELD = (
    f"WITH a AS ({_AANMELDING}),"
    " s AS (INSERT INTO bench_statuswijziging (aanmelding_id, status, tijdstip, bron, toelichting, correctie)"
    "  SELECT id, %s, now(), %s, '', false FROM a),"
    " l AS (INSERT INTO bench_aanlevering (aanmelding_id, koppelpunt_id, in_wachtrij_sinds, foutmelding)"
    "  SELECT id, %s, now(), '' FROM a),"
    " g AS (INSERT INTO bench_sislog (aanmelding_id, koppelpunt_id, soort, tijdstip, detail)"
    "  SELECT id, %s, 'KLAARGEZET', now(), '25LX' FROM a),"
    " au AS (INSERT INTO bench_audit (timestamp, actor_type, actor_id, action, object_type, object_id,"
    "  subject_ref, reason, request_id, extra) SELECT now(), %s, %s, %s, %s, id::text, %s, %s, '', '{}' FROM a),"
    f" o AS ({_OUTBOX})"
    f" {_COHORT}"
)


def _raw_ceiling(rows, gebundeld: bool):
    """The same rows, one transaction per submission, 20 client processes with a connection each, plain psycopg:
    one statement per row, or (``gebundeld``) all rows in one statement as the service sends them."""
    from django.conf import settings
    from django.db import connection

    import psycopg

    db = settings.DATABASES["default"]
    dsn = f"host={db['HOST']} port={db['PORT'] or 5432} dbname={db['NAME']} user={db['USER']}"
    verbinding = {}

    def work(row):
        aanmelding, wijziging, audit, bericht, koppelpunt = row
        conn = verbinding.get("conn")
        if conn is None:
            conn = verbinding["conn"] = psycopg.connect(dsn, prepare_threshold=5)
        with conn.transaction():
            if gebundeld:
                kinderen = (*wijziging, koppelpunt, koppelpunt, *audit, *bericht)
                conn.execute(_GEBUNDELD, (*aanmelding, *kinderen, aanmelding[3]))
                return
            pk = conn.execute(_AANMELDING, aanmelding).fetchone()[0]
            conn.execute(
                "INSERT INTO bench_statuswijziging (aanmelding_id, status, tijdstip, bron, toelichting, correctie)"
                " VALUES (%s,%s,now(),%s,'',false)",
                (pk, *wijziging),
            )
            conn.execute(
                "INSERT INTO bench_aanlevering (aanmelding_id, koppelpunt_id, in_wachtrij_sinds, foutmelding)"
                " VALUES (%s,%s,now(),'')",
                (pk, koppelpunt),
            )
            conn.execute(
                "INSERT INTO bench_sislog (aanmelding_id, koppelpunt_id, soort, tijdstip, detail)"
                " VALUES (%s,%s,'KLAARGEZET',now(),'25LX')",
                (pk, koppelpunt),
            )
            conn.execute(_COHORT, (aanmelding[3],))
            conn.execute(
                "INSERT INTO bench_audit (timestamp, actor_type, actor_id, action, object_type, object_id,"
                " subject_ref, reason, request_id, extra) VALUES (now(),%s,%s,%s,%s,%s,%s,%s,'','{}')",
                (*audit[:4], str(pk), *audit[4:]),
            )
            conn.execute(_OUTBOX, bericht)

    tabellen = {
        "aanmelden_aanmelding": "bench_aanmelding",
        "aanmelden_statuswijziging": "bench_statuswijziging",
        "core_auditlogentry": "bench_audit",
        "core_outboxbericht": "bench_outbox",
        "sis_aanlevering": "bench_aanlevering",
        "sis_sislogregel": "bench_sislog",
    }
    with connection.cursor() as cur:
        for source, table in tabellen.items():
            cur.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
            cur.execute(f"CREATE TABLE {table} (LIKE {source} INCLUDING ALL)")
        # LIKE copies no foreign keys: without them PostgreSQL would skip the ten checks (each a parent-row lock)
        # a real submit pays, and the ceiling would be one for other rows than the service writes
        for source, table in tabellen.items():
            cur.execute(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
                [source],
            )
            for (definitie,) in cur.fetchall():
                for bron, kopie in tabellen.items():
                    definitie = definitie.replace(f"REFERENCES {bron}(", f"REFERENCES {kopie}(")
                cur.execute(f"ALTER TABLE {table} ADD {definitie}")
        cur.execute("DROP SEQUENCE IF EXISTS bench_keten_seq")
        cur.execute("CREATE SEQUENCE bench_keten_seq START 9000000001")
        cur.execute("ALTER TABLE bench_aanmelding ALTER COLUMN keten_id TYPE varchar(10)")
    return _run_processes(work, rows)


def _run_processes(work, jobs):
    """Like N long-running stateless web processes: 20 forked workers, each with its own database connection.

    Each first does WARMUP jobs untimed (its connection, its per-process copies, psycopg preparing the statements
    on their fifth run), then all start together; the rate, latencies and CPU time count the rest only. The raw
    ceiling runs through the same function, so both sides are measured in the steady state.
    Returns (elapsed, latencies, errors, CPU seconds of the workers' timed part, busy CPU seconds of the whole
    machine meanwhile or None).
    """
    import multiprocessing

    from django.db import connection, connections

    with connection.cursor() as cursor:  # each side starts with the earlier writes on disk, not paying for them
        cursor.execute("CHECKPOINT")
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    start = ctx.Barrier(CLIENTS + 1)
    chunks = [jobs[i::CLIENTS] for i in range(CLIENTS)]

    def cpu() -> float:
        r = resource.getrusage(resource.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime

    def client(chunk):
        latencies, errors = [], []
        for job in chunk[:WARMUP]:
            try:
                work(job)
            except Exception as exc:  # noqa: BLE001 — counted and printed
                errors.append(repr(exc))
        start.wait()
        begin = cpu()
        for job in chunk[WARMUP:]:
            started = time.perf_counter()
            try:
                work(job)
            except Exception as exc:  # noqa: BLE001 — counted and printed
                errors.append(repr(exc))
            latencies.append(time.perf_counter() - started)
        gebruikt = cpu() - begin
        connections.close_all()
        queue.put((latencies, errors, gebruikt))

    procs = [ctx.Process(target=client, args=(chunk,)) for chunk in chunks]
    for p in procs:
        p.start()
    start.wait()
    started, bezig = time.perf_counter(), gestolen.bezig()
    results = [queue.get() for _ in procs]
    elapsed = time.perf_counter() - started
    machine = gestolen.bezig() - bezig if bezig is not None else None
    for p in procs:
        p.join()
    latencies = [x for r in results for x in r[0]]
    return elapsed, latencies, [x for r in results for x in r[1]], sum(r[2] for r in results), machine


def run() -> None:
    from django.db import connection

    from voorzieningen.aanmelden import services
    from voorzieningen.aanmelden.models import Aanmelding
    from voorzieningen.core import outbox
    from voorzieningen.core.services import Actor

    if connection.vendor != "postgresql":
        print("[aanmelden] skipped: this benchmark compares against PostgreSQL (set DATABASE_URL)")
        return
    n = CLIENTS * (PER_CLIENT + WARMUP)
    alle, _ = _prepare(n * RONDES)
    outbox._after_commit = lambda func: None  # workers deliver; the submit step only queues
    actor = Actor.system("bench")

    def submit(job):
        aanmelder, token = job
        services.dien_in(token, aanmelder, actor)

    rows, ratios, cpu_ratios, fouten = None, [], [], 0
    for ronde in range(1, RONDES + 1):
        kop = f"[aanmelden] round {ronde}/{RONDES}:"
        elapsed, latencies, errors, python, machine = _run_processes(submit, alle[(ronde - 1) * n : ronde * n])
        python, machine = python / len(latencies), (machine / len(latencies) if machine is not None else None)
        fouten += len(errors)
        assert Aanmelding.objects.count() == ronde * n - fouten, errors[:3]
        rate = len(latencies) / elapsed
        print(
            f"{kop} submit via the service, {CLIENTS} concurrent client processes: {len(latencies)}"
            f" in {elapsed:.1f} s"
            f" → {rate:,.0f} submissions/s; p50 {statistics.median(latencies) * 1000:.1f} ms,"
            f" p99 {percentile(latencies, 99) * 1000:.1f} ms; errors: {len(errors)}"
        )
        if machine is not None:  # where the two cores went: the clients' Python, and the rest (PostgreSQL, kernel)
            print(
                f"{kop} CPU per submit: {python * 1000:.1f} ms in the client processes (Python),"
                f" {(machine - python) * 1000:.1f} ms elsewhere (PostgreSQL, kernel)"
            )
        rows = rows or _raw_rows()
        ceiling, ceiling_cpu = 0.0, None
        for gebundeld, soort in [(False, "one statement per row"), (True, "all rows in one statement")]:
            raw_elapsed, raw_latencies, raw_errors, _cpu, raw_machine = _raw_ceiling(rows, gebundeld)
            raw_rate = len(raw_latencies) / raw_elapsed
            print(
                f"{kop} raw PostgreSQL, same rows, one transaction each, {CLIENTS} client processes, {soort}:"
                f" {raw_rate:,.0f}/s; p50 {statistics.median(raw_latencies) * 1000:.1f} ms,"
                f" p99 {percentile(raw_latencies, 99) * 1000:.1f} ms; errors: {len(raw_errors)}"
            )
            if raw_errors:  # a ceiling made of failed inserts means nothing
                print(f"[aanmelden] raw ceiling INVALID, first error: {raw_errors[0]}")
                return
            if raw_rate > ceiling:
                ceiling = raw_rate
                ceiling_cpu = raw_machine / len(raw_latencies) if raw_machine is not None else None
        ratios.append(rate / ceiling)
        tekst = f"{kop} ratio submit / raw ceiling (the faster of the two): {rate / ceiling:.0%}"
        if machine is not None and ceiling_cpu is not None:
            # the same comparison by the machine's busy CPU per row: the commits' waits for the disk, which move
            # the rates a lot between rounds on this host, do not count in it
            cpu_ratios.append(ceiling_cpu / machine)
            tekst += f"; by CPU per row: {ceiling_cpu * 1000:.2f} / {machine * 1000:.2f} ms = {cpu_ratios[-1]:.0%}"
        print(tekst)
    print(
        f"[aanmelden] ratio submit / raw ceiling, median of {RONDES} rounds (each the service and then its ceiling,"
        f" so the host's drift between them stays small): {statistics.median(ratios):.0%}"
        f" (rounds: {', '.join(f'{r:.0%}' for r in ratios)}; target in issue 10: ≥ 40%)"
    )
    if cpu_ratios:
        print(
            f"[aanmelden] the same by CPU per row, median: {statistics.median(cpu_ratios):.0%}"
            f" (rounds: {', '.join(f'{r:.0%}' for r in cpu_ratios)})"
        )


def _raw_rows() -> list[tuple]:
    """The raw side's rows: the service's own applications (their programmes, koppelpunten and sizes), new keys."""
    from voorzieningen.aanmelden.models import Aanmelding

    sample = list(Aanmelding.objects.values_list(
        "aanmelder_id", "cohort_id", "opleiding_id", "onderwijsaanbieder_id", "instelling_id", "crebo",
        "leertraject", "status", "gegevens", "ontvangstbewijs", "schooljaar", "aanlevering__koppelpunt_id",
    ))  # fmt: skip
    rows = []
    for (
        aanmelder_id,
        cohort_id,
        opleiding_id,
        aanbieder_id,
        instelling_id,
        crebo,
        lt,
        status,
        gegevens,
        bewijs,
        schooljaar,
        koppelpunt,
    ) in sample:
        aanmelding = (
            str(uuid.uuid4()), str(uuid.uuid4()), aanmelder_id, cohort_id, opleiding_id, aanbieder_id,
            instelling_id, crebo, lt, status, json.dumps(gegevens), bewijs, schooljaar,
        )  # fmt: skip
        rows.append(
            (
                aanmelding,
                ("SUBMITTED", "portaal"),
                ("system", "system:bench", "create", "aanmelden.Aanmelding", "x" * 32, "Aanmelding ingediend"),
                ("aanmelden.email", f"bench:{uuid.uuid4()}", json.dumps({"ontvangstbewijs": str(uuid.uuid4())})),
                koppelpunt,
            )
        )
    return rows
