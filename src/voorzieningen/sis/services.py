"""Routing applications to koppelpunten, API keys, and the fetch queue the SIS API reads."""

import contextlib
import datetime
import hashlib
import hmac
import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from voorzieningen.core import http, invoegen, outbox
from voorzieningen.core.invoegen import nieuw, voeg_in
from voorzieningen.core.procesgeheugen import Procesgeheugen
from voorzieningen.core.sleutels import hash_van, nieuwe_sleutel

from .models import Aanlevering, Gebeurtenis, Koppelpunt, SisLogregel, SisSleutel

SLEUTEL_VOORVOEGSEL = "kp"
STUB_STATUSSEN = ["RECEIVED", "OFFERED"]


class GeenActieveSchool(Exception):
    """Unknown, inactive or not-yet-valid koppelpuntcode."""

    code = "geen_actieve_school"

    def __init__(self):
        super().__init__(_("geen actieve school gevonden"))


def _versie_sleutel(instelling_id: int) -> str:
    return f"sis:koppelpunten:versie:{instelling_id}"


# An institution's koppelpunten are kept per process, checked on every read against a version in the shared cache:
# reading that short string costs little, while unpickling the koppelpunten from the cache on every submit was a
# twentieth of the submit (docs/performance.md). A change sets a new version, so every process reads them again.
KOPPELPUNTEN = Procesgeheugen("sis-koppelpunten", seconden=300)


def vergeet_koppelpunten(instelling_id: int) -> None:
    """Called on every change of a koppelpunt or its aanbieders (signals), so the copies never route wrongly: now,
    and again after the commit (a process that read the rows in between read them from before the change)."""

    def nieuwe_versie():
        cache.set(_versie_sleutel(instelling_id), uuid.uuid4().hex, None)
        KOPPELPUNTEN.vergeet_sleutel(instelling_id)

    nieuwe_versie()
    transaction.on_commit(nieuwe_versie)


def _koppelpunten(instelling_id: int) -> list[tuple[Koppelpunt, frozenset[int]]]:
    """An institution's koppelpunten with their aanbieders: every submit needs them."""
    versie = cache.get(_versie_sleutel(instelling_id))
    if versie is None:  # never changed, or evicted: a fresh version, so no copy from before the eviction matches
        cache.add(_versie_sleutel(instelling_id), uuid.uuid4().hex, None)
        versie = cache.get(_versie_sleutel(instelling_id))

    def laad():
        return versie, [
            (k, frozenset(a.pk for a in k.aanbieders.all()))
            for k in Koppelpunt.objects.filter(instelling_id=instelling_id).prefetch_related("aanbieders")
        ]

    gevonden = KOPPELPUNTEN.haal(instelling_id, laad)
    if gevonden[0] != versie:  # changed since this process read them
        KOPPELPUNTEN.vergeet_sleutel(instelling_id)
        gevonden = KOPPELPUNTEN.haal(instelling_id, laad)
    return gevonden[1]


def koppelpunt_voor(aanbieder, moment) -> Koppelpunt:
    """An extra koppelpunt that holds this aanbieder (the most recent one in force) wins over the default one.

    An institution without any koppelpunt gets its default one (code = BRIN) so no application is lost;
    its SIS can fetch as soon as it has a key.
    """
    rijen = _koppelpunten(aanbieder.instelling_id)
    extra = [
        k
        for k, aanbieders in rijen
        if not k.standaard and k.actief and aanbieder.pk in aanbieders and k.geldig_vanaf <= moment
    ]
    if extra:
        return max(extra, key=lambda k: (k.geldig_vanaf, k.pk))
    standaard = next((k for k, _ in rijen if k.standaard), None)
    if standaard is None:
        instelling = aanbieder.instelling
        standaard, _ = Koppelpunt.objects.get_or_create(
            instelling=instelling,
            standaard=True,
            defaults={"code": instelling.brin, "naam": instelling.naam, "geldig_vanaf": moment},
        )
        vergeet_koppelpunten(instelling.pk)
    return standaard


