"""Membership: admission, notice, contact persons and the yearly confirmation round.

Who may be a member, and the notice periods, are data on ``Cooperatie``; this module only applies them, so the
mbo cooperative and the PO/VO purchasing cooperative run on the same code.
"""

import calendar
import datetime
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from voorzieningen.core import outbox
from voorzieningen.core.models import AuditLogEntry
from voorzieningen.core.services import Actor, audit_change, audit_delete, audit_read
from voorzieningen.core.sleutels import hash_van

from .models import Bevestiging, Bevestigingsronde, Contactpersoon, Cooperatie, Kamer, Lid, LidSoort, Raadszetel

RONDE_DUUR = datetime.timedelta(weeks=6)
HERINNER_NA = datetime.timedelta(days=14)
MAX_HERINNERINGEN = 2
CONTACTVELDEN = ("naam", "functie", "email", "telefoon")


def plus_maanden(datum: datetime.date, maanden: int) -> datetime.date:
    """Calendar months later; the 31st becomes the last day of a shorter month."""
    maand = datum.month - 1 + maanden
    jaar, maand = datum.year + maand // 12, maand % 12 + 1
    return datetime.date(jaar, maand, min(datum.day, calendar.monthrange(jaar, maand)[1]))


def actor_contactpersoon(contactpersoon: Contactpersoon) -> Actor:
    """A contact person acting through a personal link (no account): the trail names the record."""
    return Actor(AuditLogEntry.ActorType.PERSON, f"cooperatie.contactpersoon:{contactpersoon.pk}")


def subject(contactpersoon: Contactpersoon) -> str:
    return f"cooperatie.contactpersoon:{contactpersoon.pk}"


# --- admission ------------------------------------------------------------------------------------


class LidmaatschapGeweigerd(Exception):
    """Admission refused; ``redenen`` says why in Dutch, each rule that failed."""

    def __init__(self, redenen: list[str]):
        self.redenen = redenen
        super().__init__(" ".join(redenen))


@dataclass(frozen=True)
class Toelating:
    redenen: list[str] = field(default_factory=list)

    @property
    def toegelaten(self) -> bool:
        return not self.redenen


def _soortnamen(soorten) -> str:
    namen = [str(LidSoort(s).label).lower() for s in soorten if s in LidSoort.values]
    return ", ".join(namen) if namen else _("(geen enkele soort)")


def toelaten(
    cooperatie: Cooperatie, *, soort: str, publiek_bekostigd: bool, mbo_raad_lid: bool, aanbestedende_dienst: bool
) -> Toelating:
    """Check the cooperative's admission rules against the facts staff verified; every failing rule is named."""
    redenen = []
    if soort not in (cooperatie.toegestane_soorten or []):
        redenen.append(
            _("%(cooperatie)s laat alleen deze soorten leden toe: %(soorten)s. Dit is een %(soort)s.")
            % {
                "cooperatie": cooperatie.naam,
                "soorten": _soortnamen(cooperatie.toegestane_soorten or []),
                "soort": str(LidSoort(soort).label).lower() if soort in LidSoort.values else soort,
            }
        )
    if cooperatie.vereist_publieke_bekostiging and not publiek_bekostigd:
        redenen.append(_("Alleen publiek bekostigde instellingen kunnen lid worden; deze organisatie is dat niet."))
    if cooperatie.vereist_mbo_raad_lidmaatschap and not mbo_raad_lid:
        redenen.append(
            _("Alleen leden van de MBO Raad kunnen lid worden; deze instelling is geen lid van de MBO Raad.")
        )
    if cooperatie.vereist_aanbestedende_dienst and not aanbestedende_dienst:
        redenen.append(
            _(
                "Alleen aanbestedende diensten kunnen lid worden (inbesteding); deze organisatie is geen "
                "aanbestedende dienst."
            )
        )
    return Toelating(redenen)


def toelating_van(lid: Lid) -> Toelating:
    """Does an existing member still meet the conditions (e.g. before the cooperative gives notice)?"""
    return toelaten(
        lid.cooperatie,
        soort=lid.soort,
        publiek_bekostigd=lid.publiek_bekostigd,
        mbo_raad_lid=lid.mbo_raad_lid,
        aanbestedende_dienst=lid.aanbestedende_dienst,
    )


