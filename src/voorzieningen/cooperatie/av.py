"""The general assembly (AV) or members' council: voting rights, advance votes, attendance, counting, the board.

The decision rule (besluitregel). The statutes of the mbo cooperative say: "Indien er geen consensus in een
beslissing mogelijk is, geldt een drempel van 2/3 van de aanwezige leden bij de AV, of van te voren uitgebrachte
stem". Where that text is silent we decided as follows; the result page shows the same text
(``templates/cooperatie/av/_regel.html``) and every step is tested.

1. Voting right. One vote per member organisation. A member votes when it is a member on the day of the meeting
   (the end date is the last day of membership; a member in its notice period still votes). In a members'
   council only members holding a seat on that day vote (one seat per member). Votes of others, e.g. an advance
   vote from a member whose membership ended before the meeting, are set aside and shown as such.
2. Which vote counts. The database holds one vote per member per proposal. An advance vote counts unless the
   member, present at the meeting, votes again there: the vote in the meeting replaces it (the debate may change
   minds; the advance choice stays on record). Advance voting closes when the meeting is opened or starts.
3. Participants (deelnemers) are the members entitled to vote that are present, or have voted in advance. A
   present member without a recorded vote counts as abstaining.
4. Quorum. The statutes and the law (BW 2:38/2:40 via 2:53a) set none, and advance voting exists so absent
   members still count; the default is therefore no quorum. A cooperative may configure one as a fraction of the
   members entitled to vote: with fewer participants, no decision is taken.
5. Nobody participates: no decision is taken (the proposal can come back).
6. Consensus: at least one vote for and no vote against. Abstaining is not objecting, so abstentions do not
   break consensus. The proposal is adopted.
7. Otherwise (someone voted against) the threshold applies, as an exact fraction: adopted when the votes for are
   at least the threshold (2/3) of the participants. Following the statutes' "2/3 van de aanwezige leden",
   abstentions and present members without a vote are in the denominator, so they weigh like a vote against.
   A cooperative may instead configure the threshold over the votes cast (for + against), abstentions left out.
   Exactly 2/3 is enough ("ten minste"). The threshold must exceed one half, so a tie is always rejected.
   No votes for at all: rejected.
"""

import datetime
import secrets
from dataclasses import dataclass
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from voorzieningen.core import outbox
from voorzieningen.core.services import Actor, audit_change, audit_read
from voorzieningen.core.sleutels import hash_van

from . import leden as ledenservice
from .models import (
    Aanwezigheid,
    Bestuurslid,
    Contactpersoon,
    Cooperatie,
    Drempelbasis,
    Lid,
    Orgaan,
    Raadszetel,
    Stem,
    Vergadering,
    Vergaderlink,
    Voorstel,
)

Uitkomst = Voorstel.Uitslag


class StemmingFout(Exception):
    """A vote or step that the rules do not allow; the message says why in Dutch."""


# --- the rule, pure ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Regel:
    drempel: Fraction = Fraction(2, 3)
    basis: str = Drempelbasis.DEELNEMERS
    quorum: Fraction = Fraction(0)

    @classmethod
    def van(cls, cooperatie: Cooperatie) -> "Regel":
        return cls(cooperatie.drempel, cooperatie.drempelbasis, cooperatie.quorum)

    @classmethod
    def uit_dict(cls, data: dict) -> "Regel":
        return cls(Fraction(data["drempel"]), data["basis"], Fraction(data["quorum"]))

    def als_dict(self) -> dict:
        """Stored on a closed proposal: the rule as it was applied, whatever the configuration becomes."""
        return {"drempel": _pct(self.drempel), "basis": self.basis, "quorum": _pct(self.quorum)}


def regel_weergave(regel: "Regel") -> dict:
    """The rule's parameters as the explanation template (``cooperatie/av/_regel.html``) shows them."""
    return {
        "drempel": _pct(regel.drempel),
        "over_deelnemers": regel.basis == Drempelbasis.DEELNEMERS,
        "quorum": _pct(regel.quorum) if regel.quorum else "",
    }


