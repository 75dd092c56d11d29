"""The application statuses of the chain and which changes are allowed — one table, used by every part."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    # Codes as in the real chain (CAMBO export); labels as the student sees them.
    SUBMITTED = "SUBMITTED", _("Ingediend")
    RECEIVED = "RECEIVED", _("Ontvangen door de school")
    OFFERED = "OFFERED", _("Onderwijsovereenkomst aangeboden")
    REJECTED = "REJECTED", _("Afgewezen")
    ENROLLED = "ENROLLED", _("Ingeschreven")
    WITHDRAWN = "WITHDRAWN", _("Ingetrokken")


EINDSTATUSSEN = frozenset({Status.REJECTED, Status.ENROLLED, Status.WITHDRAWN})

# Allowed next statuses. A final status changes only through an explicit correction with a reason.
OVERGANGEN: dict[str, frozenset[str]] = {
    Status.SUBMITTED: frozenset({Status.RECEIVED, Status.OFFERED, Status.REJECTED, Status.ENROLLED, Status.WITHDRAWN}),
    Status.RECEIVED: frozenset({Status.OFFERED, Status.REJECTED, Status.ENROLLED, Status.WITHDRAWN}),
    Status.OFFERED: frozenset({Status.ENROLLED, Status.REJECTED, Status.WITHDRAWN}),
    Status.REJECTED: frozenset(),
    Status.ENROLLED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}

# The student may withdraw while the status is Ingediend (incl. received) or Onderwijsovereenkomst aangeboden.
INTREKBAAR = frozenset({Status.SUBMITTED, Status.RECEIVED, Status.OFFERED})

# Statuses that hold a place in a cohort with a capacity.
BEZET_PLAATS = frozenset({Status.SUBMITTED, Status.RECEIVED, Status.OFFERED, Status.ENROLLED})


def is_toegestaan(van: str, naar: str, *, correctie: bool = False) -> bool:
    if van == naar:
        return False
    return correctie or naar in OVERGANGEN[van]