def bestaand_lidmaatschap(cooperatie, begindatum, instelling=None, bestuur=None, naam="", uitgezonderd=None):
    """A membership of the same organisation that has not ended before ``begindatum``."""
    qs = Lid.objects.filter(cooperatie=cooperatie).filter(Q(einddatum__isnull=True) | Q(einddatum__gte=begindatum))
    if uitgezonderd is not None:
        qs = qs.exclude(pk=uitgezonderd.pk)
    if instelling is not None:
        return qs.filter(instelling=instelling).first()
    if bestuur is not None:
        return qs.filter(bestuur=bestuur).first()
    return qs.filter(naam__iexact=naam.strip()).first()


def kamer_voor(cooperatie: Cooperatie, soort: str) -> Kamer | None:
    """The one chamber whose kinds include this kind; None when none or several match (staff decide)."""
    kamers = [k for k in cooperatie.kamers.all() if soort in (k.soorten or [])]
    return kamers[0] if len(kamers) == 1 else None


def word_lid(
    cooperatie: Cooperatie,
    naam: str,
    *,
    soort: str,
    publiek_bekostigd: bool,
    mbo_raad_lid: bool = False,
    aanbestedende_dienst: bool,
    begindatum: datetime.date,
    contactpersonen: list[dict],
    instelling=None,
    bestuur=None,
    kamer: Kamer | None = None,
    actor: Actor,
) -> Lid:
    """Admit a member with its contact person(s), or refuse with every reason."""
    redenen = list(
        toelaten(
            cooperatie,
            soort=soort,
            publiek_bekostigd=publiek_bekostigd,
            mbo_raad_lid=mbo_raad_lid,
            aanbestedende_dienst=aanbestedende_dienst,
        ).redenen
    )
    bestaand = bestaand_lidmaatschap(cooperatie, begindatum, instelling, bestuur, naam)
    if bestaand is not None:
        redenen.append(
            _("%(naam)s is al lid (sinds %(datum)s).")
            % {"naam": bestaand.naam, "datum": f"{bestaand.begindatum:%d-%m-%Y}"}
        )
    if not contactpersonen:
        redenen.append(_("Een lid wijst ten minste één contactpersoon aan."))
    if redenen:
        raise LidmaatschapGeweigerd(redenen)
    if kamer is None and cooperatie.kamers.exists():
        kamer = kamer_voor(cooperatie, soort)
    with transaction.atomic():
        lid = Lid(
            cooperatie=cooperatie,
            naam=naam.strip(),
            soort=soort,
            publiek_bekostigd=publiek_bekostigd,
            mbo_raad_lid=mbo_raad_lid,
            aanbestedende_dienst=aanbestedende_dienst,
            begindatum=begindatum,
            instelling=instelling,
            bestuur=bestuur,
            kamer=kamer,
        )
        lid.full_clean()
        lid.save()
        for i, gegevens in enumerate(contactpersonen):
            gegevens = dict(gegevens)
            if i == 0 and not any(g.get("primair") for g in contactpersonen):
                gegevens["primair"] = True
            voeg_contactpersoon_toe(lid, actor=actor, **gegevens)
        audit_change(actor, lid, reason="Lid toegelaten", created=True)
    return lid


# --- notice ----------------------------------------------------------------------------------------


class OpzeggingOngeldig(Exception):
    pass


def vroegste_einddatum(lid: Lid, door: str, opgezegd_op: datetime.date) -> datetime.date:
    """The last day of membership when notice is given on ``opgezegd_op``: the notice period of whoever gives
    notice, counted in calendar months; the membership ends the day before the period has passed."""
    maanden = (
        lid.cooperatie.opzegtermijn_lid_maanden
        if door == Lid.OpgezegdDoor.LID
        else lid.cooperatie.opzegtermijn_cooperatie_maanden
    )
    return max(plus_maanden(opgezegd_op, maanden) - datetime.timedelta(days=1), lid.begindatum)


