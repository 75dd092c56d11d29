"""Load shedding: which paths stay, how overload is decided (operator flag, queue time), the friendly 503."""

import logging
import time
import uuid
from io import StringIO

from django.core.management import call_command
from django.urls import reverse

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voorzieningen.core import metrics, overbelasting
from voorzieningen.core.overbelasting import is_essentieel, wachttijd

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _schone_toestand(monkeypatch):
    monkeypatch.setattr(overbelasting, "toestand", overbelasting._Toestand())
    yield
    overbelasting.zet_vlag(None)


TOKEN = uuid.uuid4()

ESSENTIEEL = [
    ("digid:login", []),
    ("digid:acs", []),
    ("aanmelden:inloggen", []),
    ("aanmelden:uitloggen", []),
    ("aanmelden:kies-instelling", []),
    ("aanmelden:kies-opleiding", ["01AB"]),
    ("aanmelden:start", ["25001"]),
    ("aanmelden:stap", [TOKEN, "contact"]),
    ("aanmelden:indienen", [TOKEN]),
    ("aanmelden:stoppen", [TOKEN]),
    ("aanmelden:overzicht", []),
    ("aanmelden:aanmelding", [TOKEN]),
    ("aanmelden:ontvangstbewijs-pdf", [TOKEN]),
    ("aanmelden:intrekken", [TOKEN]),
    ("aanmelden:in-verwerking", [TOKEN]),
    ("health", []),
    ("metrics", []),
    ("status", []),
    ("set_language", []),
    ("admin:index", []),
]
NIET_ESSENTIEEL = [
    ("catalogus:search", []),
    ("catalogus:detail", ["25001"]),
    ("aanmelden:verstrekkingen", []),
    ("aanmelden:mijn-gegevens", []),
    ("aanmelden:verwijderen", []),
    ("aanmelden:zonder-digid", []),
    ("aanmelden:ontvangstbewijs-controleren", []),
    ("beheer:statistieken", []),
    ("beheer:meervoudig", []),
    ("portfolio:kaart", []),
    ("portfolio:overlap", []),
    ("privacy:verwerkingsregister", []),
]


@pytest.mark.parametrize(("naam", "args"), ESSENTIEEL)
def test_the_deadline_paths_are_essential(naam, args):
    assert is_essentieel(reverse(naam, args=args))


@pytest.mark.parametrize(("naam", "args"), NIET_ESSENTIEEL)
def test_everything_else_is_not(naam, args):
    assert not is_essentieel(reverse(naam, args=args))


@pytest.mark.parametrize(
    ("pad", "essentieel"),
    [
        ("/api/sis/v1/aanmeldingen", True),
        ("/api/koppelpunt/v1/berichten", True),
        ("/api/catalogus/v1/opleidingen", False),
        ("/api/portfolio/v1/", False),
        ("/static/core/site.css", True),
        ("/simulators/sbb/leerbedrijven", True),
        ("/mijn-aanmeldingen/verstrekkingen/", False),
        ("/mijn-aanmeldingen/" + str(TOKEN) + "/iets-anders/", False),
        ("/xmijn-aanmeldingen/", False),  # anchored at the start
        ("/healthz", False),
        ("/bestaat-niet/", False),
    ],
)
def test_prefixes_apis_and_unknown_paths(pad, essentieel):
    assert is_essentieel(pad) is essentieel


def test_without_overload_every_page_is_served(client):
    assert client.get(reverse("catalogus:search")).status_code == 200


def test_the_operator_flag_sheds_non_essential_pages_with_a_friendly_503(client, settings):
    settings.OVERBELASTING_RETRY_AFTER = 45
    overbelasting.zet_vlag("aan", 600)
    response = client.get(reverse("catalogus:search"), {"q": "zorg"})
    assert response.status_code == 503 and response["Retry-After"] == "45"
    assert response["Cache-Control"] == "no-store" and "default-src 'none'" in response["Content-Security-Policy"]
    tekst = response.content.decode()
    assert "Het is nu erg druk" in tekst and "Aanmelden gaat gewoon door." in tekst and "45 seconden" in tekst
    assert 'href="/?q=zorg"' in tekst and 'lang="nl"' in tekst
    assert 'href="/mijn-aanmeldingen/"' in tekst  # where the student can go instead
    assert client.get(reverse("health")).status_code == 200
    assert client.get(reverse("aanmelden:inloggen")).status_code == 200


def test_a_shed_api_answers_in_problem_json(client):
    overbelasting.zet_vlag("aan", 600)
    response = client.get("/api/catalogus/v1/opleidingen")
    assert response.status_code == 503 and response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 503 and response["Retry-After"]


def test_shed_pages_are_counted_as_pages_not_served_and_by_cause(client):
    overbelasting.zet_vlag("aan", 600)
    voor_pagina = metrics.VERZOEKEN.labels("pagina", "5xx")._value.get()
    voor_reden = overbelasting.AFGEWEZEN.labels("handmatig")._value.get()
    client.get(reverse("catalogus:search"))
    assert metrics.VERZOEKEN.labels("pagina", "5xx")._value.get() == voor_pagina + 1
    assert overbelasting.AFGEWEZEN.labels("handmatig")._value.get() == voor_reden + 1


