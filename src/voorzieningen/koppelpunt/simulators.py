"""Faithful stand-ins for Koppelpunt VO and Koppelpunt Gemeenten: small HTTP receivers, idempotent on berichtId.

They can be told (``voorzieningen vva-simulator vo|gemeenten normaal|traag|onbereikbaar|dubbel``) to answer
slowly, be down (503), or take a message but answer 502 so the sender delivers it a second time.
"""

import json
import time

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from voorzieningen.core.services import simulator_mode

from . import gemeenten
from .models import SimulatorOntvangst

GEDRAG = ("normaal", "traag", "onbereikbaar", "dubbel")
TRAAG_SECONDEN = 3


def _ontvang(request, naam: str, ontvanger: str):
    gedrag = simulator_mode(naam)
    if gedrag == "onbereikbaar":
        return JsonResponse({"fout": "tijdelijk niet beschikbaar"}, status=503)
    if gedrag == "traag":
        time.sleep(TRAAG_SECONDEN)
    try:
        payload = json.loads(request.body)
        bericht_id = str(payload["berichtId"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"fout": "berichtId ontbreekt of geen JSON"}, status=400)
    try:
        with transaction.atomic():
            SimulatorOntvangst.objects.create(ontvanger=ontvanger, bericht_id=bericht_id, payload=payload)
            if ontvanger != "VO":
                gemeenten.status_ontvangen(ontvanger, payload)
        dubbel = False
    except IntegrityError:
        SimulatorOntvangst.objects.filter(ontvanger=ontvanger, bericht_id=bericht_id).update(
            aantal_keer=F("aantal_keer") + 1
        )
        dubbel = True
    if gedrag == "dubbel" and not dubbel:
        return JsonResponse({"fout": "antwoord verloren gegaan"}, status=502)  # taken, but the sender retries
    return JsonResponse({"ontvangen": True, "dubbel": dubbel}, status=200 if dubbel else 201)


@csrf_exempt
@require_POST
def koppelpunt_vo(request):
    return _ontvang(request, "koppelpunt-vo", "VO")


@csrf_exempt
@require_POST
def koppelpunt_gemeenten(request, gemeentecode):
    return _ontvang(request, "koppelpunt-gemeenten", gemeentecode)


@csrf_exempt
@require_POST
def beoogde_mbo_gangers(request):
    """The VO side delivers its list of intended mbo students (PGN, postcode, gemeente, school, beoogd, reden)."""
    try:
        rijen = [
            gemeenten.BeoogdeRij(
                pgn=str(r["pgn"]),
                postcode=str(r.get("postcode", "")).replace(" ", "").upper(),
                gemeentecode=str(r["gemeentecode"]),
                brin_vo=str(r.get("brinVo", "")),
                beoogd=bool(r.get("beoogd", True)),
                reden=str(r.get("reden", "")),
            )
            for r in json.loads(request.body)
        ]
    except (ValueError, KeyError, TypeError) as exc:
        return JsonResponse({"fout": f"lijst onleesbaar: {exc}"}, status=400)
    return JsonResponse({"verwerkt": gemeenten.lever_beoogde(rijen)}, status=200)


def conformance(request):
    """The routing test vectors for SIS vendors (JSON), to run against a sandbox key."""
    from django.http import FileResponse

    from .conformance import VECTOREN

    return FileResponse(VECTOREN.open("rb"), content_type="application/json", filename="routeringsvectoren.json")
