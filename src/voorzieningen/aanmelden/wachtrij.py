"""Submits under overload: accept the moment at once, do the work a little later.

On 1 April the moment of submitting is what counts legally. When a submit cannot be done within its time
budget — the web processes are overloaded (``core.overbelasting``), or the database does not answer a
statement within ``INDIENEN_STATEMENT_TIMEOUT_MS`` or a lock within ``INDIENEN_LOCK_TIMEOUT_MS`` — the request
stores an :class:`IngediendInWachtrij` record (draft token, student, moment) in one INSERT and answers at once
with a receipt of that moment. A Celery task then submits it through the normal :func:`services.dien_in`
with the original moment as ``ingediend_op``, so the signed receipt, the SIS delivery and the e-mail are
exactly those of a direct submit.

While anything waits in the queue, new submits queue behind it: the queue is processed in order of moment,
so a student who submitted earlier is never overtaken for the last place of a cohort by one who came later.
"""

import datetime
import logging
import math
import time
from collections import Counter

from django.conf import settings
from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from voorzieningen.conf.config import config
from voorzieningen.core import outbox
from voorzieningen.core.services import Actor

from . import services
from .models import Aanmelder, Aanmelding, Concept, IngediendInWachtrij

logger = logging.getLogger(__name__)

STATEMENT_TIMEOUT_MS = config(
    "INDIENEN_STATEMENT_TIMEOUT_MS",
    1000,
    help_text="A submit whose database statement takes longer is queued (with a receipt of its moment); 0 = off.",
)
LOCK_TIMEOUT_MS = config(
    "INDIENEN_LOCK_TIMEOUT_MS", 500, help_text="A submit waiting longer for a row lock is queued; 0 = off."
)
BEWAREN = datetime.timedelta(days=30)  # processed records: long enough to answer a student's question
MAX_WACHT = datetime.timedelta(minutes=5)  # longest pause between two attempts after failures
# SQLSTATEs of "took too long": query_canceled (statement_timeout), lock_not_available (lock_timeout)
TE_LANG = {"57014", "55P03"}

Uitkomst = IngediendInWachtrij.Uitkomst


def wachtend():
    return IngediendInWachtrij.objects.filter(verwerkt_op__isnull=True)


def _houdt_op():
    """What new submits queue behind: waiting records that never failed. One that failed is retried after a
    pause and no longer holds the others up: a single broken record must not send every submit through here."""
    return wachtend().filter(niet_voor__isnull=True)


def _te_lang(exc: DatabaseError) -> bool:
    return getattr(exc.__cause__, "sqlstate", None) in TE_LANG


def _tijdsbudget() -> None:
    if connection.vendor != "postgresql":
        return
    statement = getattr(settings, "INDIENEN_STATEMENT_TIMEOUT_MS", STATEMENT_TIMEOUT_MS)
    lock = getattr(settings, "INDIENEN_LOCK_TIMEOUT_MS", LOCK_TIMEOUT_MS)
    with connection.cursor() as cursor:  # SET LOCAL: only for this transaction, the connection is reused
        cursor.execute(f"SET LOCAL statement_timeout = {int(statement)}; SET LOCAL lock_timeout = {int(lock)}")


class _AchterAnderen(Exception):
    """Earlier submits are waiting: this one joins the queue so the order of moments holds."""


def dien_in(token, aanmelder: Aanmelder, actor: Actor, *, overbelast: bool = False):
    """The submit of the wizard: an :class:`Aanmelding` when done now, an :class:`IngediendInWachtrij` when queued.

    Raises what :func:`services.dien_in` raises for a refusal (full, closed, incomplete, not the student's).
    """
    moment = timezone.now()  # the student's click, also when the attempt below takes a while
    if overbelast:
        return plaats(token, aanmelder, moment)
    try:
        with transaction.atomic():
            _tijdsbudget()
            if _houdt_op().exists():
                raise _AchterAnderen
            return services.dien_in(token, aanmelder, actor)
    except _AchterAnderen:
        return plaats(token, aanmelder, moment)
    except OperationalError as exc:
        if not _te_lang(exc):
            raise
        logger.warning("indienen duurde te lang (%s): in de wachtrij gezet", exc.__cause__.sqlstate)
        return plaats(token, aanmelder, moment)


def plaats(token, aanmelder: Aanmelder, moment: datetime.datetime) -> IngediendInWachtrij:
    """One INSERT; a second submit of the same draft finds the first record (its moment stands)."""
    try:
        with transaction.atomic():
            record = IngediendInWachtrij.objects.create(token=token, aanmelder=aanmelder, ingediend_op=moment)
    except IntegrityError:
        record = IngediendInWachtrij.objects.filter(token=token, aanmelder=aanmelder).first()
        if record is None:  # someone else's draft token: as unknown as a draft that does not exist
            raise Aanmelding.DoesNotExist from None
        return record
    transaction.on_commit(_start_verwerking)
    return record


