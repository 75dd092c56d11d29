"""Institution analytics page: statistics + multiple-application analytics over 400,000 applications.

Two schooljaren: 2025 with final statuses (the history p(k) is learnt from) and 2026, the one the page shows.
Students have 1–6 applications, mostly at a home institution, the rest anywhere; institution sizes are skewed
(the largest holds ~10 %), so the largest institution's page is the one to watch. Target: < 1 s per page.
"""

import datetime
import random
import statistics
import time
import uuid

N = 400_000
INSTELLINGEN = 60
HISTORIE, HUIDIG = 2025, 2026
CHUNK = 10_000
K_GEWICHTEN = {1: 0.42, 2: 0.25, 3: 0.15, 4: 0.09, 5: 0.05, 6: 0.04}


def _catalogus(rng):
    from voorzieningen.catalogus.models import (
        AangebodenOpleiding,
        Cohort,
        Instelling,
        Kwalificatie,
        Onderwijsaanbieder,
        RioType,
    )

    instellingen = Instelling.objects.bulk_create(
        Instelling(brin=f"{i:02d}{chr(65 + i // 26 % 26)}{chr(65 + i % 26)}", naam=f"ROC Bench {i}")
        for i in range(INSTELLINGEN)
    )
    aanbieders = Onderwijsaanbieder.objects.bulk_create(
        Onderwijsaanbieder(code=f"{n:03d}A{n:03d}", naam=i.naam, instelling=i, rio_type=RioType.CENTRAAL_AANMELDEN_MBO)
        for n, i in enumerate(instellingen)
    )
    kwalificaties = Kwalificatie.objects.bulk_create(
        Kwalificatie(crebo=f"{25000 + i}", naam=f"Kwalificatie {i}", niveau=1 + i % 4) for i in range(200)
    )
    opleidingen = []
    for nr, aanbieder in enumerate(aanbieders):
        for j in range(rng.randint(4, 16)):
            kwalificatie = rng.choice(kwalificaties)
            opleidingen.append(
                AangebodenOpleiding(
                    code=f"bench-{nr}-{j}",
                    aanbieder=aanbieder,
                    kwalificatie=kwalificatie,
                    wervingsnaam=f"{kwalificatie.naam} ({aanbieder.naam})",
                    leertraject=rng.choice(["BOL", "BBL"]),
                    niveau=kwalificatie.niveau,
                )
            )
    opleidingen = AangebodenOpleiding.objects.bulk_create(opleidingen)
    cohorten = Cohort.objects.bulk_create(
        Cohort(
            opleiding=o,
            code=f"{jaar}-09",
            begindatum=datetime.date(jaar, 9, 1),
            aanmelden_vanaf=datetime.date(jaar - 1, 10, 1),
            aanmelden_tot=datetime.date(jaar, 8, 31),
        )
        for o in opleidingen
        for jaar in (HISTORIE, HUIDIG)
    )
    per_instelling = {i.pk: {HISTORIE: [], HUIDIG: []} for i in instellingen}
    for c in cohorten:
        per_instelling[c.opleiding.aanbieder.instelling_id][c.begindatum.year].append(c)
    return instellingen, per_instelling


def _kopieer(model, kolommen, rijen) -> None:
    """Insert tuples fast: COPY on PostgreSQL, executemany elsewhere; fields not in ``kolommen`` get their default.

    Model instances and bulk_create cost ~0.2 ms a row here, minutes for 400,000; COPY takes seconds.
    """
    from django.db import connection, transaction
    from django.utils import timezone

    velden = [f for f in model._meta.concrete_fields if not f.primary_key]
    positie = {naam: i for i, naam in enumerate(kolommen)}
    nu = timezone.now()

    def standaard(f):
        return nu if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()

    bron = [(positie.get(f.attname), f, f.get_db_prep_save(standaard(f), connection)) for f in velden]
    tabel = connection.ops.quote_name(model._meta.db_table)
    namen = ", ".join(connection.ops.quote_name(f.column) for f in velden)
    with transaction.atomic(), connection.cursor() as cursor:  # one transaction: SQLite commits per row otherwise
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {tabel} ({namen}) FROM STDIN") as copy:
                for rij in rijen:
                    copy.write_row([v if i is None else rij[i] for i, _f, v in bron])
            return
        sql = f"INSERT INTO {tabel} ({namen}) VALUES ({', '.join(['%s'] * len(velden))})"
        batch = []
        for rij in rijen:
            batch.append([v if i is None else f.get_db_prep_save(rij[i], connection) for i, f, v in bron])
            if len(batch) >= CHUNK:
                cursor.executemany(sql, batch)
                batch = []
        cursor.executemany(sql, batch)