def zeg_op(
    lid: Lid,
    *,
    door: str,
    opgezegd_op: datetime.date,
    reden: str = "",
    per: datetime.date | None = None,
    actor: Actor,
) -> Lid:
    """End a membership by notice. ``per`` may ask a later end than the notice period allows, never earlier."""
    if door not in Lid.OpgezegdDoor.values:
        raise OpzeggingOngeldig(_("Kies wie opzegt: het lid of de coöperatie."))
    if lid.opgezegd_op:
        raise OpzeggingOngeldig(
            _("Het lidmaatschap is al opgezegd op %(datum)s.") % {"datum": f"{lid.opgezegd_op:%d-%m-%Y}"}
        )
    if lid.einddatum and lid.einddatum < opgezegd_op:
        raise OpzeggingOngeldig(_("Het lidmaatschap is al beëindigd."))
    if door == Lid.OpgezegdDoor.COOPERATIE and not reden.strip():
        raise OpzeggingOngeldig(
            _("Vermeld waarom de coöperatie opzegt, bijvoorbeeld dat het lid niet meer aan de voorwaarden voldoet.")
        )
    vroegst = vroegste_einddatum(lid, door, opgezegd_op)
    if per is not None and per < vroegst:
        termijn = (
            lid.cooperatie.opzegtermijn_lid_maanden
            if door == Lid.OpgezegdDoor.LID
            else lid.cooperatie.opzegtermijn_cooperatie_maanden
        )
        raise OpzeggingOngeldig(
            _("Met een opzegtermijn van %(maanden)s maanden eindigt het lidmaatschap op zijn vroegst op %(datum)s.")
            % {"maanden": termijn, "datum": f"{vroegst:%d-%m-%Y}"}
        )
    with transaction.atomic():
        lid.opgezegd_door = door
        lid.opgezegd_op = opgezegd_op
        lid.opzegreden = reden.strip()
        lid.einddatum = per or vroegst
        lid.save(update_fields=["opgezegd_door", "opgezegd_op", "opzegreden", "einddatum"])
        audit_change(actor, lid, reason="Lidmaatschap opgezegd", door=door)
    return lid


# --- contact persons -----------------------------------------------------------------------------


class ContactpersoonFout(Exception):
    pass


def waarschuwingen(lid: Lid) -> list[str]:
    """What staff should know but that does not block: fewer contact persons than preferred, no representative."""
    meldingen = []
    aantal = lid.contactpersonen.count()
    if aantal == 1:
        meldingen.append(
            _("%(lid)s heeft één contactpersoon; de coöperatie vraagt bij voorkeur twee.") % {"lid": lid.naam}
        )
    if aantal and not lid.contactpersonen.filter(av_vertegenwoordiger=True).exists():
        meldingen.append(
            _(
                "%(lid)s heeft geen vertegenwoordiger voor de vergadering aangewezen; links gaan naar de eerste "
                "contactpersoon."
            )
            % {"lid": lid.naam}
        )
    return meldingen


def _bewaar(contactpersoon: Contactpersoon) -> None:
    try:
        contactpersoon.full_clean(exclude=["lid"])
    except ValidationError as fout:
        raise ContactpersoonFout(" ".join(m for ms in fout.message_dict.values() for m in ms)) from fout
    try:
        with transaction.atomic():
            contactpersoon.save()
    except IntegrityError as fout:  # a concurrent change took the role first
        raise ContactpersoonFout(
            _("Een andere contactpersoon van dit lid heeft deze rol of dit e-mailadres al.")
        ) from fout


def _neem_rollen_over(contactpersoon: Contactpersoon) -> None:
    """A member has one primary contact and one representative: naming a new one moves the role."""
    anderen = Contactpersoon.objects.filter(lid=contactpersoon.lid_id).exclude(pk=contactpersoon.pk)
    if contactpersoon.primair:
        anderen.filter(primair=True).update(primair=False)
    if contactpersoon.av_vertegenwoordiger:
        anderen.filter(av_vertegenwoordiger=True).update(av_vertegenwoordiger=False)


def voeg_contactpersoon_toe(lid: Lid, *, actor: Actor, **gegevens) -> Contactpersoon:
    contactpersoon = Contactpersoon(lid=lid, **gegevens)
    contactpersoon.email = (contactpersoon.email or "").strip().lower()
    with transaction.atomic():
        _neem_rollen_over(contactpersoon)
        _bewaar(contactpersoon)
        audit_change(
            actor,
            contactpersoon,
            reason="Contactpersoon van lid vastgelegd",
            created=True,
            subject=subject(contactpersoon),
        )
    return contactpersoon


