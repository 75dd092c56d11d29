"""The FG's screens in Debian's Chromium, under the strict CSP: a breach reported and assessed, the trail searched."""

from django.contrib.auth.models import Permission
from django.test import Client

import pytest

from voorzieningen.conftest import verifieer_2fa
from voorzieningen.core.services import Actor, audit_read
from voorzieningen.identiteit.models import User
from voorzieningen.privacy.models import Datalek

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _als_fg(page, live_server):
    fg = User.objects.create_user("fg", email="fg@coop.example", password="x" * 16, is_staff=True)
    fg.user_permissions.add(*Permission.objects.filter(content_type__app_label__in=["privacy", "core"]))
    client = verifieer_2fa(Client(), fg)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return fg


def test_fg_reports_a_breach_sees_the_clock_and_searches_the_trail(browser_page, live_server, axe, outbox_direct):
    page = browser_page
    _als_fg(page, live_server)
    audit_read(Actor.system("sis:roc"), object_type="aanmelden.Aanmelding", object_id="7", reason="SIS haalt op",
               subject="111222333")  # fmt: skip

    page.goto(f"{live_server.url}/admin/privacy/datalek/add/")
    page.fill("#id_titel", "Lijst met aanmeldingen verkeerd gemaild")
    page.fill("#id_omschrijving", "Een export is naar een verkeerde ontvanger gestuurd.")
    page.select_option("#id_voorziening", "centraal-aanmelden")
    page.click("#id_ontdekt_op_0 ~ span a:has-text('Vandaag')")
    page.click("#id_ontdekt_op_1 ~ span a:has-text('Nu')")
    page.click("input[name='_continue']")
    page.wait_for_selector("text=om te melden")
    assert "Nog 7" in page.inner_text("div.field-meldtermijn_klok")  # about 72 hours left

    page.check("#id_afsluiten")
    with page.expect_navigation():  # read the answer once it has loaded, not while it is arriving (was flaky)
        page.click("input[name='_continue']")
    assert "Een datalek wordt pas afgesloten na beoordeling van het risico." in page.inner_text("#content")
    assert Datalek.objects.get().gesloten_op is None

    page.goto(f"{live_server.url}/privacy/fg/audittrail/")
    axe()
    page.fill("#id_bsn", "111222333")
    page.click("input[type='submit']")
    assert "1 regel gevonden" in page.inner_text("#content-main")
    assert "SIS haalt op" in page.inner_text("#result_list")
    axe()
