"""What members take, the dependency rules between services, and service management after the DAP.

Dependency rules are rows (``Dienstregel``): 'A vereist B' means a member can only take A while it takes B;
'A maakt B verplicht' means taking A brings B along (the service adds it). Either way B may not end while A runs.
Every violation is reported as a Dutch sentence staff can act on.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from voorzieningen.core import outbox
from voorzieningen.core.services import Actor, audit_read

from .models import (
    Afname,
    Begrotingspost,
    Contactpersoon,
    Cooperatie,
    Dienst,
    Dienstregel,
    Jaarplan,
    Lid,
    Verstoring,
    Verstoringsupdate,
    Voorstel,
    Wijzigingsverzoek,
    Wijzigingsverzoekstap,
)
from .profielen import MBO, PO_VO

EEN_DAG = datetime.timedelta(days=1)


def _d(datum: datetime.date) -> str:
    return datum.strftime("%d-%m-%Y")


# --- Periods -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Periode:
    begin: datetime.date
    einde: datetime.date | None  # None: open-ended

    @property
    def _eind(self) -> datetime.date:
        return self.einde or datetime.date.max

    def tekst(self) -> str:
        if self.einde is None:
            return _("vanaf %(begin)s") % {"begin": _d(self.begin)}
        if self.begin == self.einde:
            return _("op %(datum)s") % {"datum": _d(self.begin)}
        return _("van %(begin)s tot en met %(einde)s") % {"begin": _d(self.begin), "einde": _d(self.einde)}


def niet_gedekt(periode: Periode, dekking: Iterable[Periode]) -> list[Periode]:
    """The parts of ``periode`` that no period in ``dekking`` covers."""
    gaten = []
    cursor = periode.begin
    eind = periode._eind
    for deel in sorted(dekking, key=lambda p: p.begin):
        if deel._eind < cursor:
            continue
        if deel.begin > eind:
            break
        if deel.begin > cursor:
            gaten.append(Periode(cursor, deel.begin - EEN_DAG))
        if deel._eind >= eind:
            return gaten
        cursor = deel._eind + EEN_DAG
    gaten.append(Periode(cursor, periode.einde))
    return gaten


# --- What a member takes -----------------------------------------------------------------------------------------


def leden_in_jaar(cooperatie: Cooperatie, jaar: int):
    return Lid.objects.filter(cooperatie=cooperatie, begindatum__lte=datetime.date(jaar, 12, 31)).filter(
        Q(einddatum__isnull=True) | Q(einddatum__gte=datetime.date(jaar, 1, 1))
    )


def lidmaatschap(lid: Lid) -> Periode:
    return Periode(lid.begindatum, lid.einddatum)


def _perioden(lid: Lid, dienst: Dienst, afnames: list[Afname]) -> list[Periode]:
    if dienst.basis:
        return [lidmaatschap(lid)] if dienst.actief else []
    return [Periode(a.begindatum, a.einddatum) for a in afnames if a.dienst_id == dienst.pk]


def afgenomen_diensten(lid: Lid, jaar: int) -> list[Dienst]:
    """The services a member takes on any day of the year: the basis package while a member, plus its afnames."""
    jaarperiode = Periode(datetime.date(jaar, 1, 1), datetime.date(jaar, 12, 31))
    if niet_gedekt(jaarperiode, [lidmaatschap(lid)]) == [jaarperiode]:
        return []
    diensten = {d.pk: d for d in Dienst.objects.filter(cooperatie_id=lid.cooperatie_id, basis=True, actief=True)}
    for afname in lid.afnames.select_related("dienst").filter(begindatum__lte=jaarperiode.einde):
        if afname.einddatum is None or afname.einddatum >= jaarperiode.begin:
            diensten[afname.dienst_id] = afname.dienst
    return sorted(diensten.values(), key=lambda d: (d.volgorde, d.naam))


def afnemers_op(dienst: Dienst, datum: datetime.date):
    """The members that take a service on a day (all members for a basis service)."""
    leden = Lid.objects.filter(cooperatie_id=dienst.cooperatie_id).filter(
        Q(einddatum__isnull=True) | Q(einddatum__gte=datum), begindatum__lte=datum
    )
    if dienst.basis:
        return leden
    return leden.filter(
        Q(afnames__einddatum__isnull=True) | Q(afnames__einddatum__gte=datum),
        afnames__dienst=dienst,
        afnames__begindatum__lte=datum,
    ).distinct()


def afhankelijkheidsfouten(lid: Lid, afnames: list[Afname], *, aanvullen_voor: Afname | None = None) -> list[str]:
    """Every dependency rule the member's afnames break, as Dutch sentences.

    With ``aanvullen_voor`` the gaps of its 'maakt verplicht' rules are not reported: the service fills them.
    """
    regels: dict[int, list[Dienstregel]] = {}
    for regel in Dienstregel.objects.filter(dienst__cooperatie_id=lid.cooperatie_id).select_related(
        "dienst", "andere_dienst"
    ):
        regels.setdefault(regel.dienst_id, []).append(regel)
    houders: list[tuple[Afname | None, Dienst, Periode]] = [
        (a, a.dienst, Periode(a.begindatum, a.einddatum)) for a in afnames
    ]
    for dienst in Dienst.objects.filter(
        cooperatie_id=lid.cooperatie_id, basis=True, actief=True, regels__isnull=False
    ).distinct():
        houders.append((None, dienst, lidmaatschap(lid)))
    fouten = []
    for afname, dienst, periode in houders:
        for regel in regels.get(dienst.pk, []):
            if regel.soort == Dienstregel.Soort.MAAKT_VERPLICHT and afname is not None and afname is aanvullen_voor:
                continue
            for gat in niet_gedekt(periode, _perioden(lid, regel.andere_dienst, afnames)):
                if regel.soort == Dienstregel.Soort.VEREIST:
                    tekst = _("‘%(a)s’ vereist ‘%(b)s’, maar %(lid)s neemt ‘%(b)s’ niet af %(periode)s.")
                else:
                    tekst = _(
                        "Wie ‘%(a)s’ afneemt, moet ook ‘%(b)s’ afnemen; %(lid)s neemt ‘%(b)s’ niet af %(periode)s."
                    )
                fouten.append(
                    tekst % {"a": dienst.naam, "b": regel.andere_dienst.naam, "lid": lid, "periode": gat.tekst()}
                )
    return fouten


def _huidige_afnames(lid: Lid, zonder: Afname | None = None) -> list[Afname]:
    qs = lid.afnames.select_related("dienst")
    if zonder is not None and zonder.pk:
        qs = qs.exclude(pk=zonder.pk)
    return list(qs)


def controleer_afname(afname: Afname) -> list[str]:
    """The rule violations this new or changed afname would add (violations that already existed do not count)."""
    lid = afname.lid
    voor = afhankelijkheidsfouten(lid, _huidige_afnames(lid))
    na = afhankelijkheidsfouten(lid, [*_huidige_afnames(lid, afname), afname], aanvullen_voor=afname)
    return [f for f in na if f not in voor]


def _verplichte_aanvullingen(afname: Afname, afnames: list[Afname]) -> list[Afname]:
    nieuw = []
    for regel in afname.dienst.regels.filter(soort=Dienstregel.Soort.MAAKT_VERPLICHT).select_related("andere_dienst"):
        for gat in niet_gedekt(
            Periode(afname.begindatum, afname.einddatum), _perioden(afname.lid, regel.andere_dienst, afnames)
        ):
            nieuw.append(
                Afname(
                    lid=afname.lid,
                    dienst=regel.andere_dienst,
                    begindatum=gat.begin,
                    einddatum=gat.einde,
                    specificatie=_("verplicht bij %(dienst)s") % {"dienst": afname.dienst.naam},
                )
            )
    return nieuw


@transaction.atomic
def neem_af(
    lid: Lid, dienst: Dienst, begindatum: datetime.date, einddatum: datetime.date | None = None, specificatie: str = ""
) -> tuple[Afname, list[Afname]]:
    """Record that a member takes a service; returns the afname and the mandatory ones brought along."""
    if not dienst.actief:
        raise ValidationError(_("‘%(dienst)s’ wordt niet meer aangeboden.") % {"dienst": dienst.naam})
    afname = Afname(lid=lid, dienst=dienst, begindatum=begindatum, einddatum=einddatum, specificatie=specificatie)
    return afname, bewaar_afname(afname)


@transaction.atomic
def bewaar_afname(afname: Afname) -> list[Afname]:
    """Save a new or changed afname after checking the rules; brings along what it makes mandatory."""
    Lid.objects.select_for_update().filter(pk=afname.lid_id).first()  # one member's afnames change one at a time
    afname.full_clean()
    fouten = controleer_afname(afname)
    if fouten:
        raise ValidationError(fouten)
    afname.save()
    meegenomen = []
    te_doen = [afname]
    while te_doen:
        huidige = te_doen.pop()
        for extra in _verplichte_aanvullingen(huidige, _huidige_afnames(afname.lid)):
            extra.full_clean()
            extra.save()
            meegenomen.append(extra)
            te_doen.append(extra)
    return meegenomen


def fouten_bij_verwijderen(afnames: list[Afname]) -> list[str]:
    """The rule violations that removing these afnames (together) would add."""
    fouten = []
    weg = {a.pk for a in afnames}
    for lid in {a.lid for a in afnames}:
        huidig = _huidige_afnames(lid)
        voor = afhankelijkheidsfouten(lid, huidig)
        na = afhankelijkheidsfouten(lid, [a for a in huidig if a.pk not in weg])
        fouten += [f for f in na if f not in voor]
    return fouten


@transaction.atomic
def verwijder_afnames(afnames: list[Afname]) -> None:
    """Delete afnames recorded by mistake, unless that leaves a member breaking a dependency rule."""
    fouten = fouten_bij_verwijderen(afnames)
    if fouten:
        raise ValidationError(fouten)
    for afname in afnames:
        afname.delete()


def beeindig_afname(afname: Afname, einddatum: datetime.date) -> Afname:
    afname.einddatum = einddatum
    bewaar_afname(afname)
    return afname


def overtredingen(cooperatie: Cooperatie) -> dict[Lid, list[str]]:
    """All members whose afnames break a rule (e.g. after a rule was added), for staff to resolve."""
    uitkomst = {}
    for lid in Lid.objects.filter(cooperatie=cooperatie).prefetch_related("afnames__dienst"):
        fouten = afhankelijkheidsfouten(lid, list(lid.afnames.all()))
        if fouten:
            uitkomst[lid] = fouten
    return uitkomst


# --- The offer of the two cooperative profiles, as data ----------------------------------------------------------

PROFIELEN = {
    MBO: {
        "diensten": [
            ("lidmaatschap", "Lidmaatschap (vaste bijdrage)", True),
            ("centraal-aanmelden", "Voorziening Centraal Aanmelden", False),
            ("koppelpunt-mbo", "Koppelpunt MBO (Voorziening Vroegtijdig Aanmelden)", False),
        ],
        "regels": [],
    },
    PO_VO: {
        "diensten": [
            ("basispakket", "Basispakket", True),
            ("netwerkinfrastructuur", "Netwerkinfrastructuur (wifi en intern netwerk)", False),
            ("externe-connectiviteit", "Externe connectiviteit", False),
            ("informatiebeveiliging", "Informatiebeveiligingsdiensten", False),
            ("cloud-serverinfrastructuur", "Serverinfrastructuur in de cloud (IaaS)", False),
        ],
        # 'is verplicht beveiligingsdiensten af te nemen als ook externe connectiviteit afgenomen wordt'
        "regels": [("externe-connectiviteit", Dienstregel.Soort.MAAKT_VERPLICHT, "informatiebeveiliging")],
    },
}


@transaction.atomic
def richt_aanbod_in(cooperatie: Cooperatie, profiel: str | None = None) -> list[Dienst]:
    """Create the services and rules of a profile (by default the one named like the cooperative's code); for the
    mbo cooperative also the 2021 tariffs. Idempotent: rows staff already changed are left alone."""
    profiel = profiel or cooperatie.code
    from decimal import Decimal

    from .models import Tarief, Tariefcomponent

    if profiel not in PROFIELEN:
        raise ValueError(f"onbekend profiel {profiel!r}; kies uit {', '.join(PROFIELEN)}")
    diensten = {}
    for volgorde, (code, naam, basis) in enumerate(PROFIELEN[profiel]["diensten"], start=1):
        diensten[code], _nieuw = Dienst.objects.get_or_create(
            cooperatie=cooperatie, code=code, defaults={"naam": naam, "basis": basis, "volgorde": volgorde * 10}
        )
    for code, soort, andere in PROFIELEN[profiel]["regels"]:
        Dienstregel.objects.get_or_create(
            dienst=diensten[code], andere_dienst=diensten[andere], defaults={"soort": soort}
        )
    if profiel == MBO:
        bron = "Ledenovereenkomst, tarieven 2021"
        componenten = {
            "lidmaatschap": [(Tariefcomponent.Soort.VAST, "Vaste bijdrage per instelling", Decimal("850.00"))],
            "centraal-aanmelden": [
                (
                    Tariefcomponent.Soort.PER_GEWOGEN_DEELNEMER,
                    "Variabele bijdrage per gewogen deelnemer",
                    Decimal("1.20"),
                )
            ],
            "koppelpunt-mbo": [(Tariefcomponent.Soort.VAST, "Geen bijdrage in 2021", Decimal("0.00"))],
        }
        for code, regels in componenten.items():
            tarief, nieuw = Tarief.objects.get_or_create(
                dienst=diensten[code], jaar=2021, defaults={"vastgesteld": bron}
            )
            if nieuw:
                for soort, omschrijving, prijs in regels:
                    Tariefcomponent.objects.create(tarief=tarief, soort=soort, omschrijving=omschrijving, prijs=prijs)
    return list(diensten.values())


# --- Disruptions -------------------------------------------------------------------------------------------------

VERSTORING_OVERGANGEN = {
    Verstoring.Status.GEMELD: {Verstoring.Status.GEMELD, Verstoring.Status.IN_BEHANDELING, Verstoring.Status.OPGELOST},
    Verstoring.Status.IN_BEHANDELING: {Verstoring.Status.IN_BEHANDELING, Verstoring.Status.OPGELOST},
    Verstoring.Status.OPGELOST: {
        Verstoring.Status.OPGELOST,
        Verstoring.Status.IN_BEHANDELING,
        Verstoring.Status.GESLOTEN,
    },
    Verstoring.Status.GESLOTEN: set(),
}


def contactpersonen_van(lid: Lid) -> list[Contactpersoon]:
    """The people the cooperative keeps informed for a member: every contact person in its register."""
    return list(lid.contactpersonen.all())


def getroffen_leden(verstoring: Verstoring):
    """The members named on the disruption; else those taking the service on its start day; else all members."""
    if verstoring.pk and verstoring.getroffen_leden.exists():
        return verstoring.getroffen_leden.all()
    datum = timezone.localdate(verstoring.begonnen_op)
    if verstoring.dienst_id:
        return afnemers_op(verstoring.dienst, datum)
    return Lid.objects.filter(cooperatie_id=verstoring.cooperatie_id).filter(
        Q(einddatum__isnull=True) | Q(einddatum__gte=datum), begindatum__lte=datum
    )


def _mail_update(update: Verstoringsupdate, actor: Actor) -> int:
    verstoring = update.verstoring
    aantal = 0
    with translation.override("nl"):
        onderwerp = _("[%(prioriteit)s] Verstoring %(titel)s: %(status)s") % {
            "prioriteit": verstoring.prioriteit,
            "titel": verstoring.titel,
            "status": update.get_status_display(),
        }
        for lid in getroffen_leden(verstoring).order_by("naam"):
            for persoon in contactpersonen_van(lid):
                tekst = render_to_string(
                    "cooperatie/email/verstoring.txt",
                    {"verstoring": verstoring, "update": update, "lid": lid, "persoon": persoon},
                )
                outbox.plaats(
                    "email",
                    f"verstoring:{update.pk}:{persoon.pk}",
                    {"aan": persoon.email, "onderwerp": onderwerp, "tekst": tekst},
                )
                audit_read(actor, persoon, reason="Verstoringsbericht aan contactpersoon gestuurd")
                aantal += 1
    return aantal


@transaction.atomic
def werk_verstoring_bij(
    verstoring: Verstoring,
    *,
    status: str,
    bericht: str,
    communiceren: bool,
    actor: Actor,
    door=None,
) -> Verstoringsupdate:
    """Add an entry to the timeline (and optionally tell the affected members' contact persons)."""
    verstoring = Verstoring.objects.select_for_update().get(pk=verstoring.pk)
    if status not in VERSTORING_OVERGANGEN[verstoring.status]:
        if verstoring.status == Verstoring.Status.GESLOTEN:
            raise ValidationError(_("Een gesloten verstoring kan niet meer worden bijgewerkt."))
        raise ValidationError(
            _("Van ‘%(van)s’ kan een verstoring niet naar ‘%(naar)s’.")
            % {"van": verstoring.get_status_display(), "naar": Verstoring.Status(status).label}
        )
    if not bericht.strip():
        raise ValidationError(_("Schrijf een bericht voor de tijdlijn."))
    nu = timezone.now()
    if status == Verstoring.Status.OPGELOST and verstoring.status != Verstoring.Status.OPGELOST:
        verstoring.opgelost_op = nu
    elif status == Verstoring.Status.IN_BEHANDELING:
        verstoring.opgelost_op = None  # reopened
    if status == Verstoring.Status.GESLOTEN:
        verstoring.gesloten_op = nu
    verstoring.status = status
    verstoring.save(update_fields=["status", "opgelost_op", "gesloten_op"])
    update = Verstoringsupdate.objects.create(
        verstoring=verstoring, tijdstip=nu, status=status, bericht=bericht, naar_contactpersonen=communiceren, door=door
    )
    if communiceren:
        update.aantal_ontvangers = _mail_update(update, actor)
        update.save(update_fields=["aantal_ontvangers"])
    return update


@transaction.atomic
def eerste_update(verstoring: Verstoring, *, communiceren: bool, actor: Actor, door=None) -> Verstoringsupdate:
    """The first timeline entry of a new disruption: the report itself."""
    update = Verstoringsupdate.objects.create(
        verstoring=verstoring,
        tijdstip=verstoring.begonnen_op,
        status=Verstoring.Status.GEMELD,
        bericht=verstoring.omschrijving,
        naar_contactpersonen=communiceren,
        door=door,
    )
    if communiceren:
        update.aantal_ontvangers = _mail_update(update, actor)
        update.save(update_fields=["aantal_ontvangers"])
    return update


@transaction.atomic
def meld_verstoring(verstoring: Verstoring, *, leden=(), communiceren: bool, actor: Actor, door=None) -> Verstoring:
    """Register a new disruption (with the members it hits, if not all who take the service)."""
    verstoring.status = Verstoring.Status.GEMELD
    verstoring.full_clean()
    verstoring.save()
    if leden:
        verstoring.getroffen_leden.set(leden)
    eerste_update(verstoring, communiceren=communiceren, actor=actor, door=door)
    return verstoring


# --- Change requests and the annual plan -------------------------------------------------------------------------

S = Wijzigingsverzoek.Status

OVERGANGEN = {
    S.BIJ_EXPERTGROEP: {S.BIJ_WERKGROEP, S.IN_JAARPLAN, S.AFGEWEZEN, S.INGETROKKEN},
    S.BIJ_WERKGROEP: {S.IN_JAARPLAN, S.AFGEWEZEN, S.INGETROKKEN},
    S.IN_JAARPLAN: {S.GOEDGEKEURD, S.AFGEWEZEN, S.INGETROKKEN},
    S.GOEDGEKEURD: {S.IN_UITVOERING, S.INGETROKKEN},
    S.IN_UITVOERING: {S.GEREALISEERD},
    S.GEREALISEERD: set(),
    S.AFGEWEZEN: set(),
    S.INGETROKKEN: set(),
}

ASPECTEN = {
    "architectuur": "impact_architectuur",
    "governance": "impact_governance",
    "privacy": "impact_privacy",
    "security": "impact_security",
}


def bepaal_route(verzoek: Wijzigingsverzoek) -> str:
    """Fundamental impact on architecture, governance, privacy or security: the werkgroep; otherwise the
    expertgroep (DAP, 'Afstemming voortbouw en doorontwikkeling')."""
    return Wijzigingsverzoek.Route.WERKGROEP if verzoek.is_fundamenteel else Wijzigingsverzoek.Route.EXPERTGROEP


def fundamentele_aspecten(verzoek: Wijzigingsverzoek) -> list[str]:
    return [naam for naam, veld in ASPECTEN.items() if getattr(verzoek, veld)]


def _stap(verzoek, van, naar, motivering, door):
    Wijzigingsverzoekstap.objects.create(
        verzoek=verzoek, van_status=van, naar_status=naar, motivering=motivering, door=door
    )


@transaction.atomic
def dien_in(verzoek: Wijzigingsverzoek, *, door=None) -> Wijzigingsverzoek:
    verzoek.full_clean(exclude=["route", "status"])
    verzoek.route = bepaal_route(verzoek)
    verzoek.status = S.BIJ_WERKGROEP if verzoek.route == Wijzigingsverzoek.Route.WERKGROEP else S.BIJ_EXPERTGROEP
    verzoek.save()
    if verzoek.is_fundamenteel:
        motivering = _("Ingediend met fundamentele invloed op: %(aspecten)s.") % {
            "aspecten": ", ".join(fundamentele_aspecten(verzoek))
        }
    else:
        motivering = _("Ingediend zonder fundamentele invloed.")
    _stap(verzoek, "", verzoek.status, motivering, door)
    return verzoek


def _overgang(verzoek: Wijzigingsverzoek, naar: str) -> None:
    if naar not in OVERGANGEN[verzoek.status]:
        raise ValidationError(
            _("Een wijzigingsverzoek dat %(van)s is, kan niet naar ‘%(naar)s’.")
            % {"van": verzoek.get_status_display(), "naar": S(naar).label}
        )


@transaction.atomic
def escaleer_naar_werkgroep(
    verzoek: Wijzigingsverzoek, *, aspecten: Iterable[str], motivering: str, door=None
) -> Wijzigingsverzoek:
    """The expertgroep finds the change fundamental after all and proposes it to the werkgroep doorontwikkeling."""
    aspecten = list(aspecten)
    if not aspecten or set(aspecten) - set(ASPECTEN):
        raise ValidationError(_("Kies op welk gebied de wijziging fundamentele invloed heeft."))
    if not motivering.strip():
        raise ValidationError(_("Licht toe waarom de wijziging fundamentele invloed heeft."))
    _overgang(verzoek, S.BIJ_WERKGROEP)
    for aspect in aspecten:
        setattr(verzoek, ASPECTEN[aspect], True)
    verzoek.impact_motivering = "\n".join(filter(None, [verzoek.impact_motivering, motivering]))
    van, verzoek.status, verzoek.route = verzoek.status, S.BIJ_WERKGROEP, Wijzigingsverzoek.Route.WERKGROEP
    verzoek.save()
    _stap(verzoek, van, verzoek.status, motivering, door)
    return verzoek


@transaction.atomic
def neem_op_in_jaarplan(
    verzoek: Wijzigingsverzoek, jaarplan: Jaarplan, *, bedrag=None, motivering: str = "", door=None
) -> Wijzigingsverzoek:
    """Positive advice: the change goes into the (concept) annual plan, optionally with its budget line."""
    _overgang(verzoek, S.IN_JAARPLAN)
    if jaarplan.cooperatie_id != verzoek.cooperatie_id:
        raise ValidationError(_("Dit jaarplan is van een andere coöperatie."))
    if jaarplan.status != Jaarplan.Status.CONCEPT:
        raise ValidationError(_("Het jaarplan %(jaar)s is al voorgelegd aan de AV.") % {"jaar": jaarplan.jaar})
    van = verzoek.status
    verzoek.status, verzoek.jaarplan = S.IN_JAARPLAN, jaarplan
    verzoek.save()
    if bedrag is not None:
        Begrotingspost.objects.create(
            jaarplan=jaarplan,
            soort=Begrotingspost.Soort.DOORONTWIKKELING,
            omschrijving=verzoek.titel[:255],
            dienst=verzoek.dienst,
            wijzigingsverzoek=verzoek,
            bedrag=bedrag,
        )
    _stap(
        verzoek, van, verzoek.status, motivering or _("Opgenomen in jaarplan %(jaar)s.") % {"jaar": jaarplan.jaar}, door
    )
    return verzoek


@transaction.atomic
def wijzig_status(verzoek: Wijzigingsverzoek, naar: str, *, motivering: str = "", door=None) -> Wijzigingsverzoek:
    """The remaining steps: reject, withdraw, start, realise. Approval is the AV's, through the annual plan."""
    if naar == S.GOEDGEKEURD:
        raise ValidationError(_("Goedkeuren doet de AV, door het jaarplan goed te keuren."))
    if naar == S.IN_JAARPLAN:
        raise ValidationError(_("Kies het jaarplan waarin het verzoek wordt opgenomen."))
    if naar == S.BIJ_WERKGROEP:
        raise ValidationError(_("Geef aan op welk gebied de wijziging fundamentele invloed heeft (escaleren)."))
    _overgang(verzoek, naar)
    if naar == S.AFGEWEZEN and not motivering.strip():
        raise ValidationError(_("Geef aan waarom het verzoek wordt afgewezen."))
    van = verzoek.status
    verzoek.status = naar
    verzoek.save(update_fields=["status"])
    _stap(verzoek, van, naar, motivering, door)
    return verzoek


@transaction.atomic
def leg_jaarplan_voor(jaarplan: Jaarplan, datum: datetime.date) -> Jaarplan:
    if jaarplan.status != Jaarplan.Status.CONCEPT:
        raise ValidationError(_("Alleen een concept-jaarplan kan worden voorgelegd."))
    if not jaarplan.posten.exists():
        raise ValidationError(_("Een jaarplan zonder begroting kan niet worden voorgelegd."))
    jaarplan.status, jaarplan.voorgelegd_op = Jaarplan.Status.VOORGELEGD, datum
    jaarplan.save(update_fields=["status", "voorgelegd_op"])
    return jaarplan


@transaction.atomic
def stuur_jaarplan_terug(jaarplan: Jaarplan) -> Jaarplan:
    """The AV did not approve: back to concept for revision; the requests in it stay there."""
    if jaarplan.status != Jaarplan.Status.VOORGELEGD:
        raise ValidationError(_("Alleen een voorgelegd jaarplan kan worden teruggestuurd."))
    jaarplan.status, jaarplan.voorgelegd_op = Jaarplan.Status.CONCEPT, None
    jaarplan.save(update_fields=["status", "voorgelegd_op"])
    return jaarplan


@transaction.atomic
def keur_jaarplan_goed(
    jaarplan: Jaarplan,
    *,
    voorstel: Voorstel | None = None,
    datum: datetime.date | None = None,
    besluit: str = "",
    door=None,
) -> Jaarplan:
    """Record the AV's approval of the budget: the mandate for the plan and for the change requests in it.

    The decision is the adopted proposal when the AV voted in this system; otherwise a date and a text reference.
    """
    if jaarplan.status != Jaarplan.Status.VOORGELEGD:
        raise ValidationError(_("Alleen een jaarplan dat aan de AV is voorgelegd kan worden goedgekeurd."))
    if voorstel is not None:
        vergadering = voorstel.vergadering
        if vergadering.cooperatie_id != jaarplan.cooperatie_id:
            raise ValidationError(_("Dit voorstel is van een andere coöperatie."))
        if voorstel.status != Voorstel.Status.GESLOTEN or voorstel.uitslag != Voorstel.Uitslag.AANGENOMEN:
            raise ValidationError(_("Het voorstel is (nog) niet aangenomen."))
        datum = vergadering.datum
        besluit = besluit or f"{vergadering}: {voorstel}"
    elif datum is None or not besluit.strip():
        raise ValidationError(_("Geef het aangenomen voorstel, of de datum en een verwijzing naar het besluit."))
    jaarplan.status, jaarplan.goedgekeurd_op = Jaarplan.Status.GOEDGEKEURD, datum
    jaarplan.av_voorstel, jaarplan.av_besluit = voorstel, besluit[:255]
    jaarplan.save()
    for verzoek in jaarplan.wijzigingsverzoeken.filter(status=S.IN_JAARPLAN):
        verzoek.status = S.GOEDGEKEURD
        verzoek.save(update_fields=["status"])
        _stap(
            verzoek,
            S.IN_JAARPLAN,
            S.GOEDGEKEURD,
            _("Jaarplan %(jaar)s goedgekeurd door de AV (%(besluit)s).") % {"jaar": jaarplan.jaar, "besluit": besluit},
            door,
        )
    return jaarplan
