"""The analyses as JSON: shapes, validation as problem+json, small numbers suppressed."""

from django.urls import reverse

import pytest

from voorzieningen.portfolio.models import Specialisme

from .factories import bevolking, bied_aan, schrijf_in


@pytest.fixture
def portfolio(wereld):
    w = wereld
    a = bied_aan(w.roc_a, w.kok, w.utrecht)
    b = bied_aan(w.roc_b, w.kok, w.utrecht)
    bied_aan(w.roc_b, w.ict, w.groningen)
    schrijf_in(a, 2025, 60)
    schrijf_in(b, 2025, 3)
    bevolking(w.utrecht, 2026, 2000)
    return w


def test_municipalities(client, portfolio):
    data = client.get(reverse("api-portfolio-gemeenten")).json()
    utrecht = next(g for g in data if g["code"] == "0344")
    assert utrecht["corop_naam"] == "Utrecht" and utrecht["latitude"] == pytest.approx(52.0907)


def test_offering_per_location_with_suppression(client, portfolio):
    data = client.get(reverse("api-portfolio-aanbod"), {"crebo": "25180"}).json()
    assert data["schooljaar"] == 2025 and data["aanbod"] == 2 and data["instellingen"] == 2
    assert sorted((p["inschrijvingen"] for p in data["locaties"]), key=str) == [60, None]  # 3 students: null


def test_overlap(client, portfolio):
    data = client.get(reverse("api-portfolio-overlap"), {"modus": "gemeente"}).json()
    assert data["aantal"] == 1
    geval = data["gevallen"][0]
    assert geval["crebo"] == "25180" and geval["regio"] == "Utrecht"
    assert {d["brin"] for d in geval["instellingen"]} == {"01AA", "02BB"}


def test_accessibility_lists_the_missing_crebos_for_a_small_selection(client, portfolio):
    data = client.get(reverse("api-portfolio-bereikbaarheid")).json()
    groningen = next(g for g in data["gemeenten"] if g["gemeentecode"] == "0014")
    assert groningen["ontbrekend"] == ["25180"] and groningen["binnen_norm"] == 1
    enkel = client.get(reverse("api-portfolio-bereikbaarheid"), {"crebo": "25180"}).json()
    groningen = next(g for g in enkel["gemeenten"] if g["gemeentecode"] == "0014")
    assert groningen["reistijd_minuten"] > 400 and groningen["norm_minuten"] == 45


def test_signals(client, portfolio):
    Specialisme.objects.create(kwalificatie=portfolio.ict, onderbouwing="…")
    data = client.get(reverse("api-portfolio-signalen")).json()
    assert [s["soort"] for s in data["signalen"]] == ["specialistisch"] and data["signalen"][0]["crebo"] == "25604"


def test_impact(client, portfolio):
    data = client.get(
        reverse("api-portfolio-impact"), {"soort": "stop", "instelling": "02BB", "crebo": "25180", "gemeente": "0344"}
    ).json()
    k = data["kwalificaties"][0]
    assert k["locaties_voor"] == 2 and k["locaties_na"] == 1 and k["instellingen_na"] == 1
    assert k["inschrijvingen_geraakt"] is None  # 3 students: suppressed
    assert len(k["overlap_voor"]) == 1 and k["overlap_na"] == []


@pytest.mark.parametrize(
    ("naam", "params", "veld"),
    [
        ("api-portfolio-aanbod", {"crebo": "123"}, "crebo"),
        ("api-portfolio-aanbod", {"crebo": "99999"}, "crebo"),
        ("api-portfolio-overlap", {"modus": "provincie"}, "modus"),
        ("api-portfolio-overlap", {"straal_km": "0"}, "straal_km"),
        ("api-portfolio-bereikbaarheid", {"niveau": "5"}, "niveau"),
        ("api-portfolio-impact", {"soort": "stop"}, "instelling"),
        (
            "api-portfolio-impact",
            {"soort": "samen", "instelling": "01AA", "crebo": "25180", "gemeente": "0344"},
            "partner",
        ),
        (
            "api-portfolio-impact",
            {"soort": "stop", "instelling": "01AA", "crebo": "25180", "gemeente": "9999"},
            "gemeente",
        ),
    ],
)
def test_invalid_parameters_are_a_problem_not_an_error(client, portfolio, naam, params, veld):
    response = client.get(reverse(naam), params)
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert veld in {p["name"] for p in response.json()["invalidParams"]}
