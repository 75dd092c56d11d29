import datetime
import uuid

from django.utils import timezone

import pytest

from voorzieningen.aanmelden.models import Aanmelding, Verstrekking
from voorzieningen.aanmelden.statussen import Status
from voorzieningen.aanmelden.tests.conftest import make_student
from voorzieningen.aanmelden.tests.helpers import doorloop, indienen
from voorzieningen.catalogus.tests.factories import CohortFactory
from voorzieningen.core.models import AuditLogEntry
from voorzieningen.sis import services
from voorzieningen.sis.models import Aanlevering, Koppelpunt, SisLogregel

pytestmark = pytest.mark.django_db
API = "/api/sis/v1/koppelpunten"


@pytest.fixture
def school(client):
    """A submitted application, its koppelpunt 'K1' with a key, and a second school 'K2' with its own."""
    cohort = CohortFactory()
    k1 = Koppelpunt.objects.create(
        instelling=cohort.opleiding.aanbieder.instelling,
        code="K1",
        standaard=True,
        geldig_vanaf=timezone.now() - datetime.timedelta(days=1),
    )
    ander = CohortFactory()
    k2 = Koppelpunt.objects.create(
        instelling=ander.opleiding.aanbieder.instelling,
        code="K2",
        standaard=True,
        geldig_vanaf=timezone.now() - datetime.timedelta(days=1),
    )
    client.force_login(make_student("999990019"))
    indienen(client, doorloop(client, cohort))
    client.logout()
    return {
        "cohort": cohort,
        "ander": ander,
        "k1": k1,
        "k2": k2,
        "sleutel1": services.maak_sleutel(k1),
        "sleutel2": services.maak_sleutel(k2),
        "aanmelding": Aanmelding.objects.get(),
    }


def auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_list_fetch_acknowledge(client, school):
    a = school["aanmelding"]
    lijst = client.get(f"{API}/K1/aanmeldingen", **auth(school["sleutel1"]))
    assert lijst.status_code == 200
    [item] = lijst.json()["results"]
    assert item["caKetenId"] == str(a.ca_keten_id) and item["ketenId"] == a.keten_id and item["status"] == "SUBMITTED"

    detail = client.get(f"{API}/K1/aanmeldingen/{a.ca_keten_id}", **auth(school["sleutel1"]))
    assert detail.status_code == 200
    body = detail.json()
    assert body["persoon"]["bsn"] == "999990019" and body["persoon"]["geboortedatum"]
    assert body["adres"]["postcode"] == "3511AB" and body["adres"]["huisnummerToevoeging"] == "A"
    assert body["vooropleidingen"][0]["iltCode"] == "0141" and body["opleiding"]["crebo"] == a.crebo
    assert body["cohort"]["code"] == school["cohort"].code and body["email"] == "student@example.nl"
    assert AuditLogEntry.objects.filter(actor_id="sis:K1", action="read", object_id=str(a.pk)).exists()
    assert Verstrekking.objects.get().ontvanger.endswith("(koppelpunt K1)")
    assert Aanlevering.objects.get().opgehaald_op

    ack = client.post(f"{API}/K1/aanmeldingen/{a.ca_keten_id}/bevestiging", **auth(school["sleutel1"]))
    assert ack.status_code == 200 and ack.json()["bevestigdOp"]
    assert client.get(f"{API}/K1/aanmeldingen", **auth(school["sleutel1"])).json()["results"] == []
    # the SIS lost the answer and acknowledges again: the same moment, no second log line
    opnieuw = client.post(f"{API}/K1/aanmeldingen/{a.ca_keten_id}/bevestiging", **auth(school["sleutel1"]))
    assert opnieuw.status_code == 200 and opnieuw.json()["bevestigdOp"] == ack.json()["bevestigdOp"]
    assert SisLogregel.objects.filter(soort=SisLogregel.Soort.BEVESTIGD).count() == 1


def test_report_a_processing_error(client, school):
    a = school["aanmelding"]
    url = f"{API}/K1/aanmeldingen/{a.ca_keten_id}/foutmeldingen"
    leeg = client.post(url, {}, content_type="application/json", **auth(school["sleutel1"]))
    assert leeg.status_code == 400 and leeg.json()["invalidParams"][0]["name"] == "melding"
    body = {"melding": "Onbekende opleidingscode"}
    ok = client.post(url, body, content_type="application/json", **auth(school["sleutel1"]))
    assert ok.status_code == 200 and Aanlevering.objects.get().foutmelding == "Onbekende opleidingscode"


