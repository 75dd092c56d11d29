"""The yearly confirmation round: personal links by e-mail, confirm or correct, reminders, the status board."""

import datetime
import re

from django.utils import timezone

import pytest
from freezegun import freeze_time

from voorzieningen.cooperatie import leden, tasks
from voorzieningen.cooperatie.models import Bevestiging, Contactpersoon
from voorzieningen.core.models import AuditLogEntry
from voorzieningen.core.services import Actor
from voorzieningen.core.sleutels import hash_van

from .factories import ContactpersoonFactory, CooperatieFactory, LidFactory

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")


def _token(mail) -> str:
    return re.search(r"/cooperatie/bevestigen/([^/\s]+)/", mail.body).group(1)


@pytest.fixture
def cooperatie():
    return CooperatieFactory()


@pytest.fixture
def contacten(cooperatie):
    lid = LidFactory(cooperatie=cooperatie, naam="ROC Een")
    anders = LidFactory(cooperatie=cooperatie, naam="ROC Twee")
    return [
        ContactpersoonFactory(lid=lid, email="a@een.example", primair=True),
        ContactpersoonFactory(lid=lid, email="b@een.example"),
        ContactpersoonFactory(lid=anders, email="c@twee.example"),
    ]


def test_the_round_mails_every_contact_person_of_current_members(cooperatie, contacten, outbox_direct, mailoutbox):
    oud = LidFactory(cooperatie=cooperatie, einddatum=datetime.date(2020, 12, 31))
    ContactpersoonFactory(lid=oud, email="weg@oud.example")
    ContactpersoonFactory(lid=LidFactory(), email="ander@coop.example")  # another cooperative's member
    ronde, aantal = leden.start_ronde(cooperatie, 2026, actor=ACTOR)
    assert aantal == 3
    assert sorted(m.to[0] for m in mailoutbox) == ["a@een.example", "b@een.example", "c@twee.example"]
    assert "ROC Een" in mailoutbox[0].subject or "ROC Een" in mailoutbox[1].subject
    token = _token(mailoutbox[0])
    bevestiging = Bevestiging.objects.get(sleutel_hash=hash_van(token))
    assert bevestiging.ronde == ronde and token not in bevestiging.sleutel_hash  # only the hash is stored


def test_starting_again_mails_only_new_contact_persons(cooperatie, contacten, outbox_direct, mailoutbox):
    leden.start_ronde(cooperatie, 2026, actor=ACTOR)
    mailoutbox.clear()
    nieuw = ContactpersoonFactory(lid=contacten[0].lid, email="nieuw@een.example")
    ronde, aantal = leden.start_ronde(cooperatie, 2026, actor=ACTOR)
    assert aantal == 1 and [m.to[0] for m in mailoutbox] == [nieuw.email]
    assert ronde.bevestigingen.count() == 4


def test_the_link_shows_own_details_and_logs_the_read(client, cooperatie, contacten, outbox_direct, mailoutbox):
    leden.start_ronde(cooperatie, 2026, actor=ACTOR)
    mail = next(m for m in mailoutbox if m.to == ["a@een.example"])
    pagina = client.get(f"/cooperatie/bevestigen/{_token(mail)}/")
    assert pagina.status_code == 200
    assert "a@een.example" in pagina.text and "b@een.example" not in pagina.text
    assert AuditLogEntry.objects.filter(
        action="read", object_id=str(contacten[0].pk), actor_id=f"cooperatie.contactpersoon:{contacten[0].pk}"
    ).exists()


def test_confirming_without_changes(client, cooperatie, contacten, outbox_direct, mailoutbox):
    leden.start_ronde(cooperatie, 2026, actor=ACTOR)
    contact = contacten[2]
    token = _token(next(m for m in mailoutbox if m.to == [contact.email]))
    antwoord = client.post(
        f"/cooperatie/bevestigen/{token}/",
        {"naam": contact.naam, "functie": contact.functie, "email": contact.email, "telefoon": contact.telefoon},
        follow=True,
    )
    assert "Uw gegevens zijn bevestigd" in antwoord.text
    bevestiging = Bevestiging.objects.get(contactpersoon=contact)
    contact.refresh_from_db()
    assert bevestiging.bevestigd_op and not bevestiging.gecorrigeerd and contact.bevestigd_op


def test_correcting_details_updates_the_register(client, cooperatie, contacten, outbox_direct, mailoutbox):
    leden.start_ronde(cooperatie, 2026, actor=ACTOR)
    contact = contacten[2]
    token = _token(next(m for m in mailoutbox if m.to == [contact.email]))
    client.post(
        f"/cooperatie/bevestigen/{token}/",
        {"naam": "C. Nieuwe-Naam", "functie": "Directeur", "email": "C.Nieuw@twee.example", "telefoon": ""},
    )
    contact.refresh_from_db()
    assert (contact.naam, contact.functie, contact.email, contact.telefoon) == (
        "C. Nieuwe-Naam",
        "Directeur",
        "c.nieuw@twee.example",
        "",
    )
    assert Bevestiging.objects.get(contactpersoon=contact).gecorrigeerd
    assert AuditLogEntry.objects.filter(
        action="update", object_id=str(contact.pk), reason="Contactpersoon corrigeert eigen gegevens"
    ).exists()


