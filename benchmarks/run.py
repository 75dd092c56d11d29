"""Benchmarks (``make bench``): each prints its figures; none is part of the test suite.

The database: DATABASE_URL when set; otherwise a fresh PostgreSQL database on 127.0.0.1:5432 when one
answers (as on the CI machine), otherwise a SQLite file in a temporary folder.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))


def _postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=2, autocommit=True) as c:
            c.execute("DROP DATABASE IF EXISTS voorzieningen_bench")
            c.execute("CREATE DATABASE voorzieningen_bench")
        return True
    except Exception:
        return False


def setup_database() -> str:
    os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="voorzieningen-bench-"))
    os.environ.setdefault("DEBUG", "false")  # measure what production runs, not debug query logging
    if not os.environ.get("DATABASE_URL"):
        if _postgres_available():
            os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/voorzieningen_bench"
        else:
            os.environ["DATABASE_URL"] = f"sqlite:///{os.environ['VAR_DIR']}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "voorzieningen.conf.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return os.environ["DATABASE_URL"].split(":", 1)[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", help="run one benchmark module, e.g. catalogus")
    args = parser.parse_args()
    engine = setup_database()
    print(f"database: {engine}; machine: {os.cpu_count()} cores")
    from benchmarks import (
        bench_aanmelden,
        bench_analyse,
        bench_catalogus,
        bench_koppelpunt,
        bench_portfolio,
        bench_seizoen,
        bench_sis,
    )
    from voorzieningen.core import gestolen

    for module in [
        bench_catalogus,
        bench_aanmelden,
        bench_sis,
        bench_analyse,
        bench_koppelpunt,
        bench_portfolio,
        bench_seizoen,
    ]:
        name = module.__name__.rsplit("_", 1)[-1]
        if args.only and args.only != name:
            continue
        started, steal = time.perf_counter(), gestolen.teller()
        module.run()
        machine = gestolen.sinds(steal)
        print(f"[{name}] done in {time.perf_counter() - started:.1f} s" + (f"; {machine}" if machine else "") + "\n")


if __name__ == "__main__":
    main()
