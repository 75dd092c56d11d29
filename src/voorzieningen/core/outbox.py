"""Transactional outbox: what goes to another system is written with the change, delivered after commit.

Handlers are registered per channel (``@handler("email")``); a handler raises to signal failure. Failed
messages are retried with exponential backoff and end in the dead-letter state after ``MAX_POGINGEN``.
"""

import base64
import datetime
import logging
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from . import invoegen
from .invoegen import nieuw, voeg_in
from .models import OutboxBericht

logger = logging.getLogger(__name__)

MAX_POGINGEN = 12  # about a day and a half with the backoff below
WACHT = "wacht op een eerder bericht in dezelfde volgordegroep"
HANDLERS: dict[str, Callable[[dict], None]] = {}


def handler(kanaal: str):
    def register(func):
        HANDLERS[kanaal] = func
        return func

    return register


def backoff(pogingen: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=min(30 * 2 ** (pogingen - 1), 6 * 3600))


def _after_commit(func) -> None:
    # robust: a broker that is down must not turn a committed change into an error for the caller; the message
    # is in the outbox and the beat's sweeper (deliver_due_outbox) delivers it
    transaction.on_commit(func, robust=True)


class Blijvend(Exception):
    """A failure retrying cannot cure (e.g. no endpoint registered): straight to the dead letters, where staff
    press 'retry now' once the cause is fixed."""


def plaats(kanaal: str, sleutel: str, payload: dict, groep: str = "") -> OutboxBericht:
    """Queue a message (idempotent by key) and have it delivered once the transaction commits.

    Messages sharing a ``groep`` are delivered in the order they were placed: a later one waits while an
    earlier one is undelivered (also when that one is a dead letter).
    """
    nu = timezone.now()
    bericht = nieuw(
        OutboxBericht,
        kanaal=kanaal,
        sleutel=f"{kanaal}:{sleutel}",
        payload=payload,
        volgende_poging=nu,
        aangemaakt_op=nu,
        groep=groep,
    )
    # one INSERT … ON CONFLICT DO NOTHING: on the hot paths (submitting, routing a status to three recipients)
    # every statement counts
    geplaatst = voeg_in(bericht, bij_conflict="sleutel")
    if geplaatst is False:  # placed before: the first one stands (idempotent)
        return OutboxBericht.objects.get(sleutel=bericht.sleutel)
    from .tasks import deliver_outbox

    if geplaatst:
        pk = bericht.pk
        _after_commit(lambda: deliver_outbox.delay(pk))
    else:  # bundled (invoegen.gebundeld): the key is known once the bundle is sent; None if the key was taken

        def bezorg():
            if bericht.pk is not None:
                pk = bericht.pk
                _after_commit(lambda: deliver_outbox.delay(pk))

        invoegen.daarna(bezorg)
    return bericht


def lever(pk: int) -> str:
    """Deliver one message now; returns its new status. Safe to call twice (a delivered one is skipped)."""
    with transaction.atomic():
        genomen = _neem(pk)
        if genomen is None:
            return "overgeslagen"
        bericht, eerdere_open = genomen
        if eerdere_open:
            bericht.laatste_fout = WACHT
            invoegen.werk_velden_bij(bericht, ("laatste_fout",))  # the earlier one wakes it up once delivered
            return "wacht op eerder bericht"
        volgende: int | None = None
        bericht.pogingen += 1
        try:
            HANDLERS[bericht.kanaal](bericht.payload)
        except Blijvend as exc:
            bericht.laatste_fout = str(exc)[:2000]
            bericht.status = OutboxBericht.Status.MISLUKT
        except Exception as exc:  # noqa: BLE001 — any failure of the receiver means: try again later
            logger.warning("outbox: %s mislukt (poging %d): %s", bericht.sleutel, bericht.pogingen, exc)
            bericht.laatste_fout = f"{type(exc).__name__}: {exc}"[:2000]
            if bericht.pogingen >= MAX_POGINGEN:
                bericht.status = OutboxBericht.Status.MISLUKT
            bericht.volgende_poging = timezone.now() + backoff(bericht.pogingen)
        else:
            bericht.status = OutboxBericht.Status.AFGELEVERD
            bericht.afgeleverd_op = timezone.now()
            bericht.payload = {}  # transient: nothing personal stays once delivered
            bericht.laatste_fout = ""
            groep, bericht.groep = bericht.groep, ""  # the group names the application: it goes with the content
            volgende = _schrijf_afgeleverd(bericht, groep)
        if bericht.status != OutboxBericht.Status.AFGELEVERD:
            invoegen.werk_velden_bij(bericht, GEWIJZIGD_BIJ_LEVEREN)
    if bericht.status == OutboxBericht.Status.AFGELEVERD and volgende:
        from .tasks import deliver_outbox

        _after_commit(lambda: deliver_outbox.delay(volgende))
    return bericht.status


