"""Binding agreements decided by a qualified majority of the member institutions.

The sector text plans "een (nader te bepalen) gekwalificeerde meerderheid van stemmen" for binding agreements;
the threshold, its base and a quorum are therefore configurable (Regieinstellingen). The rule, exactly:

1. Voting right: an institution that is a member of the association on the day of the vote (``lid_sinds`` ≤ day,
   ``lid_tot`` empty or ≥ day). One vote per institution. Votes registered for others are set aside (vervallen).
2. A member entitled to vote either votes for, against, abstains, or is absent (no vote registered).
3. Quorum (default none): participants (for + against + abstaining) must be at least the quorum fraction of the
   members entitled to vote, else no decision. Nobody participating, or nobody entitled, is never a decision.
4. Threshold (default 2/3), compared as exact fractions — never as rounded percentages; "at least": exactly 2/3
   is enough. It must be more than one half, so a tie is never adopted.
   - base 'leden' (default, "a qualified majority of member institutions"): for ≥ threshold × members entitled.
     Absent and abstaining members count like a vote against: an agreement that binds every member needs the
     support of that share of all of them.
   - base 'uitgebracht': for ≥ threshold × (for + against). Abstentions and absent members are left out.
5. No vote for at all is never adopted.
"""

import datetime
from dataclasses import asdict, dataclass
from fractions import Fraction

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import BindendeAfspraak, Lidmaatschap, Regieinstellingen, Stem, Stembasis

Status = BindendeAfspraak.Status


class StemmingFout(Exception):
    pass


@dataclass(frozen=True)
class Regel:
    drempel: Fraction = Fraction(2, 3)
    basis: str = Stembasis.LEDEN
    quorum: Fraction = Fraction(0)

    def __post_init__(self):
        if not Fraction(1, 2) < self.drempel <= 1:
            raise ValueError("de drempel ligt boven de helft en ten hoogste op 1")
        if not 0 <= self.quorum <= 1:
            raise ValueError("het quorum ligt tussen 0 en 1")
        if self.basis not in Stembasis.values:
            raise ValueError(f"onbekende basis {self.basis!r}")

    @classmethod
    def van(cls, parameters: Regieinstellingen) -> "Regel":
        return cls(parameters.drempel, parameters.stembasis, parameters.quorum)

    def als_dict(self) -> dict:
        return {"drempel": str(self.drempel), "basis": self.basis, "quorum": str(self.quorum)}


@dataclass(frozen=True)
class Telling:
    stemgerechtigden: int
    voor: int = 0
    tegen: int = 0
    onthouding: int = 0
    vervallen: int = 0

    def __post_init__(self):
        if min(self.stemgerechtigden, self.voor, self.tegen, self.onthouding, self.vervallen) < 0:
            raise ValueError("aantallen zijn niet negatief")
        if self.deelnemers > self.stemgerechtigden:
            raise ValueError("meer stemmen dan stemgerechtigden")

    @property
    def deelnemers(self) -> int:
        return self.voor + self.tegen + self.onthouding

    @property
    def afwezig(self) -> int:
        return self.stemgerechtigden - self.deelnemers


@dataclass(frozen=True)
class Uitslag:
    status: str
    reden: str


