"""An AV vote end to end in Debian's Chromium: an advance vote through the personal link, the secretary records
attendance and votes in the admin and closes the vote, the representative reads the result and the rule."""

import re

from django.test import Client

import pytest

from voorzieningen.conftest import verifieer_2fa
from voorzieningen.cooperatie import av
from voorzieningen.cooperatie.models import Voorstel
from voorzieningen.core.services import Actor
from voorzieningen.identiteit.models import User

from .factories import (
    AgendapuntFactory,
    CooperatieFactory,
    LidFactory,
    VergaderingFactory,
    VertegenwoordigerFactory,
    VoorstelFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def av_met_links(outbox_direct):
    cooperatie = CooperatieFactory(naam="Coöperatie Mbo Voorzieningen U.A.")
    leden = [LidFactory(cooperatie=cooperatie, naam=naam) for naam in ("ROC Aa", "ROC Bee", "ROC Cee")]
    for lid in leden:
        VertegenwoordigerFactory(lid=lid)
    vergadering = VergaderingFactory(cooperatie=cooperatie, locatie="Utrecht")
    punt = AgendapuntFactory(vergadering=vergadering, titel="Jaarplan en begroting")
    voorstel = VoorstelFactory(vergadering=vergadering, agendapunt=punt, titel="Jaarplan 2027 vaststellen")
    verstuurd, _zonder = av.stuur_links(vergadering, actor=Actor.system("test"))
    tokens = {link.lid.naam: token for link, token in verstuurd}
    return vergadering, voorstel, leden, tokens


def _als_medewerker(page, live_server):
    medewerker = User.objects.create_superuser("secretaris", email="secretaris@coop.example", password="x" * 16)
    client = verifieer_2fa(Client(), medewerker)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_advance_vote_attendance_votes_close_and_result(browser_page, live_server, axe, av_met_links):
    page = browser_page
    vergadering, voorstel, leden, tokens = av_met_links
    lid_url = f"{live_server.url}/cooperatie/vergadering/{tokens['ROC Aa']}/"

    # the representative of ROC Aa votes in advance
    page.goto(lid_url)
    assert "Jaarplan 2027 vaststellen" in page.inner_text("main")
    axe()
    page.check(f"#id_voorstel_{voorstel.pk}_0")  # voor
    page.click("button:has-text('Stemmen opslaan')")
    page.wait_for_selector("text=Uw stemmen zijn opgeslagen")
    assert "voor (vooraf uitgebracht)" in page.inner_text("#voorstellen")
    axe()

    # the secretary opens the meeting, records attendance and the votes in the room, and closes the vote
    _als_medewerker(page, live_server)
    page.goto(f"{live_server.url}/admin/cooperatie/vergadering/{vergadering.pk}/afhandelen/")
    page.click("#vergadering-openen")
    page.wait_for_selector("text=De vergadering is geopend")
    page.check(f"#aanwezigheid input[value='{leden[1].pk}']")
    page.check(f"#aanwezigheid input[value='{leden[2].pk}']")
    page.click("#aanwezigheid input[type='submit']")
    page.wait_for_selector("text=2 leden aanwezig")
    page.click(f"a:has-text('{voorstel.titel}')")
    assert "voor (vooraf uitgebracht)" in page.inner_text("#stemming")
    page.select_option(f"#id_lid_{leden[1].pk}", "voor")
    page.select_option(f"#id_lid_{leden[2].pk}", "tegen")
    page.click("#stemming-sluiten")
    page.wait_for_selector("text=Stemming gesloten")
    assert re.search(r"aangenomen\s*:\s*2 voor, 1 tegen, 0 onthouding", page.inner_text("#uitslag"))
    voorstel.refresh_from_db()
    assert (voorstel.uitslag, voorstel.consensus) == (Voorstel.Uitslag.AANGENOMEN, False)

    # the representative sees the result with the counts and the rule applied
    page.goto(lid_url)
    axe()
    page.click("#voorstellen a:has-text('aangenomen')")
    page.wait_for_selector("#uitslag")
    assert page.inner_text("#uitslag").startswith("Het voorstel is aangenomen")
    assert (page.inner_text("#voor"), page.inner_text("#tegen"), page.inner_text("#onthouding")) == ("2", "1", "0")
    assert "ten minste 2." in page.inner_text("#toelichting")  # 2/3 of 3 participants
    assert "ten minste 2/3 van de deelnemende leden" in page.inner_text("#besluitregel")
    axe()

    # after the meeting: decisions list and minutes
    av.sluit_vergadering(vergadering, actor=Actor.system("test"))
    vergadering.notulen = "De voorzitter opent de vergadering.\n\nHet jaarplan wordt vastgesteld."
    vergadering.save()
    av.publiceer_notulen(vergadering, actor=Actor.system("test"))
    page.goto(f"{live_server.url}/cooperatie/vergadering/{tokens['ROC Bee']}/besluitenlijst/")
    assert "Jaarplan 2027 vaststellen" in page.inner_text("#besluiten")
    axe()
    page.click("main a:has-text('Algemene vergadering')")
    page.wait_for_selector("#notulen")
    assert "Het jaarplan wordt vastgesteld." in page.inner_text("#notulen")
    axe()
    page.goto(f"{live_server.url}/cooperatie/vergadering/onbekend/")
    axe()
    assert len(axe.checked) == 7
