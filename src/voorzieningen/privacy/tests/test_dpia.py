"""DPIAs per provision: the standard review date, the state per provision and reminders once per review date."""

import datetime

import pytest

from voorzieningen.core.datums import plus_maanden
from voorzieningen.identiteit.models import User
from voorzieningen.privacy import dpia
from voorzieningen.privacy.models import DPIA

pytestmark = pytest.mark.django_db


@pytest.fixture
def medewerker():
    return User.objects.create_user("privacy", email="privacy@coop.example", is_staff=True)


def _dpia(medewerker, voorziening="centraal-aanmelden", **kwargs):
    velden = {
        "titel": "DPIA Centraal Aanmelden",
        "aanleiding": DPIA.Aanleiding.START,
        "uitgevoerd_op": datetime.date(2024, 1, 10),
        "vastgesteld_op": datetime.date(2024, 2, 29),
        "uitkomst": "Maatregelen: dataminimalisatie, bewaartermijnen.",
        "restrisico": DPIA.Restrisico.LAAG,
        "verantwoordelijke": medewerker,
    }
    return DPIA.objects.create(voorziening=voorziening, **{**velden, **kwargs})


def test_months_are_calendar_months():
    assert plus_maanden(datetime.date(2024, 2, 29), 36) == datetime.date(2027, 2, 28)
    assert plus_maanden(datetime.date(2024, 1, 31), 1) == datetime.date(2024, 2, 29)
    assert plus_maanden(datetime.date(2024, 11, 15), 2) == datetime.date(2025, 1, 15)


def test_the_next_review_defaults_to_three_years_after_adoption(medewerker):
    assert _dpia(medewerker).volgende_herziening == datetime.date(2027, 2, 28)
    eigen = _dpia(medewerker, volgende_herziening=datetime.date(2025, 6, 1))
    assert eigen.volgende_herziening == datetime.date(2025, 6, 1)


def test_state_per_provision_uses_the_most_recent_dpia(medewerker):
    _dpia(medewerker, volgende_herziening=datetime.date(2025, 1, 1))
    _dpia(
        medewerker,
        uitgevoerd_op=datetime.date(2025, 3, 1),
        aanleiding=DPIA.Aanleiding.WIJZIGING,
        volgende_herziening=datetime.date(2027, 1, 15),
    )
    _dpia(medewerker, voorziening="koppelpunt-mbo", volgende_herziening=datetime.date(2026, 12, 1))
    standen = {s.voorziening: s.status for s in dpia.overzicht(datetime.date(2026, 11, 23))}
    assert standen == {
        "centraal-aanmelden": "binnenkort",  # 53 days ahead, within the 60-day reminder window
        "koppelpunt-mbo": "binnenkort",
        "cooperatie": "ontbreekt",
        "portfolio-regie": "ontbreekt",
    }
    assert {s.voorziening: s.status for s in dpia.overzicht(datetime.date(2027, 1, 16))}["centraal-aanmelden"] == (
        "verlopen"
    )
    assert {s.voorziening: s.status for s in dpia.overzicht(datetime.date(2026, 11, 1))}["centraal-aanmelden"] == (
        "actueel"
    )


def test_reminders_go_once_per_review_date_to_the_owner_and_the_fg(medewerker, outbox_direct, mailoutbox):
    for v in ("cooperatie", "portfolio-regie", "koppelpunt-mbo"):
        _dpia(medewerker, voorziening=v, volgende_herziening=datetime.date(2030, 1, 1))
    d = _dpia(medewerker, volgende_herziening=datetime.date(2026, 12, 20))
    assert dpia.herinner(datetime.date(2026, 10, 1)) == []
    assert dpia.herinner(datetime.date(2026, 11, 23)) == ["centraal-aanmelden"]
    assert sorted(m.to[0] for m in mailoutbox) == ["fg@mbovoorzieningen.example", "privacy@coop.example"]
    assert "20-12-2026" in mailoutbox[0].body
    assert dpia.herinner(datetime.date(2026, 11, 24)) == []  # once
    d.volgende_herziening = datetime.date(2026, 12, 31)  # a new review date: a new reminder
    d.save()
    assert dpia.herinner(datetime.date(2026, 11, 25)) == ["centraal-aanmelden"]


def test_a_provision_without_a_dpia_is_reported_to_the_fg_monthly(outbox_direct, mailoutbox):
    assert len(dpia.herinner(datetime.date(2026, 11, 23))) == 4
    assert len(mailoutbox) == 4 and "Geen DPIA voor Centraal Aanmelden" in [m.subject for m in mailoutbox]
    dpia.herinner(datetime.date(2026, 11, 24))
    assert len(mailoutbox) == 4  # not again this month
    dpia.herinner(datetime.date(2026, 12, 1))
    assert len(mailoutbox) == 8


def test_the_admin_list_opens_with_the_state_per_provision(admin_client, medewerker):
    _dpia(medewerker)
    pagina = admin_client.get("/admin/privacy/dpia/")
    assert "Stand per voorziening" in pagina.text and "Geen DPIA vastgelegd" in pagina.text
