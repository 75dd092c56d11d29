"""Under overload, in a real browser with axe-core: the receipt of a queued submit, the overview listing it,
and the friendly page instead of the catalogue."""

import pytest

from voorzieningen.aanmelden import services, tasks
from voorzieningen.aanmelden.models import IngediendInWachtrij
from voorzieningen.catalogus.tests.factories import CohortFactory
from voorzieningen.core import overbelasting
from voorzieningen.core.services import Actor
from voorzieningen.identiteit.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def druk():
    overbelasting.zet_vlag("aan", 600)
    yield
    overbelasting.zet_vlag(None)


def test_queued_submit_overview_and_shed_page_are_accessible(browser_page, live_server, axe, druk, monkeypatch):
    monkeypatch.setattr(tasks.verwerk_wachtrij, "delay", lambda: None)  # no worker: it stays in the queue
    page = browser_page
    cohort = CohortFactory()
    page.goto(f"{live_server.url}/digid/acs/?bsn=999990019&next=/mijn-aanmeldingen/")  # the stub's answer
    aanmelder = services.aanmelder_voor(User.objects.get(bsn="999990019"))
    services.haal_duo_gegevens(aanmelder, Actor.system("test"))
    services.bewaar_contact(aanmelder, "sanne@example.nl", "0612345678", Actor.system("test"))
    concept = services.start_concept(aanmelder, cohort)
    for stap in services.stappen(concept)[:-1]:
        services.markeer_stap(concept, stap.slug)

    page.goto(f"{live_server.url}/aanmelden/{concept.token}/controleren/")
    page.get_by_role("button", name="Aanmelding indienen").click()
    page.wait_for_selector("#ontvangen-op")
    assert "Je aanmelding is ontvangen" in page.content()
    assert page.locator("#kenmerk").inner_text() == str(concept.token)
    axe()
    assert IngediendInWachtrij.objects.get().token == concept.token

    page.get_by_role("link", name="Naar mijn aanmeldingen").click()
    page.wait_for_url("**/mijn-aanmeldingen/")
    assert "Ontvangen, wordt verwerkt" in page.content()
    axe()

    antwoord = page.goto(f"{live_server.url}/?q=zorg")
    assert antwoord.status == 503 and antwoord.headers["retry-after"] == "30"
    assert page.get_by_role("heading", name="Het is nu erg druk").is_visible()
    axe()
