"""The admin environment in Debian's Chromium: invitation → 2FA enrolment → login → filter → export → charts."""

import base64
import csv
import datetime
import io

import pytest
from django_otp.oath import totp

from voorzieningen.aanmelden.statussen import Status
from voorzieningen.catalogus.tests.factories import AanbiederFactory, CohortFactory, InstellingFactory, OpleidingFactory
from voorzieningen.instellingen import services
from voorzieningen.sis import services as sis
from voorzieningen.sis.models import Aanlevering

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WACHTWOORD = "paard-batterij-nietje-42"


@pytest.fixture
def instelling_met_aanmeldingen(outbox_direct):
    from django.utils import timezone

    from voorzieningen.aanmelden.tests.factories import AanmeldingFactory

    instelling = InstellingFactory(naam="ROC Browser")
    cohort = CohortFactory(opleiding=OpleidingFactory(aanbieder=AanbiederFactory(instelling=instelling)))
    for i in range(6):
        status = [Status.SUBMITTED, Status.RECEIVED, Status.ENROLLED][i % 3]
        aanmelding = AanmeldingFactory(cohort=cohort, status=status)
        sis.leg_klaar(aanmelding)
        if i % 2:
            Aanlevering.objects.filter(aanmelding=aanmelding).update(opgehaald_op=timezone.now())
    AanmeldingFactory(status=Status.SUBMITTED)  # another institution's
    vorig_jaar = CohortFactory(begindatum=datetime.date(2025, 9, 1))  # history for the probability model
    for i in range(30):
        AanmeldingFactory(cohort=vorig_jaar, status=Status.ENROLLED if i % 3 else Status.WITHDRAWN)
    return instelling


def _code(geheim: str, vooruit: int = 0) -> str:
    return f"{totp(base64.b32decode(geheim), drift=vooruit):06d}"


def test_invitation_2fa_login_filter_export_and_charts(browser_page, live_server, axe, instelling_met_aanmeldingen):
    page = browser_page
    _uitnodiging, token = services.nodig_uit(instelling_met_aanmeldingen, "Ans Beheer", "ans@roc.example", None)

    page.goto(f"{live_server.url}/beheer/uitnodiging/{token}/")
    axe()
    page.fill("#id_wachtwoord", WACHTWOORD)
    page.fill("#id_herhaling", WACHTWOORD)
    page.click("button:has-text('Account aanmaken')")

    page.wait_for_url("**/beheer/2fa/instellen/")
    axe()
    page.click("button:has-text('Begin')")
    geheim = page.inner_text("#totp-sleutel").strip()
    assert page.locator("img.qr-code").is_visible()
    axe()
    page.fill("input[name='generator-token']", _code(geheim))
    page.click("button:has-text('Bevestigen')")
    page.wait_for_url(f"{live_server.url}/beheer/")
    assert "ROC Browser" in page.inner_text("h1")

    page.click("button:has-text('Uitloggen')")
    page.wait_for_url("**/beheer/inloggen/")
    axe()
    page.fill("input[name='auth-username']", "ans@roc.example")
    page.fill("input[name='auth-password']", WACHTWOORD)
    page.click("button:has-text('Volgende')")
    # the next time step: a code is accepted once, and the device allows one step of clock drift
    page.fill("input[name='token-otp_token']", _code(geheim, vooruit=1))
    page.click("button:has-text('Inloggen')")
    page.wait_for_url(f"{live_server.url}/beheer/")

    page.click("nav >> text=Aanmeldingen")
    assert "6 aanmeldingen" in page.inner_text("#aantal")
    axe()
    page.check("#id_niet_opgehaald")
    page.click("button:has-text('Filteren')")
    assert "3 aanmeldingen" in page.inner_text("#aantal")
    with page.expect_download() as download:
        page.click("#export-link")
    inhoud = open(download.value.path(), encoding="utf-8-sig").read()
    rijen = list(csv.DictReader(io.StringIO(inhoud), delimiter=";"))
    assert len(rijen) == 3 and all(r["opgehaaldOp"] == "" for r in rijen)

    page.click("nav >> text=Statistieken")
    assert page.locator("svg.grafiek").count() >= 2
    assert page.locator("svg.grafiek rect.staaf").count() >= 1
    axe()
    page.click("nav >> text=Meervoudig aanmelden")
    assert page.locator("#kansmodel").is_visible() and page.locator("#meervoud").is_visible()
    axe()
