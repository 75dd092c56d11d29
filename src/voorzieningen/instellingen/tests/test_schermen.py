"""The admin screens: applications (filters, detail, log, re-queue, export), settings, deeplinks — own data only."""

import csv
import datetime
import io

from django.urls import reverse
from django.utils import timezone

import pytest

from voorzieningen.aanmelden.models import StatusWijziging
from voorzieningen.aanmelden.statussen import Status
from voorzieningen.aanmelden.tests.factories import AanmeldingFactory
from voorzieningen.catalogus.models import Cohort
from voorzieningen.catalogus.tests.factories import AanbiederFactory, CohortFactory, OpleidingFactory
from voorzieningen.core.models import AuditLogEntry
from voorzieningen.sis import services as sis
from voorzieningen.sis.models import Aanlevering, Koppelpunt, SisLogregel, SisSleutel

pytestmark = pytest.mark.django_db


def _aanmelding(instelling, achternaam="Jansen", **kwargs):
    aanbieder = AanbiederFactory(instelling=instelling)
    cohort = CohortFactory(opleiding=OpleidingFactory(aanbieder=aanbieder))
    aanmelding = AanmeldingFactory(cohort=cohort, **kwargs)
    aanmelding.gegevens = {"persoon": {"bsn": "999990019", "achternaam": achternaam, "voornamen": "Sam"}}
    aanmelding.save(update_fields=["gegevens"])
    sis.leg_klaar(aanmelding)
    return aanmelding


@pytest.fixture
def eigen(instelling):
    return _aanmelding(instelling, "Eigenaar")


@pytest.fixture
def vreemd(andere_instelling):
    return _aanmelding(andere_instelling, "Vreemdeling")


def test_an_admin_sees_only_his_own_institutions_applications(beheer_client, eigen, vreemd):
    lijst = beheer_client.get(reverse("beheer:aanmeldingen"))
    assert "Eigenaar" in lijst.text and "Vreemdeling" not in lijst.text
    assert beheer_client.get(reverse("beheer:aanmelding", args=[vreemd.pk])).status_code == 404
    assert beheer_client.post(reverse("beheer:opnieuw-klaarzetten", args=[vreemd.pk])).status_code == 404
    zoek = beheer_client.get(reverse("beheer:aanmeldingen"), {"q": vreemd.keten_id})
    assert "Vreemdeling" not in zoek.text
    export = b"".join(beheer_client.get(reverse("beheer:export")).streaming_content).decode()
    assert str(eigen.ca_keten_id) in export and str(vreemd.ca_keten_id) not in export
    kp_vreemd = Koppelpunt.objects.get(instelling=vreemd.instelling)
    assert beheer_client.get(reverse("beheer:koppelpunt", args=[kp_vreemd.pk])).status_code == 404
    assert beheer_client.post(reverse("beheer:koppelpunt-sleutel", args=[kp_vreemd.pk])).status_code == 404
    assert not SisSleutel.objects.exists()


def test_filters_not_fetched_with_errors_status_programme_and_dates(beheer_client, instelling, eigen):
    opgehaald = _aanmelding(instelling, "Opgehaald", status=Status.RECEIVED)
    Aanlevering.objects.filter(aanmelding=opgehaald).update(opgehaald_op=timezone.now())
    fout = _aanmelding(instelling, "Foutief")
    sis.meld_fout(Aanlevering.objects.get(aanmelding=fout), "Onbekende vooropleiding")
    oud = _aanmelding(instelling, "Oudje", ingediend_op=timezone.now() - datetime.timedelta(days=40))

    def namen(**params):
        text = beheer_client.get(reverse("beheer:aanmeldingen"), params).text
        return {n for n in ["Eigenaar", "Opgehaald", "Foutief", "Oudje"] if n in text}

    assert namen() == {"Eigenaar", "Opgehaald", "Foutief", "Oudje"}
    assert namen(niet_opgehaald="on") == {"Eigenaar", "Foutief", "Oudje"}
    assert namen(foutmeldingen="on") == {"Foutief"}
    assert namen(status="RECEIVED") == {"Opgehaald"}
    assert namen(opleiding=oud.opleiding_id) == {"Oudje"}
    assert namen(cohort=oud.cohort.code) == {"Oudje"}
    gisteren = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    assert namen(van=gisteren) == {"Eigenaar", "Opgehaald", "Foutief"}
    assert namen(q=str(fout.ca_keten_id)) == {"Foutief"}
    assert namen(q="oudj") == {"Oudje"}
    fout_datum = beheer_client.get(reverse("beheer:aanmeldingen"), {"van": "2026-05-01", "tot": "2026-04-01"})
    assert "De einddatum ligt vóór de begindatum." in fout_datum.text
    entry = AuditLogEntry.objects.filter(reason="Aanmeldingenoverzicht instellingsbeheer").last()
    assert entry.actor_id.startswith("user:")


