"""Transactional outbox: what goes to another system is written with the change, delivered after commit.

Handlers are registered per channel (``@handler("email")``); a handler raises to signal failure. Failed
messages are retried with exponential backoff and end in the dead-letter state after ``MAX_POGINGEN``.
"""

import base64
import datetime
import logging
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager

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
    if geplaatst:
        _naar_werker(bericht.pk)
    else:  # bundled (invoegen.gebundeld): the key is known once the bundle is sent; None if the key was taken
        invoegen.daarna(lambda: bericht.pk is not None and _naar_werker(bericht.pk))
    return bericht


_VERZAMELING = threading.local()


@contextmanager
def verzamel():
    """The messages placed in this block go to the workers as batches after the commit (a task per ``PARTIJ``,
    :func:`lever_partij`) instead of a task each: for the bulk calls, which place hundreds at once. Inside an
    outer block it adds to that one's batches."""
    if getattr(_VERZAMELING, "pks", None) is not None:
        yield
        return
    _VERZAMELING.pks = pks = []
    try:
        yield
    finally:
        _VERZAMELING.pks = None
    if pks:  # a message undone by a savepoint since is not found by its batch: skipped
        _after_commit(lambda: _geef_door(pks))


def _naar_werker(pk: int) -> None:
    verzameld = getattr(_VERZAMELING, "pks", None)
    if verzameld is not None:
        verzameld.append(pk)
    else:
        _wek(pk)


def _geef_door(pks: list[int]) -> None:
    from .tasks import deliver_outbox_partij

    for begin in range(0, len(pks), PARTIJ):
        deliver_outbox_partij.delay(pks[begin : begin + PARTIJ])


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
        if _probeer(bericht):
            groep, bericht.groep = bericht.groep, ""  # the group names the application: it goes with the content
            volgende = _schrijf_afgeleverd(bericht, groep)
        else:
            invoegen.werk_velden_bij(bericht, GEWIJZIGD_BIJ_LEVEREN)
    if volgende:
        _wek(volgende)
    return bericht.status


def _probeer(bericht: OutboxBericht) -> bool:
    """Hand the message to its channel and set on it what the outcome means (delivered, retry later with backoff,
    or a dead letter); True when delivered. Writes nothing."""
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
        return True
    return False


def _wek(pk: int) -> None:
    from .tasks import deliver_outbox

    _after_commit(lambda: deliver_outbox.delay(pk))


# A backlog (the nightly status bulk, a receiver back after an outage) is delivered this many at a time, in one
# transaction: one statement locks them, one writes every outcome, one commit. Larger batches save little more and
# widen what a crash mid-batch delivers a second time (the receivers are idempotent by message id).
PARTIJ = 100
# A batch stops handing messages on after this long (a slow receiver): the rest go back to the workers, so no
# transaction holds its locks for minutes.
PARTIJ_SECONDEN = 10.0
UITGESTELD = "uitgesteld"


def lever_partij(pks) -> dict[int, str]:
    """Deliver these messages in one transaction; each one's outcome as :func:`lever` gives it.

    Same rules as one at a time: a message another worker holds is skipped, and within a group a message waits
    unless every earlier undelivered one of its group is delivered earlier in this batch. The price is the
    window: until the commit, a receiver may hold messages the outbox has not marked delivered, so a crash (or the
    database going away) in a batch delivers all of it again. On SQLite (no row locks) it is :func:`lever` per id."""
    ids = sorted(set(pks))
    if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        return {pk: lever(pk) for pk in ids}
    uitkomst = dict.fromkeys(ids, "overgeslagen")
    uitgesteld: list[int] = []
    with transaction.atomic():
        afgeleverd: set[int] = set()
        gestopt: set[str] = set()  # groups of which a message of this batch was not delivered
        laatste: dict[str, int] = {}  # group -> its last message delivered in this batch
        behandeld: list[OutboxBericht] = []
        einde = time.monotonic() + PARTIJ_SECONDEN
        for bericht, eerdere_open in _neem_partij(ids):
            if uitgesteld or time.monotonic() > einde:  # untouched: unlocked at the commit, handed on after it
                uitgesteld.append(bericht.pk)
                uitkomst[bericht.pk] = UITGESTELD
                continue
            groep = bericht.groep
            behandeld.append(bericht)
            if groep and (groep in gestopt or not afgeleverd.issuperset(eerdere_open)):
                bericht.laatste_fout = WACHT  # the earlier one wakes it up once delivered
                gestopt.add(groep)
                uitkomst[bericht.pk] = "wacht op eerder bericht"
                continue
            if _probeer(bericht):
                afgeleverd.add(bericht.pk)
                if groep:
                    laatste[groep], bericht.groep = bericht.pk, ""
            elif groep:
                gestopt.add(groep)
            uitkomst[bericht.pk] = bericht.status
        volgende = _schrijf_partij(behandeld, laatste) if behandeld else []
    for pk in volgende:
        _wek(pk)
    if uitgesteld:
        _after_commit(lambda: _geef_door(uitgesteld))
    return uitkomst