def _stempel(seconden_geleden: float) -> dict:
    return {"HTTP_X_REQUEST_START": f"t={time.time() - seconden_geleden:.3f}"}


def test_a_long_queue_time_sheds_until_it_has_come_down_well_below_the_threshold(client, settings):
    settings.OVERBELASTING_WACHTTIJD_MS = 100
    zoek = reverse("catalogus:search")
    assert client.get(zoek, **_stempel(0)).status_code == 200
    response = client.get(zoek, **_stempel(2.0))  # waited two seconds in the queue
    assert response.status_code == 503
    assert overbelasting.AFGEWEZEN.labels("wachttijd")._value.get() >= 1
    # the queue empties: the average falls, but shedding goes on until below half the threshold (no flapping)
    gemeten = []
    for _ in range(30):
        code = client.get(zoek, **_stempel(0)).status_code
        gemeten.append((code, overbelasting.toestand.gemiddelde))
    assert any(code == 503 and gemiddelde < 0.1 for code, gemiddelde in gemeten)  # below the threshold: still shed
    assert all(code == 200 for code, gemiddelde in gemeten if gemiddelde < 0.05)
    assert gemeten[-1][0] == 200


def test_essential_paths_are_served_while_the_queue_is_long(client, settings):
    settings.OVERBELASTING_WACHTTIJD_MS = 100
    for _ in range(3):
        assert client.get(reverse("aanmelden:inloggen"), **_stempel(5)).status_code == 200
    assert client.get(reverse("catalogus:search"), **_stempel(5)).status_code == 503


def test_off_means_never_shed_and_zero_threshold_means_no_measuring(client, settings):
    settings.OVERBELASTING_WACHTTIJD_MS = 100
    overbelasting.zet_vlag("uit", 600)
    assert client.get(reverse("catalogus:search"), **_stempel(5)).status_code == 200
    overbelasting.zet_vlag(None)
    settings.OVERBELASTING_WACHTTIJD_MS = 0
    overbelasting.toestand.gemiddelde, overbelasting.toestand.overbelast = 0.0, False
    assert client.get(reverse("catalogus:search"), **_stempel(5)).status_code == 200


def test_the_flag_expires_and_a_broken_cache_means_measure_only(client, monkeypatch):
    overbelasting.zet_vlag("aan", 600)
    assert client.get(reverse("catalogus:search")).status_code == 503

    def kapot(*args, **kwargs):
        raise ConnectionError("redis weg")

    monkeypatch.setattr(overbelasting.cache, "get", kapot)
    overbelasting.toestand.vlag_gelezen = float("-inf")
    assert client.get(reverse("catalogus:search")).status_code == 200


def test_an_unknown_flag_value_is_refused():
    with pytest.raises(ValueError):
        overbelasting.zet_vlag("misschien")


def test_the_command_sets_and_shows_the_flag():
    uit = StringIO()
    call_command("overbelasting", "aan", "--minuten", "5", stdout=uit)
    assert overbelasting.lees_vlag() == "aan" and "overbelasting: aan" in uit.getvalue()
    call_command("overbelasting", "meten", stdout=uit)
    assert overbelasting.lees_vlag() is None and uit.getvalue().endswith("overbelasting: meten\n")
    call_command("overbelasting", "uit", stdout=uit)
    assert overbelasting.lees_vlag() == "uit"


NU = 1_700_000_000.0


@pytest.mark.parametrize(
    ("waarde", "verwacht"),
    [
        ("t=1699999999.5", 0.5),  # nginx ${msec}: seconds with milliseconds
        ("1699999999500", 0.5),  # milliseconds, without 't='
        ("t=1699999999500000", 0.5),  # microseconds
        ("t=1700000000.4", 0.0),  # a little ahead: clocks differ slightly, no waiting
        ("t=1700000003", None),  # far ahead: not believable
        ("t=1699990000", None),  # hours ago: a stamp from elsewhere
        ("t=-5", None),
        ("", None),
        ("t=abc", None),
        ("t=nan", None),
        ("t=inf", None),
    ],
)
def test_the_queue_time_header(waarde, verwacht):
    gemeten = wachttijd(waarde, NU)
    assert gemeten is None if verwacht is None else gemeten == pytest.approx(verwacht, abs=1e-3)


@given(st.text(max_size=40))
def test_any_header_gives_a_sane_queue_time_or_none(waarde):
    gemeten = wachttijd(waarde, NU)
    assert gemeten is None or 0 <= gemeten <= 3600


def test_the_submit_of_an_overloaded_request_is_told_so(rf):
    request = rf.get("/")
    assert not overbelasting.is_overbelast(request)
    request.overbelasting = "wachttijd"
    assert overbelasting.is_overbelast(request)


def test_shedding_is_logged_once_per_change_not_as_an_error_per_request(client, settings, caplog):
    settings.OVERBELASTING_WACHTTIJD_MS = 100
    with caplog.at_level(logging.INFO):
        codes = [client.get(reverse("catalogus:search"), **_stempel(2)).status_code for _ in range(5)]
    assert codes == [503] * 5
    assert [r for r in caplog.records if r.name == "django.request"] == []
    assert len([r for r in caplog.records if "worden afgewezen" in r.getMessage()]) == 1