def _aanmelders(n, prefix):
    """``n`` live students (user + environment)."""
    from voorzieningen.aanmelden.models import Aanmelder
    from voorzieningen.identiteit.models import User

    _kopieer(User, ["username"], ((f"{prefix}{i}",) for i in range(n)))
    users = list(User.objects.filter(username__startswith=prefix).values_list("pk", flat=True))
    _kopieer(Aanmelder, ["user_id"], ((pk,) for pk in users))
    return list(Aanmelder.objects.filter(user__username__startswith=prefix).values_list("pk", flat=True))


def _status(rng, jaar, k, ingeschreven_bij):
    from voorzieningen.aanmelden.statussen import Status

    if jaar == HISTORIE:  # at most one enrolment per student: p(enrolled | k) ~ 0.85 / k
        return [
            Status.ENROLLED if i == ingeschreven_bij else (Status.REJECTED if rng.random() < 0.3 else Status.WITHDRAWN)
            for i in range(k)
        ]
    keuzes = [Status.SUBMITTED, Status.RECEIVED, Status.OFFERED, Status.ENROLLED, Status.REJECTED, Status.WITHDRAWN]
    return rng.choices(keuzes, weights=[45, 25, 15, 5, 4, 6], k=k)


KOLOMMEN = [
    "ca_keten_id",
    "keten_id",
    "indien_token",
    "aanmelder_id",
    "cohort_id",
    "opleiding_id",
    "onderwijsaanbieder_id",
    "instelling_id",
    "crebo",
    "leertraject",
    "status",
    "ingediend_op",
    "status_gewijzigd_op",
    "schooljaar",
    "meervoud",
    "geanonimiseerd_op",
]