def log(aanmelding_id: int, koppelpunt_id, soort: str, detail: str = "", tijdstip=None) -> None:
    """One line in the SIS message log the institution admin reads."""
    voeg_in(
        nieuw(
            SisLogregel,
            aanmelding_id=aanmelding_id,
            koppelpunt_id=koppelpunt_id,
            soort=soort,
            detail=detail[:500],
            tijdstip=tijdstip or timezone.now(),
        )
    )


def leg_klaar(aanmelding) -> Aanlevering:
    """Put a new application in the queue of its koppelpunt (called inside the submit transaction)."""
    koppelpunt = koppelpunt_voor(aanmelding.onderwijsaanbieder, aanmelding.ingediend_op)
    aanlevering = nieuw(
        Aanlevering, aanmelding=aanmelding, koppelpunt=koppelpunt, in_wachtrij_sinds=aanmelding.ingediend_op
    )
    voeg_in(aanlevering)
    _meld(koppelpunt, "NIEUW", aanmelding, aanmelding.ingediend_op)
    log(aanmelding.pk, koppelpunt.pk, SisLogregel.Soort.KLAARGEZET, koppelpunt.code, aanmelding.ingediend_op)
    if koppelpunt.stub_sis:
        invoegen.verstuur()  # the queue entry's key is needed now (a bundled submit sets it when sent)
        sleutel = f"{aanlevering.pk}:{aanmelding.ingediend_op.isoformat()}"
        outbox.plaats("sis.stub", sleutel, {"aanlevering": aanlevering.pk})
    return aanlevering


def meld_intrekking(aanmelding, tijdstip) -> Gebeurtenis | None:
    """The student withdrew: the SIS gets it as its own event (list + webhook), not only as a status."""
    aanlevering = Aanlevering.objects.select_related("koppelpunt").filter(aanmelding=aanmelding).first()
    if aanlevering is None:
        return None
    gebeurtenis = Gebeurtenis.objects.create(
        koppelpunt=aanlevering.koppelpunt, aanmelding=aanmelding, soort=Gebeurtenis.Soort.INGETROKKEN, tijdstip=tijdstip
    )
    _meld(aanlevering.koppelpunt, Gebeurtenis.Soort.INGETROKKEN, aanmelding, tijdstip)
    log(aanmelding.pk, aanlevering.koppelpunt_id, SisLogregel.Soort.GEBEURTENIS, gebeurtenis.soort, tijdstip)
    return gebeurtenis


def _meld(koppelpunt: Koppelpunt, soort: str, aanmelding, tijdstip) -> None:
    """Queue the koppelpunt's webhook call, when it has one, in the same transaction."""
    if not koppelpunt.webhook_url:
        return
    body = {
        "gebeurtenis": soort,
        "koppelpuntcode": koppelpunt.code,
        "caKetenId": str(aanmelding.ca_keten_id),
        "ketenId": aanmelding.keten_id,
        "tijdstip": tijdstip.isoformat(),
    }
    outbox.plaats(
        "sis.webhook",
        f"{koppelpunt.pk}:{soort}:{aanmelding.ca_keten_id}:{tijdstip.isoformat()}",
        {
            "koppelpunt": koppelpunt.pk,
            "body": body,
        },
    )


def webhook_handtekening(geheim: str, tijdstempel: str, body: bytes) -> str:
    """HMAC-SHA256 over '<timestamp>.<body>', hex; the receiver recomputes it to trust the call."""
    return hmac.new(geheim.encode(), tijdstempel.encode() + b"." + body, hashlib.sha256).hexdigest()


@outbox.handler("sis.webhook")
def _roep_webhook_aan(payload: dict) -> None:
    import json

    from django.conf import settings

    koppelpunt = Koppelpunt.objects.get(pk=payload["koppelpunt"])
    if not koppelpunt.webhook_url:
        return  # switched off meanwhile: nothing to deliver
    body = json.dumps(payload["body"], separators=(",", ":")).encode()
    tijdstempel = str(int(timezone.now().timestamp()))
    response = http.sessie().post(
        koppelpunt.webhook_url,
        data=body,
        headers={
            "Content-Type": "application/json",
            "X-MBO-Tijdstempel": tijdstempel,
            "X-MBO-Handtekening": "sha256=" + webhook_handtekening(koppelpunt.webhook_geheim, tijdstempel, body),
        },
        timeout=settings.SIS_WEBHOOK_TIMEOUT,
    )
    response.raise_for_status()