def wijzig_contactpersoon(
    contactpersoon: Contactpersoon, *, actor: Actor, reden: str = "", **gegevens
) -> Contactpersoon:
    for naam, waarde in gegevens.items():
        setattr(contactpersoon, naam, waarde)
    contactpersoon.email = (contactpersoon.email or "").strip().lower()
    with transaction.atomic():
        _neem_rollen_over(contactpersoon)
        _bewaar(contactpersoon)
        audit_change(
            actor,
            contactpersoon,
            reason=reden or "Contactpersoon van lid gewijzigd",
            subject=subject(contactpersoon),
            velden=sorted(gegevens),
        )
    return contactpersoon


def verwijder_contactpersoon(contactpersoon: Contactpersoon, *, actor: Actor) -> None:
    """Remove a contact person; never the last one of a member (statutes: at least one)."""
    with transaction.atomic():
        Lid.objects.select_for_update().get(pk=contactpersoon.lid_id)  # two removals cannot both see 'two left'
        if Contactpersoon.objects.filter(lid=contactpersoon.lid_id).count() <= 1:
            raise ContactpersoonFout(
                _(
                    "%(naam)s is de enige contactpersoon van %(lid)s. Een lid heeft altijd ten minste één "
                    "contactpersoon: leg eerst een nieuwe vast."
                )
                % {"naam": contactpersoon.naam, "lid": contactpersoon.lid.naam}
            )
        if contactpersoon.raadszetels.filter(einddatum__isnull=True).exists():
            raise ContactpersoonFout(
                _("%(naam)s heeft een zetel in de ledenraad; beëindig eerst die zetel.") % {"naam": contactpersoon.naam}
            )
        if contactpersoon.kandidaturen.filter(status="open").exists():
            raise ContactpersoonFout(
                _("%(naam)s is kandidaat in een voorstel waarover nog wordt gestemd.") % {"naam": contactpersoon.naam}
            )
        audit_delete(actor, contactpersoon, reason="Contactpersoon van lid verwijderd", subject=subject(contactpersoon))
        contactpersoon.delete()


def vertegenwoordiger(lid: Lid) -> Contactpersoon | None:
    """Who speaks and votes for the member: its representative, else its primary contact, else any contact."""
    return lid.contactpersonen.order_by("-av_vertegenwoordiger", "-primair", "pk").first()


# --- yearly confirmation round ---------------------------------------------------------------------


def bevestigingslink(token: str) -> str:
    return settings.PUBLIC_BASE_URL + reverse("cooperatie:bevestigen", args=[token])


def _mail_bevestiging(bevestiging: Bevestiging, token: str, *, herinnering: bool) -> None:
    contactpersoon = bevestiging.contactpersoon
    context = {
        "contactpersoon": contactpersoon,
        "lid": contactpersoon.lid,
        "ronde": bevestiging.ronde,
        "link": bevestigingslink(token),
        "herinnering": herinnering,
    }
    onderwerp = (
        _("Herinnering: bevestig uw gegevens als contactpersoon van %(lid)s")
        if herinnering
        else _("Bevestig uw gegevens als contactpersoon van %(lid)s")
    ) % {"lid": contactpersoon.lid.naam}
    outbox.plaats(
        "email",
        f"cooperatie-bevestiging:{bevestiging.pk}:{bevestiging.herinneringen}",
        {
            "aan": contactpersoon.email,
            "onderwerp": str(onderwerp),
            "tekst": render_to_string("cooperatie/leden/email/bevestiging.txt", context),
        },
    )


def start_ronde(
    cooperatie: Cooperatie, jaar: int, *, actor: Actor, sluit_op: datetime.date | None = None
) -> tuple[Bevestigingsronde, int]:
    """Start (or complete) the year's round: every contact person of a current member gets a personal link.

    Idempotent: run again, it only mails contact persons added since; returns (round, number mailed now).
    """
    vandaag = timezone.localdate()
    with transaction.atomic():
        ronde, _created = Bevestigingsronde.objects.get_or_create(
            cooperatie=cooperatie, jaar=jaar, defaults={"sluit_op": sluit_op or vandaag + RONDE_DUUR}
        )
        al = set(ronde.bevestigingen.values_list("contactpersoon_id", flat=True))
        nieuw = 0
        contactpersonen = Contactpersoon.objects.filter(
            lid__in=Lid.objects.filter(cooperatie=cooperatie).actief_op(vandaag)
        ).select_related("lid")
        for contactpersoon in contactpersonen:
            if contactpersoon.pk in al:
                continue
            token = secrets.token_urlsafe(32)
            bevestiging = Bevestiging.objects.create(
                ronde=ronde, contactpersoon=contactpersoon, sleutel_hash=hash_van(token), verstuurd_op=timezone.now()
            )
            _mail_bevestiging(bevestiging, token, herinnering=False)
            nieuw += 1
        audit_change(actor, ronde, reason="Bevestigingsronde contactpersonen gestart", verstuurd=nieuw)
    return ronde, nieuw


