"""Retention (MISSION §2): nothing personal stays longer than the rules allow; the anonymous aggregates do.

- an application environment is deleted one year after its last application, with a warning e-mail
  ``RETENTIE_WAARSCHUWING_DAGEN`` (30) days before;
- an empty profile (no application ever submitted) after three months without activity;
- the student's own deletion happens at once (``aanmelden.services.verwijder_omgeving``);
- an interest registration (no BSN) a year after it was made;
- the audit trail keeps a line ``AUDIT_BEWAARTERMIJN_DAGEN`` (two years), then it goes too.
Each run can be a dry run that only reports what it would do.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from voorzieningen.aanmelden.models import Aanmelder, Interessemelding
from voorzieningen.aanmelden.services import verwijder_omgeving
from voorzieningen.core import outbox
from voorzieningen.core.services import Actor, audit_delete

from . import audittrail

BEWAARTERMIJN = datetime.timedelta(days=365)
LEEG_PROFIEL = datetime.timedelta(days=90)
ACTOR = Actor.system("retentie")


@dataclass
class Rapport:
    droog: bool
    gewaarschuwd: list[int] = field(default_factory=list)
    verwijderd_verlopen: list[int] = field(default_factory=list)
    verwijderd_leeg: list[int] = field(default_factory=list)
    interessemeldingen: int = 0
    auditregels: int = 0

    def __str__(self):
        werkwoord = "zou" if self.droog else "heeft"
        return (
            f"retentie {werkwoord}: {len(self.gewaarschuwd)} aanmelder(s) gewaarschuwd, "
            f"{len(self.verwijderd_verlopen)} omgeving(en) na een jaar verwijderd, "
            f"{len(self.verwijderd_leeg)} lege profiel(en) verwijderd, "
            f"{self.interessemeldingen} interessemelding(en) na een jaar verwijderd, "
            f"{self.auditregels} audit-logregel(s) ouder dan de bewaartermijn verwijderd"
        )


def _met_laatste_aanmelding():
    return Aanmelder.objects.annotate(laatste=Max("aanmeldingen__ingediend_op"))


def te_waarschuwen(nu: datetime.datetime):
    grens = nu - BEWAARTERMIJN + datetime.timedelta(days=settings.RETENTIE_WAARSCHUWING_DAGEN)
    return (
        _met_laatste_aanmelding()
        .filter(laatste__isnull=False, laatste__lte=grens, verwijderwaarschuwing_op__isnull=True)
        .exclude(email="")
    )


def verlopen(nu: datetime.datetime):
    """A year after the last application; a student who was warned keeps at least the warning period."""
    grens = nu - BEWAARTERMIJN
    waarschuwing_grens = nu - datetime.timedelta(days=settings.RETENTIE_WAARSCHUWING_DAGEN)
    qs = _met_laatste_aanmelding().filter(laatste__isnull=False, laatste__lte=grens)
    return qs.exclude(verwijderwaarschuwing_op__gt=waarschuwing_grens)


def lege_profielen(nu: datetime.datetime):
    return Aanmelder.objects.filter(aanmeldingen__isnull=True, laatst_actief_op__lte=nu - LEEG_PROFIEL)


def waarschuw(aanmelder: Aanmelder, nu: datetime.datetime) -> None:
    datum = (aanmelder.laatste + BEWAARTERMIJN) if getattr(aanmelder, "laatste", None) else nu
    with translation.override(aanmelder.taal or "nl"):
        context = {"aanmelder": aanmelder, "datum": datum, "url": settings.PUBLIC_BASE_URL + "/mijn-aanmeldingen/"}
        outbox.plaats(
            "email",
            f"retentie-waarschuwing:{aanmelder.pk}",
            {
                "aan": aanmelder.email,
                "onderwerp": _("Je aanmeldomgeving wordt binnenkort verwijderd"),
                "tekst": render_to_string("privacy/email/waarschuwing.txt", context),
            },
        )
    Aanmelder.objects.filter(pk=aanmelder.pk).update(verwijderwaarschuwing_op=nu)


def ruim_op(*, droog: bool = True, nu: datetime.datetime | None = None) -> Rapport:
    nu = nu or timezone.now()
    rapport = Rapport(droog=droog)
    for aanmelder in te_waarschuwen(nu):
        rapport.gewaarschuwd.append(aanmelder.pk)
        if not droog:
            waarschuw(aanmelder, nu)
    for naam, qs in (("verwijderd_verlopen", verlopen(nu)), ("verwijderd_leeg", lege_profielen(nu))):
        for aanmelder in qs.select_related("user"):
            getattr(rapport, naam).append(aanmelder.pk)
            if not droog:
                verwijder_omgeving(aanmelder, ACTOR, reden=f"Bewaartermijn verstreken ({naam.split('_')[1]})")
    oude_meldingen = Interessemelding.objects.filter(aangemaakt_op__lte=nu - BEWAARTERMIJN)
    rapport.interessemeldingen = oude_meldingen.count()
    if not droog and rapport.interessemeldingen:
        for pk in oude_meldingen.values_list("pk", flat=True):
            audit_delete(
                ACTOR, object_type="aanmelden.Interessemelding", object_id=str(pk), reason="Bewaartermijn verstreken"
            )
        oude_meldingen.delete()
    rapport.auditregels = audittrail.ruim_op(nu, droog=droog)
    return rapport