def test_detail_shows_history_and_the_sis_message_log_and_is_audited(beheer_client, eigen):
    kp = Koppelpunt.objects.get(instelling=eigen.instelling)
    client = sis.SisClient(kp, None)
    aanlevering = Aanlevering.objects.get(aanmelding=eigen)
    sis.haal_op(client, aanlevering)
    sis.meld_fout(aanlevering, "Postcode ontbreekt")
    sis.verwerk_status(client, bericht_id="m-1", status=Status.RECEIVED, ca_keten_id=eigen.ca_keten_id)
    pagina = beheer_client.get(reverse("beheer:aanmelding", args=[eigen.pk]))
    assert pagina.status_code == 200
    for tekst in ["Klaargezet voor de SIS", "Opgehaald door de SIS", "Postcode ontbreekt", "m-1: RECEIVED (verwerkt)"]:
        assert tekst in pagina.text
    assert StatusWijziging.objects.filter(aanmelding=eigen, status=Status.RECEIVED).exists()
    entry = AuditLogEntry.objects.get(reason="Aanmelding bekeken in instellingsbeheer")
    assert entry.object_id == str(eigen.pk) and entry.subject_ref


def test_requeue_one_application_and_a_period_but_not_older_than_a_year(beheer_client, instelling, eigen):
    aanlevering = Aanlevering.objects.get(aanmelding=eigen)
    sis.bevestig(aanlevering)
    response = beheer_client.post(reverse("beheer:opnieuw-klaarzetten", args=[eigen.pk]))
    assert response.status_code == 302
    aanlevering.refresh_from_db()
    assert aanlevering.in_wachtrij_sinds and aanlevering.opgehaald_op is None
    assert SisLogregel.objects.filter(aanmelding=eigen, soort="OPNIEUW", detail__contains="instellingsbeheer").exists()

    oud = _aanmelding(instelling, "Oudje", ingediend_op=timezone.now() - datetime.timedelta(days=400))
    Aanlevering.objects.filter(aanmelding=oud).update(in_wachtrij_sinds=None, bevestigd_op=timezone.now())
    beheer_client.post(reverse("beheer:opnieuw-klaarzetten", args=[oud.pk]))
    assert Aanlevering.objects.get(aanmelding=oud).in_wachtrij_sinds is None

    kp = Koppelpunt.objects.get(instelling=instelling)
    vandaag = timezone.localdate()
    Aanlevering.objects.update(in_wachtrij_sinds=None)
    beheer_client.post(
        reverse("beheer:periode-klaarzetten"),
        {"koppelpunt": kp.pk, "van": (vandaag - datetime.timedelta(days=7)).isoformat(), "tot": vandaag.isoformat()},
    )
    assert Aanlevering.objects.filter(in_wachtrij_sinds__isnull=False).count() == 1
    te_oud = beheer_client.post(
        reverse("beheer:periode-klaarzetten"),
        {"koppelpunt": kp.pk, "van": "2020-01-01", "tot": vandaag.isoformat()},
        follow=True,
    )
    assert "Alleen aanmeldingen van het afgelopen jaar" in te_oud.text


