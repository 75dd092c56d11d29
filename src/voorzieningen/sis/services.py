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


# --- what the API does --------------------------------------------------------------------------------


def wachtrij(koppelpunt: Koppelpunt):
    """Applications waiting to be fetched by this koppelpunt, oldest first."""
    return (
        Aanlevering.objects.filter(koppelpunt=koppelpunt, in_wachtrij_sinds__isnull=False)
        .select_related("aanmelding")
        .order_by("in_wachtrij_sinds", "id")
    )


def aanlevering_van(koppelpunt: Koppelpunt, *, ca_keten_id=None, keten_id=None) -> Aanlevering:
    """An application of this koppelpunt by caKetenId (wins) or ketenId; another koppelpunt's is 'not found'."""
    qs = Aanlevering.objects.select_related(
        "aanmelding__opleiding__kwalificatie",
        "aanmelding__opleiding__locatie",
        "aanmelding__cohort",
        "aanmelding__instelling",
        "aanmelding__onderwijsaanbieder",
    ).filter(koppelpunt=koppelpunt)
    if ca_keten_id:
        return qs.get(aanmelding__ca_keten_id=ca_keten_id)
    return qs.get(aanmelding__keten_id=keten_id)


def haal_op(client: SisClient, aanlevering: Aanlevering) -> Aanlevering:
    """The SIS reads an application in full: audited, and the first read after (re)queueing is disclosed."""
    from voorzieningen.aanmelden.models import Verstrekking
    from voorzieningen.aanmelden.services import registreer_verstrekking
    from voorzieningen.core.services import Actor, audit_read

    aanmelding = aanlevering.aanmelding
    bsn = (aanmelding.gegevens.get("persoon") or {}).get("bsn", "")
    audit_read(Actor.system(client.actor_id), aanmelding, reason="SIS haalt aanmelding op", subject=bsn)
    if aanlevering.opgehaald_op is None:
        aanlevering.opgehaald_op = timezone.now()
        aanlevering.save(update_fields=["opgehaald_op"])
        registreer_verstrekking(
            aanmelding,
            Verstrekking.Ontvanger.SIS,
            f"{aanmelding.instelling.naam} (koppelpunt {client.koppelpunt.code})",
            _("Je aanmelding met persoonsgegevens, adres, contactgegevens, ouders/verzorgers en vooropleiding"),
            _("Wet educatie en beroepsonderwijs: aanmelding bij de onderwijsinstelling (art. 8.1.7a)"),
        )
    return aanlevering


def bevestig(aanlevering: Aanlevering) -> Aanlevering:
    now = timezone.now()
    aanlevering.bevestigd_op = now
    aanlevering.opgehaald_op = aanlevering.opgehaald_op or now
    aanlevering.in_wachtrij_sinds = None
    aanlevering.save(update_fields=["bevestigd_op", "opgehaald_op", "in_wachtrij_sinds"])
    return aanlevering


def meld_fout(aanlevering: Aanlevering, melding: str) -> Aanlevering:
    aanlevering.foutmelding, aanlevering.foutmelding_op = melding, timezone.now()
    aanlevering.save(update_fields=["foutmelding", "foutmelding_op"])
    return aanlevering


def verwerk_status(
    client: SisClient,
    *,
    bericht_id: str,
    status: str,
    ca_keten_id=None,
    keten_id=None,
    toelichting: str = "",
    correctie: bool = False,
    tijdstip=None,
):
    """Apply a SIS status message once per message id; returns (StatusBericht, created)."""
    from voorzieningen.aanmelden import services as aanmelden
    from voorzieningen.aanmelden.models import StatusWijziging
    from voorzieningen.core.services import Actor

    from .models import StatusBericht

    bestaand = StatusBericht.objects.filter(koppelpunt=client.koppelpunt, bericht_id=bericht_id).first()
    if bestaand:
        return bestaand, False
    aanlevering = aanlevering_van(client.koppelpunt, ca_keten_id=ca_keten_id, keten_id=keten_id)
    aanmelding = aanlevering.aanmelding
    with transaction.atomic():
        if aanmelding.status == status and not correctie:
            resultaat = "ongewijzigd"
        else:
            aanmelden.wijzig_status(
                aanmelding,
                status,
                bron=StatusWijziging.Bron.INSTELLING,
                actor=Actor.system(client.actor_id),
                toelichting=toelichting,
                correctie=correctie,
                tijdstip=tijdstip,
            )
            resultaat = "verwerkt"
        bericht = StatusBericht.objects.create(
            koppelpunt=client.koppelpunt,
            bericht_id=bericht_id,
            aanmelding=aanmelding,
            status=status,
            resultaat=resultaat,
        )
    return bericht, True
