"""The published routing vectors, run the way a SIS vendor runs them: through the API with a sandbox key."""

import json

from django.test import Client

import pytest

from voorzieningen.core.models import Gemeente, OutboxBericht
from voorzieningen.koppelpunt import services
from voorzieningen.koppelpunt.conformance import VECTOREN
from voorzieningen.koppelpunt.models import VoIltCode

pytestmark = pytest.mark.django_db
DOC = json.loads(VECTOREN.read_text())


@pytest.fixture
def sandbox():
    for code in DOC["context"]["iltCodesVoorKoppelpuntVo"]:
        VoIltCode.objects.create(code=code)
    for code in DOC["context"]["gemeenten"]:
        Gemeente.objects.create(code=code, naam=f"Gemeente {code}")
    _afzender, sleutel = services.maak_afzender("Leverancier (sandbox)", sandbox=True)
    return Client(headers={"Authorization": f"Bearer {sleutel}"})


@pytest.mark.parametrize("vector", DOC["vectoren"], ids=[v["naam"] for v in DOC["vectoren"]])
def test_routing_vector(sandbox, vector):
    response = sandbox.post("/api/koppelpunt/v1/statusberichten", vector["bericht"], content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["ontvangers"] == vector["verwachteOntvangers"]
    assert response.json()["nietNaar"] == vector["verwachtNietNaar"]
    gelezen = sandbox.get(f"/api/koppelpunt/v1/statusberichten/{vector['bericht']['berichtId']}").json()
    assert gelezen["ontvangers"] == vector["verwachteOntvangers"] and gelezen["sandbox"] is True
    assert not OutboxBericht.objects.exists()  # sandbox: routed and logged, never delivered


@pytest.mark.parametrize("vector", DOC["weigeringen"], ids=[v["naam"] for v in DOC["weigeringen"]])
def test_refusal_vector(sandbox, vector):
    response = sandbox.post("/api/koppelpunt/v1/statusberichten", vector["bericht"], content_type="application/json")
    assert response.status_code == vector["verwachteHttpStatus"]
    assert response.json()["code"] == vector["verwachteCode"]


def test_the_vectors_are_published(client):
    response = client.get("/koppelpunt/conformance/routeringsvectoren.json")
    assert response.status_code == 200 and json.loads(b"".join(response.streaming_content)) == DOC
