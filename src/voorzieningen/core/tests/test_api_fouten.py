"""Every error of every API in application/problem+json, also the ones Django answers before a view runs, and
the OpenAPI document saying so (found by `make fuzz`: content types and HTML 404s under /api/)."""

import json
from pathlib import Path

import pytest
import yaml

from voorzieningen.core.api import PROBLEM_JSON

DOCUMENT = Path(__file__).resolve().parents[3] / "openapi.yaml"


def test_every_documented_error_is_problem_json():
    document = yaml.safe_load(DOCUMENT.read_text())
    fouten = [
        (pad, methode, status, list(antwoord.get("content", {})))
        for pad, methoden in document["paths"].items()
        for methode, operatie in methoden.items()
        for status, antwoord in operatie["responses"].items()
        if int(status) >= 400 and "Problem" in str(antwoord)
    ]
    assert fouten, "the document names no errors at all"
    assert [f for f in fouten if f[3] != [PROBLEM_JSON]] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "pad",
    [
        "/api/sis/v1/koppelpunten/K1/aanmeldingen/geen-uuid",  # <uuid:…> does not match: Django's own 404
        "/api/sis/v1/koppelpunten/K1/gebeurtenissen/abc/bevestiging",
        "/api/catalogus/v1/opleidingen/a/b",
        "/api/bestaat-niet",
    ],
)
def test_an_api_address_that_matches_nothing_is_a_problem_json_404(client, pad):
    response = client.get(pad)
    assert response.status_code == 404 and response["Content-Type"] == PROBLEM_JSON
    body = response.json()
    assert body["status"] == 404 and body["code"] == "not_found" and body["instance"] == pad
    assert "Controleer het pad" in body["detail"]


@pytest.mark.django_db
def test_outside_the_api_a_404_stays_a_page(client):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_an_api_server_error_is_problem_json(rf):
    from voorzieningen.core.api import server_error

    response = server_error(rf.get("/api/catalogus/v1/sync"))
    assert response.status_code == 500 and response["Content-Type"] == PROBLEM_JSON
    assert json.loads(response.content)["code"] == "server_error"


@pytest.mark.django_db
def test_a_validation_error_has_a_dutch_title(client):
    response = client.get("/api/catalogus/v1/opleidingen", {"niveau": "9"})
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM_JSON
    body = response.json()
    assert (body["title"], body["detail"]) == ("Ongeldige invoer.", "Ongeldige invoer.")
    assert body["invalidParams"][0]["name"] == "niveau"


def test_invalid_params_name_the_element_of_a_list():
    from rest_framework.exceptions import ErrorDetail

    from voorzieningen.core.api import _invalid_params

    detail = {"rijen": {0: [ErrorDetail("fout", code="not_a_dict")], 2: {"naam": [ErrorDetail("leeg", code="blank")]}}}
    assert [(p["name"], p["code"]) for p in _invalid_params(detail)] == [
        ("rijen[0]", "not_a_dict"),
        ("rijen[2].naam", "blank"),
    ]