def _neem_partij(ids: list[int]) -> list[tuple[OutboxBericht, list[int]]]:
    """The batch's messages still waiting and not held by another worker, locked, in id order, each with the ids of
    its group's earlier messages that are not delivered (one statement)."""
    return invoegen.lees_alle(
        _sql(
            f"SELECT {invoegen.kolommen(OutboxBericht, alias='o')}, ARRAY(SELECT e.id FROM {{t}} e"
            " WHERE o.groep <> '' AND e.groep = o.groep AND e.id < o.id AND e.status <> %s)"
            " FROM {t} o WHERE o.id = ANY(%s) AND o.status = %s ORDER BY o.id FOR UPDATE OF o SKIP LOCKED"
        ),
        [OutboxBericht.Status.AFGELEVERD.value, ids, OutboxBericht.Status.WACHTEND.value],
        OutboxBericht,
        extra=1,
    )


def _schrijf_partij(berichten: list[OutboxBericht], laatste: dict[str, int]) -> list[int]:
    """Every outcome of the batch in one UPDATE, and in the same statement the next message of each group that
    delivered something: returned when it waited for this batch (its own task would not come again).

    The look-up reads the snapshot from before the update, so a message this batch handled still looks waiting
    there: one that comes next in its group was not delivered now, and is left alone (it was not waiting for us)."""
    kolommen = ("status", "pogingen", "laatste_fout", "volgende_poging", "afgeleverd_op")
    rijen = [[getattr(b, k) for b in berichten] for k in ("pk", *kolommen)]
    afgeleverd = OutboxBericht.Status.AFGELEVERD.value
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(
            _sql(
                "WITH u AS (UPDATE {t} t SET "
                + ", ".join(f"{k} = v.{k}" for k in kolommen)
                + ", payload = CASE WHEN v.status = %s THEN '{{}}'::jsonb ELSE t.payload END,"
                " groep = CASE WHEN v.status = %s THEN '' ELSE t.groep END"
                " FROM unnest(%s::bigint[], %s::text[], %s::integer[], %s::text[], %s::timestamptz[],"
                " %s::timestamptz[]) AS v(id, " + ", ".join(kolommen) + ") WHERE t.id = v.id RETURNING 1)"
                " SELECT n.id, n.laatste_fout FROM unnest(%s::text[], %s::bigint[]) AS g(groep, na)"
                " CROSS JOIN LATERAL (SELECT id, laatste_fout FROM {t} WHERE groep = g.groep AND id > g.na"
                " AND status = %s ORDER BY id LIMIT 1) n"
            ),
            [
                afgeleverd,
                afgeleverd,
                *rijen,
                list(laatste),
                list(laatste.values()),
                OutboxBericht.Status.WACHTEND.value,
            ],
        )
        gevonden = cursor.fetchall()
    behandeld = {b.pk for b in berichten}
    return [pk for pk, fout in gevonden if fout == WACHT and pk not in behandeld]


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
    due = list(
        OutboxBericht.objects.filter(status=OutboxBericht.Status.WACHTEND, volgende_poging__lte=timezone.now())
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    uitkomsten = [lever_partij(due[i : i + PARTIJ]) for i in range(0, len(due), PARTIJ)]
    return sum(status == OutboxBericht.Status.AFGELEVERD for u in uitkomsten for status in u.values())


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
