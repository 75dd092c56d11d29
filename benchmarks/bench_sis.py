"""SIS API: fetch throughput (queue pages + full application + acknowledgement) and status intake.

Requests go through the whole Django/DRF stack in-process (WSGI, authentication, serialisers, audit
trail), without a network hop. One SIS client, as a koppelpunt runs one fetch loop.
"""

import datetime
import statistics
import time
import uuid

from benchmarks.bench_catalogus import percentile

N = 2000


def _applications(n):
    from django.utils import timezone

    from voorzieningen.aanmelden.models import Aanmelding
    from voorzieningen.catalogus.tests.factories import CohortFactory
    from voorzieningen.sis import services
    from voorzieningen.sis.models import Aanlevering, Koppelpunt

    cohort = CohortFactory()
    opleiding = cohort.opleiding
    koppelpunt = Koppelpunt.objects.create(
        instelling=opleiding.aanbieder.instelling, code="BENCH", standaard=True, geldig_vanaf=timezone.now()
    )
    gegevens = {
        "persoon": {
            "bsn": "999990019",
            "voornamen": "Sanne",
            "voorvoegsel": "",
            "achternaam": "Jansen",
            "geboortedatum": "2007-05-01",
            "geboorteland": "6030",
            "geboorteplaats": "Utrecht",
        },
        "adres": {
            "land": "6030",
            "straat": "Oudegracht",
            "huisnummer": "12",
            "huisnummer_toevoeging": "A",
            "huisnummer_toelichting": "",
            "postcode": "3511AB",
            "plaats": "Utrecht",
            "regel1": "",
            "regel2": "",
            "regel3": "",
        },
        "adres_handmatig": False,
        "contact": {"email": "s@example.nl", "telefoon": "0612345678"},
        "ouders": [{"naam": "P. Jansen", "email": "", "telefoon": "0612345679"}],
        "vooropleidingen": [
            {
                "brin": "14ZZ",
                "school": "OSG De Brug",
                "ilt_code": "0141",
                "omschrijving": "VMBO KB",
                "niveau": "VMBO-KB",
                "diploma": True,
                "startkwalificatie": False,
                "datum": "2026-07-01",
            }
        ],
    }
    now = timezone.now()
    aanmeldingen = Aanmelding.objects.bulk_create(
        Aanmelding(
            keten_id=str(9_500_000_000 + i),
            indien_token=uuid.uuid4(),
            cohort=cohort,
            opleiding=opleiding,
            onderwijsaanbieder=opleiding.aanbieder,
            instelling=opleiding.aanbieder.instelling,
            crebo=opleiding.kwalificatie.crebo,
            leertraject=opleiding.leertraject,
            ingediend_op=now + datetime.timedelta(microseconds=i),
            status_gewijzigd_op=now,
            gegevens=gegevens,
        )
        for i in range(n)
    )
    Aanlevering.objects.bulk_create(
        Aanlevering(aanmelding=a, koppelpunt=koppelpunt, in_wachtrij_sinds=a.ingediend_op) for a in aanmeldingen
    )
    from django.db import connection

    with connection.cursor() as cursor:  # what autovacuum does after a bulk load in production
        cursor.execute("ANALYZE aanmelden_aanmelding; ANALYZE sis_aanlevering")
    return koppelpunt, services.maak_sleutel(koppelpunt)


def run() -> None:
    from django.test import Client

    koppelpunt, sleutel = _applications(N)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {sleutel}")
    base = f"/api/sis/v1/koppelpunten/{koppelpunt.code}"

    started = time.perf_counter()
    ids, url, pages = [], f"{base}/aanmeldingen?aantal=100", 0
    while url:
        page = client.get(url).json()
        ids += [r["caKetenId"] for r in page["results"]]
        url, pages = page["next"], pages + 1
    list_time = time.perf_counter() - started
    latencies = []
    for ca in ids:
        t = time.perf_counter()
        assert client.get(f"{base}/aanmeldingen/{ca}").status_code == 200
        assert client.post(f"{base}/aanmeldingen/{ca}/bevestiging").status_code == 200
        latencies.append(time.perf_counter() - t)
    total = time.perf_counter() - started
    print(
        f"[sis] fetch {len(ids)} applications: {pages} queue pages in {list_time:.1f} s; full cycle (page + detail +"
        f" acknowledge) {len(ids) / total:,.0f} applications/s; per application p50"
        f" {statistics.median(latencies) * 1000:.1f} ms"
    )

    enkel_per_s = len(ids) / total

    # the same applications again, through the bulk calls: a page of 200 in full, one acknowledgement per page
    from voorzieningen.sis import services
    from voorzieningen.sis.models import Aanlevering

    services.zet_terug_in_wachtrij(Aanlevering.objects.filter(koppelpunt=koppelpunt), door="bench")
    started, opgehaald, url = time.perf_counter(), 0, f"{base}/aanmeldingen/volledig?aantal=200"
    while url:
        page = client.get(url).json()
        cas = [r["caKetenId"] for r in page["results"]]
        if cas:
            body = {"caKetenIds": cas}
            assert len(
                client.post(f"{base}/bevestigingen", body, content_type="application/json").json()["bevestigd"]
            ) == len(cas)
        opgehaald, url = opgehaald + len(cas), page["next"]
    total = time.perf_counter() - started
    assert opgehaald == len(ids)
    print(
        f"[sis] bulk fetch (aanmeldingen/volledig, 200 a page + bevestigingen): {opgehaald / total:,.0f}"
        f" applications/s = {opgehaald / total / enkel_per_s:.1f}× the single calls"
    )

    latencies = []
    started = time.perf_counter()
    for i, ca in enumerate(ids):
        t = time.perf_counter()
        body = {"berichtId": f"b-{i}", "caKetenId": ca, "status": "RECEIVED"}
        assert client.post(f"{base}/statusberichten", body, content_type="application/json").status_code == 201
        latencies.append(time.perf_counter() - t)
    total = time.perf_counter() - started
    print(
        f"[sis] status intake: {len(ids)} messages in {total:.1f} s → {len(ids) / total:,.0f} messages/s;"
        f" p50 {statistics.median(latencies) * 1000:.1f} ms,"
        f" p99 {percentile(latencies, 99) * 1000:.1f} ms"
    )
    enkel_per_s = len(ids) / total

    started = time.perf_counter()
    for start in range(0, len(ids), 500):
        berichten = [{"berichtId": f"o-{i}", "caKetenId": ca, "status": "OFFERED"}
                     for i, ca in enumerate(ids[start : start + 500], start)]  # fmt: skip
        antwoord = client.post(
            f"{base}/statusberichten/bulk", {"berichten": berichten}, content_type="application/json"
        )
        assert {u["http"] for u in antwoord.json()["resultaten"]} == {201}
    total = time.perf_counter() - started
    print(
        f"[sis] bulk status intake (statusberichten/bulk, 500 a call): {len(ids) / total:,.0f} messages/s ="
        f" {len(ids) / total / enkel_per_s:.1f}× the single calls"
    )
