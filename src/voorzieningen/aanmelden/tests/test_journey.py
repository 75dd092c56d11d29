import re
import uuid

from django.core import mail
from django.urls import reverse
from django.utils.html import escape

import pytest

from voorzieningen.aanmelden import ontvangstbewijs, services
from voorzieningen.aanmelden.models import Aanmelding, Concept, StatusWijziging
from voorzieningen.aanmelden.statussen import Status
from voorzieningen.catalogus.models import Leertraject
from voorzieningen.catalogus.tests.factories import CohortFactory, OpleidingFactory
from voorzieningen.core.models import AuditLogEntry
from voorzieningen.core.services import Actor
from voorzieningen.identiteit.duo import DuoSimulator
from voorzieningen.instellingen.models import Instellingsconfiguratie

from .conftest import make_student
from .helpers import doorloop, indienen, post_stap, start

pytestmark = pytest.mark.django_db
GEHEIM_MELDING = (
    "Het bij DUO gevonden adres is gemarkeerd als geheim. Voer handmatig een adres in dat je wenst te communiceren "
    "met de school."
)


@pytest.mark.smoke
def test_the_whole_journey_creates_one_application_with_a_signed_receipt(student_client, cohort):
    concept = doorloop(student_client, cohort)
    summary = student_client.get(reverse("aanmelden:stap", args=[concept.token, "controleren"]))
    assert summary.status_code == 200 and "Aanmelding indienen" in summary.text

    response = indienen(student_client, concept)
    aanmelding = Aanmelding.objects.get()
    assert response.status_code == 302 and str(aanmelding.ca_keten_id) in response["Location"]

    assert uuid.UUID(str(aanmelding.ca_keten_id)).version == 4 and len(str(aanmelding.ca_keten_id)) == 36
    assert re.fullmatch(r"9\d{9}", aanmelding.keten_id)
    assert aanmelding.status == Status.SUBMITTED and aanmelding.instelling == cohort.opleiding.aanbieder.instelling
    snapshot = aanmelding.gegevens
    assert snapshot["persoon"]["bsn"] == "999990019" and snapshot["persoon"]["geboorteland"] == "6030"
    assert snapshot["adres"]["postcode"] == "3511AB" and snapshot["contact"]["email"] == "student@example.nl"
    assert snapshot["vooropleidingen"][0]["ilt_code"] == "0141"
    assert list(aanmelding.statuswijzigingen.values_list("status", flat=True)) == [Status.SUBMITTED]
    cohort.refresh_from_db()
    assert cohort.aantal_aanmeldingen == 1
    assert not Concept.objects.exists()

    bewijs = ontvangstbewijs.controleer(aanmelding.ontvangstbewijs)
    assert bewijs.ca_keten_id == str(aanmelding.ca_keten_id) and bewijs.keten_id == aanmelding.keten_id

    page = student_client.get(response["Location"])
    assert "Je aanmelding is ingediend" in page.text and aanmelding.ontvangstbewijs in page.text

    [email] = mail.outbox
    assert email.to == ["student@example.nl"] and str(aanmelding.ca_keten_id) in email.body
    naam, inhoud, soort = email.attachments[0]
    assert soort == "application/pdf" and inhoud.startswith(b"%PDF")
    assert ontvangstbewijs.code_uit_pdf(inhoud) == aanmelding.ontvangstbewijs


def test_submit_is_idempotent_double_click_and_back_button(student_client, cohort):
    concept = doorloop(student_client, cohort)
    first = indienen(student_client, concept)
    second = indienen(student_client, concept)
    assert first["Location"] == second["Location"]
    assert Aanmelding.objects.count() == 1 and len(mail.outbox) == 1
    back = student_client.get(reverse("aanmelden:stap", args=[concept.token, "controleren"]))
    assert back.status_code == 302 and back["Location"].startswith("/mijn-aanmeldingen/")
    cohort.refresh_from_db()
    assert cohort.aantal_aanmeldingen == 1