def beslis(regel: Regel, telling: Telling) -> Uitslag:
    """The rule of the module docstring, pure."""
    if telling.stemgerechtigden == 0:
        return Uitslag(Status.GEEN_BESLUIT, _("Er zijn geen stemgerechtigde leden."))
    if telling.deelnemers == 0:
        return Uitslag(Status.GEEN_BESLUIT, _("Niemand heeft gestemd."))
    if telling.deelnemers * regel.quorum.denominator < regel.quorum.numerator * telling.stemgerechtigden:
        return Uitslag(
            Status.GEEN_BESLUIT,
            _("Het quorum van %(q)s van de stemgerechtigden is niet gehaald (%(d)s van %(s)s).")
            % {"q": regel.quorum, "d": telling.deelnemers, "s": telling.stemgerechtigden},
        )
    noemer = telling.stemgerechtigden if regel.basis == Stembasis.LEDEN else telling.voor + telling.tegen
    if telling.voor == 0 or noemer == 0:
        return Uitslag(Status.VERWORPEN, _("Er is geen stem voor uitgebracht."))
    aangenomen = telling.voor * regel.drempel.denominator >= regel.drempel.numerator * noemer
    basis = (
        _("van alle %(n)s stemgerechtigde leden")
        if regel.basis == Stembasis.LEDEN
        else _("van %(n)s stemmen voor en tegen")
    ) % {"n": noemer}
    reden = _("%(voor)s stemmen voor %(basis)s; nodig is ten minste %(drempel)s.") % {
        "voor": telling.voor,
        "basis": basis,
        "drempel": regel.drempel,
    }
    return Uitslag(Status.AANGENOMEN if aangenomen else Status.VERWORPEN, reden)


def stemgerechtigd(datum: datetime.date):
    """Institution ids with a vote on ``datum``."""
    return Lidmaatschap.objects.filter(
        Q(lid_tot__isnull=True) | Q(lid_tot__gte=datum), lid_sinds__lte=datum
    ).values_list("instelling_id", flat=True)


def tel(afspraak: BindendeAfspraak) -> Telling:
    gerechtigd = set(stemgerechtigd(afspraak.stemdatum))
    voor = tegen = onthouding = vervallen = 0
    for instelling_id, keuze in afspraak.stemmen.values_list("instelling_id", "keuze"):
        if instelling_id not in gerechtigd:
            vervallen += 1
        elif keuze == Stem.Keuze.VOOR:
            voor += 1
        elif keuze == Stem.Keuze.TEGEN:
            tegen += 1
        else:
            onthouding += 1
    return Telling(len(gerechtigd), voor, tegen, onthouding, vervallen)


def open_stemming(afspraak: BindendeAfspraak) -> BindendeAfspraak:
    if afspraak.status != Status.CONCEPT:
        raise StemmingFout(_("Alleen een concept kan in stemming worden gebracht."))
    afspraak.status = Status.IN_STEMMING
    afspraak.save(update_fields=["status"])
    return afspraak


def registreer_stem(afspraak: BindendeAfspraak, instelling, keuze: str) -> Stem:
    if afspraak.status != Status.IN_STEMMING:
        raise StemmingFout(_("Er kan alleen gestemd worden over een afspraak in stemming."))
    if keuze not in Stem.Keuze.values:
        raise StemmingFout(_("Kies voor, tegen of onthouding."))
    if instelling.pk not in set(stemgerechtigd(afspraak.stemdatum)):
        raise StemmingFout(
            _("%(naam)s is op %(datum)s geen lid van de vereniging en heeft geen stem.")
            % {"naam": instelling.naam, "datum": afspraak.stemdatum.strftime("%d-%m-%Y")}
        )
    stem, _nieuw = Stem.objects.update_or_create(afspraak=afspraak, instelling=instelling, defaults={"keuze": keuze})
    return stem


def sluit_stemming(afspraak: BindendeAfspraak, door=None, regel: Regel | None = None) -> Uitslag:
    """Count, decide, and record the rule as applied: later changes to the configuration do not rewrite it."""
    if afspraak.status != Status.IN_STEMMING:
        raise StemmingFout(_("Deze afspraak is niet in stemming."))
    regel = regel or Regel.van(Regieinstellingen.huidig())
    with transaction.atomic():
        telling = tel(afspraak)
        uitslag = beslis(regel, telling)
        afspraak.status = uitslag.status
        afspraak.regel = regel.als_dict()
        afspraak.telling = {**asdict(telling), "afwezig": telling.afwezig}
        afspraak.uitslag_tekst = uitslag.reden
        afspraak.vastgesteld_op = timezone.now()
        afspraak.vastgesteld_door = door if getattr(door, "pk", None) else None
        afspraak.save()
    return uitslag
