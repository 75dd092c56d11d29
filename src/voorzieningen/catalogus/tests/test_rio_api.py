"""The RIO LOD API adapter against its simulator (over real HTTP) and against failing servers."""

import datetime

import pytest
import requests_mock as rm

from voorzieningen.catalogus import services
from voorzieningen.catalogus.generator import generate
from voorzieningen.catalogus.models import AangebodenOpleiding, Cohort, ImportRun
from voorzieningen.catalogus.rio.client import RioApiError, RioLodClient
from voorzieningen.catalogus.rio.simulator import RioSimulator

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def simulator():
    return RioSimulator(generate(seed=3, scale=0.03, today=TODAY), TODAY)


def test_client_pages_through_hal_collections(simulator):
    base = "http://rio.test/api/rio/v2"
    calls = []
    fetch = simulator.fetch(base)
    client = RioLodClient(base, fetch=lambda url, params: calls.append(url) or fetch(url, params), page_size=7)
    items = list(client.collection("onderwijslocaties"))
    assert len(items) == len(simulator.resources["onderwijslocaties"])
    assert len(calls) == -(-len(items) // 7)


def test_api_rows_equal_the_file_rows(simulator):
    """The API path and the file path describe the same catalogue."""
    dataset = generate(seed=3, scale=0.03, today=TODAY)
    base = "http://rio.test/api/rio/v2"
    opleidingen, cohorten = RioLodClient(base, fetch=simulator.fetch(base)).import_rows(TODAY)
    keys = [
        "AANGEBODEN_OPLEIDINGCODE",
        "ERKENDEOPLEIDINGSCODE",
        "LEERTRAJECT",
        "EIGENNAAM",
        "INSTELLINGSERKENNINGSCODE",
        "ONDERWIJSLOCATIECODE",
        "ONDERWIJSAANBIEDER_TYPE",
        "ACTIEF",
        "POSTCODE",
    ]
    assert [{k: r[k] for k in keys} for r in opleidingen] == [{k: r[k] for k in keys} for r in dataset.opleidingen]
    ckeys = [
        "AANGEBODEN_OPLEIDINGCODE",
        "COHORTCODE",
        "BEGIN_AANMELDPERIODE",
        "EINDE_AANMELDPERIODE",
        "DEELNEMERSPLAATSEN",
    ]
    assert [{k: r[k] for k in ckeys} for r in cohorten] == [{k: r[k] for k in ckeys} for r in dataset.cohorten]


@pytest.mark.django_db(transaction=True)
def test_full_sync_over_http_from_the_simulator(live_server, settings):
    settings.RIO_API_URL = f"{live_server.url}/simulators/rio/api/rio/v2"
    settings.RIO_SIMULATOR_SCALE = 0.02
    run = services.sync_from_api()
    assert run.uitkomst == ImportRun.Uitkomst.GESLAAGD, (run.melding, run.fouten[:3])
    assert AangebodenOpleiding.objects.count() == run.aantallen["opleidingen.nieuw"] > 0
    assert Cohort.objects.count() == run.aantallen["cohorten.nieuw"] > 0


def test_simulator_rejects_bad_paging(client):
    response = client.get("/simulators/rio/api/rio/v2/onderwijslocaties", {"pageSize": 500})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert client.get("/simulators/rio/api/rio/v2/onbekend").status_code == 404


def test_client_retries_server_errors_then_succeeds():
    with rm.Mocker() as m:
        m.get(
            "http://rio.test/api/rio/v2/onderwijslocaties",
            [{"status_code": 503}, {"json": {"_embedded": {"Onderwijslocaties": [{"id": "001X001"}]}, "_links": {}}}],
        )
        client = RioLodClient("http://rio.test/api/rio/v2", backoff=0)
        assert [i["id"] for i in client.collection("onderwijslocaties")] == ["001X001"]
        assert m.call_count == 2


@pytest.mark.django_db
def test_rio_down_fails_the_sync_and_changes_nothing(settings):
    from .factories import OpleidingFactory

    existing = OpleidingFactory()
    with rm.Mocker() as m:
        m.get(rm.ANY, status_code=503)
        run = services.sync_from_api(RioLodClient("http://rio.test/api/rio/v2", backoff=0, retries=2))
    assert run.uitkomst == ImportRun.Uitkomst.MISLUKT
    assert "RIO gaf HTTP 503 na 2 pogingen" in run.melding
    existing.refresh_from_db()
    assert existing.actief  # a failed full sync never deactivates anything


def test_client_error_is_not_retried():
    with rm.Mocker() as m:
        m.get(rm.ANY, status_code=400)
        with pytest.raises(RioApiError, match="HTTP 400"):
            list(RioLodClient("http://rio.test/api/rio/v2", backoff=0).collection("onderwijslocaties"))
        assert m.call_count == 1
