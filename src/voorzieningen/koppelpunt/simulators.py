"""Faithful stand-ins for Koppelpunt VO and Koppelpunt Gemeenten: small HTTP receivers, idempotent on berichtId.

They can be told (``voorzieningen vva-simulator vo|gemeenten normaal|traag|onbereikbaar|dubbel``) to answer
slowly, be down (503), or take a message but answer 502 so the sender delivers it a second time.
"""

import json
import re
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
# The fields the receivers store, with their column lengths: longer, or not text, is a message they refuse (400).
BERICHT_VELDEN = {"berichtId": 200}
GEMEENTE_VELDEN = {"berichtId": 200, "aanmeldId": 36, "status": 10}
GEMEENTE_OPTIONEEL = {"pgn": 9, "postcode": 6, "reden": 500}
BEOOGD_VELDEN = {"pgn": 9, "gemeentecode": 4}
BEOOGD_OPTIONEEL = {"postcode": 6, "brinVo": 6, "reden": 500}


def _tekstvelden(item, verplicht: dict[str, int], optioneel: dict[str, int] | None = None) -> None:
    """ValueError naming the field when ``item`` is no object, or a field is missing, not text, too long or
    holds a NUL character (which PostgreSQL cannot store)."""
    if not isinstance(item, dict):
        raise ValueError("geen JSON-object")
    for naam, lengte in {**verplicht, **(optioneel or {})}.items():
        if naam not in item and naam not in verplicht:
            continue
        waarde = item.get(naam)
        if not isinstance(waarde, str) or not waarde.strip() and naam in verplicht:
            raise ValueError(f"{naam} ontbreekt of is geen tekst")
        if len(waarde) > lengte or "\x00" in waarde:
            raise ValueError(f"{naam} is langer dan {lengte} tekens of bevat een NUL-teken")


def _ontvang(request, naam: str, ontvanger: str):
    gedrag = simulator_mode(naam)
    if gedrag == "onbereikbaar":
        return JsonResponse({"fout": "tijdelijk niet beschikbaar"}, status=503)
    if gedrag == "traag":
        time.sleep(TRAAG_SECONDEN)
    try:
        payload = json.loads(request.body)
        _tekstvelden(payload, BERICHT_VELDEN if ontvanger == "VO" else GEMEENTE_VELDEN, GEMEENTE_OPTIONEEL)
        if "\\u0000" in json.dumps(payload):  # anywhere in the message: PostgreSQL's jsonb cannot hold it
            raise ValueError("NUL-teken in het bericht")
        bericht_id = payload["berichtId"]
    except (ValueError, RecursionError) as exc:
        return JsonResponse({"fout": f"bericht onleesbaar: {exc}"}, status=400)
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
    if not re.fullmatch(r"[0-9]{4}", gemeentecode):
        return JsonResponse(
            {"fout": f"geen gemeente {gemeentecode[:20]!r}: een gemeentecode heeft 4 cijfers"}, status=404
        )
    return _ontvang(request, "koppelpunt-gemeenten", gemeentecode)


@csrf_exempt
@require_POST
def beoogde_mbo_gangers(request):
    """The VO side delivers its list of intended mbo students (PGN, postcode, gemeente, school, beoogd, reden)."""
    try:
        lijst = json.loads(request.body)
        if not isinstance(lijst, list):
            raise ValueError("geen JSON-lijst")
        for r in lijst:
            if isinstance(r, dict) and isinstance(r.get("postcode"), str):
                r["postcode"] = r["postcode"].replace(" ", "").upper()  # '3511 AB' is stored as 3511AB
            _tekstvelden(r, BEOOGD_VELDEN, BEOOGD_OPTIONEEL)
        rijen = [
            gemeenten.BeoogdeRij(
                pgn=str(r["pgn"]),
                postcode=str(r.get("postcode", "")).replace(" ", "").upper(),
                gemeentecode=str(r["gemeentecode"]),
                brin_vo=str(r.get("brinVo", "")),
                beoogd=bool(r.get("beoogd", True)),
                reden=str(r.get("reden", "")),
            )
            for r in lijst
        ]
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        return JsonResponse({"fout": f"lijst onleesbaar: {exc}"}, status=400)
    return JsonResponse({"verwerkt": gemeenten.lever_beoogde(rijen)}, status=200)


def conformance(request):
    """The routing test vectors for SIS vendors (JSON), to run against a sandbox key."""
    from django.http import FileResponse

    from .conformance import VECTOREN

    return FileResponse(VECTOREN.open("rb"), content_type="application/json", filename="routeringsvectoren.json")
