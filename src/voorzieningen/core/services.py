"""Audit trail: the helpers every view, API and task calls when it reads or changes personal data."""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import models

from .invoegen import nieuw, voeg_in
from .middleware import current_request_id
from .models import AuditLogEntry
from .procesgeheugen import Procesgeheugen

Action = AuditLogEntry.Action


@dataclass(frozen=True)
class Actor:
    """Who acts: a person (staff, admin, student) or a system (SIS, koppelpunt, a scheduled job)."""

    type: str
    id: str

    @classmethod
    def system(cls, name: str) -> "Actor":
        return cls(AuditLogEntry.ActorType.SYSTEM, name)

    @classmethod
    def from_request(cls, request) -> "Actor":
        return cls.for_user(getattr(request, "user", None))

    @classmethod
    def for_user(cls, user) -> "Actor":
        if user is not None and user.is_authenticated:
            return cls(AuditLogEntry.ActorType.PERSON, f"user:{user.pk}")
        return cls(AuditLogEntry.ActorType.ANONYMOUS, "anonymous")


def subject_ref(identifier: str) -> str:
    """A stable pseudonym for a person (e.g. from the BSN) so the trail can be searched per person."""
    if not identifier:
        return ""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{identifier}".encode()).hexdigest()[:32]


def audit(
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    *,
    reason: str,
    object_type: str = "",
    object_id: str = "",
    subject: str = "",
    **extra,
) -> AuditLogEntry:
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
    entry = nieuw(
        AuditLogEntry,
        actor_type=actor.type,
        actor_id=actor.id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        subject_ref=subject_ref(subject),
        reason=reason,
        request_id=current_request_id() or "",
        extra=extra,
    )
    voeg_in(entry)  # written on every read and change of personal data: the cheapest insert there is
    return entry


def audit_read(actor: Actor, obj=None, *, reason: str, **kwargs) -> AuditLogEntry:
    return audit(actor, Action.READ, obj, reason=reason, **kwargs)


def audit_change(actor: Actor, obj=None, *, reason: str, created: bool = False, **kwargs) -> AuditLogEntry:
    return audit(actor, Action.CREATE if created else Action.UPDATE, obj, reason=reason, **kwargs)


def audit_delete(actor: Actor, obj=None, *, reason: str, **kwargs) -> AuditLogEntry:
    return audit(actor, Action.DELETE, obj, reason=reason, **kwargs)


def audit_disclose(actor: Actor, obj=None, *, reason: str, **kwargs) -> AuditLogEntry:
    """Personal data passed on to another party (a SIS, Koppelpunt VO, a municipality)."""
    return audit(actor, Action.DISCLOSE, obj, reason=reason, **kwargs)


def audit_export(actor: Actor, *, reason: str, object_type: str, **kwargs) -> AuditLogEntry:
    return audit(actor, Action.EXPORT, None, reason=reason, object_type=object_type, **kwargs)


SIMULATOR_MODES = ("normaal", "traag", "onbereikbaar")


def simulator_mode(name: str) -> str:
    """Read on every message a simulator receives (a season: millions), and changed at any moment by a test or an
    operator in another process: a plain statement each time, no copy."""
    from django.db import DEFAULT_DB_ALIAS, connections

    from . import invoegen
    from .models import SimulatorMode

    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(f"SELECT mode FROM {invoegen.tabel(SimulatorMode)} WHERE name = %s", [name])  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row and row[0] else "normaal"


def set_simulator_mode(name: str, mode: str, toegestaan: tuple[str, ...] = SIMULATOR_MODES) -> None:
    from .models import SimulatorMode

    if mode not in toegestaan:
        raise ValueError(f"onbekend gedrag {mode!r}; kies uit {', '.join(toegestaan)}")
    SimulatorMode.objects.update_or_create(name=name, defaults={"mode": mode})


POSTCODEGEBIEDEN = Procesgeheugen("postcodegebieden", seconden=600)


def gemeente_van_postcode(postcode: str) -> str:
    """The municipality code of a Dutch postcode's area; empty when unknown (reference data not loaded)."""
    from .models import Postcodegebied

    pc4 = (postcode or "").strip()[:4]
    if len(pc4) != 4 or not pc4.isdigit():
        return ""
    # ~4,000 rows, read for every status a SIS reports: one copy per process instead of a query per message
    tabel = POSTCODEGEBIEDEN.haal("pc4", lambda: dict(Postcodegebied.objects.values_list("pc4", "gemeentecode")))
    return tabel.get(pc4, "")