def test_multiple_applications_are_allowed_and_shown_in_one_timeline(student_client, cohort):
    andere = CohortFactory()
    for c in (cohort, andere):
        indienen(student_client, doorloop(student_client, c))
    assert Aanmelding.objects.count() == 2
    page = student_client.get(reverse("aanmelden:overzicht"))
    assert page.text.count("<time") >= 2
    assert cohort.opleiding.wervingsnaam in page.text and andere.opleiding.wervingsnaam in page.text


def test_a_full_cohort_refuses_and_suggests_other_cohorts_of_the_institution(student_client):
    vol = CohortFactory(capaciteit=1)
    ander = CohortFactory(opleiding=vol.opleiding, code="2028-feb")
    concept = doorloop(student_client, vol)
    vol.aantal_aanmeldingen = 1
    vol.save()
    response = indienen(student_client, concept)
    assert response.status_code == 409
    assert "Dit cohort is vol" in response.text and ander.code in response.text
    assert not Aanmelding.objects.exists() and Concept.objects.filter(pk=concept.pk).exists()  # nothing lost


def test_a_closed_cohort_cannot_be_started(student_client):
    gesloten = CohortFactory(status="G")
    response = student_client.get(reverse("aanmelden:start", args=[gesloten.opleiding.code]), {"cohort": gesloten.code})
    assert response.status_code == 404 and "niet open" in response.text


class TestUnder18:
    def test_a_guardian_is_mandatory(self, client, minderjarige, cohort):
        client.force_login(minderjarige)
        concept, _ = start(client, cohort)
        post_stap(client, concept, "persoonsgegevens")
        post_stap(client, concept, "contact", {"email": "lotte@example.nl"})
        response = post_stap(client, concept, "ouders", {})
        assert response.status_code == 400 and "jonger dan 18" in response.text

        zonder_telefoon = post_stap(client, concept, "ouders", {"ouder1-naam": "Petra Berg"})
        assert zonder_telefoon.status_code == 400 and "telefoonnummer van de ouder" in zonder_telefoon.text

        ok = post_stap(client, concept, "ouders", {"ouder1-naam": "Petra Berg", "ouder1-telefoon": "0612345678"})
        assert ok.status_code == 302  # e-mail of the guardian is never mandatory
        post_stap(client, concept, "vooropleiding")
        indienen(client, concept)
        assert Aanmelding.objects.get().gegevens["ouders"] == [
            {"naam": "Petra Berg", "email": "", "telefoon": "0612345678"}
        ]

    def test_a_guardian_removed_after_the_step_blocks_the_submit(self, client, minderjarige, cohort):
        """The submit checks the guardians it takes with the draft (one statement), not a second read; the draft
        stays."""
        client.force_login(minderjarige)
        concept, _ = start(client, cohort)
        post_stap(client, concept, "persoonsgegevens")
        post_stap(client, concept, "contact", {"email": "lotte@example.nl"})
        post_stap(client, concept, "ouders", {"ouder1-naam": "Petra Berg", "ouder1-telefoon": "0612345678"})
        post_stap(client, concept, "vooropleiding")
        aanmelder = minderjarige.aanmelder
        aanmelder.ouders.all().delete()
        with pytest.raises(services.Onvolledig, match="jonger dan 18"):
            services.dien_in(concept.token, aanmelder, Actor.system("test"))
        assert Concept.objects.filter(pk=concept.pk).exists() and not Aanmelding.objects.exists()

    def test_adults_may_skip_guardians(self, student_client, cohort):
        concept = doorloop(student_client, cohort)
        assert services.ontbrekend(concept) == []