class TestStatus:
    def post(self, client, school, **body):
        url = f"{API}/K1/statusberichten"
        return client.post(url, body, content_type="application/json", **auth(school["sleutel1"]))

    def test_status_by_ca_keten_id_idempotent_by_message_id(self, client, school):
        a = school["aanmelding"]
        first = self.post(client, school, berichtId="m-1", caKetenId=str(a.ca_keten_id), status="OFFERED")
        assert first.status_code == 201 and first.json()["resultaat"] == "verwerkt"
        again = self.post(client, school, berichtId="m-1", caKetenId=str(a.ca_keten_id), status="OFFERED")
        assert again.status_code == 200 and again.json() == first.json()
        a.refresh_from_db()
        assert a.status == Status.OFFERED and a.statuswijzigingen.count() == 2

    def test_a_status_costs_a_bounded_number_of_statements(self, client, school, django_assert_max_num_queries):
        """The season posts ~800,000 of these: reference rows come from per-process copies, the e-mail's rows
        with the locked application (19 statements, plus 4 for the e-mail delivered inline in tests)."""
        ca = str(school["aanmelding"].ca_keten_id)
        assert self.post(client, school, berichtId="q-1", caKetenId=ca, status="RECEIVED").status_code == 201
        with django_assert_max_num_queries(23):
            assert self.post(client, school, berichtId="q-2", caKetenId=ca, status="OFFERED").status_code == 201

    def test_keten_id_works_and_ca_keten_id_wins(self, client, school):
        a = school["aanmelding"]
        assert self.post(client, school, berichtId="m-2", ketenId=a.keten_id, status="RECEIVED").status_code == 201
        other_keten_id = "9999999999"
        ca = str(a.ca_keten_id)
        r = self.post(client, school, berichtId="m-3", caKetenId=ca, ketenId=other_keten_id, status="OFFERED")
        assert r.status_code == 201
        a.refresh_from_db()
        assert a.status == Status.OFFERED

    def test_final_status_needs_a_correction_with_a_reason(self, client, school):
        a = school["aanmelding"]
        ca = str(a.ca_keten_id)
        assert self.post(client, school, berichtId="m-4", caKetenId=ca, status="ENROLLED").status_code == 201
        conflict = self.post(client, school, berichtId="m-5", caKetenId=ca, status="REJECTED")
        assert conflict.status_code == 409 and conflict.json()["code"] == "status_niet_toegestaan"
        assert conflict["Content-Type"] == "application/problem+json"
        zonder = self.post(client, school, berichtId="m-6", caKetenId=ca, status="REJECTED", correctie=True)
        assert zonder.status_code == 400 and zonder.json()["invalidParams"][0]["name"] == "toelichting"
        met = self.post(
            client, school, berichtId="m-7", caKetenId=ca, status="REJECTED", correctie=True, toelichting="fout"
        )
        assert met.status_code == 201

    @pytest.mark.parametrize(
        "body, veld",
        [
            ({"berichtId": "x", "status": "OFFERED"}, "caKetenId"),
            ({"berichtId": "x", "caKetenId": "geen-uuid", "status": "OFFERED"}, "caKetenId"),
            ({"berichtId": "x", "ketenId": "123", "status": "OFFERED"}, "ketenId"),
            ({"berichtId": "x", "caKetenId": str(uuid.uuid4()), "status": "ingeschreven"}, "status"),
            ({"berichtId": "x", "caKetenId": str(uuid.uuid4()), "status": "SUBMITTED"}, "status"),
            ({"caKetenId": str(uuid.uuid4()), "status": "OFFERED"}, "berichtId"),
        ],
    )
    def test_bad_input_names_the_field(self, client, school, body, veld):
        r = self.post(client, school, **body)
        assert r.status_code == 400 and veld in {p["name"] for p in r.json()["invalidParams"]}

    def test_unknown_application(self, client, school):
        r = self.post(client, school, berichtId="m-9", caKetenId=str(uuid.uuid4()), status="OFFERED")
        assert r.status_code == 404 and r.json()["code"] == "onbekende_aanmelding"


