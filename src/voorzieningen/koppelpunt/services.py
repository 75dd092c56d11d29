"""Koppelpunt MBO: take a status message, decide its recipients, hand it to the outbox per recipient.

Nothing of the message is stored outside the outbox rows of its recipients; those are emptied on delivery, so
once every recipient confirmed only the routing log (ids, sender, recipients, reasons) remains.
"""

import datetime
import secrets
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from voorzieningen.core import http, outbox
from voorzieningen.core.invoegen import nieuw, voeg_in
from voorzieningen.core.models import Gemeente, OutboxBericht
from voorzieningen.core.procesgeheugen import Procesgeheugen
from voorzieningen.core.services import Actor, audit_disclose
from voorzieningen.core.sleutels import hash_van, nieuwe_sleutel

from . import routering
from .models import Afzender, GemeenteEndpoint, Routering, VoIltCode

# The five statuses of the law (Aanmelding ontvangen, a–d); senders translate their own vocabulary.
WETTELIJKE_STATUSSEN = {
    "RECEIVED": "Aanmelding ontvangen",
    "OFFERED": "Onderwijsovereenkomst aangeboden",
    "REJECTED": "Leidt niet tot inschrijving",
    "WITHDRAWN": "Ingetrokken",
    "ENROLLED": "Ingeschreven",
}
KANAAL = {routering.CA: "vva.ca", routering.VO: "vva.vo", routering.GEMEENTEN: "vva.gemeente"}
VOORVOEGSEL = "vva"


class VavoGeweigerd(Exception):
    code = "vavo_niet_toegestaan"

    def __init__(self):
        super().__init__(
            "VAVO-aanmeldingen mogen niet aan Koppelpunt MBO worden geleverd (WEB art. 8.0.2/8.0.3); "
            "lever ze als beoogd mbo-ganger aan Koppelpunt VO."
        )


@dataclass(frozen=True)
class Statusbericht:
    """A validated incoming message (the API's serializer makes it)."""

    bericht_id: str
    aanmeld_id: str
    status: str
    pgn: str
    postcode: str
    gemeentecode: str
    geboortedatum: datetime.date
    startkwalificatie: bool
    ilt_code: str
    brin_vo: str
    leertraject: str
    vavo: bool
    reden: str = ""
    brin_mbo: str = ""
    tijdstip: datetime.datetime | None = None

    def voor_routering(self) -> routering.Bericht:
        return routering.Bericht(
            leertraject=self.leertraject,
            ilt_code=self.ilt_code,
            brin_vo=self.brin_vo,
            gemeentecode=self.gemeentecode,
            startkwalificatie=self.startkwalificatie,
            geboortedatum=self.geboortedatum,
            berichtdatum=timezone.localtime(self.tijdstip).date() if self.tijdstip else timezone.localdate(),
        )


# --- senders ---------------------------------------------------------------------------------------------


def maak_afzender(naam: str, instelling=None, sandbox: bool = False) -> tuple[Afzender, str]:
    """A sending system and its key (returned once; only the hash is kept)."""
    prefix, sleutel = nieuwe_sleutel(VOORVOEGSEL)
    afzender = Afzender.objects.create(
        naam=naam, instelling=instelling, sandbox=sandbox, prefix=prefix, sleutel_hash=hash_van(sleutel)
    )
    return afzender, sleutel


def authenticeer(sleutel: str) -> Afzender | None:
    if not sleutel or len(sleutel) > 200:
        return None
    return Afzender.objects.select_related("instelling").filter(sleutel_hash=hash_van(sleutel), actief=True).first()


# --- intake ----------------------------------------------------------------------------------------------


CONTEXT_CACHE_SECONDEN = 60


def context() -> routering.Context:
    """The ILT list and the municipality codes change rarely: read once a minute, not for every message."""
    ctx = cache.get("vva:routeringscontext")
    if ctx is None:
        gemeenten = frozenset(Gemeente.objects.filter(actueel=True).values_list("code", flat=True))
        ctx = routering.Context(
            ilt_codes=frozenset(VoIltCode.objects.values_list("code", flat=True)),
            gemeenten=gemeenten or None,  # without the reference table: the format check only
        )
        cache.set("vva:routeringscontext", ctx, CONTEXT_CACHE_SECONDEN)
    return ctx


