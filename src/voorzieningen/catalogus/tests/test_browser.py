import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_find_a_programme_in_the_catalogue(browser_page, live_server):
    from django.core.management import call_command

    from voorzieningen.catalogus.services import portal_opleidingen

    call_command("load_demo")
    target = portal_opleidingen().filter(actief=True).first()
    page = browser_page
    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Vind je mbo-opleiding"
    page.get_by_label("Zoek op naam of crebo").fill(target.kwalificatie.crebo)
    page.get_by_role("button", name="Zoeken").click()
    page.get_by_role("link", name=target.wervingsnaam).first.click()
    page.wait_for_url("**/opleidingen/**")
    assert page.locator("h1").inner_text() == target.wervingsnaam
    assert target.kwalificatie.crebo in page.content()
