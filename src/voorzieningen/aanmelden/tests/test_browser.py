"""The journey in a real browser (Debian's Chromium via Playwright), with an axe-core check on every step."""

import pytest

from voorzieningen.aanmelden.models import Aanmelding
from voorzieningen.aanmelden.statussen import Status
from voorzieningen.catalogus.tests.factories import CohortFactory
from voorzieningen.identiteit.services import seed_digid_stub
from voorzieningen.instellingen.models import Instellingsconfiguratie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GEHEIM_MELDING = (
    "Het bij DUO gevonden adres is gemarkeerd als geheim. Voer handmatig een adres in dat je wenst te communiceren "
    "met de school."
)


@pytest.fixture
def opleiding_met_school():
    seed_digid_stub()
    cohort = CohortFactory()
    Instellingsconfiguratie.objects.create(
        instelling=cohort.opleiding.aanbieder.instelling,
        toegestane_domeinen="roc-test.nl",
        retour_url_succes="https://www.roc-test.nl/bedankt",
        retour_url_fout="https://www.roc-test.nl/helaas",
    )
    return cohort


def _digid_login(page, bsn):
    page.get_by_role("button", name="Inloggen met DigiD").click()
    page.wait_for_url("**/digid/idp/**")
    page.locator("#authentication_type_account_basis").click()  # 'Met burgerservicenummer'
    option = page.locator("select[name=auth_user] option", has_text=f"({bsn})")
    page.locator("select[name=auth_user]").select_option(value=option.get_attribute("value"))
    page.locator("#submit-button").click()


def _volgende(page, axe=None):
    if axe:
        axe()
    page.get_by_role("button", name="Volgende").click()


def test_deeplink_digid_wizard_submit_overview_withdraw(browser_page, live_server, axe, opleiding_met_school):
    cohort = opleiding_met_school
    page = browser_page
    page.goto(
        f"{live_server.url}/aanmelden/start/{cohort.opleiding.code}/?cohort={cohort.code}"
        "&returnUrl=https://aanmelden.roc-test.nl/klaar&leerlingnummer=42"
    )
    axe()  # login page
    _digid_login(page, "999990019")

    page.wait_for_url("**/persoonsgegevens/")
    assert page.locator("[aria-current=step]").inner_text() == "Persoonsgegevens"
    assert "Jansen" in page.content() and "Oudegracht" in page.content()
    _volgende(page, axe)

    page.wait_for_url("**/contact/")
    page.get_by_role("button", name="Volgende").click()  # empty: the error is linked to the field
    error = page.locator("#id_email_error")
    assert "Vul je e-mailadres in." in error.inner_text()
    assert "id_email_error" in page.get_by_label("E-mailadres").get_attribute("aria-describedby")
    axe()
    page.get_by_label("E-mailadres").fill("sanne@example.nl")
    page.get_by_label("Telefoonnummer").fill("0612345678")
    _volgende(page)

    page.wait_for_url("**/ouders/")
    _volgende(page, axe)
    page.wait_for_url("**/vooropleiding/")
    assert "VMBO kaderberoepsgerichte leerweg" in page.content()
    _volgende(page, axe)

    page.wait_for_url("**/controleren/")
    axe()
    page.get_by_role("button", name="Aanmelding indienen").click()
    page.wait_for_url("**/mijn-aanmeldingen/*/?nieuw=1")
    axe()
    aanmelding = Aanmelding.objects.get()
    assert str(aanmelding.ca_keten_id) in page.content()
    link = page.locator("#terug-naar-school").get_attribute("href")
    assert link.startswith("https://aanmelden.roc-test.nl/klaar?leerlingnummer=42&caKetenId=")

    page.get_by_role("link", name="Naar mijn aanmeldingen").click()
    page.wait_for_url("**/mijn-aanmeldingen/")
    axe()
    page.get_by_role("link", name=cohort.opleiding.wervingsnaam).click()
    page.get_by_role("link", name="Aanmelding intrekken").click()
    axe()
    page.get_by_label("Ja, ik weet het zeker").check()
    page.get_by_role("button", name="Aanmelding intrekken").click()
    page.wait_for_selector("#status")
    assert page.locator("#status").inner_text() == "Ingetrokken"
    aanmelding.refresh_from_db()
    assert aanmelding.status == Status.WITHDRAWN
    assert len(axe.checked) >= 9


def test_secret_address_path(browser_page, live_server, axe, opleiding_met_school):
    cohort = opleiding_met_school
    page = browser_page
    page.goto(f"{live_server.url}/aanmelden/start/{cohort.opleiding.code}/?cohort={cohort.code}")
    _digid_login(page, "999990020")
    page.wait_for_url("**/persoonsgegevens/")
    assert GEHEIM_MELDING in page.locator(".utrecht-alert").first.inner_text()
    assert "Verborgenlaan" not in page.content()
    axe()
    page.get_by_role("button", name="Volgende").click()
    assert page.locator("#foutmeldingen").is_visible()
    axe()
    page.get_by_label("Straat", exact=True).fill("Postbus")
    page.get_by_label("Huisnummer", exact=True).fill("55")
    page.get_by_label("Postcode", exact=True).fill("1000 AA")
    page.get_by_label("Plaats", exact=True).fill("Amsterdam")
    _volgende(page)
    page.wait_for_url("**/contact/")