class TestAuthorisation:
    def endpoints(self, school):
        ca = school["aanmelding"].ca_keten_id
        return [
            ("get", f"{API}/K1/aanmeldingen", None),
            ("get", f"{API}/K1/aanmeldingen/{ca}", None),
            ("post", f"{API}/K1/aanmeldingen/{ca}/bevestiging", None),
            ("post", f"{API}/K1/aanmeldingen/{ca}/foutmeldingen", {"melding": "x"}),
            ("post", f"{API}/K1/statusberichten", {"berichtId": "a", "caKetenId": str(ca), "status": "OFFERED"}),
        ]

    def call(self, client, method, url, body, **headers):
        if method == "get":
            return client.get(url, **headers)
        return client.post(url, body or {}, content_type="application/json", **headers)

    def test_without_or_with_another_koppelpunts_key_every_endpoint_refuses(self, client, school):
        for method, url, body in self.endpoints(school):
            assert self.call(client, method, url, body).status_code == 401
            assert self.call(client, method, url, body, **auth("kp_nonsense")).status_code == 401
            response = self.call(client, method, url, body, **auth(school["sleutel2"]))
            assert response.status_code == 401 and response.json()["code"] == "ongeldige_sleutel"
        assert Aanmelding.objects.get().status == Status.SUBMITTED

    def test_another_koppelpunt_never_sees_the_application(self, client, school):
        for method, url, body in self.endpoints(school):
            url = url.replace("/K1/", "/K2/")
            response = self.call(client, method, url, body, **auth(school["sleutel2"]))
            if url.endswith("/aanmeldingen"):
                assert response.json()["results"] == []
            else:
                assert response.status_code == 404, url
        assert not AuditLogEntry.objects.filter(actor_id="sis:K2").exists()

    @pytest.mark.parametrize("code", ["k1", "ONBEKEND"])
    def test_unknown_or_wrongly_cased_code(self, client, school, code):
        r = client.get(f"{API}/{code}/aanmeldingen", **auth(school["sleutel1"]))
        assert r.status_code == 404 and r.json()["detail"] == "geen actieve school gevonden"
        assert r.json()["code"] == "geen_actieve_school"


def test_the_queue_is_paged_with_a_stable_cursor(client, school):
    student = make_student("999990056")
    client.force_login(student)
    for _ in range(4):
        indienen(client, doorloop(client, CohortFactory(opleiding=school["cohort"].opleiding)))
    client.logout()
    seen = []
    url = f"{API}/K1/aanmeldingen?aantal=2"
    while url:
        page = client.get(url, **auth(school["sleutel1"])).json()
        seen += [r["caKetenId"] for r in page["results"]]
        if len(seen) == 2:  # a new application arriving meanwhile lands at the end, shifting nothing
            client.force_login(make_student("999990044"))
            indienen(client, doorloop(client, CohortFactory(opleiding=school["cohort"].opleiding)))
            client.logout()
        url = page["next"]
    assert len(seen) == len(set(seen)) == 6
    queue = Aanlevering.objects.order_by("in_wachtrij_sinds", "id")
    ordered = list(queue.values_list("aanmelding__ca_keten_id", flat=True))
    assert seen == [str(x) for x in ordered]


def test_bulk_fetch_in_full_and_acknowledge_many(client, school):
    """The bulk path does per application what the single calls do (audit, log, disclosure), for this koppelpunt
    only, and an acknowledgement of many is idempotent and names what it does not know."""
    eerste = school["aanmelding"]
    client.force_login(make_student("999990056"))
    indienen(client, doorloop(client, school["cohort"]))
    client.logout()
    tweede = Aanmelding.objects.exclude(pk=eerste.pk).get()
    h1, h2 = auth(school["sleutel1"]), auth(school["sleutel2"])

    pagina = client.get(f"{API}/K1/aanmeldingen/volledig?aantal=1", **h1).json()
    assert [a["caKetenId"] for a in pagina["results"]] == [str(eerste.ca_keten_id)]
    assert pagina["results"][0]["persoon"]["bsn"] == "999990019" and pagina["next"]
    volgende = client.get(pagina["next"], **h1).json()
    assert [a["caKetenId"] for a in volgende["results"]] == [str(tweede.ca_keten_id)] and not volgende["next"]
    for a in (eerste, tweede):
        assert AuditLogEntry.objects.filter(actor_id="sis:K1", action="read", object_id=str(a.pk)).count() == 1
    assert SisLogregel.objects.filter(soort=SisLogregel.Soort.OPGEHAALD).count() == 2
    assert Verstrekking.objects.count() == 2
    assert Aanlevering.objects.filter(in_wachtrij_sinds__isnull=False).count() == 2  # fetched is not acknowledged
    assert client.get(f"{API}/K2/aanmeldingen/volledig", **h2).json()["results"] == []

    onbekend = str(uuid.uuid4())
    body = {"caKetenIds": [str(eerste.ca_keten_id), onbekend, str(tweede.ca_keten_id)]}
    ander = client.post(f"{API}/K2/bevestigingen", body, content_type="application/json", **h2).json()
    assert ander["bevestigd"] == [] and len(ander["onbekend"]) == 3  # another school's applications: unknown
    antwoord = client.post(f"{API}/K1/bevestigingen", body, content_type="application/json", **h1)
    assert antwoord.status_code == 200
    data = antwoord.json()
    assert [b["caKetenId"] for b in data["bevestigd"]] == [str(eerste.ca_keten_id), str(tweede.ca_keten_id)]
    assert data["onbekend"] == [onbekend]
    assert client.get(f"{API}/K1/aanmeldingen/volledig", **h1).json()["results"] == []
    opnieuw = client.post(f"{API}/K1/bevestigingen", body, content_type="application/json", **h1).json()
    assert opnieuw == data  # the SIS lost the answer and asks again: the same moments
    assert SisLogregel.objects.filter(soort=SisLogregel.Soort.BEVESTIGD).count() == 2


