"""Submits under overload: stored in one INSERT with the moment, answered at once, processed later with that
moment by the normal submit service; idempotent, in order, and nothing lost when the worker fails."""

import datetime
import threading
import uuid

from django.core import mail
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest

from voorzieningen.aanmelden import ontvangstbewijs, services, tasks, wachtrij
from voorzieningen.aanmelden.models import Aanmelding, Concept, IngediendInWachtrij
from voorzieningen.catalogus.models import Cohort
from voorzieningen.catalogus.services import vergeet_cohorten
from voorzieningen.catalogus.tests.factories import CohortFactory
from voorzieningen.core import overbelasting
from voorzieningen.core.services import Actor

from .conftest import make_student
from .helpers import doorloop, indienen

pytestmark = pytest.mark.django_db
Uitkomst = IngediendInWachtrij.Uitkomst


@pytest.fixture(autouse=True)
def _schone_toestand(monkeypatch):
    monkeypatch.setattr(overbelasting, "toestand", overbelasting._Toestand())
    yield
    overbelasting.zet_vlag(None)


@pytest.fixture
def druk():
    overbelasting.zet_vlag("aan", 60)


def _record(concept):
    return IngediendInWachtrij.objects.get(token=concept.token)


def test_under_overload_the_submit_is_stored_and_answered_at_once_with_its_moment(student_client, cohort, druk):
    concept = doorloop(student_client, cohort)
    voor = timezone.now()
    response = indienen(student_client, concept)
    assert response.status_code == 202
    assert "Je aanmelding is ontvangen" in response.text and str(concept.token) in response.text
    record = _record(concept)
    assert record.uitkomst == Uitkomst.WACHT and record.aanmelder == concept.aanmelder
    assert voor <= record.ingediend_op <= timezone.now()
    assert record.ingediend_op.isoformat() == response.context["record"].ingediend_op.isoformat()
    assert timezone.localtime(record.ingediend_op).strftime("%H:%M:%S") in response.text  # the receipt of the moment
    assert not Aanmelding.objects.exists() and Concept.objects.filter(pk=concept.pk).exists()


def test_the_worker_submits_it_with_the_original_moment_and_mails_the_normal_receipt(student_client, cohort, druk):
    concept = doorloop(student_client, cohort)
    indienen(student_client, concept)
    moment = timezone.now() - datetime.timedelta(minutes=7)
    IngediendInWachtrij.objects.filter(token=concept.token).update(ingediend_op=moment)

    assert wachtrij.verwerk() == {Uitkomst.INGEDIEND: 1}

    aanmelding = Aanmelding.objects.get()
    assert aanmelding.indien_token == concept.token
    assert aanmelding.ingediend_op == moment and aanmelding.status_gewijzigd_op == moment
    assert aanmelding.statuswijzigingen.get().tijdstip == moment
    bewijs = ontvangstbewijs.controleer(aanmelding.ontvangstbewijs)
    assert bewijs.tijdstip() == moment
    record = _record(concept)
    assert record.uitkomst == Uitkomst.INGEDIEND and record.aanmelding == aanmelding and record.verwerkt_op
    [email] = mail.outbox
    assert str(aanmelding.ca_keten_id) in email.body and email.attachments[0][2] == "application/pdf"
    assert not Concept.objects.filter(pk=concept.pk).exists()


def test_a_moment_before_the_end_of_the_period_counts_even_when_processed_after_it(student, cohort):
    """Submitted at 23:59:59 on the last day, processed just after midnight: the application stands."""
    gisteren = timezone.localdate() - datetime.timedelta(days=1)
    Cohort.objects.filter(pk=cohort.pk).update(aanmelden_tot=gisteren)
    vergeet_cohorten()
    client = Client()
    client.force_login(student)
    concept = doorloop(client, CohortFactory())  # the wizard needs an open cohort; then point it at this one
    Concept.objects.filter(pk=concept.pk).update(cohort=cohort)
    with pytest.raises(services.CohortGesloten):  # a direct submit now is too late
        services.dien_in(concept.token, student.aanmelder, Actor.system("test"))
    laatste_seconde = timezone.make_aware(datetime.datetime.combine(gisteren, datetime.time(23, 59, 59)))
    wachtrij.plaats(concept.token, student.aanmelder, laatste_seconde)

    wachtrij.verwerk()

    assert _record(concept).uitkomst == Uitkomst.INGEDIEND
    assert Aanmelding.objects.get().ingediend_op == laatste_seconde


