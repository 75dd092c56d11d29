"""The platform's own metrics and the status page computed from them."""

import pytest

from voorzieningen.core import metrics

pytestmark = pytest.mark.django_db


def _waarde(tekst: str, regel_begin: str) -> float:
    return sum(float(r.rsplit(" ", 1)[1]) for r in tekst.splitlines() if r.startswith(regel_begin))


def test_requests_are_timed_and_counted_per_kind(client):
    voor = client.get("/metrics").text
    client.get("/")
    client.get("/api/catalogus/v1/opleidingen")
    na = client.get("/metrics").text
    pagina = 'voorzieningen_http_requests_total{klasse="2xx",soort="pagina"}'
    api = 'voorzieningen_http_request_duration_seconds_count{soort="api"}'
    assert _waarde(na, pagina) == _waarde(voor, pagina) + 1
    assert _waarde(na, api) == _waarde(voor, api) + 1


def test_metrics_need_the_token_when_one_is_set(client, settings):
    settings.METRICS_TOKEN = "geheim-token"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer fout"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer geheim-token"}).status_code == 200


def test_quantile_from_buckets_and_availability(monkeypatch):
    from prometheus_client import CollectorRegistry, Counter, Histogram

    r = CollectorRegistry()
    duur = Histogram("voorzieningen_http_request_duration_seconds", "", ["soort"], buckets=metrics.BUCKETS, registry=r)
    tellen = Counter("voorzieningen_http_requests_total", "", ["soort", "klasse"], registry=r)
    monkeypatch.setattr(metrics, "registry", lambda: r)
    assert metrics.kwantiel("indienen", 0.99) is None and metrics.beschikbaarheid() == (None, 0)
    for _ in range(98):
        duur.labels("indienen").observe(0.02)  # in the (0.01, 0.025] bucket
    duur.labels("indienen").observe(0.4)
    duur.labels("indienen").observe(0.4)
    p99 = metrics.kwantiel("indienen", 0.99)
    assert 0.3 < p99 <= 0.5  # the 99th of 100 falls among the two slow ones
    assert 0.01 < metrics.kwantiel("indienen", 0.5) <= 0.025
    tellen.labels("pagina", "2xx").inc(999)
    tellen.labels("pagina", "5xx").inc(1)
    tellen.labels("overig", "5xx").inc(50)  # health checks and static files do not count
    assert metrics.beschikbaarheid() == (0.999, 1000)
    doelen = {d.naam: d.gehaald for d in metrics.doelstellingen()}
    assert doelen == {
        "Beschikbaarheid (geen serverfout)": True,
        "Aanmelding indienen, 99e percentiel": False,
        "Pagina's, 99e percentiel": None,
    }


def test_the_status_page_shows_the_parts_and_the_objectives(client):
    response = client.get("/status/")
    assert response.status_code == 200
    assert "Alle onderdelen werken." in response.text and "Aanmelding indienen, 99e percentiel" in response.text
