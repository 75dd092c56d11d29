"""A faithful stand-in for the RIO LOD API v2, serving a generated national dataset.

It keeps RIO's envelope (HAL ``_embedded``/``_links``/``page``, 0-based pages, pageSize 1–100, ``type``
filters, 400 on bad parameters) and the field names of the resources the client reads.
"""

import datetime
from functools import cache
from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings

from ..generator import Dataset, generate

RESOURCES = {
    "organisatorische-eenheden": ("OrganisatorischeEenheden", "ONDERWIJSAANBIEDER"),
    "onderwijslocaties": ("Onderwijslocaties", None),
    "opleidingserkenningen": ("Opleidingserkenningen", "MBOOPLEIDINGSERKENNING"),
    "aangeboden-opleidingen": ("AangebodenOpleidingen", "AANGEBODENMBOOPLEIDING"),
    "aangeboden-opleiding-cohorten": ("AangebodenOpleidingscohorten", "AANGEBODENMBOOPLEIDINGCOHORT"),
}


class SimulatorError(Exception):
    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status, self.detail = status, detail


class RioSimulator:
    def __init__(self, dataset: Dataset, today: datetime.date):
        self.resources = self._build(dataset, today)

    @staticmethod
    def _build(dataset: Dataset, today: datetime.date) -> dict[str, list[dict]]:
        base = "{base}"
        aanbieders, locaties, erkenningen, opleidingen = {}, {}, {}, []
        for row in dataset.opleidingen:
            aanbieders.setdefault(
                row["ONDERWIJSAANBIEDERID"],
                {
                    "id": row["ONDERWIJSAANBIEDERID"],
                    "type": "ONDERWIJSAANBIEDER",
                    "naam": row["NAAM"],
                    "onderwijsbestuurcode": row["ONDERWIJSBESTUURID"],
                    "instellingserkenningscode": row["INSTELLINGSERKENNINGSCODE"],
                    "instellingsnaam": row["INSTELLINGSNAAM"],
                    "communicatiecontexten": ["ALGEMEEN", row["ONDERWIJSAANBIEDER_TYPE"]],
                },
            )
            locaties.setdefault(
                row["ONDERWIJSLOCATIECODE"],
                {
                    "id": row["ONDERWIJSLOCATIECODE"],
                    "onderwijslocatiecode": row["ONDERWIJSLOCATIECODE"],
                    "gpsLatitude": float(row["GPS_LATITUDE"]),
                    "gpsLongitude": float(row["GPS_LONGITUDE"]),
                    "bag-id": f"0{row['GEMEENTECODE']}010000{row['ONDERWIJSLOCATIECODE'][:3]}",
                    "straatnaam": row["STRAATNAAM"],
                    "huisnummer": int(row["HUISNUMMER"]),
                    "postcode": row["POSTCODE"],
                    "plaatsnaam": row["PLAATSNAAM"],
                    "gemeentecode": row["GEMEENTECODE"],
                },
            )
            erkenningen.setdefault(
                row["ERKENDEOPLEIDINGSCODE"],
                {
                    "id": row["ERKENDEOPLEIDINGSCODE"],
                    "type": "MBOOPLEIDINGSERKENNING",
                    "erkendeopleidingscode": row["ERKENDEOPLEIDINGSCODE"],
                    "naam": row["OPLEIDINGSEENHEID_NAAM"],
                    "niveau": row["OPLEIDINGSEENHEID_NIVEAU"],
                    "domein": row["DOMEIN"],
                },
            )
            item = {
                "id": row["AANGEBODEN_OPLEIDINGCODE"],
                "aangebodenOpleidingcode": row["AANGEBODEN_OPLEIDINGCODE"],
                "type": "AANGEBODENMBOOPLEIDING",
                "eigennaam": row["EIGENNAAM"],
                "leertraject": row["LEERTRAJECT"],
                "mboniveau": row["MBONIVEAU"],
                "website": row["WEBSITE"],
                "startdatum": "2020-08-01",
                "_links": {
                    "onderwijsaanbieder": {"href": f"{base}/organisatorische-eenheden/{row['ONDERWIJSAANBIEDERID']}"},
                    "onderwijslocatie": {"href": f"{base}/onderwijslocaties/{row['ONDERWIJSLOCATIECODE']}"},
                    "opleidingserkenning": {"href": f"{base}/opleidingserkenningen/{row['ERKENDEOPLEIDINGSCODE']}"},
                },
            }
            if row["ACTIEF"] == "N":
                item["einddatum"] = today.isoformat()
            opleidingen.append(item)
        cohorten = []
        for row in dataset.cohorten:
            item = {
                "id": f"{row['AANGEBODEN_OPLEIDINGCODE']}:{row['COHORTCODE']}",
                "type": "AANGEBODENMBOOPLEIDINGCOHORT",
                "code": row["COHORTCODE"],
                "status": row["COHORTSTATUS"],
                "instroommoment": row["BEGINDATUM"],
                "beginAanmeldperiode": row["BEGIN_AANMELDPERIODE"],
                "_links": {
                    "aangebodenOpleiding": {"href": f"{base}/aangeboden-opleidingen/{row['AANGEBODEN_OPLEIDINGCODE']}"}
                },
            }
            for source, target in (
                ("EINDE_AANMELDPERIODE", "eindeAanmeldperiode"),
                ("TOEGANGSCODE_COHORT", "toegangscodeCohort"),
            ):
                if row[source]:
                    item[target] = row[source]
            if row["DEELNEMERSPLAATSEN"]:
                item["deelnemersplaatsen"] = int(row["DEELNEMERSPLAATSEN"])
            cohorten.append(item)
        return {
            "organisatorische-eenheden": list(aanbieders.values()),
            "onderwijslocaties": list(locaties.values()),
            "opleidingserkenningen": list(erkenningen.values()),
            "aangeboden-opleidingen": opleidingen,
            "aangeboden-opleiding-cohorten": cohorten,
        }

    def page(self, base_url: str, resource: str, params: dict) -> dict:
        if resource not in RESOURCES:
            raise SimulatorError(404, f"onbekende resource {resource}")
        relation, default_type = RESOURCES[resource]
        try:
            number = int(params.get("page", 0))
            size = int(params.get("pageSize", 20))
        except ValueError:
            raise SimulatorError(400, "page en pageSize moeten gehele getallen zijn") from None
        if number < 0 or not 1 <= size <= 100:
            raise SimulatorError(400, "page >= 0 en pageSize 1..100")
        items = self.resources[resource]
        wanted_type = params.get("type")
        if wanted_type and default_type and wanted_type != default_type:
            items = []
        total = len(items)
        chunk = [self._links(i, base_url) for i in items[number * size : (number + 1) * size]]
        query = {k: v for k, v in params.items() if k not in {"page", "pageSize"}}
        link = lambda n: {"href": f"{base_url}/{resource}?{urlencode({**query, 'page': n, 'pageSize': size})}"}  # noqa: E731
        body = {
            "_links": {"self": link(number)},
            "page": {"size": size, "totalElements": total, "totalPages": -(-total // size), "number": number},
        }
        if chunk:
            body["_embedded"] = {relation: chunk}
        if (number + 1) * size < total:
            body["_links"]["next"] = link(number + 1)
        return body

    @staticmethod
    def _links(item: dict, base_url: str) -> dict:
        if "_links" not in item:
            return item
        links = {k: {"href": v["href"].replace("{base}", base_url)} for k, v in item["_links"].items()}
        return {**item, "_links": links}

    def fetch(self, base_url: str):
        """A fetch function for RioLodClient that answers in-process, without HTTP."""

        def _fetch(url: str, params: dict | None) -> dict:
            parts = urlsplit(url)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            query.update({k: str(v) for k, v in (params or {}).items()})
            resource = parts.path.rstrip("/").rsplit("/", 1)[-1]
            return self.page(base_url, resource, query)

        return _fetch


@cache
def _simulator(seed: int, scale: float, today: datetime.date) -> RioSimulator:
    return RioSimulator(generate(seed, scale, today), today)


def default_simulator() -> RioSimulator:
    """The simulator of this instance: the dataset of RIO_SIMULATOR_SEED at RIO_SIMULATOR_SCALE."""
    return _simulator(settings.RIO_SIMULATOR_SEED, settings.RIO_SIMULATOR_SCALE, datetime.date.today())
