"""The 1 April peak against a running platform (``make run-prod``, then ``make loadtest``; docs/loadtest.md).

Four kinds of visitors, mixed so that there are about six to seven page views per submit:

* ``Indiener`` — a prepared student (``voorzieningen seed-loadtest``) logs in through the DigiD simulator,
  looks at Mijn aanmeldingen, opens the summary of a draft, submits it and looks at the receipt;
* ``Invuller`` — a new student walks the whole wizard from a programme's deeplink to the receipt;
* ``Volger`` — a student who applied earlier logs in to follow his applications (overview, detail);
* ``Bezoeker`` — someone who is not logged in searches the catalogue and reads programme pages.

The DigiD pages themselves are skipped: in production they are DigiD's servers, not ours; what the platform
serves of a login is the login page, the start (the SAML request) and the assertion consumer service.

Every request carries ``X-Request-Start`` (the moment locust sent it), as a load balancer in front of the web
processes would, so the platform sees how long requests wait in its queue (``core.overbelasting``).
At the end a summary goes to the console and ``$LOADTEST_UITVOER/samenvatting.txt``: rates and p50/p99 per
kind of request, the targets, errors and the machine's CPU use. Needs no Django: it talks HTTP only.
"""

import itertools
import os
import random
import re
import time
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import gevent
import meten
from locust import FastHttpUser, between, events, task

DATA = Path(os.environ.get("LOADTEST_DATA", "var/loadtest"))
UITVOER = Path(os.environ.get("LOADTEST_UITVOER", str(DATA)))
STEMPEL = os.environ.get("LOADTEST_REQUEST_START", "1") != "0"
INDIENEN_PER_BEZOEK = int(os.environ.get("LOADTEST_INDIENEN_PER_BEZOEK", "1"))
DENKTIJD = between(
    float(os.environ.get("LOADTEST_DENKTIJD_MIN", "1")), float(os.environ.get("LOADTEST_DENKTIJD_MAX", "3"))
)


def _regels(naam: str) -> list[str]:
    pad = DATA / naam
    if not pad.exists():
        raise SystemExit(f"{pad} ontbreekt: draai eerst `voorzieningen seed-loadtest` tegen dezelfde database")
    return [r for r in pad.read_text().splitlines() if r.strip()]


STUDENTEN = _regels("studenten.txt")
COHORTEN = [r.split("\t") for r in _regels("cohorten.tsv")]
ZOEKWOORDEN = _regels("zoekwoorden.txt")
OPLEIDINGEN = sorted({c[0] for c in COHORTEN})
BBL = {"BBL", "CBL", "CBL_DT"}


def _bsns_van_boven():
    """Fresh students for the wizard: valid BSNs counting down from the top of the generated range, so they
    never meet the prepared ones (which count up from 999900000)."""
    voorbereid = set(STUDENTEN)
    for nummer in range(999_989_999, 999_900_000, -1):
        waarde = str(nummer)
        totaal = sum(int(c) * w for c, w in zip(waarde[:8], range(9, 1, -1), strict=True)) - int(waarde[8])
        if totaal % 11 == 0 and waarde not in voorbereid:
            yield waarde


# a new order every run: a fixed one would empty the drafts of the same students run after run
_indieners = itertools.cycle(random.sample(STUDENTEN, len(STUDENTEN)))
_volgers = itertools.cycle(random.sample(STUDENTEN, len(STUDENTEN)))
_nieuwe = _bsns_van_boven()

CONCEPT = re.compile(r"/aanmelden/([0-9a-f-]{36})/persoonsgegevens/")
AANMELDING = re.compile(r"/mijn-aanmeldingen/([0-9a-f-]{36})/")
STAP = re.compile(r"^/aanmelden/([0-9a-f-]{36})/([a-z]+)/$")


