"""Graceful degradation under overload: shed the pages a student can do without, keep the deadline paths.

Application systems of our peers went down on their deadline days (Common App, Parcoursup, Hochschulstart).
When this platform is overloaded it keeps serving what a student needs to apply before 1 April (DigiD login,
the wizard, submitting, the receipt, his overview), what other systems need (the SIS and koppelpunt APIs) and
what operators need (health, metrics, status, the admin); every other page gets a short Dutch 503 with
``Retry-After`` at almost no cost, so the workers' time goes to the essential paths. A submit under overload
is queued with a receipt of its moment instead of done at once (``aanmelden.wachtrij``).

Overloaded means one of:

* an operator said so: ``voorzieningen overbelasting aan`` (a cache flag, shared by every web process, that
  expires by itself); ``voorzieningen overbelasting uit`` forces normal service whatever is measured;
* the request queue time: the load balancer stamps every request with ``X-Request-Start`` (nginx:
  ``proxy_set_header X-Request-Start "t=${msec}";``); when the moving average of the time requests waited
  before a web process picked them up rises above ``OVERBELASTING_WACHTTIJD_MS``, this process sheds until
  it has dropped below half of that again (hysteresis, so it does not flap). The load balancer must set the
  header itself (overwriting one a client sent); a client can only make its own request look late.

Counting concurrent requests in the process was considered and left out: a sync gunicorn process runs one
request at a time and a gthread process at most its thread count, so the count never exceeds what the
server was configured for — the overload shows up as waiting in the queue, which is what is measured.
"""

import logging
import math
import re
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _

from prometheus_client import Counter

from voorzieningen.conf.config import config

logger = logging.getLogger(__name__)

WACHTTIJD_MS = config(
    "OVERBELASTING_WACHTTIJD_MS",
    100,
    help_text="Average request queue time (from X-Request-Start) above which non-essential pages are shed; 0 = off.",
)
RETRY_AFTER = config("OVERBELASTING_RETRY_AFTER", 30, help_text="Seconds in Retry-After of a shed page.")
GEWICHT = 0.1  # weight of the newest queue-time sample in the moving average
VLAG_SLEUTEL = "overbelasting:vlag"
VLAG_VERVERS = 2.0  # seconds a process trusts the flag it read from the cache
VLAGGEN = ("aan", "uit")

# The paths that keep being served under overload, and why. Everything not matched here is shed.
ESSENTIEEL: tuple[tuple[str, str], ...] = (
    (r"/digid/", "inloggen met DigiD"),
    (r"/(in|uit)loggen/$", "de inlogpagina en uitloggen"),
    (r"/aanmelden/", "school en opleiding kiezen, de stappen van het formulier, indienen"),
    (r"/mijn-aanmeldingen/$", "mijn aanmeldingen: concepten, ingediende aanmeldingen en de tijdlijn"),
    (r"/mijn-aanmeldingen/in-verwerking/", "de ontvangst van een aanmelding in de wachtrij"),
    (
        r"/mijn-aanmeldingen/[0-9a-f-]{36}/(ontvangstbewijs\.pdf|intrekken/)?$",
        "de aanmelding, ontvangstbewijs, intrekken",
    ),
    (r"/api/(sis|koppelpunt)/", "de koppelingen met de SIS'en en de koppelpunten"),
    (r"/koppelpunt/", "conformiteitsvectoren van het koppelpunt"),
    (r"/(health|metrics)$", "gezondheidscontrole van de load balancer, metrieken"),
    (r"/status/$", "de publieke statuspagina"),
    (r"/static/", "opmaak van de pagina's die wel doorgaan"),
    (r"/i18n/", "taalkeuze"),
    (r"/admin/", "beheer door de Stichting"),
    (r"/simulators/", "stand-ins van externe systemen (alleen in een testomgeving)"),
)
_ESSENTIEEL_RE = re.compile("|".join(f"(?:{patroon})" for patroon, _reden in ESSENTIEEL))

AFGEWEZEN = Counter(
    "voorzieningen_overbelasting_afgewezen_total", "Non-essential requests shed under overload, by cause.", ["reden"]
)


def is_essentieel(pad: str) -> bool:
    return _ESSENTIEEL_RE.match(pad) is not None


def wachttijd(waarde: str, nu: float) -> float | None:
    """Seconds between the load balancer's stamp and ``nu``; None when absent or not believable.

    Accepts ``t=<epoch>`` or a bare epoch in seconds (nginx ``${msec}``), milliseconds or microseconds.
    """
    waarde = waarde.strip().removeprefix("t=")
    try:
        getal = float(waarde)
    except ValueError:
        return None
    if not math.isfinite(getal) or getal <= 0:
        return None
    if getal > 1e14:
        getal /= 1e6
    elif getal > 1e11:
        getal /= 1e3
    verschil = nu - getal
    if verschil < -1 or verschil > 3600:  # clocks apart, or a stamp from elsewhere: no measurement
        return None
    return max(verschil, 0.0)