@outbox.handler("sis.stub")
def _stub_sis(payload: dict) -> None:
    """The platform plays the SIS: fetch, acknowledge, then post the koppelpunt's status sequence."""
    aanlevering = Aanlevering.objects.select_related("koppelpunt", "aanmelding").get(pk=payload["aanlevering"])
    client = SisClient(aanlevering.koppelpunt, None)
    haal_op(client, aanlevering)
    bevestig(aanlevering)
    ca = aanlevering.aanmelding.ca_keten_id
    from voorzieningen.aanmelden.services import StatusNietToegestaan

    for i, status in enumerate(aanlevering.koppelpunt.stub_statussen or STUB_STATUSSEN):
        try:
            verwerk_status(client, bericht_id=f"stub-{ca}-{i}", status=status, ca_keten_id=ca, toelichting="Stub SIS")
        except StatusNietToegestaan:
            return  # e.g. the student withdrew meanwhile: a real SIS would stop here too


def maak_sleutel(koppelpunt: Koppelpunt) -> str:
    """A new API key, returned once; only its hash is stored. Older keys stay valid until revoked (rotation)."""
    prefix, token = nieuwe_sleutel(SLEUTEL_VOORVOEGSEL)
    SisSleutel.objects.create(koppelpunt=koppelpunt, prefix=prefix, sleutel_hash=hash_van(token))
    return token


def trek_sleutels_in(koppelpunt: Koppelpunt, behalve: str = "", behalve_sleutel: int | None = None) -> int:
    """Revoke every active key except the given one (by secret, or by the id of its row)."""
    qs = koppelpunt.sleutels.filter(ingetrokken_op__isnull=True)
    if behalve:
        qs = qs.exclude(sleutel_hash=hash_van(behalve))
    if behalve_sleutel:
        qs = qs.exclude(pk=behalve_sleutel)
    return qs.update(ingetrokken_op=timezone.now())


def _in_werking(koppelpunt: Koppelpunt) -> bool:
    return koppelpunt.actief and koppelpunt.geldig_vanaf <= timezone.now()


def actief_koppelpunt(code: str) -> Koppelpunt:
    """Exact, case-sensitive match on the code of an active koppelpunt in force."""
    koppelpunt = Koppelpunt.objects.select_related("instelling").filter(code=code).first()
    if koppelpunt is None or koppelpunt.code != code or not _in_werking(koppelpunt):
        raise GeenActieveSchool()
    return koppelpunt


@dataclass(frozen=True)
class SisClient:
    koppelpunt: Koppelpunt
    sleutel: SisSleutel | None  # None: the platform's own Stub SIS

    @property
    def actor_id(self) -> str:
        return f"sis:{self.koppelpunt.code}"


def authenticeer(code: str, token: str) -> SisClient | None:
    """The koppelpunt of the path and a valid, unrevoked key of that same koppelpunt; None when the key fails.

    One query on every API call: the key with its koppelpunt. Only when that fails is the code looked up on its
    own, to tell 'geen actieve school gevonden' (404) from a wrong key (401).
    """
    sleutel = _sleutel_met_koppelpunt(code, hash_van(token))
    koppelpunt = sleutel.koppelpunt if sleutel else None
    if koppelpunt is None or koppelpunt.code != code or not _in_werking(koppelpunt):
        actief_koppelpunt(code)  # raises GeenActieveSchool for an unknown, inactive or differently cased code
        return None
    if sleutel.laatst_gebruikt_op is None or (timezone.now() - sleutel.laatst_gebruikt_op).total_seconds() > 60:
        sleutel.laatst_gebruikt_op = timezone.now()
        invoegen.werk_velden_bij(sleutel, ("laatst_gebruikt_op",))
    return SisClient(koppelpunt, sleutel)


