"""The staff admin for members: admission with reasons, contact persons inline, notice, the round's status board."""

import datetime

import pytest

from voorzieningen.cooperatie.models import Bevestigingsronde, Contactpersoon, Lid, Raadszetel
from voorzieningen.core.models import AuditLogEntry

from .factories import ContactpersoonFactory, CooperatieFactory, KamerFactory, LidFactory, PoVoCooperatieFactory

pytestmark = pytest.mark.django_db


def _lid_data(cooperatie, **extra):
    data = {
        "cooperatie": cooperatie.pk,
        "naam": "ROC Nieuw",
        "soort": "mbo",
        "publiek_bekostigd": "on",
        "mbo_raad_lid": "on",
        "aanbestedende_dienst": "on",
        "begindatum": "2026-01-01",
        "contactpersonen-TOTAL_FORMS": "1",
        "contactpersonen-INITIAL_FORMS": "0",
        "contactpersonen-MIN_NUM_FORMS": "1",
        "contactpersonen-0-naam": "Ans",
        "contactpersonen-0-email": "ans@roc.example",
        "contactpersonen-0-av_vertegenwoordiger": "on",
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def test_adding_a_member_with_a_contact_person_warns_about_the_second(admin_client):
    cooperatie = CooperatieFactory()
    antwoord = admin_client.post("/admin/cooperatie/lid/add/", _lid_data(cooperatie), follow=True)
    lid = Lid.objects.get(naam="ROC Nieuw")
    assert lid.contactpersonen.get().email == "ans@roc.example"
    assert "heeft één contactpersoon" in antwoord.text


def test_adding_a_member_that_does_not_qualify_shows_the_reasons(admin_client):
    cooperatie = CooperatieFactory()
    antwoord = admin_client.post("/admin/cooperatie/lid/add/", _lid_data(cooperatie, mbo_raad_lid=None))
    assert antwoord.status_code == 200
    assert "Lidmaatschap geweigerd" in antwoord.text and "geen lid van de MBO Raad" in antwoord.text
    assert not Lid.objects.exists()


def test_a_member_without_contact_person_is_refused(admin_client):
    cooperatie = CooperatieFactory()
    data = _lid_data(cooperatie, **{"contactpersonen-TOTAL_FORMS": "0", "contactpersonen-MIN_NUM_FORMS": "0"})
    antwoord = admin_client.post("/admin/cooperatie/lid/add/", data)
    assert "ten minste één contactpersoon" in antwoord.text
    assert not Lid.objects.exists()


def _wijzig_data(lid, contacten, **per_form):
    data = {
        "naam": lid.naam,
        "soort": lid.soort,
        "publiek_bekostigd": "on",
        "mbo_raad_lid": "on",
        "aanbestedende_dienst": "on",
        "contactpersonen-TOTAL_FORMS": str(len(contacten)),
        "contactpersonen-INITIAL_FORMS": str(sum(1 for c in contacten if c.pk)),
        "contactpersonen-MIN_NUM_FORMS": "1",
    }
    for i, c in enumerate(contacten):
        prefix = f"contactpersonen-{i}-"
        data.update({prefix + "naam": c.naam, prefix + "email": c.email, prefix + "lid": lid.pk})
        if c.pk:
            data[prefix + "id"] = c.pk
        for rol in ("primair", "av_vertegenwoordiger", "financieel"):
            if getattr(c, rol):
                data[prefix + rol] = "on"
    for sleutel, waarde in per_form.items():
        data[sleutel] = waarde
    return data


def test_removing_the_last_contact_person_inline_is_refused(admin_client):
    contact = ContactpersoonFactory()
    lid = contact.lid
    antwoord = admin_client.post(
        f"/admin/cooperatie/lid/{lid.pk}/change/", _wijzig_data(lid, [contact], **{"contactpersonen-0-DELETE": "on"})
    )
    assert antwoord.status_code == 200 and "ten minste één contactpersoon" in antwoord.text
    assert Contactpersoon.objects.filter(pk=contact.pk).exists()


def test_replacing_the_contact_person_in_one_save_works(admin_client):
    contact = ContactpersoonFactory(primair=True, av_vertegenwoordiger=True)
    lid = contact.lid
    nieuw = Contactpersoon(naam="Nieuw", email="nieuw@roc.example", primair=True, av_vertegenwoordiger=True)
    data = _wijzig_data(lid, [contact, nieuw], **{"contactpersonen-0-DELETE": "on"})
    antwoord = admin_client.post(f"/admin/cooperatie/lid/{lid.pk}/change/", data, follow=True)
    assert antwoord.status_code == 200
    assert list(lid.contactpersonen.values_list("email", "primair", "av_vertegenwoordiger")) == [
        ("nieuw@roc.example", True, True)
    ]


def test_two_representatives_in_the_form_are_refused(admin_client):
    contact = ContactpersoonFactory(av_vertegenwoordiger=True)
    lid = contact.lid
    tweede = Contactpersoon(naam="Twee", email="twee@roc.example", av_vertegenwoordiger=True)
    antwoord = admin_client.post(f"/admin/cooperatie/lid/{lid.pk}/change/", _wijzig_data(lid, [contact, tweede]))
    assert "één vertegenwoordiger" in antwoord.text
    assert lid.contactpersonen.count() == 1


def test_viewing_a_member_logs_reading_its_contact_persons(admin_client):
    contact = ContactpersoonFactory()
    assert admin_client.get(f"/admin/cooperatie/lid/{contact.lid.pk}/change/").status_code == 200
    assert AuditLogEntry.objects.filter(action="read", object_id=str(contact.pk), actor_type="person").exists()
    admin_client.get("/admin/cooperatie/contactpersoon/")
    lijst = AuditLogEntry.objects.get(action="read", reason="Beheerder bekijkt contactpersoon (lijst)")
    assert lijst.extra["ids"] == [str(contact.pk)]


def test_the_last_contact_person_has_no_delete_button(admin_client):
    contact = ContactpersoonFactory()
    assert admin_client.get(f"/admin/cooperatie/contactpersoon/{contact.pk}/delete/").status_code == 403
    tweede = ContactpersoonFactory(lid=contact.lid)
    admin_client.post(f"/admin/cooperatie/contactpersoon/{tweede.pk}/delete/", {"post": "yes"})
    assert not Contactpersoon.objects.filter(pk=tweede.pk).exists()
    assert AuditLogEntry.objects.filter(action="delete", object_id=str(tweede.pk)).exists()


def test_notice_through_the_admin(admin_client):
    lid = LidFactory(cooperatie=CooperatieFactory(opzegtermijn_cooperatie_maanden=6))
    url = f"/admin/cooperatie/lid/{lid.pk}/opzeggen/"
    pagina = admin_client.get(url)
    assert pagina.status_code == 200 and "voldoet aan de voorwaarden" in pagina.text
    fout = admin_client.post(url, {"door": "cooperatie", "opgezegd_op": "2026-03-15", "reden": ""})
    assert "Vermeld waarom" in fout.text
    admin_client.post(url, {"door": "cooperatie", "opgezegd_op": "2026-03-15", "reden": "Geen bekostiging meer"})
    lid.refresh_from_db()
    assert lid.einddatum == datetime.date(2026, 9, 14) and lid.opgezegd_door == "cooperatie"


def test_check_conditions_action(admin_client):
    lid = LidFactory(publiek_bekostigd=False)
    antwoord = admin_client.post(
        "/admin/cooperatie/lid/", {"action": "toets_toelating", "_selected_action": [lid.pk]}, follow=True
    )
    assert "publiek bekostigde" in antwoord.text


def test_starting_the_round_in_the_admin_and_the_status_board(admin_client, outbox_direct, mailoutbox):
    cooperatie = CooperatieFactory()
    ContactpersoonFactory(lid=LidFactory(cooperatie=cooperatie, naam="ROC Stil"), email="stil@roc.example")
    antwoord = admin_client.post(
        "/admin/cooperatie/bevestigingsronde/add/", {"cooperatie": cooperatie.pk, "jaar": 2026}, follow=True
    )
    ronde = Bevestigingsronde.objects.get()
    assert len(mailoutbox) == 1 and "1 contactpersonen" in antwoord.text
    assert "ROC Stil" in antwoord.text and "niet bevestigd" in antwoord.text
    mailoutbox.clear()
    admin_client.post(f"/admin/cooperatie/bevestigingsronde/{ronde.pk}/status/", {"actie": "herinner"})
    assert len(mailoutbox) == 1 and mailoutbox[0].subject.startswith("Herinnering")
    # the same year again completes the round instead of failing
    admin_client.post("/admin/cooperatie/bevestigingsronde/add/", {"cooperatie": cooperatie.pk, "jaar": 2026})
    assert Bevestigingsronde.objects.count() == 1


def test_council_seats_in_the_admin(admin_client):
    cooperatie = PoVoCooperatieFactory()
    kamer = KamerFactory(cooperatie=cooperatie, soorten=["po"], zetels=1)
    lid = LidFactory(cooperatie=cooperatie, soort="po", kamer=kamer, mbo_raad_lid=False)
    contact = ContactpersoonFactory(lid=lid)
    admin_client.post(
        "/admin/cooperatie/raadszetel/add/",
        {"kamer": kamer.pk, "lid": lid.pk, "contactpersoon": contact.pk, "begindatum": "2026-01-01"},
    )
    zetel = Raadszetel.objects.get()
    assert f"1 van de 36 zetels bezet ({kamer.naam} 1/1)" in admin_client.get("/admin/cooperatie/raadszetel/").text
    tweede = LidFactory(cooperatie=cooperatie, soort="po", kamer=kamer, mbo_raad_lid=False)
    antwoord = admin_client.post(
        "/admin/cooperatie/raadszetel/add/",
        {
            "kamer": kamer.pk,
            "lid": tweede.pk,
            "contactpersoon": ContactpersoonFactory(lid=tweede).pk,
            "begindatum": "2026-01-01",
        },
    )
    assert "Alle 1 zetels" in antwoord.text
    admin_client.post("/admin/cooperatie/raadszetel/", {"action": "beeindig", "_selected_action": [zetel.pk]})
    zetel.refresh_from_db()
    assert zetel.einddatum is not None


def test_cooperative_configuration_in_the_admin(admin_client):
    cooperatie = CooperatieFactory()
    pagina = admin_client.get(f"/admin/cooperatie/cooperatie/{cooperatie.pk}/change/")
    assert pagina.status_code == 200 and 'value="mbo"' in pagina.text
