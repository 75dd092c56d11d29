"""The SBB adapter: the simulator's answers, its slow and down modes, and the HTTP client against the simulator."""

import json
import re
import time
from urllib.parse import urlsplit

from django.urls import include, path

import pytest
import requests
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from voorzieningen.aanmelden import sbb
from voorzieningen.aanmelden.sbb import Leerbedrijf, SbbHttpClient, SbbSimulator, SbbUnavailable

pytestmark = pytest.mark.django_db  # the simulator reads its mode from the database

urlpatterns = [path("simulators/sbb/", include("voorzieningen.aanmelden.sbb_simulator_views"))]

BASE = "http://sbb.test/simulators/sbb"
POSTCODE = re.compile(r"^[1-9][0-9]{3}[A-Z]{2}$")
KOK, LEIDINGGEVENDE_KEUKEN, VERZORGENDE_IG = "25180", "25181", "25491"


def alle(crebo: str) -> list[Leerbedrijf]:
    return SbbSimulator().leerbedrijven(crebo, limit=100)


# --- Simulator ------------------------------------------------------------------------------------


def test_same_crebo_gives_the_same_list_across_instances():
    first = alle(KOK)
    sbb._eigen.cache_clear()  # prove it is the seed, not the cache, that makes it stable
    assert SbbSimulator().leerbedrijven(KOK, limit=100) == first
    assert [b.naam.casefold() for b in first] == sorted(b.naam.casefold() for b in first)


def test_different_crebos_give_different_lists():
    kok, zorg = alle(KOK), alle(VERZORGENDE_IG)
    assert {b.id for b in kok}.isdisjoint({b.id for b in zorg})
    assert {b.naam for b in kok} != {b.naam for b in zorg}


def test_zoek_plaats_and_limit_filter_case_insensitively():
    bedrijven = alle(VERZORGENDE_IG)
    target = bedrijven[len(bedrijven) // 2]
    woord = target.naam.split()[0]
    found = SbbSimulator().leerbedrijven(VERZORGENDE_IG, zoek=woord.upper(), limit=100)
    assert target in found
    assert found == [b for b in bedrijven if woord.casefold() in b.naam.casefold()]

    in_plaats = SbbSimulator().leerbedrijven(VERZORGENDE_IG, plaats=target.plaats[1:].lower(), limit=100)
    assert target in in_plaats
    assert all(target.plaats[1:].lower() in b.plaats.lower() for b in in_plaats)

    assert SbbSimulator().leerbedrijven(VERZORGENDE_IG, limit=3) == bedrijven[:3]
    assert SbbSimulator().leerbedrijven(VERZORGENDE_IG) == bedrijven[:20]
    assert SbbSimulator().leerbedrijven(VERZORGENDE_IG, zoek="zzz-geen-bedrijf") == []


def test_leerbedrijf_refuses_a_company_of_another_crebo():
    kok = alle(KOK)[0]
    assert SbbSimulator().leerbedrijf(KOK, kok.id) == kok
    assert SbbSimulator().leerbedrijf(VERZORGENDE_IG, kok.id) is None
    assert SbbSimulator().leerbedrijf(KOK, "999999999") is None
    assert SbbSimulator().leerbedrijf("2518", kok.id) is None
    assert SbbSimulator().leerbedrijven("abcde") == []


def test_companies_with_several_crebos_are_found_under_each_of_them():
    shared = [b for crebo in (KOK, LEIDINGGEVENDE_KEUKEN, "25490", VERZORGENDE_IG) for b in alle(crebo)]
    shared = [b for b in shared if len(b.crebos) > 1]
    assert shared, "the simulator should share some companies between related crebos"
    for bedrijf in shared:
        for crebo in bedrijf.crebos:
            assert SbbSimulator().leerbedrijf(crebo, bedrijf.id) == bedrijf
            assert bedrijf in alle(crebo)


def test_leerbedrijf_round_trips_through_json():
    bedrijf = alle(KOK)[0]
    data = json.loads(json.dumps(bedrijf.as_dict()))
    assert data["crebos"] == list(bedrijf.crebos)
    assert Leerbedrijf.from_dict(data) == bedrijf
    with pytest.raises(KeyError):
        Leerbedrijf.from_dict({k: v for k, v in data.items() if k != "naam"})
    with pytest.raises(TypeError):
        Leerbedrijf.from_dict({**data, "crebos": "25180"})


@pytest.mark.parametrize("missing", ["absent", "empty folder"])
def test_simulator_works_without_reference_data(settings, tmp_path, missing):
    settings.REFERENCE_DATA_DIR = "" if missing == "absent" else str(tmp_path)
    bedrijven = alle(KOK)
    assert 8 <= len(bedrijven) <= 40
    assert {b.plaats for b in bedrijven} <= {naam for naam, _, _ in sbb.FALLBACK_PLAATSEN}
    assert all(POSTCODE.match(b.postcode) for b in bedrijven)


def test_onbereikbaar_raises():
    SbbSimulator.set_mode("onbereikbaar")
    with pytest.raises(SbbUnavailable, match="niet bereikbaar"):
        SbbSimulator().leerbedrijven(KOK)
    with pytest.raises(SbbUnavailable):
        SbbSimulator().leerbedrijf(KOK, "125180000")


def test_traag_waits_past_the_timeout_then_raises(settings):
    settings.SBB_TIMEOUT = 0
    SbbSimulator.set_mode("traag")
    started = time.monotonic()
    with pytest.raises(SbbUnavailable, match="niet op tijd"):
        SbbSimulator().leerbedrijven(KOK)
    assert time.monotonic() - started >= 0.1


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.from_regex(r"[0-9]{5}", fullmatch=True))
def test_any_crebo_gives_8_to_40_accredited_companies_with_dutch_postcodes(crebo):
    bedrijven = alle(crebo)
    assert 8 <= len(bedrijven) <= 40
    assert len({b.id for b in bedrijven}) == len(bedrijven)
    assert len({b.kvk for b in bedrijven}) == len(bedrijven)
    for b in bedrijven:
        assert crebo in b.crebos
        assert POSTCODE.match(b.postcode), b.postcode
        assert re.fullmatch(r"[1-9][0-9]{7}", b.kvk)
        assert b.naam and b.straat and b.huisnummer.isdigit() and b.plaats
        for other in b.crebos:  # a company shared with another crebo is accredited there too
            assert SbbSimulator().leerbedrijf(other, b.id) == b