def _sleutel_met_koppelpunt(code: str, sleutel_hash: str) -> SisSleutel | None:
    """The unrevoked key with its koppelpunt and institution, by one plain join: every API call asks (compiled by
    the ORM it was a tenth of a season, docs/performance.md)."""
    j = invoegen.samen(SisSleutel, "koppelpunt__instelling")
    return j.lees(
        f"{j.alias()}.sleutel_hash = %s AND {j.alias()}.ingetrokken_op IS NULL AND {j.alias('koppelpunt')}.code = %s",
        [sleutel_hash, code],
    )


def zet_terug_in_wachtrij(aanleveringen, door: str = "") -> int:
    """Re-queue (admin): the applications are offered to the SIS again at once, in their original order.

    Each gets its own moment (a microsecond apart): the queue's cursor pages by that moment, and rows sharing
    one would be skipped when a SIS acknowledges a page before asking for the next.
    """
    now = timezone.now()
    with transaction.atomic():
        rijen = list(aanleveringen.order_by("aanmelding__ingediend_op", "pk").values_list(
            "pk", "aanmelding_id", "koppelpunt_id"
        ))  # fmt: skip
        aantal = Aanlevering.objects.bulk_update(
            [
                Aanlevering(
                    pk=pk,
                    in_wachtrij_sinds=now + datetime.timedelta(microseconds=i),
                    opgehaald_op=None,
                    bevestigd_op=None,
                )  # fmt: skip
                for i, (pk, _a, _k) in enumerate(rijen)
            ],
            ["in_wachtrij_sinds", "opgehaald_op", "bevestigd_op"],
            batch_size=1000,
        )
        SisLogregel.objects.bulk_create(
            SisLogregel(aanmelding_id=a, koppelpunt_id=k, soort=SisLogregel.Soort.OPNIEUW, detail=door, tijdstip=now)
            for _pk, a, k in rijen
        )
        return aantal


# --- what the API does --------------------------------------------------------------------------------


def wachtrij(koppelpunt: Koppelpunt):
    """Applications waiting to be fetched by this koppelpunt, oldest first."""
    return (
        Aanlevering.objects.filter(koppelpunt=koppelpunt, in_wachtrij_sinds__isnull=False)
        .select_related("aanmelding")
        .order_by("in_wachtrij_sinds", "id")
    )


VOLLEDIG = (
    "aanmelding__opleiding__kwalificatie",
    "aanmelding__opleiding__locatie",
    "aanmelding__cohort",
    "aanmelding__instelling",
    "aanmelding__onderwijsaanbieder",
)
MAX_PER_KEER = 500  # applications per page of the full queue, acknowledgements per call


def wachtrij_volledig(koppelpunt: Koppelpunt):
    """The queue with everything the full representation shows (one query per page instead of one per item)."""
    return wachtrij(koppelpunt).select_related(*VOLLEDIG)


def haal_op_veel(client: SisClient, aanleveringen: list[Aanlevering]) -> list[Aanlevering]:
    """A page of full applications: each read audited, logged and disclosed as one read is; one commit."""
    with transaction.atomic():
        return [haal_op(client, aanlevering, savepoint=False) for aanlevering in aanleveringen]


def bevestig_veel(koppelpunt: Koppelpunt, ca_keten_ids: list) -> tuple[list[Aanlevering], list]:
    """Acknowledge many fetches in one call and one commit; ids of another koppelpunt (or none) come back as
    unknown, never as an error for the rest. Idempotent per id, as :func:`bevestig`."""
    with transaction.atomic():
        gevonden = {
            a.aanmelding.ca_keten_id: a
            for a in Aanlevering.objects.select_for_update(of=("self",))
            .select_related("aanmelding")
            .filter(koppelpunt=koppelpunt, aanmelding__ca_keten_id__in=ca_keten_ids)
        }
        bevestigd = [bevestig(gevonden[ca], savepoint=False) for ca in ca_keten_ids if ca in gevonden]
    return bevestigd, [ca for ca in ca_keten_ids if ca not in gevonden]


