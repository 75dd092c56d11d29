"""The data-breach protocol: report → assess → notify within 72 hours → close, with the FG alerted on time."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

import pytest
from freezegun import freeze_time

from voorzieningen.core.models import AuditLogEntry
from voorzieningen.privacy import datalekken
from voorzieningen.privacy.models import Datalek

pytestmark = pytest.mark.django_db
ONTDEKT = timezone.make_aware(datetime.datetime(2026, 11, 2, 9, 0))


def _melding(**kwargs) -> Datalek:
    velden = {
        "titel": "Export met BSN's naar verkeerde instelling gemaild",
        "omschrijving": "Een medewerker mailde een export naar het verkeerde adres.",
        "voorziening": "centraal-aanmelden",
        "ontdekt_op": ONTDEKT,
    }
    return Datalek(**{**velden, **kwargs})


def _beoordeel(d: Datalek, risico=Datalek.Risico.RISICO) -> Datalek:
    d.vertrouwelijkheid = True
    d.categorieen = "BSN, naam"
    d.aantal_betrokkenen = 120
    d.risico = risico
    d.motivering = "BSN's bij een onbevoegde ontvanger."
    return d


def test_a_report_starts_the_clock_at_discovery_and_alerts_the_fg_at_once(admin_user, outbox_direct, mailoutbox):
    with freeze_time(ONTDEKT + datetime.timedelta(hours=5)):
        d = datalekken.bewaar(_melding(), admin_user)
        assert d.fase == Datalek.Fase.GEMELD and d.gemeld_door == admin_user
        assert datalekken.klok(d) == "Nog 67 uur en 0 minuten om te melden"
    assert [m.to for m in mailoutbox] == [["fg@mbovoorzieningen.example"]]
    assert "Nieuw datalek gemeld" in mailoutbox[0].subject and "Nog 67 uur" in mailoutbox[0].body
    assert AuditLogEntry.objects.filter(object_type="privacy.Datalek", action="create").count() == 1


def test_assessment_needs_the_affected_aspect_and_a_reason():
    d = _melding(risico=Datalek.Risico.RISICO)
    assert set(datalekken.fouten(d)) == {"vertrouwelijkheid", "motivering"}
    assert datalekken.fouten(_beoordeel(_melding())) == {}


def test_notification_needs_an_assessment_a_number_and_after_72_hours_a_reason(admin_user):
    d = _melding(ap_gemeld_op=ONTDEKT + datetime.timedelta(hours=10))
    assert set(datalekken.fouten(d)) == {"ap_gemeld_op", "ap_meldnummer"}
    d = _beoordeel(_melding(), Datalek.Risico.RISICO)
    d.ap_gemeld_op, d.ap_meldnummer = ONTDEKT + datetime.timedelta(hours=72, minutes=1), "AP-2026-1234"
    assert set(datalekken.fouten(d)) == {"reden_vertraging"}
    d.ap_gemeld_op = ONTDEKT + datetime.timedelta(hours=72)  # exactly 72 hours is in time
    assert datalekken.fouten(d) == {}
    assert datalekken.klok(d) == "Gemeld bij de AP na 72 uur"
    d.ap_gemeld_op = ONTDEKT - datetime.timedelta(hours=1)
    assert "ap_gemeld_op" in datalekken.fouten(d)


def test_closing_follows_the_risk(admin_user):
    with freeze_time(ONTDEKT + datetime.timedelta(hours=1)):
        d = datalekken.bewaar(_melding(), admin_user)
        with pytest.raises(ValidationError) as fout:
            datalekken.sluit(d, admin_user)
        assert set(fout.value.message_dict) == {"risico", "maatregelen"}

        datalekken.bewaar(_beoordeel(d, Datalek.Risico.HOOG), admin_user)
        assert d.fase == Datalek.Fase.BEOORDEELD and d.beoordeeld_op is not None
        d.maatregelen = "Ontvanger heeft de mail verwijderd en dat bevestigd."
        with pytest.raises(ValidationError) as fout:
            datalekken.sluit(d, admin_user)
        assert set(fout.value.message_dict) == {"ap_gemeld_op", "betrokkenen_geinformeerd_op"}

        d.ap_gemeld_op, d.ap_meldnummer = timezone.now(), "AP-1"
        d.reden_niet_informeren = "De gegevens zijn aantoonbaar onbruikbaar gemaakt (art. 34 lid 3a)."
        datalekken.bewaar(d, admin_user)
        assert d.fase == Datalek.Fase.AP_GEMELD
        datalekken.sluit(d, admin_user)
    assert d.fase == Datalek.Fase.GESLOTEN
    with pytest.raises(ValidationError):
        datalekken.bewaar(d, admin_user)  # closed is closed


def test_no_risk_needs_no_notification_and_stops_the_clock(admin_user):
    d = _beoordeel(_melding(), Datalek.Risico.GEEN)
    d.maatregelen = "Versleutelde laptop teruggevonden."
    datalekken.bewaar(d, admin_user)
    assert datalekken.klok(d) == "Geen melding bij de AP nodig"
    assert datalekken.sluit(d, admin_user).gesloten_op is not None


def test_the_fg_is_warned_once_when_24_of_the_72_hours_are_left(admin_user, outbox_direct, mailoutbox):
    d = datalekken.bewaar(_melding(), admin_user)
    datalekken.bewaar(_beoordeel(_melding(titel="Geen risico"), Datalek.Risico.GEEN), admin_user)
    mailoutbox.clear()
    assert datalekken.bewaak_meldtermijnen(ONTDEKT + datetime.timedelta(hours=47)) == []
    assert datalekken.bewaak_meldtermijnen(ONTDEKT + datetime.timedelta(hours=48)) == [d.pk]
    assert datalekken.bewaak_meldtermijnen(ONTDEKT + datetime.timedelta(hours=60)) == []
    assert len(mailoutbox) == 1 and "Meldtermijn datalek loopt af" in mailoutbox[0].subject
    assert "Nog 24 uur" in mailoutbox[0].body  # and nothing about the breach that needs no notification
    assert datalekken.klok(d, ONTDEKT + datetime.timedelta(hours=80)) == "Meldtermijn 8 uur overschreden"


def test_the_admin_walks_the_protocol_with_dutch_errors_and_the_clock(admin_client, outbox_direct):
    basis = {
        "titel": "Lek",
        "omschrijving": "x",
        "voorziening": "koppelpunt-mbo",
        "ontdekt_op_0": "2026-11-02",
        "ontdekt_op_1": "09:00:00",
    }
    with freeze_time(ONTDEKT + datetime.timedelta(hours=2)):
        response = admin_client.post("/admin/privacy/datalek/add/", basis)
        assert response.status_code == 302
        d = Datalek.objects.get()
        pagina = admin_client.get(f"/admin/privacy/datalek/{d.pk}/change/")
        assert "Nog 70 uur en 0 minuten om te melden" in pagina.text
        response = admin_client.post(f"/admin/privacy/datalek/{d.pk}/change/", {**basis, "afsluiten": "on"})
        assert response.status_code == 200
        assert "Een datalek wordt pas afgesloten na beoordeling van het risico." in response.text
        assert "Beschrijf de genomen maatregelen." in response.text
        compleet = {
            **basis,
            "vertrouwelijkheid": "on",
            "risico": "geen",
            "motivering": "Versleuteld",
            "maatregelen": "Gedicht",
            "afsluiten": "on",
        }
        assert admin_client.post(f"/admin/privacy/datalek/{d.pk}/change/", compleet).status_code == 302
    d.refresh_from_db()
    assert d.fase == Datalek.Fase.GESLOTEN
    assert "Datalek afsluiten" not in admin_client.get(f"/admin/privacy/datalek/{d.pk}/change/").text