class Portaal(FastHttpUser):
    abstract = True
    wait_time = DENKTIJD

    def _kop(self) -> dict:
        kop = {"X-Request-Start": f"t={time.time():.6f}"} if STEMPEL else {}
        csrf = next((c.value for c in self.client.cookiejar if c.name.endswith("csrftoken")), None)
        if csrf:
            kop["X-CSRFToken"] = csrf
        return kop

    def get(self, url, naam, verwacht=(200,)):
        with self.client.get(
            url, name=naam, headers=self._kop(), allow_redirects=False, catch_response=True
        ) as antwoord:
            self._controleer(antwoord, verwacht)
        return antwoord

    def post(self, url, naam, data=None, verwacht=(302,)):
        with self.client.post(
            url, name=naam, data=data or {}, headers=self._kop(), allow_redirects=False, catch_response=True
        ) as antwoord:
            self._controleer(antwoord, verwacht)
        return antwoord

    @staticmethod
    def _controleer(antwoord, verwacht):
        if antwoord.status_code in verwacht:
            antwoord.success()
        elif antwoord.status_code == 503:
            antwoord.failure(f"503 (overbelast, Retry-After {antwoord.headers.get('Retry-After')})")
        else:
            antwoord.failure(f"{antwoord.status_code} in plaats van {'/'.join(map(str, verwacht))}")

    def nieuwe_sessie(self):
        self.client.cookiejar.clear()

    def inloggen(self, bsn: str, verder: str) -> str | None:
        """The platform's part of a DigiD login; returns where the student lands (``verder``) or None."""
        self.get(f"/inloggen/?next={quote(verder)}", "inloggen: pagina")
        start = self.get(f"/digid/login/?next={quote(verder)}", "inloggen: digid start", verwacht=(302,))
        if start.status_code != 302:
            return None
        acs = parse_qs(urlsplit(start.headers["Location"]).query).get("acs", [""])[0]
        terug = self.get(f"{urlsplit(acs).path}?bsn={bsn}&next={quote(verder)}", "inloggen: digid acs", verwacht=(302,))
        if terug.status_code != 302:
            return None
        return urlsplit(terug.headers["Location"]).path

    def indienen(self, token: str):
        self.get(f"/aanmelden/{token}/controleren/", "wizard: controleren")
        antwoord = self.post(f"/aanmelden/{token}/indienen/", "indienen", verwacht=(302, 202))
        if antwoord.status_code == 302 and "/mijn-aanmeldingen/" in antwoord.headers.get("Location", ""):
            self.get(antwoord.headers["Location"], "ontvangstbewijs (aanmelding)")
        elif antwoord.status_code == 202:  # queued under overload: the receipt of the moment was the answer
            meten.in_wachtrij += 1


class Indiener(Portaal):
    weight = 4

    @task
    def bezoek(self):
        self.nieuwe_sessie()
        if self.inloggen(next(_indieners), "/mijn-aanmeldingen/") is None:
            return
        overzicht = self.get("/mijn-aanmeldingen/", "mijn aanmeldingen")
        tokens = CONCEPT.findall(overzicht.text or "")
        if not tokens:
            meten.zonder_concept += 1
            return
        for token in random.sample(tokens, min(INDIENEN_PER_BEZOEK, len(tokens))):
            self.indienen(token)


class Invuller(Portaal):
    weight = 1

    @task
    def formulier(self):
        self.nieuwe_sessie()
        code, cohort, leertraject = random.choice(COHORTEN)
        deeplink = f"/aanmelden/start/{code}/?cohort={quote(cohort)}&direct=1"
        naar = self.get(deeplink, "wizard: start (niet ingelogd)", verwacht=(302,))
        if naar.status_code != 302 or self.inloggen(next(_nieuwe), deeplink) is None:
            return
        start = self.get(deeplink, "wizard: start", verwacht=(302,))
        stap = STAP.match(urlsplit(start.headers.get("Location", "")).path)
        if not stap:
            return
        token = stap.group(1)
        gegevens = {
            "persoonsgegevens": {},
            "contact": {"email": f"invuller-{token[:8]}@loadtest.example", "telefoon": "0612345678"},
            "ouders": {},
            "vooropleiding": {},
            "leerbedrijf": {"leerbedrijf": ""},
        }
        for slug in ("persoonsgegevens", "contact", "ouders", "vooropleiding", "leerbedrijf"):
            if slug == "leerbedrijf" and leertraject not in BBL:
                continue
            self.get(f"/aanmelden/{token}/{slug}/", f"wizard: {slug}")
            self.post(f"/aanmelden/{token}/{slug}/", f"wizard: {slug} opslaan", gegevens[slug])
        self.indienen(token)


class Volger(Portaal):
    weight = 2

    @task
    def kijken(self):
        self.nieuwe_sessie()
        if self.inloggen(next(_volgers), "/mijn-aanmeldingen/") is None:
            return
        overzicht = self.get("/mijn-aanmeldingen/", "mijn aanmeldingen")
        ids = AANMELDING.findall(overzicht.text or "")
        if ids:
            self.get(f"/mijn-aanmeldingen/{random.choice(ids)}/", "mijn aanmelding (status)")


class Bezoeker(Portaal):
    weight = 6

    @task(3)
    def zoeken(self):
        self.get(f"/?q={quote(random.choice(ZOEKWOORDEN))}", "catalogus: zoeken")
        self.get(f"/opleidingen/{quote(random.choice(OPLEIDINGEN))}/", "catalogus: opleiding")

    @task(1)
    def startpagina(self):
        self.get("/", "catalogus: startpagina")


@events.test_start.add_listener
def _begin(environment, **kwargs):
    meten.begin()

    def bemonster():
        while True:
            gevent.sleep(2)
            meten.bemonster()

    gevent.spawn(bemonster)


@events.request.add_listener
def _verzoek(name, response_time, exception, **kwargs):
    meten.verzoek(name, response_time, exception)


@events.test_stop.add_listener
def _einde(environment, **kwargs):
    tekst = meten.samenvatting()
    print(tekst)
    UITVOER.mkdir(parents=True, exist_ok=True)
    (UITVOER / "samenvatting.txt").write_text(tekst)
