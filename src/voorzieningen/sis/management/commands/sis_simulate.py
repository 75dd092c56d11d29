from django.core.management.base import BaseCommand, CommandError

import requests

from voorzieningen.sis.client import SisHttpClient


class Command(BaseCommand):
    help = (
        "Play a SIS over HTTP against the real API: fetch, acknowledge and answer every waiting application of a "
        "koppelpunt with a status sequence, and acknowledge its events."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="Base URL of the platform.")
        parser.add_argument("--koppelpunt", required=True, help="Koppelpuntcode (case-sensitive).")
        parser.add_argument("--sleutel", required=True, help="The koppelpunt's API key.")
        parser.add_argument("--statussen", default="RECEIVED,OFFERED", help="Comma-separated status codes to post.")
        parser.add_argument("--max", type=int, default=None, help="At most this many applications.")

    def handle(self, url, koppelpunt, sleutel, statussen, max, **options):
        client = SisHttpClient(url, koppelpunt, sleutel)
        codes = [s.strip() for s in statussen.split(",") if s.strip()]
        try:
            resultaat = client.verwerk_alles(codes, limit=max)
        except requests.HTTPError as e:
            detail = e.response.json().get("detail", "") if e.response is not None else ""
            raise CommandError(f"{e} {detail}".strip()) from e
        except requests.ConnectionError as e:
            raise CommandError(f"Platform niet bereikbaar op {url}: {e}") from e
        self.stdout.write(
            f"opgehaald: {resultaat.opgehaald}, statussen: {resultaat.statussen}, "
            f"gebeurtenissen: {resultaat.gebeurtenissen}, fouten: {len(resultaat.fouten)}"
        )
        for fout in resultaat.fouten:
            self.stderr.write(fout)