def test_the_bulk_fetch_writes_one_statement_per_application_and_holds_no_savepoint_per_item(client, school):
    """A page of 200 did 10 statements per application (two savepoints among them); the page's and the
    acknowledgement's own block undo them as a whole, and each application's writes go as one statement."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(make_student("999990056"))
    indienen(client, doorloop(client, school["cohort"]))
    client.logout()
    sis = services.SisClient(school["k1"], None)
    aanleveringen = list(services.wachtrij_volledig(school["k1"]))
    with CaptureQueriesContext(connection) as q:
        services.haal_op_veel(sis, aanleveringen)
        bevestigd, onbekend = services.bevestig_veel(school["k1"], [a.aanmelding.ca_keten_id for a in aanleveringen])
    assert len(aanleveringen) == len(bevestigd) == 2 and onbekend == []
    sql = [s["sql"] for s in q.captured_queries]
    assert len([s for s in sql if s.startswith("SAVEPOINT")]) == 2, sql  # one per call (a test runs in a transaction)
    if connection.vendor == "postgresql":  # per call its savepoint pair; the page and the acknowledgement: one each
        assert len(sql) == (2 + 2) + (2 + 1 + 2), sql  # (+ the acknowledgement's locking read)
    assert Verstrekking.objects.count() == 2 and AuditLogEntry.objects.filter(actor_id="sis:K1").count() == 2
    assert SisLogregel.objects.filter(soort__in=[SisLogregel.Soort.OPGEHAALD, SisLogregel.Soort.BEVESTIGD]).count() == 4
    assert not Aanlevering.objects.filter(koppelpunt=school["k1"], in_wachtrij_sinds__isnull=False).exists()


@pytest.mark.parametrize(
    "body, veld",
    [
        ({}, "caKetenIds"),
        ({"caKetenIds": []}, "caKetenIds"),
        ({"caKetenIds": ["geen-uuid"]}, "caKetenIds"),
        ({"caKetenIds": [str(uuid.UUID(int=1))] * 2}, "caKetenIds"),
        ({"caKetenIds": [str(uuid.UUID(int=i)) for i in range(501)]}, "caKetenIds"),
    ],
)
def test_acknowledging_many_refuses_bad_input_by_name(client, school, body, veld):
    antwoord = client.post(f"{API}/K1/bevestigingen", body, content_type="application/json", **auth(school["sleutel1"]))
    assert antwoord.status_code == 400 and antwoord["Content-Type"].startswith("application/problem+json")
    assert antwoord.json()["invalidParams"][0]["name"].startswith(veld)
    assert SisLogregel.objects.filter(soort=SisLogregel.Soort.BEVESTIGD).count() == 0


def test_many_statuses_in_one_call_each_with_its_own_outcome(client, school):
    a, ander = school["aanmelding"], school["ander"]
    client.force_login(make_student("999990056"))
    indienen(client, doorloop(client, ander))  # an application of the other school (K2)
    client.logout()
    van_k2 = Aanmelding.objects.get(cohort=ander)
    ca = str(a.ca_keten_id)
    url, h = f"{API}/K1/statusberichten/bulk", auth(school["sleutel1"])
    berichten = [
        {"berichtId": "b-1", "caKetenId": ca, "status": "RECEIVED"},
        {"berichtId": "b-2", "caKetenId": ca, "status": "OFFERED"},  # after b-1: the order given counts
        {"berichtId": "b-1", "caKetenId": ca, "status": "RECEIVED"},  # the same id again
        {"berichtId": "b-3", "caKetenId": str(van_k2.ca_keten_id), "status": "RECEIVED"},  # not this school's
        {"berichtId": "b-4", "caKetenId": ca, "status": "SUBMITTED"},  # not a status a SIS may send → 400
    ]
    fout = client.post(url, {"berichten": berichten}, content_type="application/json", **h)
    assert fout.status_code == 400 and fout["Content-Type"].startswith("application/problem+json")
    assert "4" in fout.json()["invalidParams"][0]["name"] and "status" in fout.json()["invalidParams"][0]["name"]
    assert a.statuswijzigingen.count() == 1  # nothing of the call was applied

    berichten[4] = {"berichtId": "b-5", "caKetenId": ca, "status": "RECEIVED"}  # back from OFFERED: refused
    antwoord = client.post(url, {"berichten": berichten}, content_type="application/json", **h)
    assert antwoord.status_code == 200
    uit = antwoord.json()["resultaten"]
    assert [(u["berichtId"], u["http"]) for u in uit] == [("b-1", 201), ("b-2", 201), ("b-1", 200), ("b-3", 404),
                                                          ("b-5", 409)]  # fmt: skip
    assert uit[1]["bericht"]["resultaat"] == "verwerkt" and uit[3]["bericht"] is None
    assert uit[3]["code"] == "onbekende_aanmelding" and uit[4]["code"] == "status_niet_toegestaan"
    assert "correctie=true" in uit[4]["detail"]  # what the SIS can do about it, as with a single message
    a.refresh_from_db()
    van_k2.refresh_from_db()
    assert a.status == Status.OFFERED and van_k2.status == Status.SUBMITTED
    # the SIS lost the answer and sends the whole call again: nothing changes twice
    opnieuw = client.post(url, {"berichten": berichten}, content_type="application/json", **h).json()["resultaten"]
    assert [u["http"] for u in opnieuw] == [200, 200, 200, 404, 409]
    assert a.statuswijzigingen.count() == 3


def test_many_statuses_refuses_an_empty_or_too_long_call(client, school):
    url, h = f"{API}/K1/statusberichten/bulk", auth(school["sleutel1"])
    ca = str(school["aanmelding"].ca_keten_id)
    for body in ({}, {"berichten": []}, {"berichten": [{"berichtId": f"x{i}", "caKetenId": ca, "status": "RECEIVED"}
                                                      for i in range(501)]}):  # fmt: skip
        antwoord = client.post(url, body, content_type="application/json", **h)
        assert antwoord.status_code == 400 and antwoord.json()["invalidParams"][0]["name"] == "berichten"


def test_a_requeued_batch_is_fetched_whole_when_each_page_is_acknowledged_first(client, school):
    """The cursor pages by the moment of queueing; a re-queue must not give rows one shared moment, or a SIS that
    acknowledges a page before asking for the next would skip some."""
    client.force_login(make_student("999990056"))
    indienen(client, doorloop(client, school["cohort"]))
    client.logout()
    h = auth(school["sleutel1"])
    Aanlevering.objects.update(in_wachtrij_sinds=None, bevestigd_op=timezone.now())
    assert services.zet_terug_in_wachtrij(Aanlevering.objects.all(), door="beheerder") == 2
    gezien, url = [], f"{API}/K1/aanmeldingen/volledig?aantal=1"
    while url:
        pagina = client.get(url, **h).json()
        cas = [a["caKetenId"] for a in pagina["results"]]
        if cas:
            client.post(f"{API}/K1/bevestigingen", {"caKetenIds": cas}, content_type="application/json", **h)
        gezien, url = gezien + cas, pagina["next"]
    assert sorted(gezien) == sorted(str(a.ca_keten_id) for a in Aanmelding.objects.all())


def test_a_bulk_message_holds_one_savepoint_and_undoes_itself_when_its_id_collides(school):
    """Each message of a bulk call has one savepoint (its writes', sent as one statement), not one per nested
    block; that one still undoes a message whose id another request stored at the same moment. The call reads what
    all its messages need beforehand, and a later message of the call sees what an earlier one changed."""
    from unittest import mock

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from voorzieningen.core import outbox

    a = school["aanmelding"]
    client = services.SisClient(school["k1"], None)
    bericht = {"caKetenId": a.ca_keten_id, "toelichting": "", "correctie": False}
    services.verwerk_statussen(client, [{**bericht, "berichtId": "s-0", "status": "RECEIVED"}])
    berichten = [
        {**bericht, "berichtId": "s-1", "status": "OFFERED"},
        {**bericht, "berichtId": "s-2", "status": "ENROLLED"},
        {**bericht, "berichtId": "s-3", "status": "ENROLLED"},  # as the application is now, after s-2: no change
    ]
    # deliveries wait for the commit (in tests they may run at once, with savepoints of their own)
    with mock.patch.object(outbox, "_after_commit"), CaptureQueriesContext(connection) as q:
        uit = services.verwerk_statussen(client, berichten)
    assert [u.http for u in uit] == [201, 201, 201] and uit[2].bericht.resultaat == "ongewijzigd"
    sql = [s["sql"] for s in q.captured_queries]
    assert len([s for s in sql if s.startswith("SAVEPOINT")]) == 1 + 3, sql  # the call's (a test runs in one) + 1 each
    if connection.vendor == "postgresql":  # (docs/performance.md) the call reads for all its messages at once (3),
        assert len(sql) == 2 + 3 + 2 * 4 + 3, sql  # then per message: savepoint, lock, its writes as one, release
        #                                       (s-3 changes nothing: no lock)
        assert len([s for s in sql if s.startswith("WITH r0 AS (")]) == 3, sql

    wijzigingen = a.statuswijzigingen.count()
    echt, echt_vooraf = services._eerder_bericht, services._lees_vooraf

    def vergeetachtig(koppelpunt_id, berichten):
        vooraf = echt_vooraf(koppelpunt_id, berichten)
        if vooraf:
            vooraf.eerder.clear()
        return vooraf

    with (
        mock.patch.object(services, "_eerder_bericht", lambda k, b: echt(k, f"gemist-{b}")),  # misses s-1 ...
        mock.patch.object(services, "_lees_vooraf", vergeetachtig),  # (the bulk call's own check, PostgreSQL)
    ):
        [uit] = services.verwerk_statussen(
            client, [{**bericht, "berichtId": "s-1", "status": "REJECTED", "correctie": True, "toelichting": "fout"}]
        )  # a correction passes the rules: its writes are made, then the message's insert fails
    assert uit.http == 200 and uit.bericht.status == "OFFERED"  # ... the constraint finds it: the first one stands
    a.refresh_from_db()
    assert a.status == Status.ENROLLED and a.statuswijzigingen.count() == wijzigingen  # REJECTED was undone


def test_samen_reads_a_model_with_its_related_rows_as_select_related_would(school, django_assert_num_queries):
    """invoegen.samen: the key check's and the status path's joins, one statement, the related rows in place."""
    from voorzieningen.core import invoegen
    from voorzieningen.sis.models import SisSleutel

    j = invoegen.samen(SisSleutel, "koppelpunt__instelling")
    assert invoegen.samen(SisSleutel, "koppelpunt__instelling") is j  # built once
    with django_assert_num_queries(1):
        [sleutel] = j.lees_alle(f"{j.alias('koppelpunt')}.code = %s", ["K1"])
        instelling = sleutel.koppelpunt.instelling  # no query: read with it
    orm = SisSleutel.objects.select_related("koppelpunt__instelling").get(koppelpunt__code="K1")
    assert (sleutel.pk, sleutel.sleutel_hash, sleutel.aangemaakt_op) == (orm.pk, orm.sleutel_hash, orm.aangemaakt_op)
    assert (instelling.pk, instelling.brin, instelling.naam) == (
        orm.koppelpunt.instelling.pk, orm.koppelpunt.instelling.brin, orm.koppelpunt.instelling.naam
    )  # fmt: skip
    assert j.lees(f"{j.alias('koppelpunt')}.code = %s", ["GEEN"]) is None

    a = invoegen.samen(Aanlevering, "aanmelding__instelling", "aanmelding__cohort")  # paths sharing a step
    [aanlevering] = a.lees_alle(f"{a.alias('aanmelding')}.id = %s", [school["aanmelding"].pk])
    with django_assert_num_queries(0):
        assert aanlevering.aanmelding.cohort == school["cohort"] and aanlevering.aanmelding.instelling.pk
