"""Client for the RIO LOD API v2: HAL collections (``_embedded`` + ``_links.next``), pages of at most 100."""

import datetime
import logging
import time
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import requests

logger = logging.getLogger(__name__)

Fetch = Callable[[str, dict | None], dict]


class RioApiError(Exception):
    """RIO could not be read (down, timing out, or answering nonsense); the sync changes nothing."""


def _last_segment(link: dict | None) -> str:
    href = (link or {}).get("href", "")
    return urlsplit(href).path.rstrip("/").rsplit("/", 1)[-1] if href else ""


class RioLodClient:
    def __init__(
        self,
        base_url: str,
        fetch: Fetch | None = None,
        *,
        timeout: float = 30,
        page_size: int = 100,
        retries: int = 3,
        backoff: float = 1.0,
    ):
        self.base_url = base_url.rstrip("/")
        self.timeout, self.page_size, self.retries, self.backoff = timeout, min(page_size, 100), retries, backoff
        self._session = requests.Session()
        self._session.headers["Accept"] = "application/hal+json, application/json"
        self.fetch = fetch or self._http_fetch

    def _http_fetch(self, url: str, params: dict | None) -> dict:
        for attempt in range(1, self.retries + 1):
            try:
                response = self._session.get(url, params=params, timeout=self.timeout)
            except requests.RequestException as exc:
                error = f"RIO niet bereikbaar ({exc.__class__.__name__})"
            else:
                if response.status_code < 500:
                    if response.status_code >= 400:
                        raise RioApiError(f"RIO weigerde {response.url}: HTTP {response.status_code}")
                    try:
                        return response.json()
                    except ValueError:
                        raise RioApiError(f"RIO gaf geen JSON op {response.url}") from None
                error = f"RIO gaf HTTP {response.status_code}"
            logger.warning("RIO request %s failed (attempt %s/%s): %s", url, attempt, self.retries, error)
            if attempt < self.retries:
                time.sleep(self.backoff * 2 ** (attempt - 1))
        raise RioApiError(f"{error} na {self.retries} pogingen ({url})")

    def collection(self, resource: str, **params) -> Iterator[dict]:
        url, query = f"{self.base_url}/{resource}", {"page": 0, "pageSize": self.page_size, **params}
        onverwacht = RioApiError(f"onverwacht antwoord van RIO op {resource}")
        while url:
            data = self.fetch(url, query)
            if not isinstance(data, dict):
                raise onverwacht
            embedded = data.get("_embedded") or {}
            if not isinstance(embedded, dict):
                raise onverwacht
            items = next(iter(embedded.values()), [])
            if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
                raise onverwacht
            yield from items
            links = data.get("_links") or {}
            next_link = links.get("next") if isinstance(links, dict) else None
            next_href = next_link.get("href") if isinstance(next_link, dict) else None
            if not items or not next_href:
                return
            if not isinstance(next_href, str):
                raise onverwacht
            url, query = next_href, None  # the next link carries every parameter

    def import_rows(self, today: datetime.date | None = None) -> tuple[list[dict], list[dict]]:
        """Read the MBO part of RIO and return rows in the import format (see importers/columns.py)."""
        try:
            return self._import_rows(today or datetime.date.today())
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            # A field of another type than RIO documents (a number for a link, a list for a date): nonsense.
            raise RioApiError(f"onverwacht antwoord van RIO ({exc.__class__.__name__}: {exc})") from exc

    def _import_rows(self, today: datetime.date) -> tuple[list[dict], list[dict]]:
        aanbieders = {a["id"]: a for a in self.collection("organisatorische-eenheden", type="ONDERWIJSAANBIEDER")}
        locaties = {loc["onderwijslocatiecode"]: loc for loc in self.collection("onderwijslocaties")}
        erkenningen = {e["id"]: e for e in self.collection("opleidingserkenningen", type="MBOOPLEIDINGSERKENNING")}
        opleidingen = []
        for ao in self.collection("aangeboden-opleidingen", type="AANGEBODENMBOOPLEIDING"):
            links = ao.get("_links") or {}
            aanbieder = aanbieders.get(_last_segment(links.get("onderwijsaanbieder")), {})
            locatie = locaties.get(_last_segment(links.get("onderwijslocatie")), {})
            erkenning = erkenningen.get(_last_segment(links.get("opleidingserkenning")), {})
            einddatum = ao.get("einddatum")
            contexts = aanbieder.get("communicatiecontexten") or []
            opleidingen.append(
                {
                    "AANGEBODEN_OPLEIDINGCODE": ao.get("aangebodenOpleidingcode", ""),
                    "ERKENDEOPLEIDINGSCODE": erkenning.get("erkendeopleidingscode", ""),
                    "OPLEIDINGSEENHEID_NAAM": erkenning.get("naam", ""),
                    "OPLEIDINGSEENHEID_NIVEAU": erkenning.get("niveau", ""),
                    "DOMEIN": erkenning.get("domein", ""),
                    "MBONIVEAU": ao.get("mboniveau", ""),
                    "ONDERWIJSAANBIEDERID": aanbieder.get("id", ""),
                    "NAAM": aanbieder.get("naam", ""),
                    "ONDERWIJSBESTUURID": aanbieder.get("onderwijsbestuurcode", ""),
                    "INSTELLINGSERKENNINGSCODE": aanbieder.get("instellingserkenningscode", ""),
                    "INSTELLINGSNAAM": aanbieder.get("instellingsnaam", ""),
                    "ONDERWIJSAANBIEDER_TYPE": (
                        "CENTRAAL_AANMELDEN_MBO" if "CENTRAAL_AANMELDEN_MBO" in contexts else "AANMELDEN"
                    ),
                    "LEERTRAJECT": ao.get("leertraject", ""),
                    "EIGENNAAM": ao.get("eigennaam", ""),
                    "WEBSITE": ao.get("website", ""),
                    "ACTIEF": "N" if einddatum and einddatum <= today.isoformat() else "J",
                    "ONDERWIJSLOCATIECODE": locatie.get("onderwijslocatiecode", ""),
                    "STRAATNAAM": locatie.get("straatnaam", ""),
                    "HUISNUMMER": str(locatie.get("huisnummer", "") or ""),
                    "POSTCODE": locatie.get("postcode", ""),
                    "PLAATSNAAM": locatie.get("plaatsnaam", ""),
                    "GEMEENTECODE": locatie.get("gemeentecode", ""),
                    "GPS_LATITUDE": str(locatie.get("gpsLatitude", "") or ""),
                    "GPS_LONGITUDE": str(locatie.get("gpsLongitude", "") or ""),
                }
            )
        cohorten = [
            {
                "AANGEBODEN_OPLEIDINGCODE": _last_segment((c.get("_links") or {}).get("aangebodenOpleiding")),
                "COHORTCODE": c.get("code", ""),
                "COHORTSTATUS": c.get("status", ""),
                "BEGINDATUM": c.get("instroommoment") or c.get("beginInstroomperiode") or "",
                "BEGIN_AANMELDPERIODE": c.get("beginAanmeldperiode", ""),
                "EINDE_AANMELDPERIODE": c.get("eindeAanmeldperiode", ""),
                "TOEGANGSCODE_COHORT": c.get("toegangscodeCohort", ""),
                "DEELNEMERSPLAATSEN": str(c.get("deelnemersplaatsen", "") or ""),
            }
            for c in self.collection("aangeboden-opleiding-cohorten", type="AANGEBODENMBOOPLEIDINGCOHORT")
        ]
        return opleidingen, cohorten