class TestSecretAddress:
    def test_message_and_mandatory_manual_address_and_never_the_registered_one(self, client, geheim, cohort):
        client.force_login(geheim)
        concept, _ = start(client, cohort)
        page = client.get(reverse("aanmelden:stap", args=[concept.token, "persoonsgegevens"]))
        assert GEHEIM_MELDING in page.text and "Verborgenlaan" not in page.text

        leeg = post_stap(client, concept, "persoonsgegevens", {"land": "6030"})
        assert leeg.status_code == 400 and "Vul de straat in." in leeg.text
        adres = {"land": "6030", "straat": "Postbus", "huisnummer": "55", "postcode": "1000 aa", "plaats": "Amsterdam"}
        assert post_stap(client, concept, "persoonsgegevens", adres).status_code == 302
        post_stap(client, concept, "contact", {"email": "m@example.nl"})
        post_stap(client, concept, "ouders")
        post_stap(client, concept, "vooropleiding")
        indienen(client, concept)
        gegevens = Aanmelding.objects.get().gegevens
        assert gegevens["adres"]["postcode"] == "1000AA" and gegevens["adres_handmatig"] is True
        assert "Verborgenlaan" not in str(gegevens) and "Verborgenlaan" not in str(geheim.aanmelder.persoon)


def test_a_student_abroad_has_a_foreign_address_delivered(client, cohort):
    client.force_login(make_student("999990044"))
    indienen(client, doorloop(client, cohort))
    adres = Aanmelding.objects.get().gegevens["adres"]
    assert adres["land"] == "5010" and adres["regel1"] == "Grote Markt 1" and adres["postcode"] == ""


def test_duo_down_shows_a_retry_page_and_keeps_the_choice(student_client, cohort):
    DuoSimulator.set_mode("onbereikbaar")
    concept, _ = start(student_client, cohort)
    page = student_client.get(reverse("aanmelden:stap", args=[concept.token, "persoonsgegevens"]))
    assert page.status_code == 503 and "DUO is nu niet bereikbaar" in page.text and "Opnieuw proberen" in page.text
    assert Concept.objects.filter(pk=concept.pk).exists()
    DuoSimulator.set_mode("normaal")
    assert student_client.get(reverse("aanmelden:stap", args=[concept.token, "persoonsgegevens"])).status_code == 200


class TestWithdraw:
    def test_with_confirmation_while_not_final(self, student_client, cohort):
        indienen(student_client, doorloop(student_client, cohort))
        aanmelding = Aanmelding.objects.get()
        url = reverse("aanmelden:intrekken", args=[aanmelding.ca_keten_id])
        assert "Weet je zeker" in student_client.get(url).text
        assert student_client.post(url, {}).status_code == 400  # not confirmed
        assert student_client.post(url, {"bevestig": "on"}).status_code == 302
        aanmelding.refresh_from_db()
        assert aanmelding.status == Status.WITHDRAWN
        assert aanmelding.statuswijzigingen.last().bron == StatusWijziging.Bron.STUDENT
        cohort.refresh_from_db()
        assert cohort.aantal_aanmeldingen == 0  # the place is free again
        assert "Ingetrokken" in mail.outbox[-1].subject

    @pytest.mark.parametrize("eind", [Status.ENROLLED, Status.REJECTED])
    def test_final_statuses_cannot_be_changed_by_the_student(self, student_client, cohort, eind):
        indienen(student_client, doorloop(student_client, cohort))
        aanmelding = Aanmelding.objects.get()
        services.wijzig_status(aanmelding, eind, bron="instelling", actor=Actor.system("sis"))
        response = student_client.post(
            reverse("aanmelden:intrekken", args=[aanmelding.ca_keten_id]), {"bevestig": "on"}
        )
        assert response.status_code == 409 and "eindstatus" in response.text
        aanmelding.refresh_from_db()
        assert aanmelding.status == eind

    def test_offered_can_be_withdrawn(self, student_client, cohort):
        indienen(student_client, doorloop(student_client, cohort))
        aanmelding = Aanmelding.objects.get()
        services.wijzig_status(aanmelding, Status.OFFERED, bron="instelling", actor=Actor.system("sis"))
        url = reverse("aanmelden:intrekken", args=[aanmelding.ca_keten_id])
        assert student_client.post(url, {"bevestig": "on"}).status_code == 302


