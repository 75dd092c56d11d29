"""The world around the platform during a simulated season: the clock, HTTP without sockets, DUO, a mail server.

* **Clock.** Every part of the project reads the time through ``django.utils.timezone.now`` (and ``localdate``,
  which calls it). During a season that function is replaced by :class:`Klok`, which returns the simulated
  moment the runner sets before each event. freezegun would do the same, but it walks every loaded module on
  each start; the season sets the time millions of times, so one attribute swap per process is what is used.
* **HTTP.** :class:`WsgiAdapter` is a transport adapter for ``requests``: a request to :data:`BASIS` goes into
  this process's Django WSGI stack (middleware, URL routing, DRF authentication, serializers, views) instead of a
  socket. The SIS clients are the vendor-style ``SisHttpClient`` over a session with this adapter, and the
  platform's own deliveries to Koppelpunt VO and the municipalities (``requests.post`` in the outbox handlers)
  reach the simulators the same way: while a season runs, every ``requests`` session picks this adapter for
  BASIS (as requests-mock does). What is skipped is only the TCP connection and the HTTP parser of a web
  server — on a 2-core machine that CPU would come out of the platform's share.
* **DUO.** :class:`SeizoenDuo` answers as DUO does (the ``DuoClient`` protocol) for the season's synthetic
  population, so the login step ``haal_duo_gegevens`` runs unchanged.
* **Mail.** :class:`TellendePost` is the season's SMTP server: it counts what the outbox delivers and keeps
  nothing (a million e-mails with PDF receipts would not fit in memory).
"""

import datetime
import io
import urllib.parse
from contextlib import contextmanager

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

BASIS = "https://seizoen.invalid"  # .invalid can never resolve: without the adapter a request fails loudly
HOST = "seizoen.invalid"


class Klok:
    """The simulated 'now' of this process (aware, UTC)."""

    def __init__(self, moment: datetime.datetime):
        self.moment = moment

    def __call__(self) -> datetime.datetime:
        return self.moment

    def zet(self, moment: datetime.datetime) -> None:
        self.moment = moment

    def tik(self, microseconden: int = 1000) -> datetime.datetime:
        """A little later: consecutive events in one process keep their order."""
        self.moment += datetime.timedelta(microseconds=microseconden)
        return self.moment


KLOK = Klok(datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))


class TellendePost(BaseEmailBackend):
    """The season's mail server: counts, keeps nothing. ``verstuurd`` counts per process; ``gedeeld`` (set up before
    the processes fork) counts for all of them in shared memory, like a mail server outside them would: what a
    process sent before it was killed stays counted."""

    verstuurd = 0
    gedeeld = None

    def send_messages(self, email_messages):
        aantal = len(email_messages or [])
        TellendePost.verstuurd += aantal
        if TellendePost.gedeeld is not None:
            with TellendePost.gedeeld.get_lock():
                TellendePost.gedeeld.value += aantal
        return aantal


class WsgiAdapter(BaseAdapter):
    """``requests`` into this process's Django application; see the module docstring for why."""

    def __init__(self):
        super().__init__()
        from django.test.client import ClientHandler

        # Django's in-process handler: the full middleware stack and request signals, while keeping this
        # process's database connection open between requests (as CONN_MAX_AGE does for a web process).
        self.handler = ClientHandler(enforce_csrf_checks=True)

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        deel = urllib.parse.urlsplit(request.url)
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        environ = {
            "REQUEST_METHOD": request.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": urllib.parse.unquote_to_bytes(deel.path).decode("iso-8859-1"),
            "QUERY_STRING": deel.query,
            "SERVER_NAME": deel.hostname,
            "SERVER_PORT": str(deel.port or (443 if deel.scheme == "https" else 80)),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": deel.netloc,
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": deel.scheme,
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": io.StringIO(),
            "wsgi.multiprocess": True,
            "wsgi.multithread": False,
            "wsgi.run_once": False,
        }
        for naam, waarde in request.headers.items():
            sleutel = naam.upper().replace("-", "_")
            if sleutel in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                environ[sleutel] = waarde
            else:
                environ[f"HTTP_{sleutel}"] = waarde
        if HAAK is not None:  # a season with faults (core/seizoen/storingen.py)
            return HAAK(self, request, environ, environ["PATH_INFO"])
        return self.response(request, self.handler(environ))

    def response(self, request, antwoord) -> requests.Response:
        response = requests.Response()
        response.status_code = antwoord.status_code
        response.reason = antwoord.reason_phrase
        response.headers = CaseInsensitiveDict(antwoord.items())
        response._content = antwoord.content
        response.encoding = requests.utils.get_encoding_from_headers(response.headers)
        response.url = request.url
        response.request = request
        response.connection = self
        return response

    def close(self):
        pass


