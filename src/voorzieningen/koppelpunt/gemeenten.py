"""Koppelpunt Gemeenten, simulated: what municipalities learn from the VO lists and the MBO status messages.

The real Koppelpunt Gemeenten (Inlichtingenbureau) combines the VO side's 'beoogde mbo-gangers' with the status
messages Koppelpunt MBO forwards. Koppelpunt MBO itself keeps nothing, so this logic lives with the simulator: on
1 March a bulk signal per municipality of intended mbo students who have not applied, on 15 June of those not
enrolled, after 1 March realtime changes (status changes, 'no longer intended' with a reason, de-enrolment).
A bulk run only looks at what arrived up to its date, so running it again for that date gives the same signals.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .models import BeoogdeMboGanger, GemeenteSignaal, SimulatorOntvangst

Soort = GemeenteSignaal.Soort
BULK = {(3, 1): Soort.NIET_AANGEMELD, (6, 15): Soort.NIET_INGESCHREVEN}


def eerste_maart(op: datetime.date) -> datetime.date:
    """1 March of the school year that ``op`` falls in (school years start 1 August)."""
    return datetime.date(op.year if op.month < 8 else op.year + 1, 3, 1)


def realtime(op: datetime.date) -> bool:
    return op >= eerste_maart(op)


@dataclass(frozen=True)
class BeoogdeRij:
    pgn: str
    postcode: str
    gemeentecode: str
    brin_vo: str
    beoogd: bool = True
    reden: str = ""


def lever_beoogde(rijen: list[BeoogdeRij], op: datetime.date | None = None) -> int:
    """The VO side's list; 'yes → no' after 1 March is a realtime withdrawal signal (with its reason)."""
    op = op or timezone.localdate()
    with transaction.atomic():
        bestaand = {b.pgn: b for b in BeoogdeMboGanger.objects.filter(pgn__in=[r.pgn for r in rijen])}
        for rij in rijen:
            oud = bestaand.get(rij.pgn)
            if oud and oud.beoogd and not rij.beoogd and realtime(op):
                GemeenteSignaal.objects.create(
                    gemeentecode=rij.gemeentecode,
                    soort=Soort.NIET_MEER_BEOOGD,
                    peildatum=op,
                    pgn=rij.pgn,
                    postcode=rij.postcode,
                    reden=rij.reden,
                )
            BeoogdeMboGanger.objects.update_or_create(
                pgn=rij.pgn,
                defaults={
                    "postcode": rij.postcode,
                    "gemeentecode": rij.gemeentecode,
                    "brin_vo": rij.brin_vo,
                    "beoogd": rij.beoogd,
                    "reden": rij.reden,
                },
            )
    return len(rijen)


def status_ontvangen(gemeentecode: str, payload: dict, op: datetime.date | None = None) -> None:
    """A status message from Koppelpunt MBO: from 1 March the municipality hears it at once; a de-enrolment
    (withdrawn after enrolled) always, also in the autumn of the next school year."""
    op = op or timezone.localdate()
    eerder_ingeschreven = SimulatorOntvangst.objects.filter(
        ontvanger=gemeentecode, payload__aanmeldId=payload["aanmeldId"], payload__status="ENROLLED"
    ).exclude(bericht_id=payload["berichtId"])
    soort = Soort.AANMELDSTATUS
    if payload["status"] == "WITHDRAWN" and eerder_ingeschreven.exists():
        soort = Soort.UITSCHRIJVING
    elif not realtime(op):
        return  # before 1 March the bulk run tells
    GemeenteSignaal.objects.create(
        gemeentecode=gemeentecode,
        soort=soort,
        peildatum=op,
        pgn=payload.get("pgn", ""),
        postcode=payload.get("postcode", ""),
        aanmeld_id=payload["aanmeldId"],
        status=payload["status"],
        reden=payload.get("reden", ""),
    )


def bulk(peildatum: datetime.date) -> int:
    """The 1 March or 15 June run for ``peildatum``: replaces that date's bulk signals; returns how many."""
    soort = BULK.get((peildatum.month, peildatum.day))
    if soort is None:
        raise ValueError(f"{peildatum} is geen peildatum (1 maart of 15 juni)")
    tot = timezone.make_aware(datetime.datetime.combine(peildatum + datetime.timedelta(days=1), datetime.time()))
    ontvangen = SimulatorOntvangst.objects.exclude(ontvanger="VO").filter(ontvangen_op__lt=tot)
    laatste: dict[str, dict[str, str]] = {}  # pgn -> aanmeldId -> latest status up to the date
    for payload in ontvangen.order_by("ontvangen_op", "pk").values_list("payload", flat=True).iterator():
        laatste.setdefault(payload.get("pgn", ""), {})[payload["aanmeldId"]] = payload["status"]
    signalen = []
    for b in BeoogdeMboGanger.objects.filter(beoogd=True).order_by("gemeentecode", "pgn"):
        statussen = laatste.get(b.pgn, {})
        if soort == Soort.NIET_AANGEMELD and statussen:
            continue
        if soort == Soort.NIET_INGESCHREVEN and "ENROLLED" in statussen.values():
            continue
        signalen.append(
            GemeenteSignaal(
                gemeentecode=b.gemeentecode, soort=soort, peildatum=peildatum, pgn=b.pgn, postcode=b.postcode
            )
        )
    with transaction.atomic():
        GemeenteSignaal.objects.filter(soort=soort, peildatum=peildatum).delete()
        GemeenteSignaal.objects.bulk_create(signalen)
    return len(signalen)