class TestAuthorisation:
    def test_a_student_sees_only_his_own_applications(self, client, student_client, cohort):
        indienen(student_client, doorloop(student_client, cohort))
        aanmelding = Aanmelding.objects.get()
        ander = make_student("999990056")
        client.force_login(ander)
        for name in ("aanmelding", "intrekken", "ontvangstbewijs-pdf"):
            assert client.get(reverse(f"aanmelden:{name}", args=[aanmelding.ca_keten_id])).status_code == 404
        assert (
            client.post(reverse("aanmelden:intrekken", args=[aanmelding.ca_keten_id]), {"bevestig": "on"}).status_code
            == 404
        )
        assert str(aanmelding.ca_keten_id) not in client.get(reverse("aanmelden:overzicht")).text

    def test_another_students_draft_is_not_reachable(self, client, student_client, cohort):
        concept, _ = start(student_client, cohort)
        client.force_login(make_student("999990056"))
        assert client.get(reverse("aanmelden:stap", args=[concept.token, "persoonsgegevens"])).status_code == 404
        assert indienen(client, concept).status_code == 404

    def test_anonymous_is_sent_to_login_and_staff_without_bsn_is_refused(self, client, admin_user):
        response = client.get(reverse("aanmelden:overzicht"))
        assert response.status_code == 302 and response["Location"].startswith("/inloggen/")
        client.force_login(admin_user)
        assert client.get(reverse("aanmelden:overzicht")).status_code == 403


class TestDeeplink:
    def _configureer(self, cohort, **kwargs):
        return Instellingsconfiguratie.objects.create(
            instelling=cohort.opleiding.aanbieder.instelling,
            toegestane_domeinen="roc-test.nl",
            retour_url_succes="https://www.roc-test.nl/bedankt",
            retour_url_fout="https://www.roc-test.nl/helaas",
            **kwargs,
        )

    def test_anonymous_deeplink_goes_through_login_and_back(self, client, cohort):
        url = reverse("aanmelden:start", args=[cohort.opleiding.code]) + f"?cohort={cohort.code}&leerlingnummer=42"
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/inloggen/")
        login = client.get(response["Location"])
        assert 'value="' + url.replace("&", "&amp;") + '"' in login.text  # next keeps the whole deeplink

    def test_allowed_return_url_with_attributes_after_submit(self, student_client, cohort):
        self._configureer(cohort)
        concept = doorloop(
            student_client, cohort, returnUrl="https://aanmelden.roc-test.nl/klaar?x=1", leerlingnummer="42"
        )
        assert concept.kenmerken == {"leerlingnummer": "42"}
        location = indienen(student_client, concept)["Location"]
        page = student_client.get(location)
        aanmelding = Aanmelding.objects.get()
        assert aanmelding.kenmerken == {"leerlingnummer": "42"}
        link = re.search(r'id="terug-naar-school" href="([^"]+)"', page.text).group(1).replace("&amp;", "&")
        assert link.startswith("https://aanmelden.roc-test.nl/klaar?x=1&leerlingnummer=42&caKetenId=")
        assert str(aanmelding.ca_keten_id) in link

    @pytest.mark.parametrize(
        "return_url",
        [
            "https://evil.example/phish",
            "https://roc-test.nl.evil.example/",
            "https://www.roc-test.nl@evil.example/",
            "//evil.example/",
            "javascript:alert(1)",
        ],
    )
    def test_a_return_url_outside_the_allowed_domains_is_ignored(self, student_client, cohort, return_url):
        self._configureer(cohort)
        concept = doorloop(student_client, cohort, returnUrl=return_url)
        assert concept.return_url == ""
        page = student_client.get(indienen(student_client, concept)["Location"])
        assert "evil" not in page.text and "javascript:" not in page.text
        assert "https://www.roc-test.nl/bedankt?caKetenId=" in page.text  # the institution's own link instead

    def test_no_return_link_without_a_deeplink(self, student_client, cohort):
        self._configureer(cohort)
        concept = doorloop(student_client, cohort, direct="1")
        page = student_client.get(indienen(student_client, concept)["Location"])
        assert "terug-naar-school" not in page.text

    def test_stopping_after_a_deeplink_returns_to_the_failure_link(self, student_client, cohort):
        self._configureer(cohort)
        concept, _ = start(student_client, cohort, ref="abc")
        response = student_client.post(reverse("aanmelden:stoppen", args=[concept.token]))
        assert response["Location"] == "https://www.roc-test.nl/helaas?ref=abc&resultaat=afgebroken"
        assert not Concept.objects.exists()