def test_client_is_the_simulator_unless_an_api_url_is_set(settings):
    settings.SBB_API_URL = ""
    assert isinstance(sbb.client(), SbbSimulator)
    settings.SBB_API_URL = "https://sbb.example/api/"
    settings.SBB_TIMEOUT = 3
    http = sbb.client()
    assert isinstance(http, SbbHttpClient)
    assert (http.base_url, http.timeout) == ("https://sbb.example/api", 3)


# --- HTTP: the client against the simulator views -------------------------------------------------


@pytest.fixture
def over_http(client, requests_mock):
    """Route the HTTP client's requests into the simulator views through Django's test client."""

    def forward(request, context):
        url = urlsplit(request.url)
        response = client.get(f"{url.path}?{url.query}")
        context.status_code = response.status_code
        context.headers["Content-Type"] = response["Content-Type"]
        return response.content

    requests_mock.get(re.compile(re.escape(BASE) + r"/.*"), content=forward)
    return SbbHttpClient(BASE, timeout=2)


pytest_urls = pytest.mark.urls(__name__)


@pytest_urls
def test_http_client_gives_what_the_simulator_gives(over_http):
    assert over_http.leerbedrijven(KOK, limit=100) == alle(KOK)
    target = alle(KOK)[2]
    assert over_http.leerbedrijven(KOK, zoek=target.naam.lower(), plaats=target.plaats) == [target]
    assert over_http.leerbedrijven(KOK, limit=2) == alle(KOK)[:2]
    assert over_http.leerbedrijf(KOK, target.id) == target


@pytest_urls
def test_http_client_404_means_not_accredited(over_http, requests_mock):
    kok = alle(KOK)[0]
    assert over_http.leerbedrijf(VERZORGENDE_IG, kok.id) is None
    assert requests_mock.last_request.qs == {"crebo": [VERZORGENDE_IG]}
    assert over_http.leerbedrijf(KOK, "bestaat/niet") is None


@pytest_urls
def test_http_client_reports_the_simulator_down(over_http):
    SbbSimulator.set_mode("onbereikbaar")
    with pytest.raises(SbbUnavailable, match="HTTP 503"):
        over_http.leerbedrijven(KOK)


