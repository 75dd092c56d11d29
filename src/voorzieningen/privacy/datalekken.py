"""The data-breach protocol (AVG art. 33/34): report → assess → notify the AP within 72 hours → close.

Each step has its conditions; a breach can only be closed when the steps its risk calls for were taken.
The FG hears of a new breach at once and again when 24 hours of the 72 are left.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from voorzieningen.core import outbox
from voorzieningen.core.services import Actor, audit_change

from .models import MELDTERMIJN, Datalek

Risico = Datalek.Risico
Fase = Datalek.Fase
WAARSCHUW_BIJ = datetime.timedelta(hours=24)


def fouten(d: Datalek, *, nu: datetime.datetime | None = None) -> dict[str, str]:
    """What is wrong with the breach as it stands; empty when it is consistent (not yet whether it can close)."""
    nu = nu or timezone.now()
    f = {}
    if d.ontdekt_op and d.ontdekt_op > nu + datetime.timedelta(minutes=5):
        f["ontdekt_op"] = _("Het moment van ontdekken ligt in de toekomst.")
    if d.risico:
        if not (d.vertrouwelijkheid or d.integriteit or d.beschikbaarheid):
            f["vertrouwelijkheid"] = _("Geef aan of vertrouwelijkheid, integriteit of beschikbaarheid is geschonden.")
        if not d.motivering.strip():
            f["motivering"] = _("Motiveer de beoordeling van het risico.")
    if d.ap_gemeld_op:
        if not d.risico:
            f["ap_gemeld_op"] = _("Beoordeel het lek voordat u de melding bij de AP vastlegt.")
        elif d.ontdekt_op and d.ap_gemeld_op < d.ontdekt_op:
            f["ap_gemeld_op"] = _("De melding bij de AP kan niet vóór de ontdekking liggen.")
        if not d.ap_meldnummer.strip():
            f["ap_meldnummer"] = _("Vul het meldnummer in dat de AP heeft gegeven.")
        if d.ontdekt_op and d.ap_gemeld_op > d.meldtermijn and not d.reden_vertraging.strip():
            f["reden_vertraging"] = _("De melding is later dan 72 uur gedaan: vermeld de reden (AVG art. 33 lid 1).")
    if d.betrokkenen_geinformeerd_op and not d.risico:
        f["betrokkenen_geinformeerd_op"] = _("Beoordeel het lek voordat u vastlegt dat betrokkenen zijn geïnformeerd.")
    return f


def sluitfouten(d: Datalek) -> dict[str, str]:
    """What the protocol still asks before the breach may be closed."""
    f = {}
    if not d.risico:
        f["risico"] = _("Een datalek wordt pas afgesloten na beoordeling van het risico.")
    if d.risico in (Risico.RISICO, Risico.HOOG) and not d.ap_gemeld_op:
        f["ap_gemeld_op"] = _("Bij risico voor betrokkenen moet het lek bij de AP zijn gemeld.")
    if d.risico == Risico.HOOG and not d.betrokkenen_geinformeerd_op and not d.reden_niet_informeren.strip():
        f["betrokkenen_geinformeerd_op"] = _(
            "Bij hoog risico worden de betrokkenen geïnformeerd, of vermeldt u waarom dat niet hoeft (art. 34 lid 3)."
        )
    if not d.maatregelen.strip():
        f["maatregelen"] = _("Beschrijf de genomen maatregelen.")
    return f


def fase(d: Datalek) -> str:
    if d.gesloten_op:
        return Fase.GESLOTEN
    if d.ap_gemeld_op:
        return Fase.AP_GEMELD
    if d.risico:
        return Fase.BEOORDEELD
    return Fase.GEMELD


def klok(d: Datalek, nu: datetime.datetime | None = None) -> str:
    """The 72-hour clock as a person reads it."""
    nu = nu or timezone.now()
    if d.ap_gemeld_op:
        uren = int((d.ap_gemeld_op - d.ontdekt_op).total_seconds() // 3600)
        if d.ap_gemeld_op <= d.meldtermijn:
            return _("Gemeld bij de AP na %(uren)d uur") % {"uren": uren}
        return _("Gemeld bij de AP na %(uren)d uur (te laat)") % {"uren": uren}
    if d.risico == Risico.GEEN:
        return _("Geen melding bij de AP nodig")
    if d.gesloten_op:
        return _("Afgesloten")
    seconden = int((d.meldtermijn - nu).total_seconds())
    if seconden >= 0:
        return _("Nog %(uren)d uur en %(minuten)d minuten om te melden") % {
            "uren": seconden // 3600,
            "minuten": seconden % 3600 // 60,
        }
    return _("Meldtermijn %(uren)d uur overschreden") % {"uren": -seconden // 3600}


def _mail_fg(sleutel: str, onderwerp: str, d: Datalek, nu: datetime.datetime) -> None:
    url = f"{settings.PUBLIC_BASE_URL}/admin/privacy/datalek/{d.pk}/change/"
    tekst = _("%(titel)s\nVoorziening: %(voorziening)s\nOntdekt: %(ontdekt)s\n%(klok)s\n\n%(url)s") % {
        "titel": d.titel,
        "voorziening": d.get_voorziening_display(),
        "ontdekt": timezone.localtime(d.ontdekt_op).strftime("%d-%m-%Y %H:%M"),
        "klok": klok(d, nu),
        "url": url,
    }
    outbox.plaats("email", sleutel, {"aan": settings.FG_EMAIL, "onderwerp": onderwerp, "tekst": tekst})


def bewaar(d: Datalek, door, *, nu: datetime.datetime | None = None) -> Datalek:
    """Store a report or a step; the FG is told of a new breach at once."""
    nu = nu or timezone.now()
    if d.gesloten_op:
        raise ValidationError(_("Een afgesloten datalek kan niet meer worden gewijzigd."))
    if f := fouten(d, nu=nu):
        raise ValidationError(f)
    nieuw = d.pk is None
    if d.risico and not d.beoordeeld_op:
        d.beoordeeld_op = nu
    if nieuw and door is not None and door.is_authenticated:
        d.gemeld_door = door
    d.fase = fase(d)
    with transaction.atomic():
        d.save()
        audit_change(Actor.for_user(door), d, reason=f"Datalekregister: {d.get_fase_display()}", created=nieuw)
        if nieuw:
            _mail_fg(f"datalek-gemeld:{d.pk}", _("Nieuw datalek gemeld: %(titel)s") % {"titel": d.titel}, d, nu)
    return d


def sluit(d: Datalek, door, *, nu: datetime.datetime | None = None) -> Datalek:
    nu = nu or timezone.now()
    if d.gesloten_op:
        return d
    if f := {**fouten(d, nu=nu), **sluitfouten(d)}:
        raise ValidationError(f)
    d.gesloten_op = nu
    d.fase = Fase.GESLOTEN
    with transaction.atomic():
        d.save(update_fields=["gesloten_op", "fase"])
        audit_change(Actor.for_user(door), d, reason="Datalek afgesloten")
    return d


def bewaak_meldtermijnen(nu: datetime.datetime | None = None) -> list[int]:
    """Warn the FG once when no more than 24 of the 72 hours are left (or already passed) without a notification."""
    nu = nu or timezone.now()
    gewaarschuwd = []
    kandidaten = Datalek.objects.filter(
        ap_gemeld_op__isnull=True,
        gesloten_op__isnull=True,
        gewaarschuwd_op__isnull=True,
        ontdekt_op__lte=nu - MELDTERMIJN + WAARSCHUW_BIJ,
    ).exclude(risico=Risico.GEEN)
    for d in kandidaten:
        with transaction.atomic():
            _mail_fg(
                f"datalek-termijn:{d.pk}", _("Meldtermijn datalek loopt af: %(titel)s") % {"titel": d.titel}, d, nu
            )
            Datalek.objects.filter(pk=d.pk).update(gewaarschuwd_op=nu)
        gewaarschuwd.append(d.pk)
    return gewaarschuwd