def bevestiging_voor(token: str) -> Bevestiging | None:
    if not token or len(token) > 100:
        return None
    return (
        Bevestiging.objects.select_related("ronde__cooperatie", "contactpersoon__lid")
        .filter(sleutel_hash=hash_van(token))
        .first()
    )


def link_bruikbaar(bevestiging: Bevestiging) -> bool:
    return timezone.localdate() <= bevestiging.ronde.sluit_op


def toon_bevestiging(bevestiging: Bevestiging) -> None:
    """The contact person opens the link and sees their own details: that read is logged like any other."""
    audit_read(
        actor_contactpersoon(bevestiging.contactpersoon),
        bevestiging.contactpersoon,
        reason="Contactpersoon bekijkt eigen gegevens (jaarlijkse bevestiging)",
        subject=subject(bevestiging.contactpersoon),
    )


def bevestig(
    bevestiging: Bevestiging,
    *,
    gegevens: dict,
    niet_meer_contactpersoon: bool = False,
    opmerking: str = "",
) -> Bevestiging:
    """Confirm (or correct, then confirm) one's details. Leaving is only reported: staff find a successor."""
    if not link_bruikbaar(bevestiging):
        raise ContactpersoonFout(_("Deze bevestigingsronde is gesloten."))
    contactpersoon = bevestiging.contactpersoon
    actor = actor_contactpersoon(contactpersoon)
    gewijzigd = {k: v for k, v in gegevens.items() if k in CONTACTVELDEN and getattr(contactpersoon, k) != v}
    nu = timezone.now()
    with transaction.atomic():
        if gewijzigd:
            wijzig_contactpersoon(
                contactpersoon, actor=actor, reden="Contactpersoon corrigeert eigen gegevens", **gewijzigd
            )
            bevestiging.gecorrigeerd = True
        contactpersoon.bevestigd_op = nu
        contactpersoon.save(update_fields=["bevestigd_op"])
        bevestiging.bevestigd_op = nu
        bevestiging.niet_meer_contactpersoon = niet_meer_contactpersoon
        bevestiging.opmerking = opmerking.strip()
        bevestiging.save(update_fields=["bevestigd_op", "gecorrigeerd", "niet_meer_contactpersoon", "opmerking"])
        audit_change(
            actor, contactpersoon, reason="Contactpersoon bevestigt eigen gegevens", subject=subject(contactpersoon)
        )
    return bevestiging


def herinner(*, ronde: Bevestigingsronde | None = None, forceer: bool = False, bevestigingen=None) -> int:
    """Remind who has not confirmed: a fresh link (the old one stops working), at most twice, two weeks apart.

    ``forceer`` (staff pressing the button) skips the waiting period and the maximum.
    """
    nu = timezone.now()
    qs = bevestigingen if bevestigingen is not None else Bevestiging.objects.all()
    qs = qs.filter(bevestigd_op__isnull=True, ronde__sluit_op__gte=timezone.localdate())
    if ronde is not None:
        qs = qs.filter(ronde=ronde)
    if not forceer:
        qs = qs.filter(verstuurd_op__lte=nu - HERINNER_NA, herinneringen__lt=MAX_HERINNERINGEN)
    aantal = 0
    for bevestiging in qs.select_related("contactpersoon__lid", "ronde"):
        token = secrets.token_urlsafe(32)
        with transaction.atomic():
            bevestiging.sleutel_hash = hash_van(token)
            bevestiging.herinneringen += 1
            bevestiging.verstuurd_op = nu
            bevestiging.save(update_fields=["sleutel_hash", "herinneringen", "verstuurd_op"])
            _mail_bevestiging(bevestiging, token, herinnering=True)
        aantal += 1
    return aantal