_ADAPTER: WsgiAdapter | None = None
HAAK = None  # storingen.verstuur while a season with faults runs


def _adapter() -> WsgiAdapter:
    global _ADAPTER
    if _ADAPTER is None:
        _ADAPTER = WsgiAdapter()
    return _ADAPTER


def sessie() -> requests.Session:
    """A session whose requests to BASIS stay in this process (every session does, while a season runs); no
    proxies or CA bundles to read from the environment for an in-process host."""
    gevonden = requests.Session()
    gevonden.trust_env = False
    return gevonden


class SeizoenDuo:
    """DUO for the season's population (``DuoClient``): the same answer shape as the real service and the
    simulator of the five test persons; an unknown BSN is unknown, as at DUO."""

    def __init__(self, personen: dict):
        self.personen = personen

    def persoonsgegevens(self, bsn: str):
        student = self.personen.get(bsn)
        return student.duo_persoon() if student else None

    def vooropleidingen(self, bsn: str):
        student = self.personen.get(bsn)
        return student.duo_vooropleidingen() if student else []


@contextmanager
def gesimuleerde_omgeving(personen: dict, start: datetime.datetime):
    """Install clock, DUO, mail server and the simulators' host for the season; everything is put back after.

    Delivery after commit is switched off: in a season the runner's delivery step plays the Celery workers
    (``outbox.lever_partij``, a batch per transaction, in order per group), so intake and delivery are timed
    separately.
    """
    from voorzieningen.core import http, outbox
    from voorzieningen.identiteit import duo

    oud = {
        "now": timezone.now,
        "duo": duo.client,
        "after_commit": outbox._after_commit,
        "email": settings.EMAIL_BACKEND,
        "hosts": list(settings.ALLOWED_HOSTS),
        "debug": settings.DEBUG,
        "vo": settings.KOPPELPUNT_VO_URL,
        "get_adapter": requests.Session.get_adapter,
        "lees_omgeving": http.LEES_OMGEVING,
    }
    KLOK.zet(start)
    timezone.now = KLOK
    duo.client = lambda: SeizoenDuo(personen)
    outbox._after_commit = lambda func: None
    settings.EMAIL_BACKEND = f"{TellendePost.__module__}.TellendePost"
    settings.ALLOWED_HOSTS = [*oud["hosts"], HOST]
    settings.DEBUG = False  # no query log: measure what production runs
    settings.KOPPELPUNT_VO_URL = f"{BASIS}/simulators/koppelpunt-vo/berichten"
    echte_adapter = oud["get_adapter"]

    def get_adapter(self, url):
        # Every requests session, also the one inside requests.post() of the outbox handlers: BASIS stays here.
        if url.startswith(BASIS + "/"):
            return _adapter()
        return echte_adapter(self, url)

    requests.Session.get_adapter = get_adapter
    http.LEES_OMGEVING = False  # the outbox's receivers are in this process too
    http.vergeet()
    try:
        yield KLOK
    finally:
        timezone.now = oud["now"]
        duo.client = oud["duo"]
        outbox._after_commit = oud["after_commit"]
        settings.EMAIL_BACKEND = oud["email"]
        settings.ALLOWED_HOSTS = oud["hosts"]
        settings.DEBUG = oud["debug"]
        settings.KOPPELPUNT_VO_URL = oud["vo"]
        requests.Session.get_adapter = oud["get_adapter"]
        http.LEES_OMGEVING = oud["lees_omgeving"]
        http.vergeet()