def test_direct_entry_lists_institutions_and_their_programmes(client, cohort):
    instelling = cohort.opleiding.aanbieder.instelling
    assert instelling.naam in client.get(reverse("aanmelden:kies-instelling")).text
    page = client.get(reverse("aanmelden:kies-opleiding", args=[instelling.brin]))
    assert cohort.opleiding.wervingsnaam in page.text
    detail = client.get(reverse("catalogus:detail", args=[cohort.opleiding.code]))
    assert f"/aanmelden/start/{cohort.opleiding.code}/?cohort={cohort.code}&amp;direct=1" in detail.text


def test_access_code_step(student_client):
    cohort = CohortFactory(toegangscode="GEHEIM-42")
    concept, _ = start(student_client, cohort)
    for stap in ("persoonsgegevens", "vooropleiding"):
        services.markeer_stap(concept, stap)
    post_stap(student_client, concept, "contact", {"email": "s@example.nl"})
    post_stap(student_client, concept, "ouders")
    fout = post_stap(student_client, concept, "toegangscode", {"toegangscode": "fout"})
    assert fout.status_code == 400 and "klopt niet" in fout.text
    assert post_stap(student_client, concept, "toegangscode", {"toegangscode": "GEHEIM-42"}).status_code == 302
    assert indienen(student_client, concept).status_code == 302


def test_bbl_programme_lets_the_student_choose_an_accredited_leerbedrijf(student_client):
    from voorzieningen.aanmelden import sbb

    cohort = CohortFactory(opleiding=OpleidingFactory(leertraject=Leertraject.BBL))
    crebo = cohort.opleiding.kwalificatie.crebo
    concept, _ = start(student_client, cohort)
    for stap in ("persoonsgegevens", "contact", "ouders", "vooropleiding"):
        services.markeer_stap(concept, stap)
    student_client.post(reverse("aanmelden:stap", args=[concept.token, "contact"]), {"email": "s@example.nl"})
    page = student_client.get(reverse("aanmelden:stap", args=[concept.token, "leerbedrijf"]))
    bedrijf = sbb.client().leerbedrijven(crebo)[0]
    assert escape(bedrijf.naam) in page.text

    ander_crebo = next(b for b in sbb.client().leerbedrijven(str(int(crebo) + 7), limit=50) if crebo not in b.crebos)
    fout = post_stap(student_client, concept, "leerbedrijf", {"leerbedrijf": ander_crebo.id})
    assert fout.status_code == 400 and "niet door SBB erkend" in fout.text
    assert post_stap(student_client, concept, "leerbedrijf", {"leerbedrijf": bedrijf.id}).status_code == 302
    indienen(student_client, concept)
    assert Aanmelding.objects.get().leerbedrijf["id"] == bedrijf.id


def test_reading_personal_data_is_in_the_audit_trail(student_client, cohort):
    concept, _ = start(student_client, cohort)
    student_client.get(reverse("aanmelden:stap", args=[concept.token, "persoonsgegevens"]))
    student_client.get(reverse("aanmelden:overzicht"))
    reads = AuditLogEntry.objects.filter(action="read", object_type="aanmelden.Aanmelder")
    assert reads.count() == 2 and all(e.subject_ref for e in reads)
    assert AuditLogEntry.objects.filter(action="update", reason__contains="DUO").exists()