def regel_van(voorstel: Voorstel) -> Regel:
    """The rule applied to a closed proposal, or the one that will apply to an open one."""
    if voorstel.regel:
        return Regel.uit_dict(voorstel.regel)
    return Regel.van(voorstel.vergadering.cooperatie)


@dataclass(frozen=True)
class Telling:
    """Counts over the members entitled to vote; ``onthouding`` includes present members without a vote."""

    stemgerechtigden: int
    voor: int = 0
    tegen: int = 0
    onthouding: int = 0
    vervallen: int = 0  # votes set aside (no voting right on the day); informative only

    @property
    def deelnemers(self) -> int:
        return self.voor + self.tegen + self.onthouding


@dataclass(frozen=True)
class Uitslag:
    uitslag: str
    consensus: bool
    reden: str


def _pct(f: Fraction) -> str:
    return f"{f.numerator}/{f.denominator}"


def bepaal_uitslag(telling: Telling, regel: Regel) -> Uitslag:
    """Apply the decision rule in the module docstring. Exact fractions only."""
    if telling.deelnemers > telling.stemgerechtigden:
        raise ValueError("meer deelnemers dan stemgerechtigden")
    if telling.deelnemers == 0:
        return Uitslag(Uitkomst.GEEN_BESLUIT, False, _("Geen enkel stemgerechtigd lid was aanwezig of stemde vooraf."))
    if regel.quorum and telling.deelnemers < regel.quorum * telling.stemgerechtigden:
        return Uitslag(
            Uitkomst.GEEN_BESLUIT,
            False,
            _("Het quorum van %(q)s van de %(n)s stemgerechtigde leden is niet gehaald: %(d)s namen deel.")
            % {"q": _pct(regel.quorum), "n": telling.stemgerechtigden, "d": telling.deelnemers},
        )
    if telling.tegen == 0 and telling.voor > 0:
        return Uitslag(Uitkomst.AANGENOMEN, True, _("Aangenomen bij consensus: niemand stemde tegen."))
    if telling.voor == 0:
        return Uitslag(Uitkomst.VERWORPEN, False, _("Verworpen: geen enkele stem voor."))
    if regel.basis == Drempelbasis.UITGEBRACHT:
        noemer = telling.voor + telling.tegen
        over = _("de %(n)s uitgebrachte stemmen voor en tegen") % {"n": noemer}
    else:
        noemer = telling.deelnemers
        over = _("de %(n)s deelnemende leden") % {"n": noemer}
    nodig = regel.drempel * noemer  # a Fraction: 2/3 of 7 is 14/3, so 5 votes are needed
    aangenomen = Fraction(telling.voor) >= nodig
    reden = _(
        "Geen consensus. Stemmen voor: %(voor)s; nodig is %(drempel)s van %(over)s, dus ten minste %(nodig)s."
    ) % {
        "voor": telling.voor,
        "drempel": _pct(regel.drempel),
        "over": over,
        "nodig": -(-nodig.numerator // nodig.denominator),
    }
    return Uitslag(Uitkomst.AANGENOMEN if aangenomen else Uitkomst.VERWORPEN, False, reden)


# --- voting right and counting ---------------------------------------------------------------------------


def stemgerechtigde_leden(vergadering: Vergadering):
    datum = vergadering.datum
    leden = Lid.objects.filter(cooperatie=vergadering.cooperatie_id).actief_op(datum)
    if vergadering.orgaan == Orgaan.LEDENRAAD:
        zetels = Raadszetel.objects.filter(begindatum__lte=datum).filter(
            Q(einddatum__isnull=True) | Q(einddatum__gte=datum)
        )
        leden = leden.filter(pk__in=zetels.values("lid"))
    return leden


def is_stemgerechtigd(vergadering: Vergadering, lid: Lid) -> bool:
    return stemgerechtigde_leden(vergadering).filter(pk=lid.pk).exists()


def tel(voorstel: Voorstel) -> Telling:
    vergadering = voorstel.vergadering
    gerechtigd = set(stemgerechtigde_leden(vergadering).values_list("pk", flat=True))
    aanwezig = set(vergadering.aanwezigheden.values_list("lid_id", flat=True)) & gerechtigd
    keuzes = {}
    vervallen = 0
    for lid_id, keuze in voorstel.stemmen.values_list("lid_id", "keuze"):
        if lid_id in gerechtigd:
            keuzes[lid_id] = keuze
        else:
            vervallen += 1
    zonder_stem = len(aanwezig - set(keuzes))
    waarden = list(keuzes.values())
    return Telling(
        stemgerechtigden=len(gerechtigd),
        voor=waarden.count(Stem.Keuze.VOOR),
        tegen=waarden.count(Stem.Keuze.TEGEN),
        onthouding=waarden.count(Stem.Keuze.ONTHOUDING) + zonder_stem,
        vervallen=vervallen,
    )


# --- planning ---------------------------------------------------------------------------------------------


def jaarplan_waarschuwing(cooperatie: Cooperatie, jaar: int) -> str:
    """The statutes ask at least N meetings a year: warn (not refuse) while the year's plan has fewer."""
    aantal = (
        Vergadering.objects.filter(cooperatie=cooperatie, orgaan=cooperatie.hoogste_orgaan, aanvang__year=jaar)
        .exclude(status=Vergadering.Status.GEANNULEERD)
        .count()
    )
    if aantal >= cooperatie.min_vergaderingen_per_jaar:
        return ""
    return _(
        "%(cooperatie)s: voor %(jaar)s staan %(aantal)s vergaderingen van de %(orgaan)s gepland; de statuten vragen "
        "er ten minste %(min)s."
    ) % {
        "cooperatie": cooperatie.naam,
        "jaar": jaar,
        "aantal": aantal,
        "orgaan": Orgaan(cooperatie.hoogste_orgaan).label.lower(),
        "min": cooperatie.min_vergaderingen_per_jaar,
    }


def vooraf_stemmen_open(vergadering: Vergadering) -> bool:
    return vergadering.status == Vergadering.Status.GEPLAND and timezone.now() < vergadering.aanvang


def _vergrendel(vergadering: Vergadering) -> Vergadering:
    """Lock the row and bring the caller's instance up to date, so callers never hold a stale status."""
    Vergadering.objects.select_for_update().filter(pk=vergadering.pk).first()
    vergadering.refresh_from_db()
    return vergadering


def _vergrendel_voorstel(voorstel: Voorstel) -> Voorstel:
    Voorstel.objects.select_for_update().filter(pk=voorstel.pk).first()
    voorstel.refresh_from_db()
    return voorstel


def _overgang(vergadering: Vergadering, *, van: str, naar: str, fout: str, reden: str, actor: Actor, controle=None):
    """One status step of a meeting, under its row lock, audited; ``controle`` may refuse it."""
    with transaction.atomic():
        vergadering = _vergrendel(vergadering)
        if vergadering.status != van:
            raise StemmingFout(fout)
        if controle:
            controle(vergadering)
        vergadering.status = naar
        vergadering.save(update_fields=["status"])
        audit_change(actor, vergadering, reason=reden)
    return vergadering


def open_vergadering(vergadering: Vergadering, *, actor: Actor) -> Vergadering:
    """The chair opens the meeting: advance voting closes, attendance and votes in the meeting can be recorded."""
    return _overgang(
        vergadering,
        van=Vergadering.Status.GEPLAND,
        naar=Vergadering.Status.GEOPEND,
        fout=_("Alleen een geplande vergadering kan worden geopend."),
        reden="Vergadering geopend",
        actor=actor,
    )


def _geen_open_voorstellen(vergadering: Vergadering) -> None:
    open_voorstellen = list(vergadering.voorstellen.filter(status=Voorstel.Status.OPEN).values_list("titel", flat=True))
    if open_voorstellen:
        raise StemmingFout(
            _("Sluit eerst de stemming over: %(voorstellen)s.") % {"voorstellen": ", ".join(open_voorstellen)}
        )


def sluit_vergadering(vergadering: Vergadering, *, actor: Actor) -> Vergadering:
    return _overgang(
        vergadering,
        van=Vergadering.Status.GEOPEND,
        naar=Vergadering.Status.GESLOTEN,
        fout=_("Alleen een geopende vergadering kan worden gesloten."),
        reden="Vergadering gesloten",
        actor=actor,
        controle=_geen_open_voorstellen,
    )


def annuleer_vergadering(vergadering: Vergadering, *, actor: Actor) -> Vergadering:
    return _overgang(
        vergadering,
        van=Vergadering.Status.GEPLAND,
        naar=Vergadering.Status.GEANNULEERD,
        fout=_("Alleen een geplande vergadering kan worden geannuleerd."),
        reden="Vergadering geannuleerd",
        actor=actor,
    )


def publiceer_notulen(vergadering: Vergadering, *, actor: Actor) -> Vergadering:
    """Members see the minutes once published; after that they are fixed (a correction is a new decision)."""
    with transaction.atomic():
        vergadering = _vergrendel(vergadering)
        if vergadering.status != Vergadering.Status.GESLOTEN:
            raise StemmingFout(_("Publiceer de notulen pas na het sluiten van de vergadering."))
        if not vergadering.notulen.strip():
            raise StemmingFout(_("Er zijn nog geen notulen om te publiceren."))
        if vergadering.notulen_gepubliceerd_op:
            raise StemmingFout(_("De notulen zijn al gepubliceerd."))
        vergadering.notulen_gepubliceerd_op = timezone.now()
        vergadering.save(update_fields=["notulen_gepubliceerd_op"])
        audit_change(actor, vergadering, reason="Notulen gepubliceerd")
    return vergadering


# --- personal links and advance votes ----------------------------------------------------------------------


def ontvanger(vergadering: Vergadering, lid: Lid) -> Contactpersoon | None:
    """Who votes for the member: in a council the seat holder, in an AV the member's representative."""
    if vergadering.orgaan == Orgaan.LEDENRAAD:
        datum = vergadering.datum
        zetel = (
            Raadszetel.objects.filter(lid=lid, begindatum__lte=datum)
            .filter(Q(einddatum__isnull=True) | Q(einddatum__gte=datum))
            .select_related("contactpersoon")
            .first()
        )
        return zetel.contactpersoon if zetel else None
    return ledenservice.vertegenwoordiger(lid)


def vergaderlink_url(token: str) -> str:
    return settings.PUBLIC_BASE_URL + reverse("cooperatie:vergadering", args=[token])


def stuur_links(vergadering: Vergadering, *, actor: Actor, opnieuw: bool = False) -> tuple[list, list[Lid]]:
    """Mail each member's representative a personal link to the meeting (vote in advance, later the results).

    Idempotent unless ``opnieuw``: then every member gets a fresh link and the old ones stop working.
    Returns ([(link, token)], members without anyone to send to).
    """
    verstuurd, zonder = [], []
    with transaction.atomic():
        vergadering = _vergrendel(vergadering)
        if vergadering.status not in (Vergadering.Status.GEPLAND, Vergadering.Status.GEOPEND):
            raise StemmingFout(_("Voor een gesloten of geannuleerde vergadering gaan geen links meer uit."))
        for lid in stemgerechtigde_leden(vergadering):
            bestaand = Vergaderlink.objects.filter(vergadering=vergadering, lid=lid).first()
            if bestaand and not opnieuw:
                continue
            contactpersoon = ontvanger(vergadering, lid)
            if contactpersoon is None:
                zonder.append(lid)
                continue
            link, token = nieuwe_link(vergadering, lid, contactpersoon)
            verstuurd.append((link, token))
        audit_change(actor, vergadering, reason="Vergaderlinks verstuurd", aantal=len(verstuurd))
    return verstuurd, zonder


def nieuwe_link(vergadering: Vergadering, lid: Lid, contactpersoon: Contactpersoon) -> tuple[Vergaderlink, str]:
    """A fresh personal link (a previous one for this member stops working), mailed through the outbox."""
    token = secrets.token_urlsafe(32)
    link, _created = Vergaderlink.objects.update_or_create(
        vergadering=vergadering,
        lid=lid,
        defaults={"contactpersoon": contactpersoon, "sleutel_hash": hash_van(token), "verstuurd_op": timezone.now()},
    )
    context = {
        "vergadering": vergadering,
        "lid": lid,
        "contactpersoon": contactpersoon,
        "link": vergaderlink_url(token),
        "voorstellen": vergadering.voorstellen.all(),
    }
    outbox.plaats(
        "email",
        f"cooperatie-vergaderlink:{link.pk}:{link.sleutel_hash[:16]}",
        {
            "aan": contactpersoon.email,
            "onderwerp": _("%(orgaan)s van %(datum)s: agenda en vooraf stemmen")
            % {"orgaan": vergadering.get_orgaan_display(), "datum": f"{vergadering.datum:%d-%m-%Y}"},
            "tekst": render_to_string("cooperatie/av/email/vergaderlink.txt", context),
        },
    )
    return link, token


def link_voor(token: str) -> Vergaderlink | None:
    if not token or len(token) > 100:
        return None
    return (
        Vergaderlink.objects.select_related("vergadering__cooperatie", "lid", "contactpersoon")
        .filter(sleutel_hash=hash_van(token))
        .first()
    )


def link_bruikbaar(link: Vergaderlink) -> bool:
    """The link works while the organisation is a member, also after the meeting (results, minutes); a former
    member has no business in the cooperative's decisions any more."""
    return link.lid.is_actief_op(timezone.localdate())


def toon_link(link: Vergaderlink) -> None:
    audit_read(
        ledenservice.actor_contactpersoon(link.contactpersoon),
        link.vergadering,
        reason="Vertegenwoordiger bekijkt vergadering en stemmen van het eigen lid",
        subject=ledenservice.subject(link.contactpersoon),
    )


def stem_vooraf(link: Vergaderlink, keuzes: dict[int, str]) -> int:
    """The representative casts (or changes, or withdraws with '') the member's advance votes; returns how many
    proposals now have an advance vote."""
    vergadering = link.vergadering
    actor = ledenservice.actor_contactpersoon(link.contactpersoon)
    with transaction.atomic():
        vergadering = _vergrendel(vergadering)
        if not vooraf_stemmen_open(vergadering):
            raise StemmingFout(_("Vooraf stemmen kan niet meer: de vergadering is begonnen."))
        if not is_stemgerechtigd(vergadering, link.lid):
            raise StemmingFout(_("%(lid)s heeft op de dag van de vergadering geen stemrecht.") % {"lid": link.lid.naam})
        voorstellen = {v.pk: v for v in vergadering.voorstellen.filter(status=Voorstel.Status.OPEN)}
        for pk, keuze in keuzes.items():
            voorstel = voorstellen.get(pk)
            if voorstel is None:
                raise StemmingFout(_("Over dit voorstel kan niet (meer) worden gestemd."))
            if keuze == "":
                Stem.objects.filter(voorstel=voorstel, lid=link.lid).delete()
            elif keuze in Stem.Keuze.values:
                Stem.objects.update_or_create(
                    voorstel=voorstel, lid=link.lid, defaults={"keuze": keuze, "wijze": Stem.Wijze.VOORAF}
                )
            else:
                raise StemmingFout(_("Kies voor, tegen of onthouding."))
        audit_change(
            actor,
            vergadering,
            reason="Vertegenwoordiger brengt vooraf stemmen uit namens het lid",
            subject=ledenservice.subject(link.contactpersoon),
            lid=link.lid_id,
        )
        return Stem.objects.filter(voorstel__vergadering=vergadering, lid=link.lid, wijze=Stem.Wijze.VOORAF).count()


# --- in the meeting -------------------------------------------------------------------------------------


def _moet_geopend(vergadering: Vergadering) -> None:
    if vergadering.status != Vergadering.Status.GEOPEND:
        raise StemmingFout(_("Open eerst de vergadering; tot dan kan alleen vooraf worden gestemd."))


def registreer_aanwezigheid(vergadering: Vergadering, leden, *, actor: Actor) -> int:
    """Record exactly which members are present. A member that voted in the meeting stays present."""
    with transaction.atomic():
        vergadering = _vergrendel(vergadering)
        _moet_geopend(vergadering)
        gerechtigd = set(stemgerechtigde_leden(vergadering).values_list("pk", flat=True))
        gekozen = {lid.pk if isinstance(lid, Lid) else int(lid) for lid in leden}
        niet_gerechtigd = gekozen - gerechtigd
        if niet_gerechtigd:
            namen = ", ".join(Lid.objects.filter(pk__in=niet_gerechtigd).values_list("naam", flat=True))
            raise StemmingFout(_("Geen stemrecht in deze vergadering: %(namen)s.") % {"namen": namen})
        gestemd = set(
            Stem.objects.filter(
                voorstel__vergadering=vergadering,
                voorstel__status=Voorstel.Status.OPEN,
                wijze=Stem.Wijze.TER_VERGADERING,
            ).values_list("lid_id", flat=True)
        )
        gekozen |= gestemd
        huidig = set(vergadering.aanwezigheden.values_list("lid_id", flat=True))
        vergadering.aanwezigheden.filter(lid_id__in=huidig - gekozen).delete()
        Aanwezigheid.objects.bulk_create([Aanwezigheid(vergadering=vergadering, lid_id=pk) for pk in gekozen - huidig])
        audit_change(actor, vergadering, reason="Aanwezigheid vastgelegd", aanwezig=len(gekozen))
    return len(gekozen)


def registreer_stem(voorstel: Voorstel, lid: Lid, keuze: str, *, actor: Actor) -> Stem | None:
    """A vote in the meeting; it replaces an advance vote. '' withdraws it (an advance vote then counts again).
    Voting in the meeting makes the member present."""
    with transaction.atomic():
        voorstel = _vergrendel_voorstel(voorstel)
        _moet_geopend(voorstel.vergadering)
        if voorstel.status != Voorstel.Status.OPEN:
            raise StemmingFout(_("De stemming over dit voorstel is gesloten."))
        if not is_stemgerechtigd(voorstel.vergadering, lid):
            raise StemmingFout(_("%(lid)s heeft in deze vergadering geen stemrecht.") % {"lid": lid.naam})
        stem = Stem.objects.filter(voorstel=voorstel, lid=lid).first()
        if keuze == "":
            if stem is not None and stem.wijze == Stem.Wijze.TER_VERGADERING:
                if stem.vooraf_keuze:
                    stem.keuze, stem.wijze, stem.vooraf_keuze = stem.vooraf_keuze, Stem.Wijze.VOORAF, ""
                    stem.save()
                else:
                    stem.delete()
                    stem = None
            return stem
        if keuze not in Stem.Keuze.values:
            raise StemmingFout(_("Kies voor, tegen of onthouding."))
        Aanwezigheid.objects.get_or_create(vergadering=voorstel.vergadering, lid=lid)
        if stem is None:
            stem = Stem(voorstel=voorstel, lid=lid)
        elif stem.wijze == Stem.Wijze.VOORAF:
            stem.vooraf_keuze = stem.keuze
        stem.keuze, stem.wijze = keuze, Stem.Wijze.TER_VERGADERING
        stem.save()
        audit_change(actor, stem, reason="Stem ter vergadering vastgelegd")
    return stem


def registreer_stemmen(voorstel: Voorstel, keuzes: dict[int, str], *, actor: Actor) -> None:
    """The staff form: one choice per member; unchanged advance votes are left alone."""
    with transaction.atomic():
        huidig = {s.lid_id: s for s in voorstel.stemmen.all()}
        leden = {lid.pk: lid for lid in Lid.objects.filter(pk__in=keuzes)}
        for lid_id, keuze in keuzes.items():
            stem = huidig.get(lid_id)
            if stem is not None and stem.keuze == keuze:
                continue  # e.g. the advance vote shown in the form, left as it was
            if stem is None and keuze == "":
                continue
            registreer_stem(voorstel, leden[lid_id], keuze, actor=actor)


def sluit_stemming(voorstel: Voorstel, *, actor: Actor) -> Uitslag:
    """Count, apply the rule, and fix the result with its counts and explanation. An adopted appointment seats
    the candidate on the board in the same transaction (or nothing happens)."""
    with transaction.atomic():
        voorstel = _vergrendel_voorstel(voorstel)
        _moet_geopend(voorstel.vergadering)
        if voorstel.status != Voorstel.Status.OPEN:
            raise StemmingFout(_("De stemming over dit voorstel is al gesloten."))
        telling = tel(voorstel)
        regel = Regel.van(voorstel.vergadering.cooperatie)
        uitslag = bepaal_uitslag(telling, regel)
        voorstel.regel = regel.als_dict()
        voorstel.status = Voorstel.Status.GESLOTEN
        voorstel.uitslag = uitslag.uitslag
        voorstel.consensus = uitslag.consensus
        voorstel.toelichting_uitslag = uitslag.reden
        voorstel.stemgerechtigden = telling.stemgerechtigden
        voorstel.deelnemers = telling.deelnemers
        voorstel.voor, voorstel.tegen, voorstel.onthouding = telling.voor, telling.tegen, telling.onthouding
        voorstel.gesloten_op = timezone.now()
        voorstel.save()
        if voorstel.soort == Voorstel.Soort.BENOEMING and uitslag.uitslag == Uitkomst.AANGENOMEN:
            _benoem(voorstel)
        audit_change(actor, voorstel, reason="Stemming gesloten", uitslag=uitslag.uitslag)
    return uitslag


# --- the board ----------------------------------------------------------------------------------------------


class BestuurFout(Exception):
    pass


def actieve_bestuursleden(cooperatie: Cooperatie):
    return Bestuurslid.objects.filter(cooperatie=cooperatie, einddatum__isnull=True)


def controleer_kandidaat(cooperatie: Cooperatie, kandidaat: Contactpersoon, datum: datetime.date) -> None:
    """'De AV kiest uit haar midden een bestuur': a representative of a current member, one seat per member."""
    lid = kandidaat.lid
    if lid.cooperatie_id != cooperatie.pk or not lid.is_actief_op(datum):
        raise BestuurFout(_("%(naam)s vertegenwoordigt geen lid van deze coöperatie.") % {"naam": kandidaat.naam})
    zetel = Raadszetel.objects.filter(contactpersoon=kandidaat, einddatum__isnull=True).exists()
    if not kandidaat.av_vertegenwoordiger and not zetel:
        raise BestuurFout(
            _(
                "%(naam)s is geen vertegenwoordiger van %(lid)s in de vergadering; het bestuur wordt gekozen uit de "
                "vertegenwoordigers van de leden."
            )
            % {"naam": kandidaat.naam, "lid": lid.naam}
        )
    if actieve_bestuursleden(cooperatie).filter(lid=lid).exists():
        raise BestuurFout(
            _("%(lid)s heeft al een bestuurslid; elk lid heeft evenveel zeggenschap.") % {"lid": lid.naam}
        )


def _benoem(voorstel: Voorstel) -> Bestuurslid:
    cooperatie = voorstel.vergadering.cooperatie
    Cooperatie.objects.select_for_update().get(pk=cooperatie.pk)
    datum = voorstel.vergadering.datum
    try:
        controleer_kandidaat(cooperatie, voorstel.kandidaat, datum)
    except BestuurFout as fout:
        raise StemmingFout(str(fout)) from fout
    if actieve_bestuursleden(cooperatie).count() >= cooperatie.bestuur_omvang:
        raise StemmingFout(
            _(
                "Het bestuur is voltallig (%(n)s leden). Beëindig eerst een zittingstermijn, dan kan de benoeming "
                "worden vastgelegd."
            )
            % {"n": cooperatie.bestuur_omvang}
        )
    kandidaat = voorstel.kandidaat
    return Bestuurslid.objects.create(
        cooperatie=cooperatie,
        lid=kandidaat.lid,
        contactpersoon=kandidaat,
        naam=kandidaat.naam,
        benoemd_bij=voorstel,
        begindatum=datum,
    )


def beeindig_bestuurslid(bestuurslid: Bestuurslid, einddatum: datetime.date, *, actor: Actor) -> Bestuurslid:
    if bestuurslid.einddatum:
        raise BestuurFout(_("Deze zittingstermijn is al beëindigd."))
    if einddatum < bestuurslid.begindatum:
        raise BestuurFout(_("De einddatum ligt vóór de begindatum."))
    with transaction.atomic():
        bestuurslid.einddatum = einddatum
        bestuurslid.save(update_fields=["einddatum"])
        audit_change(actor, bestuurslid, reason="Zittingstermijn bestuurslid beëindigd")
    return bestuurslid


def kies_voorzitter(
    cooperatie: Cooperatie, stemmen: dict[int, int], datum: datetime.date, *, actor: Actor
) -> Bestuurslid:
    """'Het bestuur kiest uit haar midden een voorzitter': each sitting board member (pk) names one sitting board
    member (pk); elected is who gets more than half of the board's statutory size (2 of 3). No majority: no chair
    is chosen and the current one stays."""
    with transaction.atomic():
        Cooperatie.objects.select_for_update().get(pk=cooperatie.pk)
        zittend = {b.pk: b for b in actieve_bestuursleden(cooperatie)}
        if set(stemmen) - set(zittend) or set(stemmen.values()) - set(zittend):
            raise BestuurFout(_("Alleen zittende bestuursleden stemmen, en alleen op een zittend bestuurslid."))
        tellingen: dict[int, int] = {}
        for kandidaat in stemmen.values():
            tellingen[kandidaat] = tellingen.get(kandidaat, 0) + 1
        nodig = cooperatie.bestuur_omvang // 2 + 1
        winnaars = [pk for pk, n in tellingen.items() if n >= nodig]
        if not winnaars:
            raise BestuurFout(
                _("Geen meerderheid: een voorzitter heeft ten minste %(n)s stemmen van het bestuur nodig.")
                % {"n": nodig}
            )
        gekozen = zittend[winnaars[0]]
        actieve_bestuursleden(cooperatie).filter(voorzitter=True).exclude(pk=gekozen.pk).update(voorzitter=False)
        if not gekozen.voorzitter:
            gekozen.voorzitter = True
            gekozen.voorzitter_sinds = datum
            gekozen.save(update_fields=["voorzitter", "voorzitter_sinds"])
        audit_change(actor, gekozen, reason="Voorzitter gekozen door het bestuur", stemmen=tellingen[gekozen.pk])
    return gekozen


def voorzitter(cooperatie: Cooperatie) -> Bestuurslid | None:
    return actieve_bestuursleden(cooperatie).filter(voorzitter=True).first()


# --- decisions list -------------------------------------------------------------------------------------


def besluitenlijst(cooperatie: Cooperatie):
    """Every proposal put to the vote, with its result; newest meeting first."""
    return (
        Voorstel.objects.filter(vergadering__cooperatie=cooperatie, status=Voorstel.Status.GESLOTEN)
        .select_related("vergadering", "agendapunt")
        .order_by("-vergadering__aanvang", "volgnummer", "pk")
    )


def controleer_voorstel(voorstel: Voorstel) -> None:
    """Checks for staff creating a proposal: appointments name an eligible candidate and fit the board."""
    if voorstel.soort == Voorstel.Soort.BENOEMING and voorstel.kandidaat_id:
        try:
            controleer_kandidaat(voorstel.vergadering.cooperatie, voorstel.kandidaat, voorstel.vergadering.datum)
        except BestuurFout as fout:
            raise ValidationError({"kandidaat": str(fout)}) from fout