def aanlevering_van(koppelpunt: Koppelpunt, *, ca_keten_id=None, keten_id=None, volledig=False) -> Aanlevering:
    """An application of this koppelpunt by caKetenId (wins) or ketenId; another koppelpunt's is 'not found'.

    ``volledig`` joins what the full representation shows; acknowledgements and statuses need only the row.
    """
    if not volledig:
        return _aanlevering_met_instelling(koppelpunt.pk, ca_keten_id, keten_id)
    qs = Aanlevering.objects.select_related("aanmelding__instelling", *VOLLEDIG).filter(koppelpunt=koppelpunt)
    if ca_keten_id:
        return qs.get(aanmelding__ca_keten_id=ca_keten_id)
    return qs.get(aanmelding__keten_id=keten_id)


def _aanlevering_met_instelling(koppelpunt_id: int, ca_keten_id, keten_id) -> Aanlevering:
    """The queue entry, its application and institution by one plain join: every status message reads them.

    ``ca_keten_id`` and ``keten_id`` are each unique, so a row is the one; none is ``Aanlevering.DoesNotExist``
    as ``get()`` would raise it."""
    from voorzieningen.aanmelden.models import Aanmelding

    if ca_keten_id:
        veld = Aanmelding._meta.get_field("ca_keten_id")
        waar, waarde = "{m}.ca_keten_id = %s", veld.get_db_prep_value(ca_keten_id, connections[DEFAULT_DB_ALIAS])
    else:
        waar, waarde = "{m}.keten_id = %s", keten_id
    gevonden = _aanleveringen_met_instelling(waar, [koppelpunt_id, waarde])
    if not gevonden:
        raise Aanlevering.DoesNotExist("Aanlevering matching query does not exist.")
    return gevonden[0]


def _aanleveringen_met_instelling(waar: str, params: list) -> list[Aanlevering]:
    """This koppelpunt's queue entries (the first parameter) whose application ``{m}`` matches ``waar``, each with
    its application and institution."""
    j = invoegen.samen(Aanlevering, "aanmelding__instelling")
    return j.lees_alle(f"{j.alias()}.koppelpunt_id = %s AND {waar.format(m=j.alias('aanmelding'))}", params)


def haal_op(client: SisClient, aanlevering: Aanlevering, *, savepoint: bool = True) -> Aanlevering:
    """The SIS reads an application in full: audited, and the first read after (re)queueing is disclosed.

    Four writes, one commit (each commit waits for the WAL flush) and on PostgreSQL one statement; ``savepoint=False``
    for a caller whose own block undoes a page as a whole (the bulk fetch)."""
    from voorzieningen.aanmelden.models import Verstrekking
    from voorzieningen.aanmelden.services import registreer_verstrekking
    from voorzieningen.core.services import Actor, audit_read

    aanmelding = aanlevering.aanmelding
    with transaction.atomic(savepoint=savepoint), invoegen.gebundeld():
        audit_read(Actor.system(client.actor_id), aanmelding, reason="SIS haalt aanmelding op", subject=aanmelding.bsn)
        log(aanmelding.pk, client.koppelpunt.pk, SisLogregel.Soort.OPGEHAALD, client.koppelpunt.code)
        if aanlevering.opgehaald_op is None:
            aanlevering.opgehaald_op = timezone.now()
            invoegen.werk_velden_bij_mee(aanlevering, ("opgehaald_op",))
            registreer_verstrekking(
                aanmelding,
                Verstrekking.Ontvanger.SIS,
                f"{aanmelding.instelling.naam} (koppelpunt {client.koppelpunt.code})",
                _("Je aanmelding met persoonsgegevens, adres, contactgegevens, ouders/verzorgers en vooropleiding"),
                _("Wet educatie en beroepsonderwijs: aanmelding bij de onderwijsinstelling (art. 8.1.7a)"),
            )
    return aanlevering