def ontvang(
    afzender: Afzender, bericht: Statusbericht, *, van_portaal: bool = False, sleutel: int | None = None
) -> tuple[Routering, bool]:
    """Route one message; idempotent per (sender, message id): a resend returns the first routing unchanged.

    ``van_portaal``: the message comes from the portal's own SIS intake, so the portal (CA) has it already.
    ``sleutel``: the routing log's key, taken from its sequence by the caller (so its rows can be bundled).
    """
    if bericht.vavo:
        raise VavoGeweigerd()
    if not van_portaal:  # the portal's ids are new rows' own (sis-<pk>): a resend cannot happen, the insert decides
        bestaand = Routering.objects.filter(afzender=afzender, bericht_id=bericht.bericht_id).first()
        if bestaand:
            return bestaand, False
    besluit = routering.routeer(bericht.voor_routering(), context())
    try:
        # a savepoint for the IntegrityError below; the portal's ids cannot collide, and its caller holds one
        with transaction.atomic(savepoint=not van_portaal):
            log = nieuw(
                Routering,
                pk=sleutel,
                afzender=afzender,
                bericht_id=bericht.bericht_id,
                ontvangers=besluit.ontvangers,
                niet_naar=besluit.niet_naar,
                sandbox=afzender.sandbox,
            )
            voeg_in(log)  # one per status message: the cached insert (a resent id raises IntegrityError here)
            if not afzender.sandbox:
                audit_disclose(
                    Actor.system(f"koppelpunt-afzender:{afzender.pk}"),
                    log,
                    reason="Statusbericht doorgegeven",
                    subject=bericht.pgn,
                    ontvangers=besluit.ontvangers,
                )
                for ontvanger in besluit.ontvangers:
                    if van_portaal and ontvanger == routering.CA:
                        continue
                    outbox.plaats(
                        KANAAL[ontvanger],
                        f"{afzender.pk}:{bericht.bericht_id}",
                        _inhoud(ontvanger, afzender, bericht),
                        groep=f"{ontvanger}:{bericht.aanmeld_id}",  # in order per application and recipient
                    )
    except IntegrityError:  # the same message id at the same moment: the other request routed it
        return Routering.objects.get(afzender=afzender, bericht_id=bericht.bericht_id), False
    return log, True


def _inhoud(ontvanger: str, afzender: Afzender, b: Statusbericht) -> dict:
    """Only what each recipient needs; a municipality gets PGN, postcode, aanmeld-id and institution — no name."""
    basis = {
        "berichtId": f"{afzender.pk}:{b.bericht_id}",
        "aanmeldId": b.aanmeld_id,
        "status": b.status,
        "tijdstip": (b.tijdstip or timezone.now()).isoformat(),
        "instelling": b.brin_mbo or (afzender.instelling.brin if afzender.instelling else ""),
    }
    if ontvanger == routering.CA:
        return {**basis, "reden": b.reden}
    if ontvanger == routering.VO:
        return {**basis, "pgn": b.pgn, "brinVo": b.brin_vo, "leertraject": b.leertraject, "reden": b.reden}
    return {**basis, "pgn": b.pgn, "postcode": b.postcode, "gemeentecode": b.gemeentecode, "reden": b.reden}


# --- delivery (outbox handlers) -----------------------------------------------------------------------------


def _post(url: str, payload: dict) -> None:
    response = http.sessie().post(url, json=payload, timeout=settings.VVA_TIMEOUT)  # keep-alive to the receiver
    response.raise_for_status()


@outbox.handler("vva.vo")
def _naar_vo(payload: dict) -> None:
    _post(settings.KOPPELPUNT_VO_URL, payload)


GEMEENTE_ENDPOINTS = Procesgeheugen("gemeente-endpoints", seconden=60)


def _endpoint_url(gemeentecode: str) -> str | None:
    """The register is read for every delivery; a found address is kept a minute per process. A missing one is
    not kept: staff add it and press 'retry', which must then find it."""
    url = GEMEENTE_ENDPOINTS.haal(
        gemeentecode,
        lambda: GemeenteEndpoint.objects.filter(gemeentecode=gemeentecode).values_list("url", flat=True).first(),
    )
    if url is None:
        GEMEENTE_ENDPOINTS.vergeet_sleutel(gemeentecode)
    return url


@outbox.handler("vva.gemeente")
def _naar_gemeente(payload: dict) -> None:
    url = _endpoint_url(payload["gemeentecode"])
    if url is None:
        raise outbox.Blijvend(
            f"geen endpoint voor gemeente {payload['gemeentecode']} in het register: voeg het toe bij 'Endpoints "
            "van gemeenten' (eigen of RMC-regio) en kies daarna 'opnieuw proberen'"
        )
    _post(url, payload)


