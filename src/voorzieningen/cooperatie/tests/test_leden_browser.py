"""The yearly confirmation in Debian's Chromium: a contact person corrects and confirms through the personal link."""

import re

import pytest

from voorzieningen.cooperatie import leden
from voorzieningen.cooperatie.models import Bevestiging
from voorzieningen.core.services import Actor

from .factories import ContactpersoonFactory, CooperatieFactory, LidFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_contact_person_corrects_and_confirms(browser_page, live_server, axe, outbox_direct, mailoutbox):
    page = browser_page
    cooperatie = CooperatieFactory()
    lid = LidFactory(cooperatie=cooperatie, naam="ROC Bevestig")
    contact = ContactpersoonFactory(lid=lid, email="piet@roc.example", primair=True)
    ContactpersoonFactory(lid=lid, email="collega@roc.example")
    leden.start_ronde(cooperatie, 2026, actor=Actor.system("test"))
    mail = next(m for m in mailoutbox if m.to == ["piet@roc.example"])
    token = re.search(r"/cooperatie/bevestigen/([^/\s]+)/", mail.body).group(1)

    page.goto(f"{live_server.url}/cooperatie/bevestigen/{token}/")
    assert "ROC Bevestig" in page.inner_text("main")
    axe()
    page.fill("#id_email", "collega@roc.example")
    page.click("button:has-text('Gegevens bevestigen')")
    page.wait_for_selector("#foutmeldingen")
    assert "gebruikt dit e-mailadres al" in page.inner_text("#foutmeldingen")
    axe()
    page.fill("#id_email", "piet.nieuw@roc.example")
    page.fill("#id_telefoon", "06 11122233")
    page.click("button:has-text('Gegevens bevestigen')")
    page.wait_for_selector("text=Uw gegevens zijn bevestigd")
    assert page.locator("#bevestigd-op").is_visible()
    axe()
    contact.refresh_from_db()
    assert (contact.email, contact.telefoon) == ("piet.nieuw@roc.example", "06 11122233")
    assert Bevestiging.objects.get(contactpersoon=contact).gecorrigeerd

    page.goto(f"{live_server.url}/cooperatie/bevestigen/onbekend/")
    axe()