def bevestig(aanlevering: Aanlevering, *, savepoint: bool = True) -> Aanlevering:
    """The row and its log line in one commit and (PostgreSQL) one statement; ``savepoint`` as for :func:`haal_op`."""
    if aanlevering.bevestigd_op is not None and aanlevering.in_wachtrij_sinds is None:
        return aanlevering  # acknowledged before: a SIS's retry after a lost answer changes and logs nothing
    now = timezone.now()
    aanlevering.bevestigd_op = now
    aanlevering.opgehaald_op = aanlevering.opgehaald_op or now
    aanlevering.in_wachtrij_sinds = None
    with transaction.atomic(savepoint=savepoint), invoegen.gebundeld():
        invoegen.werk_velden_bij_mee(aanlevering, ("bevestigd_op", "opgehaald_op", "in_wachtrij_sinds"))
        log(aanlevering.aanmelding_id, aanlevering.koppelpunt_id, SisLogregel.Soort.BEVESTIGD, tijdstip=now)
    return aanlevering


def meld_fout(aanlevering: Aanlevering, melding: str) -> Aanlevering:
    aanlevering.foutmelding, aanlevering.foutmelding_op = melding, timezone.now()
    aanlevering.save(update_fields=["foutmelding", "foutmelding_op"])
    log(aanlevering.aanmelding_id, aanlevering.koppelpunt_id, SisLogregel.Soort.FOUTMELDING, melding)
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
    bestaand, sleutels = _eerder_bericht(client.koppelpunt.pk, bericht_id)
    if bestaand:
        return bestaand, False
    aanlevering = aanlevering_van(client.koppelpunt, ca_keten_id=ca_keten_id, keten_id=keten_id)
    return _pas_toe(client, aanlevering.aanmelding, bericht_id, status, toelichting, correctie, tijdstip, sleutels)


def _pas_toe(client, aanmelding, bericht_id, status, toelichting, correctie, tijdstip, sleutels):
    from .models import StatusBericht

    try:
        return _verwerk(client, aanmelding, bericht_id, status, toelichting, correctie, tijdstip, sleutels), True
    except IntegrityError:  # the same message id arrived twice at once; the other one was applied
        return StatusBericht.objects.get(koppelpunt=client.koppelpunt, bericht_id=bericht_id), False


def _eerder_bericht(koppelpunt_id: int, bericht_id: str) -> tuple[object, tuple[int, int] | None]:
    """A message id this koppelpunt sent before (unique per koppelpunt): asked for every message, mostly in vain.

    On PostgreSQL the same statement takes the keys of the new message and of its routing log from their
    sequences: the routing names the message by its key, so with the keys known the message's writes go to the
    database as one statement (``invoegen.gebundeld``)."""
    from voorzieningen.koppelpunt.models import Routering

    from .models import StatusBericht

    tabel = invoegen.tabel(StatusBericht)
    if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        sql = f"SELECT {invoegen.kolommen(StatusBericht)} FROM {tabel} WHERE koppelpunt_id = %s AND bericht_id = %s"
        return invoegen.lees(sql, [koppelpunt_id, bericht_id], StatusBericht), None  # noqa: S608
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(
            f"SELECT {invoegen.volgende_sleutel(StatusBericht)}, {invoegen.volgende_sleutel(Routering)},"
            f" (SELECT id FROM {tabel} WHERE koppelpunt_id = %s AND bericht_id = %s)",  # noqa: S608
            [koppelpunt_id, bericht_id],
        )
        bericht_sleutel, routering_sleutel, bestaand = cursor.fetchone()
    if bestaand is not None:
        return StatusBericht.objects.get(pk=bestaand), None
    return None, (bericht_sleutel, routering_sleutel)


def verwerk_bericht(client: SisClient, d: dict):
    """:func:`verwerk_status` for one message as the API validated it (caKetenId wins over ketenId)."""
    return verwerk_status(
        client,
        bericht_id=d["berichtId"],
        status=d["status"],
        ca_keten_id=d.get("caKetenId"),
        keten_id=d.get("ketenId") if not d.get("caKetenId") else None,
        toelichting=d["toelichting"],
        correctie=d["correctie"],
        tijdstip=d.get("tijdstip"),
    )


@dataclass(frozen=True)
class Uitkomst:
    """What became of one message of a bulk call: an HTTP-like code, the stored message, or why not."""

    bericht_id: str
    http: int
    bericht: object = None
    code: str = ""
    detail: str = ""