# Every message passes these statements once or more (a season: millions); they are written out and kept, as
# the submit's are (core/invoegen.py), instead of compiled by the ORM for every message.
GEWIJZIGD_BIJ_LEVEREN = ("status", "pogingen", "laatste_fout", "volgende_poging", "afgeleverd_op", "payload", "groep")


def _sql(tekst: str) -> str:
    return tekst.format(t=invoegen.tabel(OutboxBericht))


def _neem(pk: int) -> tuple[OutboxBericht, bool] | None:
    """The message when it is still waiting, locked, and whether an earlier one of its group is not yet delivered
    (one statement); None when delivered, or being delivered by another worker."""
    connection = connections[DEFAULT_DB_ALIAS]
    slot = " FOR UPDATE OF o SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    genomen = invoegen.lees(
        _sql(
            f"SELECT {invoegen.kolommen(OutboxBericht, alias='o')}, EXISTS (SELECT 1 FROM {{t}} e"
            " WHERE o.groep <> '' AND e.groep = o.groep AND e.id < o.id AND e.status <> %s)"
            f" FROM {{t}} o WHERE o.id = %s AND o.status = %s{slot}"
        ),
        [OutboxBericht.Status.AFGELEVERD.value, pk, OutboxBericht.Status.WACHTEND.value],
        OutboxBericht,
        extra=1,
    )
    return (genomen[0], bool(genomen[1])) if genomen else None


def _schrijf_afgeleverd(bericht: OutboxBericht, groep: str) -> int | None:
    """Write the delivered message; with a group, find the next one of it in the same statement (PostgreSQL).

    That next one only when it already tried and waited: otherwise its own task is still coming, and a second one
    would be wasted work (the beat picks up anything missed)."""
    if not groep:
        invoegen.werk_velden_bij(bericht, GEWIJZIGD_BIJ_LEVEREN)
        return None
    connection = connections[DEFAULT_DB_ALIAS]
    volgende_sql = "SELECT id, laatste_fout FROM {t} WHERE groep = %s AND id > %s AND status = %s ORDER BY id LIMIT 1"
    volgende_params = [groep, bericht.pk, OutboxBericht.Status.WACHTEND.value]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # a data-modifying WITH: the update and the look-up in one trip
            update, params = invoegen.bijwerk_sql(bericht, GEWIJZIGD_BIJ_LEVEREN)
            cursor.execute(
                _sql(
                    f"WITH u AS ({update} RETURNING 1) SELECT v.id, v.laatste_fout, (SELECT count(*) FROM u)"
                    f" FROM (SELECT 1) een LEFT JOIN ({volgende_sql}) v ON true"
                ),
                [*params, *volgende_params],
            )
        else:
            invoegen.werk_velden_bij(bericht, GEWIJZIGD_BIJ_LEVEREN)
            cursor.execute(_sql(volgende_sql), volgende_params)
        volgende = cursor.fetchone()
    return volgende[0] if volgende and volgende[1] == WACHT else None


def lever_openstaande(limit: int = 500) -> int:
    """Deliver what is due (beat, every minute; also ``voorzieningen deliver-outbox``)."""
    due = OutboxBericht.objects.filter(
        status=OutboxBericht.Status.WACHTEND, volgende_poging__lte=timezone.now()
    ).values_list("pk", flat=True)[:limit]
    return sum(lever(pk) == OutboxBericht.Status.AFGELEVERD for pk in list(due))


def opnieuw(pk: int) -> None:
    """'Retry now' for a dead letter."""
    OutboxBericht.objects.filter(pk=pk).exclude(status=OutboxBericht.Status.AFGELEVERD).update(
        status=OutboxBericht.Status.WACHTEND, volgende_poging=timezone.now()
    )
    lever(pk)


@handler("email")
def _email(payload: dict) -> None:
    from django.core.mail import EmailMultiAlternatives

    message = EmailMultiAlternatives(payload["onderwerp"], payload["tekst"], to=[payload["aan"]])
    if payload.get("html"):
        message.attach_alternative(payload["html"], "text/html")
    for bijlage in payload.get("bijlagen", []):
        message.attach(bijlage["naam"], base64.b64decode(bijlage["inhoud"]), bijlage["type"])
    message.send()
