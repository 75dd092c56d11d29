"""A national application season (``voorzieningen simulate-season``): wall time per phase, total, and the ratio to
the issue's target of 10 minutes for the whole season.

Scale: ``SEIZOEN_STUDENTEN`` (default 200000, the national figure: ~300,000 applications), ``SEIZOEN_SCALE``
(catalogue, default 1.0), ``SEIZOEN_PROCESSEN`` (default: cores). The season needs a database without
applications, and the other benchmarks leave theirs behind, so it runs on a database of its own: on PostgreSQL
``<bench database>_seizoen`` (dropped and created), on SQLite a file next to the bench database. Every invariant of
the chain must PASS, otherwise the figure means nothing and the benchmark fails.
"""

import os
import time


def _eigen_database() -> str:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        import psycopg

        naam = f"{db['NAME']}_seizoen"
        dsn = f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} user={db['USER']} dbname=postgres"
        if db.get("PASSWORD"):
            dsn += f" password={db['PASSWORD']}"
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{naam}"')
            conn.execute(f'CREATE DATABASE "{naam}"')
    else:
        naam = os.path.join(os.environ.get("VAR_DIR", "/tmp"), "bench-seizoen.sqlite3")
        for pad in (naam, f"{naam}-wal", f"{naam}-shm"):
            if os.path.exists(pad):
                os.unlink(pad)
    connections.close_all()
    db["NAME"] = naam
    connections["default"].settings_dict["NAME"] = naam
    call_command("migrate", verbosity=0)
    return naam


def run() -> None:
    from voorzieningen.core import seizoen

    studenten = int(os.environ.get("SEIZOEN_STUDENTEN", "200000"))
    inst = seizoen.Instellingen(
        studenten=studenten,
        scale=float(os.environ.get("SEIZOEN_SCALE", "1.0")),
        processen=int(os.environ.get("SEIZOEN_PROCESSEN", str(os.cpu_count() or 1))),
        uitvoer=lambda regel: print(f"[seizoen] {regel}", flush=True),
    )
    started = time.perf_counter()
    naam = _eigen_database()
    print(f"[seizoen] own database {naam} ready in {time.perf_counter() - started:.1f} s")
    resultaat = seizoen.simuleer(inst)
    for regel in seizoen.verslag(resultaat):
        print(f"[seizoen] {regel}")
    werk = {n: f for n, f in resultaat.fases.items() if n in seizoen.verslag_seizoenswerk()}
    print(
        f"[seizoen] {studenten:,} students, {len(resultaat.verloop.ca):,} applications, whole season"
        f" {resultaat.totaal:.1f} s (season work {sum(f.seconden for f in werk.values()):.1f} s) with"
        f" {inst.processen} processes → {resultaat.totaal / seizoen.DOEL_SECONDEN:.2f}× the 10-minute target"
    )
    assert resultaat.ok, "season invariants FAIL"