def verwerk_statussen(client: SisClient, berichten: list[dict]) -> list[Uitkomst]:
    """Many status messages in one call and one commit, in the order given (a later status of the same
    application follows an earlier one). Each is applied as a single call would; an unknown application or a
    transition that is not allowed is that message's outcome and does not hold back the others."""
    from voorzieningen.aanmelden.services import StatusNietToegestaan

    uitkomsten = []
    with transaction.atomic(), outbox.verzamel():  # the workers get what it routes in batches
        vooraf = _lees_vooraf(client.koppelpunt.pk, berichten)
        for d in berichten:
            try:  # a message that fails is undone by the savepoint of its own writes (_verwerk): none needed here
                bericht, nieuw = vooraf.verwerk(client, d) if vooraf else verwerk_bericht(client, d)
                uitkomsten.append(Uitkomst(d["berichtId"], 201 if nieuw else 200, bericht))
            except Aanlevering.DoesNotExist:
                uitkomsten.append(Uitkomst(d["berichtId"], 404, None, "onbekende_aanmelding", ONBEKENDE_AANMELDING))
            except StatusNietToegestaan as e:
                uitkomsten.append(Uitkomst(d["berichtId"], 409, None, "status_niet_toegestaan", conflict_tekst(e)))
    return uitkomsten


@dataclass
class _Vooraf:
    """What a bulk call reads for all its messages at once (PostgreSQL): the message ids stored before, the queue
    entries with their applications and institutions, and the keys of each new message and its routing log. Per
    message only the lock and the bundle of its writes are left (docs/performance.md)."""

    eerder: dict  # bericht_id -> StatusBericht, also those stored earlier in this call
    per_ca: dict  # caKetenId -> Aanlevering
    per_keten: dict  # ketenId -> the same Aanlevering
    sleutels: list  # (message key, routing key), one pair per message

    def verwerk(self, client: SisClient, d: dict):
        """:func:`verwerk_bericht` on what was read beforehand; the shared application follows each change."""
        bericht_id = d["berichtId"]
        if bericht_id in self.eerder:
            return self.eerder[bericht_id], False
        ca = d.get("caKetenId")
        aanlevering = self.per_ca.get(uuid.UUID(str(ca))) if ca else self.per_keten.get(d.get("ketenId"))
        if aanlevering is None:
            raise Aanlevering.DoesNotExist("Aanlevering matching query does not exist.")
        aanmelding = aanlevering.aanmelding
        bericht, nieuw = _pas_toe(
            client, aanmelding, bericht_id, d["status"], d["toelichting"], d["correctie"], d.get("tijdstip"),
            self.sleutels.pop(),
        )  # fmt: skip
        if nieuw and bericht.resultaat == "verwerkt":  # a later message of the call sees the application as it is now
            aanmelding.status = bericht.status
        self.eerder[bericht_id] = bericht
        return bericht, nieuw


def _lees_vooraf(koppelpunt_id: int, berichten: list[dict]) -> _Vooraf | None:
    """Three statements for the whole call instead of three per message; None on SQLite (one by one there)."""
    from voorzieningen.koppelpunt.models import Routering

    from .models import StatusBericht

    if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        return None
    sb = invoegen.tabel(StatusBericht)
    eerder = {
        b.bericht_id: b
        for b in invoegen.lees_alle(
            f"SELECT {invoegen.kolommen(StatusBericht)} FROM {sb} WHERE koppelpunt_id = %s AND bericht_id = ANY(%s)",
            [koppelpunt_id, [d["berichtId"] for d in berichten]],
            StatusBericht,
        )  # noqa: S608
    }
    cas = [uuid.UUID(str(d["caKetenId"])) for d in berichten if d.get("caKetenId")]
    ketens = [d["ketenId"] for d in berichten if not d.get("caKetenId") and d.get("ketenId")]
    per_ca, per_keten = {}, {}
    for aanlevering in _aanleveringen_met_instelling(
        "({m}.ca_keten_id = ANY(%s) OR {m}.keten_id = ANY(%s))", [koppelpunt_id, cas, ketens]
    ):
        per_ca[aanlevering.aanmelding.ca_keten_id] = per_keten[aanlevering.aanmelding.keten_id] = aanlevering
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(
            f"SELECT {invoegen.volgende_sleutel(StatusBericht)}, {invoegen.volgende_sleutel(Routering)}"
            " FROM generate_series(1, %s)",
            [len(berichten)],
        )
        sleutels = [tuple(rij) for rij in cursor.fetchall()]
    return _Vooraf(eerder, per_ca, per_keten, sleutels)