@outbox.handler("vva.ca")
def _naar_centraal_aanmelden(payload: dict) -> None:
    """The portal is a recipient like the others: the status lands on the application when it was made here."""
    from voorzieningen.aanmelden import services as aanmelden
    from voorzieningen.aanmelden.models import Aanmelding, StatusWijziging
    from voorzieningen.core.services import Actor

    aanmeld_id = payload["aanmeldId"]
    try:
        filter_ = {"ca_keten_id": uuid.UUID(aanmeld_id)}
    except ValueError:
        filter_ = {"keten_id": aanmeld_id}
    aanmelding = Aanmelding.objects.filter(**filter_).first()
    if aanmelding is None or aanmelding.status == payload["status"]:
        return  # an application made outside the portal, or nothing new
    try:
        aanmelden.wijzig_status(
            aanmelding,
            payload["status"],
            bron=StatusWijziging.Bron.INSTELLING,
            actor=Actor.system("koppelpunt-mbo"),
            toelichting=payload.get("reden", ""),
        )
    except aanmelden.StatusNietToegestaan as exc:
        raise outbox.Blijvend(f"status {payload['status']} past niet na {aanmelding.status}: {exc}") from exc


def afleveringen(log: Routering) -> list[OutboxBericht]:
    sleutels = [f"{KANAAL[o]}:{log.afzender_id}:{log.bericht_id}" for o in log.ontvangers]
    return list(OutboxBericht.objects.filter(sleutel__in=sleutels))


def is_afgerond(log: Routering) -> bool:
    return all(a.status == OutboxBericht.Status.AFGELEVERD for a in afleveringen(log))


def vervang_sleutel(afzender: Afzender) -> str:
    """Rotation for a sender: a new key, the old one stops working at once."""
    prefix, sleutel = nieuwe_sleutel(VOORVOEGSEL)
    Afzender.objects.filter(pk=afzender.pk).update(prefix=prefix, sleutel_hash=hash_van(sleutel))
    return sleutel


PORTAAL_AFZENDERS = Procesgeheugen("portaal-afzenders", seconden=300)


def portaal_afzender(instelling) -> Afzender:
    """The portal's SIS interface as a sender, one per institution; it never authenticates over HTTP.

    Read for every status a SIS reports, and never changed once made: kept per process."""
    return PORTAAL_AFZENDERS.haal(instelling.pk, lambda: _portaal_afzender(instelling))


def _portaal_afzender(instelling) -> Afzender:
    afzender = Afzender.objects.filter(instelling=instelling, naam__startswith="Centraal Aanmelden").first()
    if afzender is None:
        afzender = Afzender.objects.create(
            naam=f"Centraal Aanmelden, SIS-koppelvlak ({instelling.brin})",
            instelling=instelling,
            prefix="portaal",
            sleutel_hash=hash_van(secrets.token_urlsafe(48)),  # a key nobody holds
        )
    return afzender


def vanuit_portaal(
    aanmelding, status: str, bericht_id: str, reden: str = "", sleutel: int | None = None
) -> Routering | None:
    """A status a SIS reported through the portal's SIS API goes on to Koppelpunt VO and Gemeenten as well.

    Built from the application's snapshot: BSN, the address's postcode and its municipality, birth date, the
    latest prior education (ILT code, leaving school, startkwalificatie).
    """
    from voorzieningen.core.services import gemeente_van_postcode

    if status not in WETTELIJKE_STATUSSEN or aanmelding.geanonimiseerd_op or not aanmelding.gegevens:
        return None
    gegevens = aanmelding.gegevens
    persoon = gegevens.get("persoon") or {}
    if not persoon.get("bsn") or not persoon.get("geboortedatum"):
        return None
    adres = gegevens.get("adres") or {}
    postcode = (adres.get("postcode") or "").replace(" ", "").upper()
    in_nederland = (adres.get("land") or "6030") == "6030"
    vooropleidingen = gegevens.get("vooropleidingen") or []
    laatste = max(vooropleidingen, key=lambda v: v.get("datum") or "", default={})
    bericht = Statusbericht(
        bericht_id=bericht_id,
        aanmeld_id=str(aanmelding.ca_keten_id),
        status=status,
        pgn=persoon["bsn"],
        postcode=postcode if in_nederland else "",
        gemeentecode=gemeente_van_postcode(postcode) if in_nederland else "",
        geboortedatum=datetime.date.fromisoformat(persoon["geboortedatum"]),
        startkwalificatie=any(v.get("startkwalificatie") for v in vooropleidingen),
        ilt_code=laatste.get("ilt_code", ""),
        brin_vo=laatste.get("brin", ""),
        leertraject=aanmelding.leertraject,
        vavo=False,
        reden=reden,
        brin_mbo=aanmelding.instelling.brin,
    )
    log, _nieuw = ontvang(portaal_afzender(aanmelding.instelling), bericht, van_portaal=True, sleutel=sleutel)
    return log
