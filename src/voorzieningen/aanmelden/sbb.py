"""SBB adapter: the leerbedrijven (work-placement companies) accredited for a crebo, for BBL applications.

SBB's own interfaces (the White Label web service for schools, Stagemarkt) are not publicly specified
or open to the portal, so the portal talks to SBB through ``SbbClient``. ``SbbHttpClient`` speaks a
minimal JSON contract (below) that a gateway in front of SBB, or this project's simulator views, serves;
``SbbSimulator`` is the faithful stand-in for development and tests and can be told to be slow or down.

HTTP contract (all answers ``application/json``; errors as ``application/problem+json``)::

    GET {base}/leerbedrijven?crebo=25180&zoek=bouw&plaats=utrecht&limit=20
        200 {"leerbedrijven": [<leerbedrijf>, ...]}   accredited for crebo, filtered, sorted by naam
        400 bad crebo or limit (limit 1..100)
    GET {base}/leerbedrijven/{id}?crebo=25180
        200 <leerbedrijf>
        404 unknown id, or the company is not accredited for that crebo
    <leerbedrijf> = {"id", "kvk", "naam", "straat", "huisnummer", "postcode", "plaats", "crebos": [...]}
    503 the service (or the simulator in mode 'onbereikbaar') is down
"""

import logging
import random
import re
import time
from collections import Counter
from dataclasses import asdict, dataclass
from functools import cache
from typing import Protocol
from urllib.parse import quote

from django.conf import settings

import requests

from voorzieningen.catalogus import reference
from voorzieningen.core.reference import ReferenceDataMissing, data_dir
from voorzieningen.core.services import set_simulator_mode, simulator_mode

logger = logging.getLogger(__name__)

CREBO_RE = re.compile(r"^[0-9]{5}$")
MAX_LIMIT = 100


class SbbUnavailable(Exception):
    """SBB did not answer (in time, or sensibly); the student sees this message and can try again."""

    def __init__(self, message: str = "SBB is op dit moment niet bereikbaar. Probeer het later opnieuw."):
        super().__init__(message)


@dataclass(frozen=True)
class Leerbedrijf:
    id: str  # SBB's leerbedrijf-ID (registratienummer)
    kvk: str  # 8 digits; KvK numbers carry no check digit
    naam: str
    straat: str
    huisnummer: str
    postcode: str  # 1234AB
    plaats: str
    crebos: tuple[str, ...]  # the qualifications the company is accredited (erkend) for

    def is_erkend_voor(self, crebo: str) -> bool:
        return crebo in self.crebos

    def as_dict(self) -> dict:
        data = asdict(self)
        data["crebos"] = list(self.crebos)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Leerbedrijf":
        """Strict: a missing field raises KeyError, a wrong shape TypeError, so bad answers are never half-used."""
        if not isinstance(data, dict):
            raise TypeError(f"leerbedrijf moet een object zijn, niet {type(data).__name__}")
        crebos = data["crebos"]
        if not isinstance(crebos, list | tuple):
            raise TypeError("crebos moet een lijst zijn")
        text = {name: data[name] for name in ("id", "kvk", "naam", "straat", "huisnummer", "postcode", "plaats")}
        for name, value in text.items():
            if not isinstance(value, str | int) or isinstance(value, bool):
                raise TypeError(f"{name} moet tekst zijn")
        return cls(**{name: str(value) for name, value in text.items()}, crebos=tuple(str(c) for c in crebos))


class SbbClient(Protocol):
    def leerbedrijven(self, crebo: str, *, zoek: str = "", plaats: str = "", limit: int = 20) -> list[Leerbedrijf]:
        """Companies accredited for ``crebo`` whose naam and plaats contain ``zoek``/``plaats`` (any case), by naam."""
        ...

    def leerbedrijf(self, crebo: str, id: str) -> Leerbedrijf | None:
        """The company, or None when unknown or not accredited for ``crebo`` (the portal must then refuse it)."""
        ...


def _filter(bedrijven, *, zoek: str, plaats: str, limit: int) -> list[Leerbedrijf]:
    zoek, plaats = zoek.strip().casefold(), plaats.strip().casefold()
    found = [b for b in bedrijven if zoek in b.naam.casefold() and plaats in b.plaats.casefold()]
    found.sort(key=lambda b: (b.naam.casefold(), b.id))
    return found[: max(0, min(limit, MAX_LIMIT))]


