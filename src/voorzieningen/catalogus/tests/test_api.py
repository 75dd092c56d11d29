import pytest

from .factories import CohortFactory, OpleidingFactory

pytestmark = pytest.mark.django_db


def test_search_api(client):
    kok = OpleidingFactory(wervingsnaam="Kok", niveau=2)
    OpleidingFactory(wervingsnaam="Bakker")
    data = client.get("/api/catalogus/v1/opleidingen", {"q": "kok"}).json()
    assert data["count"] == 1
    assert data["results"][0]["code"] == kok.code


def test_search_api_rejects_bad_parameters_with_the_field(client):
    response = client.get("/api/catalogus/v1/opleidingen", {"niveau": "7", "leertraject": "XX"})
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400 and problem["code"] == "invalid"
    assert {p["name"] for p in problem["invalidParams"]} == {"niveau", "leertraject"}


def test_detail_api_never_lists_access_code_cohorts(client):
    opleiding = OpleidingFactory()
    CohortFactory(opleiding=opleiding, code="A", aanmelden_tot=None)
    CohortFactory(opleiding=opleiding, code="B", aanmelden_tot=None, toegangscode="X1")
    data = client.get(f"/api/catalogus/v1/opleidingen/{opleiding.code}").json()
    assert [c["code"] for c in data["open_cohorten"]] == ["A"]


def test_mutations_push_needs_staff(client, admin_client):
    opleiding = OpleidingFactory()
    body = {"opleidingen": [{"AANGEBODEN_OPLEIDINGCODE": opleiding.code, "MUTATIE": "VERWIJDEREN"}]}
    assert client.post("/api/catalogus/v1/mutaties", body, content_type="application/json").status_code in (401, 403)
    response = admin_client.post("/api/catalogus/v1/mutaties", body, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["aantallen"]["opleidingen.gedeactiveerd"] == 1
    opleiding.refresh_from_db()
    assert not opleiding.actief
