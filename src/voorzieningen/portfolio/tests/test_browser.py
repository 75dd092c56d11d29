"""Portfolio regie in Debian's Chromium: the map and overlap pages and a case page, checked with axe (WCAG 2.1 AA)
and under the strict Content Security Policy (the browser_page fixture fails on any refused inline code)."""

import datetime

from django.conf import settings as django_settings
from django.test import Client

import pytest

from voorzieningen.conftest import verifieer_2fa
from voorzieningen.portfolio import overleg

from .factories import bevolking, bied_aan, schrijf_in
from .test_overleg import aankondiging, beheerder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_map_overlap_and_a_case(browser_page, live_server, axe, wereld, outbox_direct):
    w = wereld
    a = bied_aan(w.roc_a, w.kok, w.utrecht)
    b = bied_aan(w.roc_b, w.kok, w.utrecht)
    bied_aan(w.roc_b, w.ict, w.groningen)
    schrijf_in(a, 2025, 60)
    schrijf_in(b, 2025, 40)
    bevolking(w.utrecht, datetime.date.today().year, 2000)
    page = browser_page

    page.goto(f"{live_server.url}/portfolio/kaart/")
    assert page.locator("figure.pf-kaart svg circle.pf-stip").count() >= 3
    axe()
    page.get_by_label("Crebo (vijf cijfers)").fill("25180")
    page.get_by_role("button", name="Toon").click()
    page.wait_for_url("**/portfolio/kaart/?crebo=25180**")
    assert "ROC A" in page.inner_text("table")
    axe()

    page.get_by_role("link", name="Overlap", exact=True).click()
    page.wait_for_url("**/portfolio/overlap/")
    assert "25180 Kok" in page.content()
    axe()

    for pad in (
        "bereikbaarheid/",
        "bereikbaarheid/?crebo=25180",
        "signalen/",
        "",
        f"impact/?soort=stop&instelling={w.roc_a.pk}&crebo=25180&gemeente=0344",
    ):
        page.goto(f"{live_server.url}/portfolio/{pad}")
        axe()

    ingang = datetime.date.today() + datetime.timedelta(days=300)
    casus = overleg.kondig_aan(w.roc_a, aankondiging(w, beoogde_ingang=ingang))
    client = verifieer_2fa(Client(), beheerder(w.roc_b, "b@roc.example"))
    page.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(f"{live_server.url}/portfolio/instelling/aankondigen/")
    axe()
    page.goto(f"{live_server.url}/portfolio/instelling/casus/{casus.pk}/")
    assert casus.nummer in page.inner_text("h1")
    axe()
    page.get_by_label("Uw standpunt").select_option("bezwaar")
    page.get_by_label("Toelichting", exact=True).fill("De reistijd voor onze studenten wordt te lang.")
    page.get_by_role("button", name="Reactie plaatsen").click()
    page.wait_for_url(f"**/portfolio/instelling/casus/{casus.pk}/")
    assert "De reistijd voor onze studenten wordt te lang." in page.inner_text(".pf-gesprek")
    axe()