# --- Simulator ------------------------------------------------------------------------------------

FAMILIES = (
    "De Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "De Boer", "Mulder", "De Groot", "Bos",
    "Vos", "Peters", "Hendriks", "Van Leeuwen", "Dekker", "Brouwer", "De Wit", "Dijkstra", "Smits", "De Graaf",
    "Van der Meer", "Van der Linden", "Kok", "Jacobs", "De Haan", "Vermeulen", "Van den Heuvel", "Van Dijk",
    "Schouten", "Van der Veen", "Hoekstra", "Van Beek", "Willems", "Verhoeven", "Koster", "Prins", "Kuipers",
    "Postma", "Huisman", "Peeters", "Maas", "Van Wijk", "Timmermans", "Boersma", "Wouters", "Kramer",
)  # fmt: skip

# Company kinds per sector; the crebo's name (when the reference data is there) picks the first sector
# with a matching word, so the more specific sectors come first.
SECTORS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "ict": (("ict", "software", "applicatie", "netwerk", "media", "game", "print"),
            ("ICT Solutions", "Softwarehuis", "IT Services", "Webbureau", "Netwerkbeheer", "Mediaproducties")),
    "mobiliteit": (("auto", "motor", "mobiliteit", "fiets", "carrosserie", "tweewieler"),
                   ("Autobedrijf", "Garage", "Autoschade", "Tweewielerbedrijf", "Truckservice")),
    "logistiek": (("logistiek", "transport", "chauffeur", "vervoer", "haven", "expeditie", "magazijn",
                   "maritiem", "schipper", "binnenvaart"),
                  ("Transport", "Logistiek", "Expeditie", "Distributiecentrum", "Rederij")),
    "groen": (("groen", "dier", "hovenier", "agrar", "veehoud", "tuin", "bloem", "paard", "plant", "teelt",
               "melk", "natuur"),
              ("Hoveniersbedrijf", "Kwekerij", "Melkveebedrijf", "Dierenkliniek", "Tuincentrum",
               "Loonbedrijf")),
    "horeca": (("kok", "horeca", "gastheer", "gastvrouw", "bakker", "brood", "keuken", "hotel", "slager",
                "food", "voeding", "recreatie"),
               ("Restaurant", "Hotel", "Bakkerij", "Slagerij", "Catering", "Grand Café", "Recreatiepark")),
    "zorg": (("zorg", "verpleeg", "welzijn", "pedagog", "kinderopvang", "apothe", "doktersassistent",
              "tandarts", "maatschappelijk", "sport", "gehandicapt"),
             ("Zorggroep", "Thuiszorg", "Woonzorgcentrum", "Kinderopvang", "Stichting Welzijn",
              "Huisartsenpraktijk", "Apotheek", "Sportcentrum")),
    "bouw": (("bouw", "timmer", "metsel", "schilder", "infra", "tegel", "stukadoor", "dak", "hout", "meubel"),
             ("Bouwbedrijf", "Aannemersbedrijf", "Timmerbedrijf", "Schildersbedrijf", "Infra", "Bouwgroep",
              "Meubelmakerij")),
    "techniek": (("install", "elektro", "techn", "mechatron", "werktuig", "metaal", "lass", "engineer", "koude",
                  "procesoperator", "monteur"),
                 ("Installatietechniek", "Elektrotechniek", "Metaalbewerking", "Machinefabriek",
                  "Technisch Bureau", "Constructiebedrijf", "Klimaattechniek")),
    "handel": (("verkoop", "retail", "winkel", "handel", "commercieel", "ondernemer", "verkoper"),
               ("Supermarkt", "Woonwinkel", "Groothandel", "Modehuis", "Bouwmarkt", "Elektronicawinkel")),
    "zakelijk": (("administrat", "secretar", "juridisch", "financ", "marketing", "office", "management",
                  "beveilig", "schoonmaak", "kapper", "schoonheid", "facilit"),
                 ("Administratiekantoor", "Accountants", "Advocatenkantoor", "Beveiliging",
                  "Schoonmaakbedrijf", "Kapsalon", "Schoonheidssalon")),
}  # fmt: skip
ALL_KINDS = tuple(kind for _, kinds in SECTORS.values() for kind in kinds)

