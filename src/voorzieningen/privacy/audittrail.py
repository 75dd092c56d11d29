"""The data protection officer's view of the audit trail: search by person, object and period; export; retention.

Searching by person works on the pseudonym: the FG types a BSN, the trail is searched for its hash; the BSN is
neither stored nor logged. The FG's own searches and exports are written to the trail too.
"""

import csv
import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from voorzieningen.core.models import AuditLogEntry
from voorzieningen.core.services import subject_ref
from voorzieningen.identiteit.models import User


@dataclass(frozen=True)
class Zoekvraag:
    bsn: str = ""
    actor: str = ""  # a user's username/e-mail, 'user:<id>' or a system name such as 'sis:…' / 'retentie'
    object_type: str = ""
    object_id: str = ""
    actie: str = ""
    van: datetime.date | None = None
    tot: datetime.date | None = None

    def leeg(self) -> bool:
        return not any((self.bsn, self.actor, self.object_type, self.object_id, self.actie, self.van, self.tot))

    def beschrijving(self) -> dict:
        """What was searched for, fit for the trail: the BSN only as its pseudonym."""
        return {
            k: (str(v) if isinstance(v, datetime.date) else v)
            for k, v in {
                "betrokkene": subject_ref(self.bsn) if self.bsn else "",
                "actor": self.actor,
                "object_type": self.object_type,
                "object_id": self.object_id,
                "actie": self.actie,
                "van": self.van,
                "tot": self.tot,
            }.items()
            if v
        }


def actor_ids(actor: str) -> list[str]:
    """The trail's actor ids a typed name stands for: a user's id when it names a user, else the text itself."""
    actor = actor.strip()
    users = User.objects.filter(Q(username__iexact=actor) | Q(email__iexact=actor)).values_list("pk", flat=True)
    return [f"user:{pk}" for pk in users] + [actor]


def zoek(vraag: Zoekvraag) -> QuerySet[AuditLogEntry]:
    qs = AuditLogEntry.objects.all()
    if vraag.bsn:
        qs = qs.filter(subject_ref=subject_ref(vraag.bsn.strip()))
    if vraag.actor:
        qs = qs.filter(actor_id__in=actor_ids(vraag.actor))
    if vraag.object_type:
        qs = qs.filter(object_type=vraag.object_type)
    if vraag.object_id:
        qs = qs.filter(object_id=vraag.object_id.strip())
    if vraag.actie:
        qs = qs.filter(action=vraag.actie)
    tz = timezone.get_current_timezone()
    if vraag.van:
        qs = qs.filter(timestamp__gte=datetime.datetime.combine(vraag.van, datetime.time.min, tz))
    if vraag.tot:
        qs = qs.filter(
            timestamp__lt=datetime.datetime.combine(vraag.tot + datetime.timedelta(days=1), datetime.time.min, tz)
        )
    return qs.order_by("-timestamp", "-id")


def object_types() -> list[str]:
    return list(AuditLogEntry.objects.order_by("object_type").values_list("object_type", flat=True).distinct())


KOLOMMEN = (
    "tijdstip",
    "soort actor",
    "actor",
    "handeling",
    "objecttype",
    "object",
    "betrokkene (pseudoniem)",
    "doel",
    "request-id",
)


def als_csv(qs: QuerySet[AuditLogEntry]) -> Iterator[str]:
    """Streamed rows (BOM + ';' so Excel opens it as Dutch users expect)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")

    def flush() -> str:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return value

    writer.writerow(KOLOMMEN)
    yield "\ufeff" + flush()
    for e in qs.iterator(chunk_size=2000):
        writer.writerow(
            [
                timezone.localtime(e.timestamp).isoformat(timespec="seconds"),
                e.actor_type,
                e.actor_id,
                e.action,
                e.object_type,
                e.object_id,
                e.subject_ref,
                e.reason,
                e.request_id,
            ]
        )
        yield flush()


def verlopen(nu: datetime.datetime) -> QuerySet[AuditLogEntry]:
    return AuditLogEntry.objects.filter(timestamp__lt=nu - datetime.timedelta(days=settings.AUDIT_BEWAARTERMIJN_DAGEN))


def ruim_op(nu: datetime.datetime, *, droog: bool) -> int:
    """Remove lines past the trail's own retention period, in batches so a large backlog cannot lock the table."""
    qs = verlopen(nu)
    if droog:
        return qs.count()
    totaal = 0
    while ids := list(qs.values_list("pk", flat=True)[:5000]):
        totaal += AuditLogEntry.objects.filter(pk__in=ids).delete()[0]
    return totaal