def test_a_colleagues_email_is_refused_with_a_clear_error(client, cooperatie, contacten, outbox_direct, mailoutbox):
    leden.start_ronde(cooperatie, 2026, actor=ACTOR)
    contact = contacten[1]
    token = _token(next(m for m in mailoutbox if m.to == [contact.email]))
    antwoord = client.post(f"/cooperatie/bevestigen/{token}/", {"naam": contact.naam, "email": "a@een.example"})
    assert antwoord.status_code == 200 and "gebruikt dit e-mailadres al" in antwoord.text
    assert 'id="foutmeldingen"' in antwoord.text
    assert not Bevestiging.objects.get(contactpersoon=contact).bevestigd_op


def test_leaving_is_reported_not_deleted(client, cooperatie, contacten, outbox_direct, mailoutbox):
    ronde, _n = leden.start_ronde(cooperatie, 2026, actor=ACTOR)
    contact = contacten[2]  # the only contact of ROC Twee
    token = _token(next(m for m in mailoutbox if m.to == [contact.email]))
    client.post(
        f"/cooperatie/bevestigen/{token}/",
        {
            "naam": contact.naam,
            "email": contact.email,
            "niet_meer_contactpersoon": "on",
            "opmerking": "Piet neemt over",
        },
    )
    assert Contactpersoon.objects.filter(pk=contact.pk).exists()
    regel = next(r for r in leden.statusbord(ronde, actor=ACTOR) if r.lid == contact.lid)
    assert not regel.bevestigd and regel.afmeldingen[0].opmerking == "Piet neemt over"


def test_unknown_and_closed_links(client, cooperatie, contacten, outbox_direct, mailoutbox):
    assert client.get("/cooperatie/bevestigen/onzin/").status_code == 404
    leden.start_ronde(cooperatie, 2026, actor=ACTOR, sluit_op=timezone.localdate() + datetime.timedelta(days=1))
    token = _token(mailoutbox[0])
    with freeze_time(timezone.now() + datetime.timedelta(days=3)):
        pagina = client.get(f"/cooperatie/bevestigen/{token}/")
        assert pagina.status_code == 410 and "gesloten" in pagina.text
        bevestiging = leden.bevestiging_voor(token)
        with pytest.raises(leden.ContactpersoonFout):
            leden.bevestig(bevestiging, gegevens={})


def test_reminders_after_two_weeks_at_most_twice_with_a_fresh_link(cooperatie, contacten, outbox_direct, mailoutbox):
    ronde, _n = leden.start_ronde(
        cooperatie, 2026, actor=ACTOR, sluit_op=timezone.localdate() + datetime.timedelta(days=60)
    )
    eerste = {m.to[0]: _token(m) for m in mailoutbox}
    bevestigd = Bevestiging.objects.get(contactpersoon=contacten[0])
    leden.bevestig(bevestigd, gegevens={})
    mailoutbox.clear()
    assert leden.herinner() == 0  # too soon
    nu = timezone.now()
    with freeze_time(nu + datetime.timedelta(days=15)):
        assert tasks.herinner_bevestigingen() == 2
        assert {m.to[0] for m in mailoutbox} == {"b@een.example", "c@twee.example"}
        assert all(m.subject.startswith("Herinnering") for m in mailoutbox)
        assert leden.bevestiging_voor(eerste["b@een.example"]) is None  # the old link stopped working
        assert leden.bevestiging_voor(_token(mailoutbox[0])) is not None
        assert leden.herinner() == 0
    with freeze_time(nu + datetime.timedelta(days=30)):
        assert leden.herinner() == 2
    with freeze_time(nu + datetime.timedelta(days=45)):
        assert leden.herinner() == 0  # two reminders is the maximum
        assert leden.herinner(ronde=ronde, forceer=True) == 2  # staff may still press the button
    assert Bevestiging.objects.get(contactpersoon=contacten[1]).herinneringen == 3


def test_no_reminders_after_the_round_closed(cooperatie, contacten, outbox_direct):
    leden.start_ronde(cooperatie, 2026, actor=ACTOR, sluit_op=timezone.localdate() + datetime.timedelta(days=10))
    with freeze_time(timezone.now() + datetime.timedelta(days=15)):
        assert leden.herinner() == 0


def test_status_board_lists_unconfirmed_members_first(cooperatie, contacten, outbox_direct):
    ronde, _n = leden.start_ronde(cooperatie, 2026, actor=ACTOR)
    leden.bevestig(Bevestiging.objects.get(contactpersoon=contacten[0]), gegevens={})
    later = ContactpersoonFactory(lid=contacten[2].lid)
    regels = leden.statusbord(ronde, actor=ACTOR)
    assert [(r.lid.naam, r.bevestigd) for r in regels] == [("ROC Twee", False), ("ROC Een", True)]
    assert regels[0].contactpersonen_zonder_link == [later]
    assert [b.contactpersoon for b in regels[1].openstaand] == [contacten[1]]
    assert AuditLogEntry.objects.filter(action="read", reason__startswith="Statusbord").exists()
    assert leden.ronde_telling(ronde) == {"totaal": 3, "bevestigd": 1}