STRATEN = (
    "Industrieweg", "Nijverheidsweg", "Ambachtsweg", "Handelsweg", "Energieweg", "Kerkstraat", "Dorpsstraat",
    "Stationsweg", "Havenweg", "Molenweg", "Edisonstraat", "Marconistraat", "Zuiderzeestraat", "Hoofdstraat",
    "Schoolstraat", "Parallelweg", "Kanaalweg", "Nieuwstraat", "Marktplein", "Vlietweg", "Keizersgracht",
    "Meerweg", "Bedrijvenpark", "Transportweg", "Fokkerstraat", "Ampèrestraat", "Laan van Zuid", "Koningsweg",
)  # fmt: skip

# (woonplaats, first and last pc4 of the city) for when REFERENCE_DATA_DIR is absent.
FALLBACK_PLAATSEN = (
    ("Amsterdam", 1011, 1109), ("Rotterdam", 3011, 3089), ("Den Haag", 2491, 2597), ("Utrecht", 3511, 3585),
    ("Eindhoven", 5611, 5658), ("Groningen", 9711, 9747), ("Tilburg", 5011, 5049), ("Almere", 1311, 1363),
    ("Breda", 4811, 4839), ("Nijmegen", 6511, 6546), ("Apeldoorn", 7311, 7339), ("Haarlem", 2011, 2037),
    ("Arnhem", 6811, 6846), ("Enschede", 7511, 7548), ("Amersfoort", 3811, 3829), ("Zwolle", 8011, 8046),
    ("Leiden", 2311, 2334), ("Maastricht", 6211, 6229), ("Dordrecht", 3311, 3329), ("Zoetermeer", 2711, 2729),
    ("'s-Hertogenbosch", 5211, 5236), ("Leeuwarden", 8911, 8939), ("Deventer", 7411, 7429), ("Delft", 2611, 2629),
    ("Alkmaar", 1811, 1829), ("Venlo", 5911, 5929), ("Helmond", 5701, 5709), ("Emmen", 7811, 7825),
    ("Hilversum", 1211, 1223), ("Assen", 9401, 9409), ("Middelburg", 4331, 4339), ("Gouda", 2801, 2809),
)  # fmt: skip

# Letter pairs PostNL uses: no F, I, O, Q, U, Y, and never SA, SD or SS.
_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"
_LETTER_PAIRS = tuple(a + b for a in _LETTERS for b in _LETTERS if a + b not in {"SA", "SD", "SS"})


def _reference_dir() -> str | None:
    directory = data_dir()
    return str(directory) if directory else None


@cache
def _plaatsen(directory: str | None) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """(woonplaats, pc4) pairs of towns with several postcode areas, and of all: real ones when the reference
    data is there, else a built-in list. Most companies sit in towns, so the first list is drawn from more."""
    pairs: tuple[tuple[str, str], ...] = ()
    if directory:
        try:
            pairs = tuple((p.woonplaats, p.pc4) for p in reference.plaatsen())
        except (OSError, ValueError, KeyError, ReferenceDataMissing) as exc:
            logger.warning("SBB simulator: reference data unusable (%s); using built-in places", exc)
    if not pairs:
        pairs = tuple((naam, str(pc4)) for naam, first, last in FALLBACK_PLAATSEN for pc4 in range(first, last + 1))
    areas = Counter(naam for naam, _ in pairs)
    return tuple(p for p in pairs if areas[p[0]] >= 4) or pairs, pairs


@cache
def _crebo_namen(directory: str | None) -> dict[str, str]:
    if not directory:
        return {}
    try:
        return {code: naam.casefold() for code, naam in reference.crebo_kwalificaties()}
    except (OSError, ValueError, KeyError, ReferenceDataMissing):
        return {}


def _kinds(crebo: str, directory: str | None) -> tuple[str, ...]:
    naam = _crebo_namen(directory).get(crebo, "")
    for words, kinds in SECTORS.values():
        if naam and any(word in naam for word in words):
            return kinds
    return ALL_KINDS


