"""The platform's own metrics (Prometheus format) and the service-level objectives computed from them.

Every request is timed per kind (page, submit, api, admin, other) and counted per status class. With several
web processes (gunicorn) set ``PROMETHEUS_MULTIPROC_DIR``: each process writes its figures there and
``/metrics`` and the status page read the sum of all of them.
"""

import os
import time
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import REGISTRY

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1.0, 2.0, 5.0, 10.0)

DUUR = Histogram(
    "voorzieningen_http_request_duration_seconds",
    "Time to answer a request, by kind of request.",
    ["soort"],
    buckets=BUCKETS,
)
VERZOEKEN = Counter(
    "voorzieningen_http_requests_total", "Requests answered, by kind and status class.", ["soort", "klasse"]
)

# url names (namespace:name) that are the submit step; everything else in the portal is a page
SUBMIT = {"aanmelden:indienen"}


def soort(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "overig"
    naam = match.view_name or ""
    if naam in SUBMIT and request.method == "POST":
        return "indienen"
    if request.path.startswith("/api/"):
        return "api"
    if request.path.startswith("/admin/"):
        return "beheer"
    if naam in ("health", "metrics", "status") or request.path.startswith("/static/"):
        return "overig"
    return "pagina"


class MetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        begin = time.perf_counter()
        response = self.get_response(request)
        s = soort(request)
        DUUR.labels(s).observe(time.perf_counter() - begin)
        VERZOEKEN.labels(s, f"{response.status_code // 100}xx").inc()
        return response


def registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        r = CollectorRegistry()
        multiprocess.MultiProcessCollector(r)
        return r
    return REGISTRY


def exposition() -> bytes:
    return generate_latest(registry())


@dataclass(frozen=True)
class Doelstelling:
    naam: str
    doel: str
    gemeten: str
    gehaald: bool | None  # None: no traffic yet


def _samples(naam: str) -> list:
    return [s for m in registry().collect() for s in m.samples if s.name == naam]


def kwantiel(soort_: str, q: float) -> float | None:
    """The q-quantile from the histogram buckets (upper bound of the bucket it falls in, as Prometheus does
    without interpolation beyond the bucket); None without observations."""
    buckets = sorted(
        (float(s.labels["le"]), s.value)
        for s in _samples("voorzieningen_http_request_duration_seconds_bucket")
        if s.labels.get("soort") == soort_
    )
    totaal = buckets[-1][1] if buckets else 0
    if not totaal:
        return None
    vorige_grens, vorige_aantal = 0.0, 0.0
    for grens, aantal in buckets:
        if aantal >= q * totaal:
            if grens == float("inf"):
                return vorige_grens
            breedte = aantal - vorige_aantal
            return vorige_grens + (grens - vorige_grens) * ((q * totaal - vorige_aantal) / breedte if breedte else 1)
        vorige_grens, vorige_aantal = grens, aantal
    return vorige_grens


def beschikbaarheid() -> tuple[float | None, int]:
    """Share of requests not answered with a server error, and the number of requests it is based on."""
    per_klasse: dict[str, float] = {}
    for s in _samples("voorzieningen_http_requests_total"):
        if s.labels.get("soort") != "overig":
            per_klasse[s.labels["klasse"]] = per_klasse.get(s.labels["klasse"], 0) + s.value
    totaal = sum(per_klasse.values())
    if not totaal:
        return None, 0
    return 1 - per_klasse.get("5xx", 0) / totaal, int(totaal)


DOELEN = {"beschikbaarheid": 0.999, "indienen_p99": 0.150, "pagina_p99": 0.300}


def doelstellingen() -> list[Doelstelling]:
    uit = []
    b, n = beschikbaarheid()
    uit.append(
        Doelstelling(
            _("Beschikbaarheid (geen serverfout)"),
            f"≥ {number_format(DOELEN['beschikbaarheid'] * 100, 1)}%",
            "—" if b is None else _("%(pct)s%% van %(n)s verzoeken") % {"pct": number_format(b * 100, 3), "n": n},
            None if b is None else b >= DOELEN["beschikbaarheid"],
        )
    )
    for s, naam, doel in (
        ("indienen", _("Aanmelding indienen, 99e percentiel"), "indienen_p99"),
        ("pagina", _("Pagina's, 99e percentiel"), "pagina_p99"),
    ):
        waarde = kwantiel(s, 0.99)
        uit.append(
            Doelstelling(
                naam,
                f"≤ {DOELEN[doel] * 1000:.0f} ms",
                "—" if waarde is None else f"{waarde * 1000:.0f} ms",
                None if waarde is None else waarde <= DOELEN[doel],
            )
        )
    return uit