_gestart_op = -math.inf


def _start_verwerking() -> None:
    """At most once a second per web process: a running task takes everything that waits, also what arrives
    while it runs, so one start per queued submit would only flood the broker with empty runs."""
    global _gestart_op
    from .tasks import verwerk_wachtrij

    if time.monotonic() - _gestart_op < 1:
        return
    _gestart_op = time.monotonic()
    try:
        verwerk_wachtrij.delay()
    except Exception:  # the record is stored; the beat job every 15 seconds picks it up
        logger.warning("verwerking van de wachtrij niet gestart; de periodieke taak pakt het op", exc_info=True)


def verwerk(limiet: int = 500) -> Counter:
    """Submit queued records in order of moment, each in its own transaction; several workers can share
    the work (SKIP LOCKED). A failure leaves the record in the queue with a growing pause before its retry."""
    uitkomsten: Counter = Counter()
    for _ in range(limiet):
        with transaction.atomic():
            nu = timezone.now()
            record = (
                wachtend()
                .filter(Q(niet_voor__isnull=True) | Q(niet_voor__lte=nu))
                .select_for_update(skip_locked=True)
                .select_related("aanmelder__user")
                .order_by("ingediend_op", "pk")
                .first()
            )
            if record is None:
                break
            try:
                with transaction.atomic():
                    _verwerk(record)
            except DatabaseError as exc:
                if connection.needs_rollback or not connection.is_usable():
                    raise  # the transaction itself is lost: the record is untouched, the task is retried
                _mislukt(record, exc)
            except Exception as exc:  # noqa: BLE001 — a broken record must not stop the ones behind it
                _mislukt(record, exc)
        uitkomsten[record.uitkomst if record.verwerkt_op else "opnieuw"] += 1
    return uitkomsten


def _mislukt(record: IngediendInWachtrij, exc: Exception) -> None:
    logger.error("aanmelding uit de wachtrij niet verwerkt (poging %s)", record.pogingen + 1, exc_info=exc)
    record.uitkomst, record.verwerkt_op, record.aanmelding = Uitkomst.WACHT, None, None
    record.pogingen += 1
    record.laatste_fout = f"{exc.__class__.__name__}: {exc}"[:500]
    record.niet_voor = timezone.now() + min(datetime.timedelta(seconds=2**record.pogingen), MAX_WACHT)
    record.save(update_fields=["pogingen", "laatste_fout", "niet_voor"])


def _verwerk(record: IngediendInWachtrij) -> None:
    aanmelder = record.aanmelder
    try:
        aanmelding = services.dien_in(
            record.token, aanmelder, Actor.for_user(aanmelder.user), ingediend_op=record.ingediend_op
        )
    except services.AanmeldenFout as fout:
        record.uitkomst, record.melding = Uitkomst.GEWEIGERD, str(fout)[:500]
        _mail_geweigerd(record)
    except Aanmelding.DoesNotExist:  # draft stopped before it was processed, and nothing was submitted
        record.uitkomst = Uitkomst.VERVALLEN
    else:
        record.uitkomst, record.aanmelding = Uitkomst.INGEDIEND, aanmelding
    record.verwerkt_op = timezone.now()
    record.save(update_fields=["uitkomst", "melding", "aanmelding", "verwerkt_op"])


def _mail_geweigerd(record: IngediendInWachtrij) -> None:
    """The student left with a receipt of the moment; he must hear that it did not become an application."""
    aanmelder = record.aanmelder
    if not aanmelder.email:
        return
    with translation.override(aanmelder.taal or "nl"):
        context = {
            "record": record,
            "opleiding": _opleiding(record),
            "aanmelder": aanmelder,
            "portaal_url": f"{settings.PUBLIC_BASE_URL}/mijn-aanmeldingen/",
        }
        onderwerp = render_to_string("aanmelden/email/wachtrij_geweigerd_onderwerp.txt", context).strip()
        tekst = render_to_string("aanmelden/email/wachtrij_geweigerd.txt", context)
    outbox.plaats(
        "email", f"wachtrij-geweigerd:{record.token}", {"aan": aanmelder.email, "onderwerp": onderwerp, "tekst": tekst}
    )


def _opleiding(record: IngediendInWachtrij):
    concept = Concept.objects.filter(token=record.token).select_related("cohort__opleiding__aanbieder__instelling")
    concept = concept.first()
    return concept.cohort.opleiding if concept else None


def ruim_op(nu: datetime.datetime | None = None) -> int:
    """Processed records go after a month: the application itself (or the refusal e-mail) is what remains."""
    grens = (nu or timezone.now()) - BEWAREN
    aantal, _ = IngediendInWachtrij.objects.filter(verwerkt_op__lt=grens).delete()
    return aantal