def _sibling(crebo: str) -> str:
    """The crebo whose catalogue shares some companies with this one (a symmetric pairing: 25180 <-> 25181)."""
    return crebo[:-1] + str(int(crebo[-1]) ^ 1)


def _naam(rng: random.Random, kinds: tuple[str, ...], plaats: str) -> str:
    kind, family = rng.choice(kinds), rng.choice(FAMILIES)
    pattern = rng.randrange(6)
    if pattern == 0:
        naam = f"{family} {kind}"
    elif pattern == 1:
        naam = f"{kind} {plaats}"
    elif pattern == 2:
        naam = f"{kind} {family} & {rng.choice(FAMILIES)}"
    else:
        naam = f"{kind} {family}"
    return naam + (" B.V." if rng.random() < 0.35 else "")


@cache
def _eigen(crebo: str, directory: str | None) -> tuple[tuple[Leerbedrijf, bool], ...]:
    """The companies whose home is this crebo, each with whether it is also accredited for the sibling crebo.

    Seeded from the crebo alone (random's string seeding is stable across processes), so every instance,
    process and machine with the same reference data gives the same answer.
    """
    rng = random.Random(f"sbb:{crebo}")
    (towns, everywhere), kinds, sibling = _plaatsen(directory), _kinds(crebo, directory), _sibling(crebo)
    count = rng.randint(8, 30)
    shared = set(rng.sample(range(count), rng.randint(0, min(10, count // 3))))
    bedrijven, namen, kvks = [], set(), set()
    for index in range(count):
        plaats, pc4 = rng.choice(towns if rng.random() < 0.7 else everywhere)
        naam = _naam(rng, kinds, plaats)
        while naam in namen:
            naam = _naam(rng, kinds, plaats)
        kvk = str(rng.randint(10_000_000, 99_999_999))
        while kvk in kvks:
            kvk = str(rng.randint(10_000_000, 99_999_999))
        namen.add(naam)
        kvks.add(kvk)
        bedrijf = Leerbedrijf(
            id=f"1{crebo}{index:03d}",  # unique over all crebos: the home crebo and a serial number
            kvk=kvk,
            naam=naam,
            straat=rng.choice(STRATEN),
            huisnummer=str(rng.choice((rng.randint(1, 40), rng.randint(1, 250)))),
            postcode=pc4 + rng.choice(_LETTER_PAIRS),
            plaats=plaats,
            crebos=tuple(sorted({crebo, sibling})) if index in shared else (crebo,),
        )
        bedrijven.append((bedrijf, index in shared))
    return tuple(bedrijven)


def _catalogus(crebo: str) -> tuple[Leerbedrijf, ...]:
    """Own companies (8..30) plus the sibling's shared ones (0..10): 8..40, consistent in both directions."""
    directory = _reference_dir()
    own = [b for b, _ in _eigen(crebo, directory)]
    return tuple(own + [b for b, shared in _eigen(_sibling(crebo), directory) if shared])


class SbbSimulator:
    """Deterministic leerbedrijven per crebo, as SBB would return them. Mode: 'normaal', 'traag' or 'onbereikbaar'."""

    NAME = "sbb"

    @classmethod
    def set_mode(cls, mode: str) -> None:
        set_simulator_mode(cls.NAME, mode)

    def _answer(self) -> None:
        mode = simulator_mode(self.NAME)
        if mode == "onbereikbaar":
            raise SbbUnavailable("SBB is niet bereikbaar (simulator: onbereikbaar)")
        if mode == "traag":
            time.sleep(settings.SBB_TIMEOUT + 0.1)
            raise SbbUnavailable("SBB antwoordde niet op tijd (simulator: traag)")

    def leerbedrijven(self, crebo: str, *, zoek: str = "", plaats: str = "", limit: int = 20) -> list[Leerbedrijf]:
        self._answer()
        if not CREBO_RE.match(crebo or ""):
            return []
        return _filter(_catalogus(crebo), zoek=zoek, plaats=plaats, limit=limit)

    def leerbedrijf(self, crebo: str, id: str) -> Leerbedrijf | None:
        self._answer()
        if not CREBO_RE.match(crebo or ""):
            return None
        return next((b for b in _catalogus(crebo) if b.id == id and b.is_erkend_voor(crebo)), None)


# --- HTTP client ----------------------------------------------------------------------------------


class SbbHttpClient:
    """The JSON contract in this module's docstring, over ``requests``; every failure becomes SbbUnavailable."""

    RETRIES = 1  # one extra try on a connection error only: a timeout already used the student's patience

    def __init__(self, base_url: str, timeout: float | None = None, session: requests.Session | None = None):
        self.base_url = base_url.rstrip("/")
        self.timeout = settings.SBB_TIMEOUT if timeout is None else timeout
        self.session = session or requests.Session()
        self.session.headers["Accept"] = "application/json"

    def _get(self, path: str, params: dict, *, missing_ok: bool = False) -> dict | None:
        url = f"{self.base_url}{path}"
        for attempt in range(self.RETRIES + 1):
            try:
                response = self.session.get(url, params=params, timeout=self.timeout)
                break
            except requests.Timeout as exc:
                logger.warning("SBB timed out after %ss: %s", self.timeout, url)
                raise SbbUnavailable("SBB antwoordde niet op tijd. Probeer het later opnieuw.") from exc
            except requests.ConnectionError as exc:
                logger.warning("SBB connection failed (attempt %s): %s: %s", attempt + 1, url, exc)
                if attempt == self.RETRIES:
                    raise SbbUnavailable("SBB is op dit moment niet bereikbaar. Probeer het later opnieuw.") from exc
            except requests.RequestException as exc:
                logger.warning("SBB request failed: %s: %s", url, exc)
                raise SbbUnavailable() from exc
        if response.status_code == 404 and missing_ok:
            return None
        if response.status_code != 200:
            logger.warning("SBB answered HTTP %s: %s", response.status_code, response.url)
            raise SbbUnavailable(f"SBB gaf een foutmelding (HTTP {response.status_code}). Probeer het later opnieuw.")
        try:
            data = response.json()
        except ValueError as exc:
            logger.warning("SBB answered no JSON: %s", response.url)
            raise SbbUnavailable("SBB gaf een ongeldig antwoord (geen JSON). Probeer het later opnieuw.") from exc
        if not isinstance(data, dict):
            raise SbbUnavailable("SBB gaf een ongeldig antwoord (geen JSON-object). Probeer het later opnieuw.")
        return data

    @staticmethod
    def _parse(item) -> Leerbedrijf:
        try:
            return Leerbedrijf.from_dict(item)
        except (KeyError, TypeError, ValueError) as exc:
            logger.warning("SBB answered a malformed leerbedrijf: %r", exc)
            raise SbbUnavailable("SBB gaf een ongeldig antwoord (onvolledig leerbedrijf).") from exc

    def leerbedrijven(self, crebo: str, *, zoek: str = "", plaats: str = "", limit: int = 20) -> list[Leerbedrijf]:
        if not CREBO_RE.match(crebo or "") or limit <= 0:
            return []
        limit = min(limit, MAX_LIMIT)
        params = {"crebo": crebo, "limit": limit} | {k: v for k, v in (("zoek", zoek), ("plaats", plaats)) if v}
        data = self._get("/leerbedrijven", params)
        items = data.get("leerbedrijven")
        if not isinstance(items, list):
            raise SbbUnavailable("SBB gaf een ongeldig antwoord (geen lijst van leerbedrijven).")
        # never offer a company that is not accredited for the crebo, whatever the server says
        return [b for b in map(self._parse, items) if b.is_erkend_voor(crebo)][:limit]

    def leerbedrijf(self, crebo: str, id: str) -> Leerbedrijf | None:
        if not CREBO_RE.match(crebo or "") or not id:
            return None
        data = self._get(f"/leerbedrijven/{quote(id, safe='')}", {"crebo": crebo}, missing_ok=True)
        if data is None:
            return None
        bedrijf = self._parse(data)
        return bedrijf if bedrijf.id == id and bedrijf.is_erkend_voor(crebo) else None


def client() -> SbbClient:
    """The SBB client of this instance: a configured SBB_API_URL, otherwise the simulator."""
    if settings.SBB_API_URL:
        return SbbHttpClient(settings.SBB_API_URL, settings.SBB_TIMEOUT)
    return SbbSimulator()
