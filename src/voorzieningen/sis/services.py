"""Routing applications to koppelpunten, API keys, and the fetch queue the SIS API reads."""

import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Aanlevering, Koppelpunt, SisSleutel

SLEUTEL_VOORVOEGSEL = "kp"


class GeenActieveSchool(Exception):
    """Unknown, inactive or not-yet-valid koppelpuntcode."""

    code = "geen_actieve_school"

    def __init__(self):
        super().__init__(_("geen actieve school gevonden"))


def koppelpunt_voor(aanbieder, moment) -> Koppelpunt:
    """An extra koppelpunt that holds this aanbieder (the most recent one in force) wins over the default one.

    An institution without any koppelpunt gets its default one (code = BRIN) so no application is lost;
    its SIS can fetch as soon as it has a key.
    """
    extra = (
        Koppelpunt.objects.filter(standaard=False, actief=True, aanbieders=aanbieder, geldig_vanaf__lte=moment)
        .order_by("-geldig_vanaf", "-pk")
        .first()
    )
    if extra:
        return extra
    standaard = Koppelpunt.objects.filter(instelling_id=aanbieder.instelling_id, standaard=True).first()
    if standaard is None:
        instelling = aanbieder.instelling
        standaard, _ = Koppelpunt.objects.get_or_create(
            instelling=instelling,
            standaard=True,
            defaults={"code": instelling.brin, "naam": instelling.naam, "geldig_vanaf": moment},
        )
    return standaard


def leg_klaar(aanmelding) -> Aanlevering:
    """Put a new application in the queue of its koppelpunt (called inside the submit transaction)."""
    koppelpunt = koppelpunt_voor(aanmelding.onderwijsaanbieder, aanmelding.ingediend_op)
    return Aanlevering.objects.create(
        aanmelding=aanmelding, koppelpunt=koppelpunt, in_wachtrij_sinds=aanmelding.ingediend_op
    )


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def maak_sleutel(koppelpunt: Koppelpunt) -> str:
    """A new API key, returned once; only its hash is stored. Older keys stay valid until revoked (rotation)."""
    prefix = secrets.token_hex(4)
    token = f"{SLEUTEL_VOORVOEGSEL}_{prefix}_{secrets.token_urlsafe(32)}"
    SisSleutel.objects.create(koppelpunt=koppelpunt, prefix=prefix, sleutel_hash=_hash(token))
    return token


def trek_sleutels_in(koppelpunt: Koppelpunt, behalve: str = "") -> int:
    keep = _hash(behalve) if behalve else ""
    return (
        koppelpunt.sleutels.filter(ingetrokken_op__isnull=True)
        .exclude(sleutel_hash=keep)
        .update(ingetrokken_op=timezone.now())
    )


def actief_koppelpunt(code: str) -> Koppelpunt:
    """Exact, case-sensitive match on the code of an active koppelpunt in force."""
    koppelpunt = Koppelpunt.objects.select_related("instelling").filter(code=code).first()
    in_force = koppelpunt is not None and koppelpunt.actief and koppelpunt.geldig_vanaf <= timezone.now()
    if not in_force or koppelpunt.code != code:
        raise GeenActieveSchool()
    return koppelpunt


@dataclass(frozen=True)
class SisClient:
    koppelpunt: Koppelpunt
    sleutel: SisSleutel

    @property
    def actor_id(self) -> str:
        return f"sis:{self.koppelpunt.code}"


def authenticeer(code: str, token: str) -> SisClient | None:
    """The koppelpunt of the path and a valid, unrevoked key of that same koppelpunt; None when the key fails."""
    koppelpunt = actief_koppelpunt(code)
    sleutel = SisSleutel.objects.filter(
        koppelpunt=koppelpunt, sleutel_hash=_hash(token), ingetrokken_op__isnull=True
    ).first()
    if sleutel is None:
        return None
    if sleutel.laatst_gebruikt_op is None or (timezone.now() - sleutel.laatst_gebruikt_op).total_seconds() > 60:
        SisSleutel.objects.filter(pk=sleutel.pk).update(laatst_gebruikt_op=timezone.now())
    return SisClient(koppelpunt, sleutel)


def zet_terug_in_wachtrij(aanleveringen) -> int:
    """Re-queue (admin): the applications are offered to the SIS again at once."""
    with transaction.atomic():
        return aanleveringen.update(in_wachtrij_sinds=timezone.now(), opgehaald_op=None, bevestigd_op=None)