@pytest_urls
def test_simulator_views_reject_bad_requests(client):
    assert client.get("/simulators/sbb/leerbedrijven", {"crebo": "123"}).status_code == 400
    assert client.get("/simulators/sbb/leerbedrijven", {"crebo": KOK, "limit": "veel"}).status_code == 400
    assert client.get("/simulators/sbb/leerbedrijven", {"crebo": KOK, "limit": 101}).status_code == 400
    response = client.get("/simulators/sbb/leerbedrijven/125180000")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert client.post("/simulators/sbb/leerbedrijven", {"crebo": KOK}).status_code == 405


def test_http_client_500_is_unavailable(requests_mock):
    requests_mock.get(f"{BASE}/leerbedrijven", status_code=500)
    requests_mock.get(f"{BASE}/leerbedrijven/125180000", status_code=502)
    with pytest.raises(SbbUnavailable, match="HTTP 500"):
        SbbHttpClient(BASE, 1).leerbedrijven(KOK)
    with pytest.raises(SbbUnavailable, match="HTTP 502"):
        SbbHttpClient(BASE, 1).leerbedrijf(KOK, "125180000")


@pytest.mark.parametrize("error", [requests.exceptions.ReadTimeout, requests.exceptions.ConnectTimeout])
def test_http_client_timeout_is_unavailable_without_retry(requests_mock, error):
    requests_mock.get(f"{BASE}/leerbedrijven", exc=error)
    with pytest.raises(SbbUnavailable, match="niet op tijd"):
        SbbHttpClient(BASE, 1).leerbedrijven(KOK)
    assert requests_mock.call_count == 1


def test_http_client_retries_a_connection_error_once(requests_mock):
    bedrijf = alle(KOK)[0]
    requests_mock.get(
        f"{BASE}/leerbedrijven",
        [{"exc": requests.exceptions.ConnectionError}, {"json": {"leerbedrijven": [bedrijf.as_dict()]}}],
    )
    assert SbbHttpClient(BASE, 1).leerbedrijven(KOK) == [bedrijf]
    assert requests_mock.call_count == 2

    requests_mock.reset_mock()
    requests_mock.get(f"{BASE}/leerbedrijven", exc=requests.exceptions.ConnectionError)
    with pytest.raises(SbbUnavailable, match="niet bereikbaar"):
        SbbHttpClient(BASE, 1).leerbedrijven(KOK)
    assert requests_mock.call_count == 2


@pytest.mark.parametrize(
    "answer, message",
    [
        ({"text": "<html>onderhoud</html>"}, "geen JSON"),
        ({"json": ["niet", "een", "object"]}, "geen JSON-object"),
        ({"json": {"resultaten": []}}, "geen lijst"),
        ({"json": {"leerbedrijven": [{"id": "1"}]}}, "onvolledig"),
    ],
)
def test_http_client_invalid_answers_are_unavailable(requests_mock, answer, message):
    requests_mock.get(f"{BASE}/leerbedrijven", **answer)
    with pytest.raises(SbbUnavailable, match=message):
        SbbHttpClient(BASE, 1).leerbedrijven(KOK)


def test_http_client_never_offers_a_company_the_server_says_is_not_accredited(requests_mock):
    zorg = alle(VERZORGENDE_IG)[0]
    requests_mock.get(f"{BASE}/leerbedrijven", json={"leerbedrijven": [zorg.as_dict()]})
    requests_mock.get(f"{BASE}/leerbedrijven/{zorg.id}", json=zorg.as_dict())
    assert SbbHttpClient(BASE, 1).leerbedrijven(KOK) == []
    assert SbbHttpClient(BASE, 1).leerbedrijf(KOK, zorg.id) is None


@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True)
def test_over_real_http_a_slow_simulator_times_the_client_out(live_server, settings):
    base = f"{live_server.url}/simulators/sbb"
    bedrijf = alle(KOK)[0]
    assert SbbHttpClient(base, 5).leerbedrijf(KOK, bedrijf.id) == bedrijf
    settings.SBB_TIMEOUT = 0.2  # the simulator sleeps 0.3 s; the client gives up after 0.2 s
    SbbSimulator.set_mode("traag")
    with pytest.raises(SbbUnavailable, match="niet op tijd"):
        SbbHttpClient(base).leerbedrijven(KOK)
    time.sleep(0.3)  # let the server thread finish its slow answer while the database is still there