class _Toestand:
    """This process's view: the moving average of the queue time and the operator's flag as last read."""

    def __init__(self):
        self.lock = threading.Lock()  # gthread workers share it
        self.gemiddelde = 0.0
        self.overbelast = False
        self.vlag: str | None = None
        self.vlag_gelezen = -math.inf

    def meet(self, seconden: float, drempel: float) -> None:
        with self.lock:
            self.gemiddelde += GEWICHT * (seconden - self.gemiddelde)
            was = self.overbelast
            if self.gemiddelde > drempel:
                self.overbelast = True
            elif self.gemiddelde < drempel / 2:
                self.overbelast = False
            if self.overbelast != was:
                logger.warning(
                    "overbelasting: %s (gemiddelde wachttijd %.0f ms)",
                    "niet-essentiële pagina's worden afgewezen" if self.overbelast else "weer normaal",
                    self.gemiddelde * 1000,
                )

    def lees_vlag(self, nu: float) -> str | None:
        if nu - self.vlag_gelezen > VLAG_VERVERS:
            try:
                waarde = cache.get(VLAG_SLEUTEL)
            except Exception:  # a broken cache must not take the site down; measure-only then
                logger.warning("overbelasting: vlag niet leesbaar uit de cache", exc_info=True)
                waarde = None
            self.vlag = waarde if waarde in VLAGGEN else None
            self.vlag_gelezen = nu
        return self.vlag


toestand = _Toestand()


def zet_vlag(waarde: str | None, seconden: int | None = None) -> None:
    """Operator's switch for all web processes: 'aan' (shed), 'uit' (never shed), None (measure)."""
    if waarde is None:
        cache.delete(VLAG_SLEUTEL)
    elif waarde in VLAGGEN:
        cache.set(VLAG_SLEUTEL, waarde, timeout=seconden)
    else:
        raise ValueError(f"onbekende stand {waarde!r}; kies uit {', '.join(VLAGGEN)}")
    toestand.vlag_gelezen = -math.inf  # this process sees it at once


def lees_vlag() -> str | None:
    waarde = cache.get(VLAG_SLEUTEL)
    return waarde if waarde in VLAGGEN else None


def beoordeel(request) -> str | None:
    """Why this process is overloaded ('handmatig' or 'wachttijd'), or None; records the request's queue time."""
    nu = time.time()
    drempel_ms = getattr(settings, "OVERBELASTING_WACHTTIJD_MS", WACHTTIJD_MS)
    gemeten = wachttijd(request.META.get("HTTP_X_REQUEST_START", ""), nu)
    if gemeten is not None and drempel_ms:
        toestand.meet(gemeten, drempel_ms / 1000)
    vlag = toestand.lees_vlag(time.monotonic())
    if vlag == "aan":
        return "handmatig"
    if vlag == "uit":
        return None
    return "wachttijd" if drempel_ms and toestand.overbelast else None


def is_overbelast(request) -> bool:
    """For views: should this request take the cheap path (e.g. queue a submit)?"""
    return bool(getattr(request, "overbelasting", None))


def _taal(request) -> str:
    taal = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return taal if taal in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def afwijzen(request, reden: str) -> HttpResponse:
    """The friendly 503: cheap (no database, no session), says what still works, and when to come back."""
    seconden = getattr(settings, "OVERBELASTING_RETRY_AFTER", RETRY_AFTER)
    try:  # so the metrics count it with its own kind of request (a shed page is a page not served)
        request.resolver_match = resolve(request.path_info)
    except Resolver404:
        pass
    with translation.override(_taal(request)):
        if request.path.startswith("/api/"):
            response = JsonResponse(
                {
                    "type": "https://mbovoorzieningen.example/problems/overbelast",
                    "title": _("Het is nu te druk; probeer het later opnieuw."),
                    "status": 503,
                },
                status=503,
                content_type="application/problem+json",
            )
        else:
            html = render_to_string(
                "core/overbelast.html",
                {"opnieuw": request.get_full_path(), "seconden": seconden, "taal": translation.get_language()},
            )
            response = HttpResponse(html, status=503)
            response["Content-Security-Policy"] = (
                "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; "
                "frame-ancestors 'none'"
            )
            response["Content-Language"] = translation.get_language()
    response["Retry-After"] = str(seconden)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Frame-Options"] = "DENY"
    # Django would log every shed request as an error: thousands a second under overload, for a decision taken
    # on purpose. The counter below and the state changes (logged once) are what operators need.
    response._has_been_logged = True
    AFGEWEZEN.labels(reden).inc()
    return response


class OverbelastingMiddleware:
    """Right after the metrics middleware: a shed request costs a regex and a template, nothing more."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reden = beoordeel(request)
        request.overbelasting = reden
        if reden and not is_essentieel(request.path_info):
            return afwijzen(request, reden)
        return self.get_response(request)