def test_export_is_a_streamed_csv_of_all_applications_and_audited(beheer_client, instelling, eigen):
    for i in range(3):
        _aanmelding(instelling, f"Student{i}")
    response = beheer_client.get(reverse("beheer:export"))
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    tekst = b"".join(response.streaming_content).decode("utf-8")
    assert tekst.startswith("\ufeff")
    rijen = list(csv.DictReader(io.StringIO(tekst.lstrip("\ufeff")), delimiter=";"))
    assert len(rijen) == 4 and {r["status"] for r in rijen} == {"SUBMITTED"}
    assert {r["caKetenId"] for r in rijen} >= {str(eigen.ca_keten_id)}
    assert AuditLogEntry.objects.filter(action="export", reason__contains="CSV-export").exists()


def test_settings_validate_domains_and_registratiecode_and_set_the_whitelist_mode(
    beheer_client, instelling, andere_instelling
):
    from voorzieningen.instellingen.models import Instellingsconfiguratie

    Instellingsconfiguratie.objects.create(instelling=andere_instelling, registratiecode="BEZET-123")
    url = reverse("beheer:instellingen")
    fout = beheer_client.post(
        url, {"toegestane_domeinen": "https://roc.example/pad\nroc.example", "registratiecode": "BEZET-123"}
    )
    assert "Geen geldige domeinnaam: https://roc.example/pad" in fout.text
    assert "Deze registratiecode is al in gebruik" in fout.text
    goed = beheer_client.post(
        url,
        {
            "toegestane_domeinen": "WWW.ROC.example\nroc.example\nroc.example",
            "retour_url_succes": "https://www.roc.example/bedankt",
            "registratiecode": "ROC-EIGEN-2027",
            "whitelist_actief": "on",
        },
    )
    assert goed.status_code == 302
    configuratie = Instellingsconfiguratie.objects.get(instelling=instelling)
    assert configuratie.domeinen == ["www.roc.example", "roc.example"]
    instelling.refresh_from_db()
    assert instelling.whitelist_actief


def test_koppelpunt_extra_with_providers_and_key_rotation(beheer_client, instelling):
    aanbieder = AanbiederFactory(instelling=instelling)
    url = reverse("beheer:koppelpunt-nieuw")
    zonder = beheer_client.post(url, {"code": "SIS2", "geldig_vanaf": "2026-12-01T00:00", "actief": "on"})
    assert "Kies minstens één onderwijsaanbieder" in zonder.text
    beheer_client.post(
        url, {"code": "SIS2", "geldig_vanaf": "2026-12-01T00:00", "actief": "on", "aanbieders": [aanbieder.pk]}
    )
    kp = Koppelpunt.objects.get(code="SIS2")
    assert kp.instelling == instelling and list(kp.aanbieders.all()) == [aanbieder] and not kp.standaard
    dubbel = beheer_client.post(url, {"code": "SIS2", "geldig_vanaf": "2026-12-01T00:00", "aanbieders": [aanbieder.pk]})
    assert "bestaat al" in dubbel.text

    eerste = beheer_client.post(reverse("beheer:koppelpunt-sleutel", args=[kp.pk]))
    tweede = beheer_client.post(reverse("beheer:koppelpunt-sleutel", args=[kp.pk]))
    sleutel = tweede.context["sleutel"]
    assert sleutel in tweede.text and tweede["Cache-Control"] == "no-store"
    assert eerste.context["sleutel"] not in beheer_client.get(reverse("beheer:koppelpunt", args=[kp.pk])).text
    beheer_client.post(
        reverse("beheer:koppelpunt-sleutel", args=[kp.pk]), {"actie": "intrekken", "behalve": tweede.context["rij"].pk}
    )
    kp.geldig_vanaf = timezone.now()
    kp.save()
    assert sis.authenticeer("SIS2", sleutel) is not None
    assert sis.authenticeer("SIS2", eerste.context["sleutel"]) is None


