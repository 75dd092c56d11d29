"""Errors of the catalogue API as the OpenAPI document names them (found by `make fuzz`)."""

import pytest

pytestmark = pytest.mark.django_db
URL = "/api/catalogus/v1/mutaties"


def test_mutations_come_as_json_only(admin_client):
    """Lists of rows cannot travel as form fields: the document offered form encodings that could never work."""
    response = admin_client.post(URL, {"opleidingen": '[{"MUTATIE": "TOEVOEGEN"}]'})
    assert response.status_code == 415
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "unsupported_media_type"


def test_a_mutation_request_with_the_wrong_shape_names_the_field(admin_client):
    response = admin_client.post(URL, {"cohorten": ["geen object"]}, content_type="application/json")
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert response.json()["invalidParams"][0]["name"] == "cohorten[0]"


def test_without_credentials_a_problem_json_401(client):
    response = client.post(URL, {}, content_type="application/json")
    assert response.status_code in (401, 403) and response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("pad", ["/api/catalogus/v1/opleidingen?page=999", "/api/catalogus/v1/opleidingen/onbekend"])
def test_documented_404s_are_problem_json(client, pad):
    response = client.get(pad)
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