ONBEKENDE_AANMELDING = "Deze aanmelding bestaat niet bij dit koppelpunt."


def conflict_tekst(fout) -> str:
    """A refused transition, with what the SIS can do about it (single and bulk calls alike)."""
    return f"{fout} Is dit een correctie, stuur het bericht dan met correctie=true en de reden in toelichting."


def _verwerk(client, aanmelding, bericht_id, status, toelichting, correctie, tijdstip, sleutels=None):
    """``sleutels``: the keys of the message and its routing log, taken beforehand (PostgreSQL): then every write
    of the message waits in one bundle, sent when the block ends; its savepoint undoes them all on any error."""
    from voorzieningen.aanmelden import services as aanmelden
    from voorzieningen.aanmelden.models import StatusWijziging
    from voorzieningen.core.services import Actor

    from .models import StatusBericht

    bericht_sleutel, routering_sleutel = sleutels or (None, None)
    with transaction.atomic(), invoegen.gebundeld() if sleutels else contextlib.nullcontext():
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
                savepoint=False,  # this block's own savepoint undoes the whole message
            )
            resultaat = "verwerkt"
        bericht = nieuw(
            StatusBericht,
            pk=bericht_sleutel,
            koppelpunt=client.koppelpunt,
            bericht_id=bericht_id,
            aanmelding=aanmelding,
            status=status,
            resultaat=resultaat,
        )
        voeg_in(bericht)  # a duplicate id raises IntegrityError as create() would
        log(aanmelding.pk, client.koppelpunt.pk, SisLogregel.Soort.STATUS, f"{bericht_id}: {status} ({resultaat})")
        if resultaat == "verwerkt":  # the law's status exchange: on to Koppelpunt VO and Gemeenten
            from voorzieningen.koppelpunt.services import vanuit_portaal

            vanuit_portaal(aanmelding, status, f"sis-{bericht.pk}", toelichting, sleutel=routering_sleutel)
    return bericht


def gebeurtenissen(koppelpunt: Koppelpunt):
    return Gebeurtenis.objects.filter(koppelpunt=koppelpunt, bevestigd_op__isnull=True).select_related("aanmelding")


def bevestig_gebeurtenis(koppelpunt: Koppelpunt, pk: int) -> Gebeurtenis:
    gebeurtenis = Gebeurtenis.objects.select_related("aanmelding").get(koppelpunt=koppelpunt, pk=pk)
    if gebeurtenis.bevestigd_op is None:
        gebeurtenis.bevestigd_op = timezone.now()
        gebeurtenis.save(update_fields=["bevestigd_op"])
    return gebeurtenis


MAX_TERUG = datetime.timedelta(days=366)


def herplaatsbaar(aanleveringen):
    """What may be offered again: at most a year back; anonymised ones hold nothing a SIS could use."""
    return aanleveringen.filter(
        aanmelding__ingediend_op__gte=timezone.now() - MAX_TERUG, aanmelding__geanonimiseerd_op__isnull=True
    )


def zet_periode_terug(koppelpunt: Koppelpunt, van: datetime.date, tot: datetime.date, door: str = "") -> int:
    """Re-queue this koppelpunt's applications submitted in [van, tot]."""
    qs = Aanlevering.objects.filter(
        koppelpunt=koppelpunt, aanmelding__ingediend_op__date__gte=van, aanmelding__ingediend_op__date__lte=tot
    )
    return zet_terug_in_wachtrij(herplaatsbaar(qs), door=door)


def anonimiseer(aanmelding_ids: list[int]) -> None:
    """The SIS's error texts and the message log's details may name the student: emptied with the application."""
    Aanlevering.objects.filter(aanmelding_id__in=aanmelding_ids).update(foutmelding="")
    SisLogregel.objects.filter(aanmelding_id__in=aanmelding_ids).update(detail="")