def test_cohort_access_code_and_capacity_survive_an_import(beheer_client, instelling):
    opleiding = OpleidingFactory(aanbieder=AanbiederFactory(instelling=instelling))
    cohort = CohortFactory(opleiding=opleiding, aantal_aanmeldingen=3)
    url = reverse("beheer:opleiding", args=[opleiding.pk])
    prefix = f"c{cohort.pk}"
    te_laag = beheer_client.post(url, {"formulier": f"cohort-{cohort.pk}", f"{prefix}-capaciteit": "2"})
    assert "Er zijn al 3 plaatsen bezet" in te_laag.text
    beheer_client.post(
        url, {"formulier": f"cohort-{cohort.pk}", f"{prefix}-capaciteit": "25", f"{prefix}-toegangscode": "GEHEIM1"}
    )
    cohort.refresh_from_db()
    assert (cohort.capaciteit, cohort.toegangscode, cohort.door_instelling_ingesteld) == (25, "GEHEIM1", True)

    from collections import Counter

    from voorzieningen.catalogus.importers.apply import _upsert_cohorten

    velden = {
        "status": "O",
        "begindatum": cohort.begindatum,
        "aanmelden_vanaf": cohort.aanmelden_vanaf,
        "aanmelden_tot": cohort.aanmelden_tot,
        "einddatum": None,
        "toegangscode": "",
        "capaciteit": None,
    }
    _upsert_cohorten({(opleiding.pk, cohort.code): velden}, Counter())
    cohort.refresh_from_db()
    assert (cohort.capaciteit, cohort.toegangscode) == (25, "GEHEIM1")


def test_deeplink_generator_and_return_links_per_programme(beheer_client, instelling, settings):
    from voorzieningen.instellingen.models import Instellingsconfiguratie, OpleidingRetourlinks

    Instellingsconfiguratie.objects.create(instelling=instelling, toegestane_domeinen="roc.example")
    opleiding = OpleidingFactory(aanbieder=AanbiederFactory(instelling=instelling))
    cohort = CohortFactory(opleiding=opleiding)
    url = reverse("beheer:opleiding", args=[opleiding.pk])
    pagina = beheer_client.get(url, {"cohort": cohort.code, "return_url": "https://www.roc.example/opleiding"})
    link = pagina.context["deeplink"]
    assert link.startswith(settings.PUBLIC_BASE_URL + reverse("aanmelden:start", args=[opleiding.code]))
    assert f"cohort={cohort.code}" in link and "returnUrl=https%3A%2F%2Fwww.roc.example%2Fopleiding" in link
    assert 'data-kopieer="deeplink-url"' in pagina.text
    buiten = beheer_client.get(url, {"return_url": "https://evil.example/"})
    assert "niet binnen de toegestane domeinen" in buiten.text and not buiten.context["deeplink"]
    beheer_client.post(url, {"formulier": "retour", "retour_url_succes": "https://www.roc.example/dank"})
    assert OpleidingRetourlinks.objects.get(opleiding=opleiding).retour_url_succes == "https://www.roc.example/dank"
    andere = OpleidingFactory()
    assert beheer_client.get(reverse("beheer:opleiding", args=[andere.pk])).status_code == 404


def test_whitelist_from_the_programme_list(beheer_client, instelling):
    a, b = (OpleidingFactory(aanbieder=AanbiederFactory(instelling=instelling)) for _ in range(2))
    vreemd = OpleidingFactory()
    beheer_client.post(reverse("beheer:opleidingen"), {"whitelist": [a.pk, vreemd.pk]})
    assert set(instelling.whitelist.all()) == {a}
    beheer_client.post(reverse("beheer:opleidingen"), {"whitelist": [b.pk]})
    assert set(instelling.whitelist.all()) == {b}
    assert Cohort.objects.count() == 0