def test_status_mail_in_the_students_language(student_client, cohort):
    student_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    indienen(student_client, doorloop(student_client, cohort))
    aanmelding = Aanmelding.objects.get()
    services.wijzig_status(aanmelding, Status.OFFERED, bron="instelling", actor=Actor.system("sis"))
    assert "New status of your application" in mail.outbox[-1].subject


def test_the_mails_are_written_by_the_worker_and_not_to_someone_gone_by_then(student_client, cohort, monkeypatch):
    """The outbox holds only ids (no address, no text); a student removed before delivery gets nothing, and the
    message is done rather than a dead letter."""
    from voorzieningen.core import outbox
    from voorzieningen.core.models import OutboxBericht

    wachtend = []
    monkeypatch.setattr(outbox, "_after_commit", wachtend.append)  # the worker comes later
    indienen(student_client, doorloop(student_client, cohort))
    aanmelding = Aanmelding.objects.get()
    services.wijzig_status(aanmelding, Status.RECEIVED, bron="instelling", actor=Actor.system("sis"))
    services.wijzig_status(aanmelding, Status.OFFERED, bron="instelling", actor=Actor.system("sis"))
    payloads = list(OutboxBericht.objects.order_by("pk").values_list("kanaal", "payload"))
    assert [k for k, _ in payloads] == ["aanmelden.email", "aanmelden.statusmail", "aanmelden.statusmail"]
    assert "student@example.nl" not in str(payloads) and "Jansen" not in str(payloads)

    wachtend.pop(0)()  # the receipt goes out
    wachtend.pop(0)()  # and the first status
    assert [m.to for m in mail.outbox] == [["student@example.nl"]] * 2 and "Ontvangen" in mail.outbox[1].body
    aanmelding.aanmelder.email = ""
    aanmelding.aanmelder.save()
    wachtend.pop(0)()
    assert len(mail.outbox) == 2
    assert set(OutboxBericht.objects.values_list("status", flat=True)) == {OutboxBericht.Status.AFGELEVERD}


def test_staff_viewing_an_application_in_the_admin_is_audited_and_read_only(admin_client, student_client, cohort):
    indienen(student_client, doorloop(student_client, cohort))
    aanmelding = Aanmelding.objects.get()
    lijst = admin_client.get(reverse("admin:aanmelden_aanmelding_changelist"))
    assert lijst.status_code == 200 and "Jansen" not in lijst.text
    detail = admin_client.get(reverse("admin:aanmelden_aanmelding_change", args=[aanmelding.pk]))
    assert detail.status_code == 200
    entry = AuditLogEntry.objects.filter(
        action="read", object_type="aanmelden.Aanmelding", object_id=str(aanmelding.pk)
    ).get()
    assert entry.actor_type == "person" and entry.subject_ref
    lijstregel = AuditLogEntry.objects.filter(action="read", object_type="aanmelden.Aanmelding", object_id="").get()
    assert lijstregel.extra["ids"] == [str(aanmelding.pk)]
    assert admin_client.post(reverse("admin:aanmelden_aanmelding_delete", args=[aanmelding.pk])).status_code == 403


@pytest.mark.django_db
def test_the_snapshot_holds_the_guardians_in_the_order_given_and_only_the_students_own():
    from voorzieningen.aanmelden.models import Ouder
    from voorzieningen.aanmelden.tests.factories import AanmelderFactory

    aanmelder, ander = AanmelderFactory(), AanmelderFactory()
    Ouder.objects.create(aanmelder=aanmelder, naam="Petra Berg", email="petra@example.nl", telefoon="0612345678")
    Ouder.objects.create(aanmelder=ander, naam="Iemand Anders", telefoon="0687654321")
    Ouder.objects.create(aanmelder=aanmelder, naam="Ahmed Berg", telefoon="0611111111")
    assert (
        services.snapshot(aanmelder)["ouders"]
        == [o.as_dict() for o in aanmelder.ouders.all()]
        == [
            {"naam": "Petra Berg", "email": "petra@example.nl", "telefoon": "0612345678"},
            {"naam": "Ahmed Berg", "email": "", "telefoon": "0611111111"},
        ]
    )