def _aanmeldingen(rng, instellingen, per_instelling):
    """Students per year until N/2 applications; anonymised ones (35 % of the history year) carry meervoud."""
    from django.utils import timezone

    from voorzieningen.aanmelden.models import Aanmelding

    gewichten = [1 / (i + 1) ** 0.8 for i in range(len(instellingen))]
    ids = [i.pk for i in instellingen]
    ks, kw = list(K_GEWICHTEN), list(K_GEWICHTEN.values())
    teller, nu = 0, timezone.now()

    def rijen(jaar, studenten, live):
        nonlocal teller
        begin = datetime.datetime(jaar - 1, 10, 1, tzinfo=datetime.UTC)
        seconden = (datetime.datetime(jaar, 8, 31, tzinfo=datetime.UTC) - begin).total_seconds()
        for k, anoniem in studenten:
            aanmelder_id = None if anoniem else next(live)
            thuis = rng.choices(ids, gewichten)[0]
            ingeschreven_bij = rng.randrange(k) if rng.random() < 0.85 else -1
            for status in _status(rng, jaar, k, ingeschreven_bij):
                instelling_id = thuis if rng.random() < 0.65 else rng.choices(ids, gewichten)[0]
                cohort = rng.choice(per_instelling[instelling_id][jaar])
                opleiding = cohort.opleiding
                ingediend = begin + datetime.timedelta(seconds=rng.random() * seconden)
                teller += 1
                yield (
                    uuid.uuid4(),
                    str(8_000_000_000 + teller),
                    uuid.uuid4(),
                    aanmelder_id,
                    cohort.pk,
                    opleiding.pk,
                    opleiding.aanbieder_id,
                    instelling_id,
                    opleiding.kwalificatie.crebo,
                    opleiding.leertraject,
                    str(status),
                    ingediend,
                    ingediend,
                    jaar,
                    k if anoniem else None,
                    nu if anoniem else None,
                )

    for jaar, anoniem_kans in ((HISTORIE, 0.35), (HUIDIG, 0.03)):
        studenten, totaal = [], 0
        while totaal < N // 2:
            k = min(rng.choices(ks, kw)[0], N // 2 - totaal)
            studenten.append((k, rng.random() < anoniem_kans))
            totaal += k
        live = iter(_aanmelders(sum(1 for _k, anoniem in studenten if not anoniem), f"bench-{jaar}-"))
        _kopieer(Aanmelding, KOLOMMEN, rijen(jaar, studenten, live))
    return teller


def _pagina(instelling_id):
    from voorzieningen.instellingen import statistiek

    s = statistiek.statistiek(instelling_id, HUIDIG)
    a = statistiek.meervoud_analyse(instelling_id, HUIDIG)
    return s, a


def run() -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Count

    from benchmarks.bench_catalogus import percentile
    from voorzieningen.aanmelden.models import Aanmelding
    from voorzieningen.instellingen import statistiek

    rng = random.Random(7)
    started = time.perf_counter()
    instellingen, per_instelling = _catalogus(rng)
    aantal = _aanmeldingen(rng, instellingen, per_instelling)
    with connection.cursor() as cursor:  # what autovacuum does after a bulk load in production
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    opleidingen = sum(len(c[HUIDIG]) for c in per_instelling.values())
    print(
        f"[analyse] generated {aantal:,} applications, {len(instellingen)} institutions, {opleidingen} programmes"
        f" in {time.perf_counter() - started:.1f} s"
    )

    model = statistiek.kansmodel(HUIDIG)
    print(
        "[analyse] p(k) from "
        + str(HISTORIE)
        + ": "
        + ", ".join(f"k={r.label}: {r.kans} of {r.aanmeldingen}" for r in model.rijen)
    )

    grootte = dict(
        Aanmelding.objects.filter(schooljaar=HUIDIG).order_by().values_list("instelling_id").annotate(n=Count("id"))
    )
    op_grootte = sorted(grootte, key=grootte.get, reverse=True)
    gekozen = list(dict.fromkeys([*op_grootte[:3], op_grootte[len(op_grootte) // 2], op_grootte[-1]]))
    _pagina(gekozen[0])  # warm up connection and code paths
    alle = []
    for instelling_id in gekozen:
        timings = []
        for i in range(6):
            if i == 0:
                cache.clear()  # first page of the day: p(k) history computed, not cached
            t = time.perf_counter()
            s, a = _pagina(instelling_id)
            timings.append((time.perf_counter() - t) * 1000)
        koud, warm = timings[0], timings[1:]
        alle += timings
        print(
            f"[analyse] institution with {grootte[instelling_id]:,} applications in {HUIDIG}"
            f" ({len(a.opleidingen)} programmes, {len(s.per_week.punten)} weeks, {a.instelling.meervoudig} multiple):"
            f" page p50 {statistics.median(timings):.0f} ms, max {max(timings):.0f} ms"
            f" (cold p(k) {koud:.0f} ms, warm p50 {statistics.median(warm):.0f} ms)"
        )
    t = time.perf_counter()
    statistiek._historie_uit_database(HUIDIG)
    print(f"[analyse] p(k) history query alone (uncached): {(time.perf_counter() - t) * 1000:.0f} ms")
    print(
        f"[analyse] all {len(alle)} page computations: p50 {statistics.median(alle):.0f} ms,"
        f" p99 {percentile(alle, 99):.0f} ms, max {max(alle):.0f} ms (target: < 1000 ms)"
    )