def test_reconciliation_upload_shows_differences_explained_and_downloads_them(beheer_client, instelling, eigen, vreemd):
    from django.core.files.uploadedfile import SimpleUploadedFile

    ingetrokken = _aanmelding(instelling, "Weg", status=Status.WITHDRAWN)
    export = (
        f"\ufeffcaKetenId;status\n{eigen.ca_keten_id};Ontvangen\n{vreemd.ca_keten_id};Ingediend\nabc;Ingediend\n"
    ).encode()
    url = reverse("beheer:afstemming")
    pagina = beheer_client.post(url, {"bestand": SimpleUploadedFile("sis.csv", export, "text/csv")})
    assert pagina.status_code == 200
    groepen = {g.sleutel: g.aantal for g in pagina.context["resultaat"].groepen}
    assert groepen["status_verschilt"] == 1 and groepen["andere_instelling"] == 1 and groepen["ingetrokken"] == 1
    assert "Vreemdeling" not in pagina.text and str(ingetrokken.ca_keten_id) in pagina.text
    assert "regel 4" in pagina.text  # the bad id, with its line number
    download = beheer_client.post(url, {"bestand": SimpleUploadedFile("sis.csv", export), "als_csv": "on"})
    assert download["Content-Disposition"].startswith("attachment")
    assert "Status verschilt" in b"".join(download.streaming_content).decode("utf-8-sig")
    zonder_id = beheer_client.post(url, {"bestand": SimpleUploadedFile("sis.csv", b"naam;status\nPiet;Ingediend\n")})
    assert "Geen kolom caKetenId of ketenId gevonden" in zonder_id.text


def test_a_webhook_gets_a_signing_secret_and_the_stub_sis_switch_is_saved(beheer_client, eigen):
    kp = Koppelpunt.objects.get(instelling=eigen.instelling)
    response = beheer_client.post(
        reverse("beheer:koppelpunt", args=[kp.pk]),
        {"geldig_vanaf": "2026-01-01T00:00", "actief": "on", "stub_sis": "on", "webhook_url": "http://sis.example/x"},
    )
    assert "Een webhook moet https gebruiken." in response.text
    beheer_client.post(
        reverse("beheer:koppelpunt", args=[kp.pk]),
        {"geldig_vanaf": "2026-01-01T00:00", "actief": "on", "stub_sis": "on", "webhook_url": "https://sis.example/x"},
    )
    kp.refresh_from_db()
    assert kp.stub_sis and kp.webhook_url == "https://sis.example/x" and len(kp.webhook_geheim) > 30
    assert kp.code == eigen.instelling.brin  # the code is fixed once the SIS holds it


def test_statistics_and_multiple_application_pages_show_only_suppressed_aggregates(beheer_client, instelling, vreemd):
    for i in range(7):
        _aanmelding(instelling, f"Student{i}", status=Status.ENROLLED if i < 2 else Status.SUBMITTED)
    stats = beheer_client.get(reverse("beheer:statistieken"))
    assert stats.status_code == 200
    per_status = {str(p.label): str(p.cel) for p in stats.context["cijfers"].per_status.punten}
    assert per_status["Ingediend"] == "5" and per_status["Ingeschreven"] == "< 5"
    assert stats.text.count('class="staaf"') >= 2 and "Student1" not in stats.text
    analyse = beheer_client.get(reverse("beheer:meervoudig"))
    assert analyse.status_code == 200 and str(analyse.context["analyse"].instelling.aanmeldingen) == "7"
    assert "Student" not in analyse.text and "geen historische gegevens" in analyse.text


def test_the_list_pages_and_keeps_its_filters(beheer_client, instelling, monkeypatch):
    from voorzieningen.instellingen import views

    monkeypatch.setattr(views, "PER_PAGINA", 2)
    for i in range(3):
        _aanmelding(instelling, f"Student{i}")
    eerste = beheer_client.get(reverse("beheer:aanmeldingen"), {"status": "SUBMITTED"})
    assert "Pagina 1 van 2" in eerste.text and "status=SUBMITTED&amp;pagina=2" in eerste.text
    tweede = beheer_client.get(reverse("beheer:aanmeldingen"), {"status": "SUBMITTED", "pagina": 2})
    assert sum(f"Student{i}" in tweede.text for i in range(3)) == 1
