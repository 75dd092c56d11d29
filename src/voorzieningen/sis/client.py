"""A SIS as a vendor would build it against the API: over HTTP, with only the koppelpunt's key.

Used by ``voorzieningen sis-simulate`` and by the benchmarks; it knows nothing of the platform's models.
"""

import uuid
from dataclasses import dataclass, field

import requests


@dataclass
class Samenvatting:
    opgehaald: int = 0
    statussen: int = 0
    gebeurtenissen: int = 0
    fouten: list[str] = field(default_factory=list)


class SisHttpClient:
    def __init__(self, base_url: str, koppelpuntcode: str, sleutel: str, timeout: float = 10, session=None):
        self.base = f"{base_url.rstrip('/')}/api/sis/v1/koppelpunten/{koppelpuntcode}"
        self.session = session or requests.Session()
        self.session.headers["Authorization"] = f"Bearer {sleutel}"
        self.timeout = timeout

    def _get(self, url, **params):
        response = self.session.get(url, params=params or None, timeout=self.timeout)
        response.raise_for_status()
        return response.json()

    def _post(self, url, body=None):
        response = self.session.post(url, json=body, timeout=self.timeout)
        if response.status_code >= 400:
            problem = response.json() if "json" in response.headers.get("Content-Type", "") else {}
            raise SisFout(response.status_code, problem.get("code", ""), problem.get("detail", response.text[:200]))
        return response.json()

    def wachtrij(self, aantal: int = 100):
        """Every waiting application, page by page, following the cursor."""
        url, params = f"{self.base}/aanmeldingen", {"aantal": aantal}
        while url:
            page = self._get(url, **params)
            yield from page["results"]
            url, params = page["next"], {}

    def wachtrij_volledig(self, aantal: int = 100):
        """Page by page, every waiting application in full (the bulk fetch): ``(page, items)`` per page, so the
        caller can acknowledge a page with :meth:`bevestig_veel` before asking for the next."""
        url, params = f"{self.base}/aanmeldingen/volledig", {"aantal": aantal}
        while url:
            page = self._get(url, **params)
            yield page["results"]
            url, params = page["next"], {}

    def bevestig_veel(self, ca_keten_ids: list[str]) -> dict:
        return self._post(f"{self.base}/bevestigingen", {"caKetenIds": list(ca_keten_ids)})

    def aanmelding(self, ca_keten_id: str) -> dict:
        return self._get(f"{self.base}/aanmeldingen/{ca_keten_id}")

    def bevestig(self, ca_keten_id: str) -> dict:
        return self._post(f"{self.base}/aanmeldingen/{ca_keten_id}/bevestiging")

    def status(self, ca_keten_id: str, status: str, bericht_id: str | None = None, **extra) -> dict:
        body = {"berichtId": bericht_id or str(uuid.uuid4()), "caKetenId": ca_keten_id, "status": status, **extra}
        return self._post(f"{self.base}/statusberichten", body)

    def statussen(self, berichten: list[dict]) -> list[dict]:
        """Up to 500 status messages in one call; the outcome per message, in order."""
        return self._post(f"{self.base}/statusberichten/bulk", {"berichten": berichten})["resultaten"]

    def gebeurtenissen(self):
        url = f"{self.base}/gebeurtenissen"
        while url:
            page = self._get(url)
            yield from page["results"]
            url = page["next"]

    def bevestig_gebeurtenis(self, gebeurtenis_id: int) -> dict:
        return self._post(f"{self.base}/gebeurtenissen/{gebeurtenis_id}/bevestiging")

    def verwerk_alles(self, statussen: list[str], limit: int | None = None) -> Samenvatting:
        """Fetch, acknowledge and answer every waiting application; acknowledge every event."""
        resultaat = Samenvatting()
        for item in list(self.wachtrij()):
            if limit is not None and resultaat.opgehaald >= limit:
                break
            ca = item["caKetenId"]
            self.aanmelding(ca)
            self.bevestig(ca)
            resultaat.opgehaald += 1
            for status in statussen:
                try:
                    self.status(ca, status, bericht_id=f"sim-{ca}-{status}")
                    resultaat.statussen += 1
                except SisFout as e:
                    resultaat.fouten.append(f"{ca} {status}: {e}")
                    break
        for gebeurtenis in list(self.gebeurtenissen()):
            self.bevestig_gebeurtenis(gebeurtenis["id"])
            resultaat.gebeurtenissen += 1
        return resultaat


class SisFout(Exception):
    def __init__(self, status: int, code: str, detail: str):
        super().__init__(f"{status} {code}: {detail}")
        self.status, self.code, self.detail = status, code, detail