@dataclass
class Statusregel:
    lid: Lid
    bevestigingen: list
    contactpersonen_zonder_link: list

    @property
    def bevestigd(self) -> bool:
        """A member has confirmed when at least one contact person confirmed and stays on as contact person."""
        return any(b.bevestigd_op and not b.niet_meer_contactpersoon for b in self.bevestigingen)

    @property
    def openstaand(self) -> list:
        return [b for b in self.bevestigingen if not b.bevestigd_op]

    @property
    def afmeldingen(self) -> list:
        return [b for b in self.bevestigingen if b.niet_meer_contactpersoon]


def statusbord(ronde: Bevestigingsronde, *, actor: Actor) -> list[Statusregel]:
    """Per current member: who confirmed, who did not, who reports leaving. Members not yet confirmed first."""
    vandaag = timezone.localdate()
    leden = (
        Lid.objects.filter(cooperatie=ronde.cooperatie)
        .filter(Q(einddatum__isnull=True) | Q(einddatum__gte=min(vandaag, ronde.sluit_op)))
        .prefetch_related("contactpersonen")
    )
    per_lid: dict[int, list] = {}
    for bevestiging in ronde.bevestigingen.select_related("contactpersoon"):
        per_lid.setdefault(bevestiging.contactpersoon.lid_id, []).append(bevestiging)
    regels = []
    for lid in leden:
        bevestigingen = per_lid.get(lid.pk, [])
        met_link = {b.contactpersoon_id for b in bevestigingen}
        regels.append(Statusregel(lid, bevestigingen, [c for c in lid.contactpersonen.all() if c.pk not in met_link]))
    audit_read(
        actor,
        ronde,
        reason="Statusbord bevestigingsronde contactpersonen bekeken",
        object_type="cooperatie.Contactpersoon",
        object_id=f"ronde:{ronde.pk}",
    )
    return sorted(regels, key=lambda r: (r.bevestigd, r.lid.naam))


def ronde_telling(ronde: Bevestigingsronde) -> dict:
    regels = ronde.bevestigingen.aggregate(
        totaal=Count("pk"), bevestigd=Count("pk", filter=Q(bevestigd_op__isnull=False))
    )
    return regels


# --- members' council --------------------------------------------------------------------------------


def wijs_zetel_toe(lid: Lid, contactpersoon: Contactpersoon, begindatum: datetime.date, *, actor: Actor) -> Raadszetel:
    """Seat a member's contact person in the council, within the member's chamber and its number of seats."""
    if lid.kamer_id is None:
        raise ValidationError(_("Deel het lid eerst in bij een kamer."))
    zetel = Raadszetel(kamer=lid.kamer, lid=lid, contactpersoon=contactpersoon, begindatum=begindatum)
    with transaction.atomic():
        type(lid.kamer).objects.select_for_update().get(pk=lid.kamer_id)  # serialise the seat count
        zetel.full_clean()
        zetel.save()
        audit_change(
            actor, zetel, reason="Zetel in de ledenraad toegewezen", created=True, subject=subject(contactpersoon)
        )
    return zetel


def beeindig_zetel(zetel: Raadszetel, einddatum: datetime.date, *, actor: Actor) -> Raadszetel:
    if zetel.einddatum:
        raise ValidationError(_("Deze zetel is al beëindigd."))
    if einddatum < zetel.begindatum:
        raise ValidationError(_("De einddatum ligt vóór de begindatum."))
    with transaction.atomic():
        zetel.einddatum = einddatum
        zetel.save(update_fields=["einddatum"])
        audit_change(actor, zetel, reason="Zetel in de ledenraad beëindigd", subject=subject(zetel.contactpersoon))
    return zetel


def raad_bezetting(cooperatie: Cooperatie, datum: datetime.date) -> list[tuple[Kamer, int]]:
    """(chamber, seats taken) on a day, to show how far the council is filled."""
    return [
        (
            kamer,
            kamer.zetels_bezet.filter(begindatum__lte=datum)
            .filter(Q(einddatum__isnull=True) | Q(einddatum__gte=datum))
            .count(),
        )
        for kamer in cooperatie.kamers.all()
    ]