def test_double_submit_under_overload_keeps_one_record_and_the_first_moment(student_client, cohort, druk):
    concept = doorloop(student_client, cohort)
    eerste = indienen(student_client, concept)
    tweede = indienen(student_client, concept)
    assert eerste.status_code == tweede.status_code == 202
    assert IngediendInWachtrij.objects.count() == 1
    assert tweede.context["record"].ingediend_op == eerste.context["record"].ingediend_op

    wachtrij.verwerk()
    wachtrij.verwerk()
    assert Aanmelding.objects.count() == 1 and len(mail.outbox) == 1
    cohort.refresh_from_db()
    assert cohort.aantal_aanmeldingen == 1


def test_a_draft_submitted_directly_before_it_was_queued_gives_no_second_application(student_client, cohort):
    concept = doorloop(student_client, cohort)
    assert indienen(student_client, concept).status_code == 302  # no overload: directly
    overbelasting.zet_vlag("aan", 60)
    assert indienen(student_client, concept).status_code == 202  # the double click arrives during overload

    wachtrij.verwerk()

    aanmelding = Aanmelding.objects.get()
    assert _record(concept).aanmelding == aanmelding and len(mail.outbox) == 1


def test_nothing_is_lost_when_the_worker_fails_once(student_client, cohort, druk, monkeypatch):
    concept = doorloop(student_client, cohort)
    indienen(student_client, concept)
    echt = services.dien_in
    calls = []

    def eerst_kapot(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("worker viel om")
        return echt(*args, **kwargs)

    monkeypatch.setattr(services, "dien_in", eerst_kapot)
    assert wachtrij.verwerk() == {"opnieuw": 1}
    record = _record(concept)
    assert record.uitkomst == Uitkomst.WACHT and record.verwerkt_op is None and record.pogingen == 1
    assert "worker viel om" in record.laatste_fout and record.niet_voor > timezone.now()
    assert not Aanmelding.objects.exists() and Concept.objects.filter(pk=concept.pk).exists()

    assert wachtrij.verwerk() == {}  # not before its pause is over
    IngediendInWachtrij.objects.filter(pk=record.pk).update(niet_voor=timezone.now())
    assert wachtrij.verwerk() == {Uitkomst.INGEDIEND: 1}
    assert Aanmelding.objects.get().ingediend_op == record.ingediend_op


def test_a_database_error_inside_one_record_is_retried_and_the_others_go_on(student, cohort, monkeypatch):
    client = Client()
    client.force_login(student)
    eerste, tweede = doorloop(client, cohort), doorloop(client, CohortFactory())
    nu = timezone.now()
    wachtrij.plaats(eerste.token, student.aanmelder, nu - datetime.timedelta(seconds=2))
    wachtrij.plaats(tweede.token, student.aanmelder, nu - datetime.timedelta(seconds=1))
    echt = services.dien_in

    def eerste_kapot(token, *args, **kwargs):
        if token == eerste.token:
            Concept.objects.raw("SELECT * FROM tabel_die_niet_bestaat")[0]  # a real database error
        return echt(token, *args, **kwargs)

    monkeypatch.setattr(services, "dien_in", eerste_kapot)
    assert wachtrij.verwerk() == {"opnieuw": 1, Uitkomst.INGEDIEND: 1}
    assert _record(eerste).pogingen == 1 and _record(tweede).uitkomst == Uitkomst.INGEDIEND


def test_a_lost_transaction_propagates_and_leaves_the_record_untouched(student_client, cohort, druk, monkeypatch):
    concept = doorloop(student_client, cohort)
    indienen(student_client, concept)

    def verbinding_weg(record):
        raise DatabaseError("server closed the connection unexpectedly")

    monkeypatch.setattr(wachtrij, "_verwerk", verbinding_weg)
    monkeypatch.setattr(connection, "is_usable", lambda: False)
    with pytest.raises(DatabaseError):
        wachtrij.verwerk()
    record = _record(concept)
    assert record.pogingen == 0 and record.uitkomst == Uitkomst.WACHT


def test_a_cohort_full_by_the_time_it_is_processed_refuses_and_tells_the_student(student_client, druk):
    cohort = CohortFactory(capaciteit=1)
    concept = doorloop(student_client, cohort)
    indienen(student_client, concept)
    Cohort.objects.filter(pk=cohort.pk).update(aantal_aanmeldingen=1)
    vergeet_cohorten()

    assert wachtrij.verwerk() == {Uitkomst.GEWEIGERD: 1}

    record = _record(concept)
    assert "Dit cohort is vol" in record.melding and not Aanmelding.objects.exists()
    assert Concept.objects.filter(pk=concept.pk).exists()  # the draft stays: another start moment can be chosen
    [email] = mail.outbox
    assert email.to == ["student@example.nl"] and "Dit cohort is vol" in email.body
    assert cohort.opleiding.wervingsnaam in email.body and str(concept.token) in email.body
    pagina = student_client.get(reverse("aanmelden:in-verwerking", args=[concept.token]))
    assert (
        pagina.status_code == 200 and "Aanmelden is niet gelukt" in pagina.text and "Dit cohort is vol" in pagina.text
    )


def test_a_draft_stopped_before_processing_lapses(student_client, cohort, druk):
    concept = doorloop(student_client, cohort)
    indienen(student_client, concept)
    Concept.objects.filter(pk=concept.pk).delete()
    assert wachtrij.verwerk() == {Uitkomst.VERVALLEN: 1}
    assert not Aanmelding.objects.exists() and mail.outbox == []


def test_while_submits_wait_new_ones_queue_behind_them_in_order_of_moment(student_client, cohort, druk):
    eerste = doorloop(student_client, cohort)
    indienen(student_client, eerste)
    overbelasting.zet_vlag(None)  # the overload is over, but the queue is not empty yet
    tweede = doorloop(student_client, CohortFactory())
    assert indienen(student_client, tweede).status_code == 202
    assert _record(eerste).ingediend_op <= _record(tweede).ingediend_op

    wachtrij.verwerk()
    volgorde = list(Aanmelding.objects.order_by("keten_id").values_list("indien_token", flat=True))
    assert volgorde == [eerste.token, tweede.token]
    derde = doorloop(student_client, CohortFactory())
    assert indienen(student_client, derde).status_code == 302  # queue empty: directly again


def test_a_record_that_failed_does_not_hold_the_others_up(student_client, cohort, druk):
    eerste = doorloop(student_client, cohort)
    indienen(student_client, eerste)
    IngediendInWachtrij.objects.update(pogingen=3, niet_voor=timezone.now() + datetime.timedelta(minutes=5))
    overbelasting.zet_vlag(None)
    tweede = doorloop(student_client, CohortFactory())
    assert indienen(student_client, tweede).status_code == 302


def test_the_wizard_of_a_queued_draft_shows_where_it_stands_and_the_overview_lists_it(student_client, cohort, druk):
    concept = doorloop(student_client, cohort)
    indienen(student_client, concept)
    for stap in ("contact", "controleren"):
        response = student_client.get(reverse("aanmelden:stap", args=[concept.token, stap]))
        assert (
            response.status_code == 302 and response["Location"] == f"/mijn-aanmeldingen/in-verwerking/{concept.token}/"
        )
    response = student_client.get(reverse("aanmelden:stoppen", args=[concept.token]))
    assert response["Location"] == f"/mijn-aanmeldingen/in-verwerking/{concept.token}/"

    overzicht = student_client.get(reverse("aanmelden:overzicht"))
    assert "Ontvangen, wordt verwerkt" in overzicht.text and "Nog niet ingediend" not in overzicht.text
    assert f"/mijn-aanmeldingen/in-verwerking/{concept.token}/" in overzicht.text

    wachtrij.verwerk()
    aanmelding = Aanmelding.objects.get()
    stand = student_client.get(reverse("aanmelden:in-verwerking", args=[concept.token]))
    assert stand.status_code == 302 and stand["Location"] == f"/mijn-aanmeldingen/{aanmelding.ca_keten_id}/"
    assert "Ontvangen, wordt verwerkt" not in student_client.get(reverse("aanmelden:overzicht")).text


def test_someone_elses_queued_submit_is_not_shown_nor_taken_over(student_client, cohort, druk):
    concept = doorloop(student_client, cohort)
    indienen(student_client, concept)
    ander = Client()
    ander.force_login(make_student("999990056"))
    assert ander.get(reverse("aanmelden:in-verwerking", args=[concept.token])).status_code == 404
    assert ander.post(reverse("aanmelden:indienen", args=[concept.token])).status_code == 404
    assert IngediendInWachtrij.objects.get().aanmelder == concept.aanmelder


def test_a_foreign_token_queued_by_someone_lapses_without_an_application(student, druk):
    ander = make_student("999990056")
    client = Client()
    client.force_login(student)
    concept = doorloop(client, CohortFactory())
    wachtrij.plaats(concept.token, services.aanmelder_voor(ander), timezone.now())
    assert wachtrij.verwerk() == {Uitkomst.VERVALLEN: 1}
    assert not Aanmelding.objects.exists() and Concept.objects.filter(pk=concept.pk).exists()


def test_the_task_processes_and_clears_records_after_a_month(student_client, cohort, druk):
    concept = doorloop(student_client, cohort)
    indienen(student_client, concept)
    oud = IngediendInWachtrij.objects.create(
        token=uuid.uuid4(),
        aanmelder=concept.aanmelder,
        ingediend_op=timezone.now() - datetime.timedelta(days=40),
        uitkomst=Uitkomst.INGEDIEND,
        verwerkt_op=timezone.now() - datetime.timedelta(days=31),
    )
    assert tasks.verwerk_wachtrij() == {Uitkomst.INGEDIEND: 1, "opgeruimd": 1}
    assert not IngediendInWachtrij.objects.filter(pk=oud.pk).exists() and _record(concept).verwerkt_op


def test_storing_starts_the_worker_after_the_commit(student, cohort, django_capture_on_commit_callbacks, monkeypatch):
    client = Client()
    client.force_login(student)
    concept = doorloop(client, cohort)
    gestart = []
    monkeypatch.setattr(tasks.verwerk_wachtrij, "delay", lambda: gestart.append(1))
    monkeypatch.setattr(wachtrij, "_gestart_op", float("-inf"))
    with django_capture_on_commit_callbacks(execute=True):
        wachtrij.plaats(concept.token, student.aanmelder, timezone.now())
    assert gestart == [1]
    derde = doorloop(client, CohortFactory())
    with django_capture_on_commit_callbacks(execute=True):  # within the second: the running task takes it
        wachtrij.plaats(derde.token, student.aanmelder, timezone.now())
    assert gestart == [1]
    monkeypatch.setattr(wachtrij, "_gestart_op", float("-inf"))

    def broker_weg():
        gestart.append(2)
        raise ConnectionError("broker weg")

    monkeypatch.setattr(tasks.verwerk_wachtrij, "delay", broker_weg)
    tweede = doorloop(client, CohortFactory())
    with django_capture_on_commit_callbacks(execute=True):  # stored all the same; the beat job picks it up
        record = wachtrij.plaats(tweede.token, student.aanmelder, timezone.now())
    assert gestart == [1, 2] and record.pk and record.uitkomst == Uitkomst.WACHT


@pytest.mark.skipif(connection.vendor != "postgresql", reason="statement and lock timeouts are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_submit_that_waits_too_long_for_the_database_is_queued_with_its_moment(student, settings):
    """Another transaction holds the draft's row: the submit gives up after its lock timeout and queues."""
    from django.db import close_old_connections

    settings.INDIENEN_LOCK_TIMEOUT_MS = 100
    client = Client()
    client.force_login(student)
    concept = doorloop(client, CohortFactory())
    vast, los = threading.Event(), threading.Event()

    def houd_vast():
        try:
            with transaction.atomic():
                Concept.objects.select_for_update().get(pk=concept.pk)
                vast.set()
                los.wait(10)
        finally:
            close_old_connections()

    draad = threading.Thread(target=houd_vast)
    draad.start()
    try:
        assert vast.wait(10)
        voor = timezone.now()
        uitkomst = wachtrij.dien_in(concept.token, student.aanmelder, Actor.system("test"))
    finally:
        los.set()
        draad.join()
    assert isinstance(uitkomst, IngediendInWachtrij) and uitkomst.ingediend_op >= voor
    wachtrij.verwerk()  # (without a broker the commit already ran the task in this process)
    assert Aanmelding.objects.get().ingediend_op == uitkomst.ingediend_op
    assert IngediendInWachtrij.objects.get().uitkomst == Uitkomst.INGEDIEND