def _klaar_concept(cohort):
    from django.utils import timezone

    from voorzieningen.aanmelden.tests.factories import AanmelderFactory

    aanmelder = AanmelderFactory(
        persoon={"voornamen": "Sam", "achternaam": "Jansen", "geboortedatum": "2000-01-01"},
        duo_opgehaald_op=timezone.now(),
    )
    concept = Concept(aanmelder=aanmelder, cohort=cohort)
    concept.voltooide_stappen = [s.slug for s in services.stappen(concept)]
    concept.save()
    return aanmelder, concept


@pytest.mark.django_db(transaction=True)
def test_a_submit_on_postgresql_is_two_statements_and_writes_every_row(monkeypatch):
    """The draft taken with the ids and guardians; the rows and the place in one bundle: a guard on the hot path."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from voorzieningen.core.models import OutboxBericht
    from voorzieningen.sis.models import Aanlevering, SisLogregel

    if connection.vendor != "postgresql":
        pytest.skip("the bundle is PostgreSQL's; SQLite writes row by row")
    from voorzieningen.core import outbox

    monkeypatch.setattr(outbox, "_after_commit", lambda func: None)  # the workers deliver, not the submit
    cohort = CohortFactory(capaciteit=None)
    actor = Actor.system("test")
    for _ in range(2):  # the first sets up the koppelpunt, the second reads it into the cache
        eerste_aanmelder, eerste = _klaar_concept(cohort)
        services.dien_in(eerste.token, eerste_aanmelder, actor)
    aanmelder, concept = _klaar_concept(cohort)
    with CaptureQueriesContext(connection) as q:
        aanmelding = services.dien_in(concept.token, aanmelder, actor)
    statements = [x["sql"][:60] for x in q.captured_queries if x["sql"] not in ("BEGIN", "COMMIT")]
    assert len(statements) == 2, statements
    assert aanmelding.pk and Aanmelding.objects.get(pk=aanmelding.pk).keten_id == aanmelding.keten_id
    assert StatusWijziging.objects.filter(aanmelding=aanmelding, status=Status.SUBMITTED).count() == 1
    assert Aanlevering.objects.filter(aanmelding=aanmelding).count() == 1
    assert SisLogregel.objects.filter(aanmelding=aanmelding).count() == 1
    assert AuditLogEntry.objects.filter(object_id=str(aanmelding.pk), action="create").count() == 1
    assert OutboxBericht.objects.filter(sleutel=f"aanmelden.email:ontvangstbewijs:{aanmelding.ca_keten_id}").exists()
    assert not Concept.objects.filter(pk=concept.pk).exists()


def test_a_finished_step_makes_its_draft_the_one_resumed(student, cohort):
    """Marking a step done is a cached update that leaves auto_now to its caller: it still refreshes the draft's
    moment, which decides which draft the portal resumes and how the overview sorts them."""
    import datetime

    from django.utils import timezone

    from freezegun import freeze_time

    aanmelder = services.aanmelder_voor(student)
    ander = CohortFactory(opleiding=cohort.opleiding)
    with freeze_time(timezone.now() - datetime.timedelta(days=2)):
        oud = services.start_concept(aanmelder, cohort)
    with freeze_time(timezone.now() - datetime.timedelta(days=1)):
        services.start_concept(aanmelder, ander)
    services.markeer_stap(oud, "persoon")
    oud.refresh_from_db()
    assert oud.voltooide_stappen == ["persoon"]
    assert aanmelder.concepten.order_by("-gewijzigd_op").first() == oud
    moment = oud.gewijzigd_op
    services.markeer_stap(oud, "persoon")  # done before: nothing written
    oud.refresh_from_db()
    assert oud.voltooide_stappen == ["persoon"] and oud.gewijzigd_op == moment