def test_under_18_path_needs_a_guardian(browser_page, live_server, axe, opleiding_met_school):
    cohort = opleiding_met_school
    page = browser_page
    page.goto(f"{live_server.url}/aanmelden/start/{cohort.opleiding.code}/?cohort={cohort.code}")
    _digid_login(page, "999990032")
    page.wait_for_url("**/persoonsgegevens/")
    _volgende(page)
    page.get_by_label("E-mailadres").fill("lotte@example.nl")
    _volgende(page)
    page.wait_for_url("**/ouders/")
    assert "jonger dan 18" in page.content()
    page.get_by_role("button", name="Volgende").click()
    assert "Vul minstens één ouder of verzorger in" in page.content()
    axe()
    page.locator("#id_ouder1-naam").fill("Petra van der Berg")
    page.locator("#id_ouder1-telefoon").fill("0612345678")
    _volgende(page)
    page.wait_for_url("**/vooropleiding/")
    assert "geen vooropleiding" in page.content()
    _volgende(page, axe)
    page.wait_for_url("**/controleren/")
    assert "Petra van der Berg" in page.content()
    page.get_by_role("button", name="Aanmelding indienen").click()
    page.wait_for_url("**/mijn-aanmeldingen/*/?nieuw=1")
    assert Aanmelding.objects.get().gegevens["ouders"][0]["naam"] == "Petra van der Berg"


def test_interessemelding_path(browser_page, live_server, axe, opleiding_met_school):
    Instellingsconfiguratie.objects.filter().update(registratiecode="ZONDER-BSN-1")
    page = browser_page
    page.goto(f"{live_server.url}/inloggen/")
    page.get_by_role("link", name="Interesse melden met een registratiecode").click()
    axe()
    page.get_by_label("Registratiecode van de school").fill("ZONDER-BSN-1")
    page.get_by_role("button", name="Verder").click()
    page.wait_for_url("**/interessemelding/")
    axe()
    page.get_by_label("Naam", exact=True).fill("Ali Yilmaz")
    page.get_by_label("E-mailadres").fill("ali@example.nl")
    page.get_by_role("button", name="Interesse melden").click()
    assert "Je interesse is gemeld" in page.locator("h1").inner_text()
    axe()


def test_a_refused_return_url_is_never_followed(browser_page, live_server, opleiding_met_school):
    cohort = opleiding_met_school
    page = browser_page
    visited = []

    def external(route):  # the school's and the attacker's sites, without leaving this machine
        visited.append(route.request.url)
        route.fulfill(body="<html lang='nl'><title>extern</title></html>", content_type="text/html")

    page.route("https://**/*", external)
    page.goto(
        f"{live_server.url}/aanmelden/start/{cohort.opleiding.code}/?cohort={cohort.code}"
        "&returnUrl=https://evil.example/steal"
    )
    _digid_login(page, "999990056")
    page.wait_for_url("**/persoonsgegevens/")
    page.get_by_role("link", name="Stoppen met deze aanmelding").click()
    page.get_by_role("button", name="Ja, stoppen").click()
    page.wait_for_url("https://www.roc-test.nl/**", wait_until="commit")
    assert page.url.startswith("https://www.roc-test.nl/helaas") and "evil" not in page.url
    assert not any("evil" in url for url in visited)


def test_bbl_leerbedrijf_and_access_code_steps(browser_page, live_server, axe):
    from voorzieningen.aanmelden import sbb
    from voorzieningen.catalogus.models import Leertraject
    from voorzieningen.catalogus.tests.factories import OpleidingFactory

    seed_digid_stub()
    cohort = CohortFactory(opleiding=OpleidingFactory(leertraject=Leertraject.BBL), toegangscode="BBL-2027")
    bedrijf = sbb.client().leerbedrijven(cohort.opleiding.kwalificatie.crebo)[0]
    page = browser_page
    page.goto(f"{live_server.url}/aanmelden/start/{cohort.opleiding.code}/?cohort={cohort.code}&direct=1")
    _digid_login(page, "999990056")
    page.wait_for_url("**/persoonsgegevens/")
    _volgende(page)
    page.get_by_label("E-mailadres").fill("daan@example.nl")
    _volgende(page)
    _volgende(page)  # guardians: optional at 22
    page.wait_for_url("**/vooropleiding/")
    _volgende(page)
    page.wait_for_url("**/leerbedrijf/")
    assert page.locator("[aria-current=step]").inner_text() == "Leerbedrijf"
    page.get_by_label("Naam van het leerbedrijf").fill(bedrijf.naam)
    page.get_by_role("button", name="Zoeken").click()
    axe()
    page.get_by_label(bedrijf.naam, exact=False).first.check()
    _volgende(page)
    page.wait_for_url("**/toegangscode/")
    page.get_by_label("Toegangscode").fill("fout")
    page.get_by_role("button", name="Volgende").click()
    assert "klopt niet" in page.content()
    axe()
    page.get_by_label("Toegangscode").fill("BBL-2027")
    _volgende(page)
    page.wait_for_url("**/controleren/")
    assert page.get_by_text(bedrijf.naam).count() >= 1
    page.get_by_role("button", name="Aanmelding indienen").click()
    page.wait_for_url("**/mijn-aanmeldingen/*/?nieuw=1")
    assert Aanmelding.objects.get().leerbedrijf["id"] == bedrijf.id
