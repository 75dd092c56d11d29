"""The start/stop consultation: an institution announces an intention, the institutions it concerns respond.

Rules we decided where the sector text is silent (the institution's pages say the same):

- Who is concerned (betrokken): every institution with a location in the same COROP region (the regional
  start/stop table), every institution offering the same qualification within its travel-time norm of the
  municipality (that may cross a COROP border), the partner of an exchange or joint offering, and — for a
  specialist programme with a supra-regional labour market — every other institution offering it in the
  country (the sectoral conversation). Staff may add others.
- An announcement precedes the fact: the intended date lies after today. Stop, scale down, expand and exchange
  are about an offering the institution has in that municipality; a start is about one it does not have yet.
- The response period is set in Regieinstellingen (default six weeks). Responses may still come after it.
- The announcing institution may close the dialogue itself ("gaat door") once the period has passed and no
  concerned institution's latest position is an objection. Otherwise the conversation continues, or a party asks
  for escalation; the portfolio regie staff run the ladder (``ladder.py``).
- The announcing institution may withdraw its intention until a binding ruling has been given.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from voorzieningen.catalogus.models import AangebodenOpleiding, Instelling, Kwalificatie
from voorzieningen.core.models import Gemeente

from . import berichten
from . import data as portfoliodata
from .analyse import Reisnorm, norm_minuten
from .geo import afstand
from .impact import impact, wijzigingen_van
from .models import Betrokkene, Bijdrage, Casus, Escalatiestap, Soort, Trede

MET_PARTNER = {Soort.UITRUILEN, Soort.SAMEN}
MET_PLAATSEN = {Soort.AFSCHALEN, Soort.UITBREIDEN}
OVER_BESTAAND_AANBOD = {Soort.STOP, Soort.AFSCHALEN, Soort.UITBREIDEN, Soort.UITRUILEN}


class OverlegFout(Exception):
    """An action the consultation rules do not allow; the message says why, in Dutch."""


@dataclass
class Aankondiging:
    soort: str
    kwalificatie: Kwalificatie
    gemeente: Gemeente
    beoogde_ingang: datetime.date
    motivering: str
    partner: Instelling | None = None
    ruil_kwalificatie: Kwalificatie | None = None
    capaciteit_wijziging: int | None = None


def biedt_aan(instelling_id: int, kwalificatie_id: int, gemeentecode: str) -> bool:
    return AangebodenOpleiding.objects.filter(
        aanbieder__instelling_id=instelling_id,
        kwalificatie_id=kwalificatie_id,
        locatie__gemeentecode=gemeentecode,
        actief=True,
        leertraject__in=portfoliodata.INITIELE_LEERTRAJECTEN,
    ).exists()


def controleer(instelling: Instelling, a: Aankondiging, vandaag: datetime.date) -> dict[str, str]:
    """Field errors of an announcement (empty: fine). Kept apart so the form shows them next to the fields."""
    fouten = {}
    if a.beoogde_ingang <= vandaag:
        fouten["beoogde_ingang"] = _("Een aankondiging gaat vooraf: kies een datum na vandaag.")
    if not (a.motivering or "").strip():
        fouten["motivering"] = _("Licht het voornemen toe: waarom, en wat betekent het voor studenten en de regio?")
    if a.soort in MET_PARTNER:
        if a.partner is None:
            fouten["partner"] = _("Kies de instelling waarmee u uitruilt of samen uitvoert.")
        elif a.partner.pk == instelling.pk:
            fouten["partner"] = _("De partner is een andere instelling dan uw eigen.")
    elif a.partner is not None:
        fouten["partner"] = _("Een partner hoort alleen bij uitruilen of samen uitvoeren.")
    if a.ruil_kwalificatie is not None and a.soort != Soort.UITRUILEN:
        fouten["ruil_kwalificatie"] = _("Een opleiding in ruil hoort alleen bij uitruilen.")
    if a.soort in MET_PLAATSEN:
        if not a.capaciteit_wijziging:
            fouten["capaciteit_wijziging"] = _("Geef aan met hoeveel studieplaatsen het aanbod verandert.")
        elif (a.soort == Soort.AFSCHALEN) != (a.capaciteit_wijziging < 0):
            fouten["capaciteit_wijziging"] = _("Afschalen is een negatief aantal plaatsen, uitbreiden een positief.")
    if "kwalificatie" not in fouten and a.soort in OVER_BESTAAND_AANBOD:
        if not biedt_aan(instelling.pk, a.kwalificatie.pk, a.gemeente.code):
            fouten["kwalificatie"] = _(
                "Uw instelling biedt %(kwal)s niet aan in %(gemeente)s; kondig een start aan als u wilt beginnen."
            ) % {"kwal": a.kwalificatie, "gemeente": a.gemeente.naam}
    if a.soort == Soort.START and biedt_aan(instelling.pk, a.kwalificatie.pk, a.gemeente.code):
        fouten["kwalificatie"] = _(
            "Uw instelling biedt %(kwal)s al aan in %(gemeente)s; kondig een uitbreiding aan."
        ) % {"kwal": a.kwalificatie, "gemeente": a.gemeente.naam}
    if a.soort == Soort.SAMEN and a.partner is not None:
        if not AangebodenOpleiding.objects.filter(
            aanbieder__instelling__in=[instelling, a.partner], kwalificatie=a.kwalificatie, actief=True
        ).exists():
            fouten["kwalificatie"] = _("Geen van beide instellingen biedt deze opleiding aan.")
    return fouten


def betrokken_instellingen(
    data: portfoliodata.Portfoliodata,
    instelling_id: int,
    kwalificatie_id: int,
    gemeentecode: str,
    partner_id: int | None = None,
) -> dict[int, list[str]]:
    """Institution id -> why it is concerned, by the rules in the module docstring."""
    redenen: dict[int, list[str]] = {}

    def voeg(pk, reden):
        if pk != instelling_id and reden not in redenen.setdefault(pk, []):
            redenen[pk].append(reden)

    if partner_id:
        voeg(partner_id, Betrokkene.Reden.PARTNER)
    gebied = data.gemeente(gemeentecode)
    kwal = data.kwalificaties.get(kwalificatie_id)
    if gebied is not None:
        for a in data.aanbod:
            loc_gebied = data.gemeente(data.locaties[a.locatie_idx].gemeentecode)
            if loc_gebied is not None and loc_gebied.corop_code == gebied.corop_code:
                voeg(a.instelling_id, Betrokkene.Reden.REGIO)
    if kwal is not None and gebied is not None:
        grens = Reisnorm.van(data.parameters).km(norm_minuten(kwal, data.parameters))
        for a in data.per_kwalificatie.get(kwal.pk, []):
            if afstand(gebied.punt, data.locaties[a.locatie_idx].punt) <= grens:
                voeg(a.instelling_id, Betrokkene.Reden.OPLEIDING)
            elif kwal.specialistisch:
                voeg(a.instelling_id, Betrokkene.Reden.SECTOR)
    return {pk: r for pk, r in redenen.items() if r}


def kondig_aan(instelling: Instelling, a: Aankondiging, door=None, vandaag: datetime.date | None = None) -> Casus:
    """Open the case: record the impact as known today, determine and notify who is concerned."""
    vandaag = vandaag or timezone.localdate()
    fouten = controleer(instelling, a, vandaag)
    if fouten:
        raise OverlegFout(" ".join(fouten.values()))
    data = portfoliodata.laad(vandaag=vandaag)
    wijzigingen = wijzigingen_van(
        a.soort,
        instelling.pk,
        a.kwalificatie.pk,
        a.gemeente.code,
        partner_id=a.partner.pk if a.partner else None,
        ruil_kwalificatie_id=a.ruil_kwalificatie.pk if a.ruil_kwalificatie else None,
        plaatsen=a.capaciteit_wijziging,
    )
    gevolgen = impact(data, wijzigingen).als_dict()
    betrokken = betrokken_instellingen(
        data, instelling.pk, a.kwalificatie.pk, a.gemeente.code, a.partner.pk if a.partner else None
    )
    with transaction.atomic():
        casus = Casus.objects.create(
            soort=a.soort,
            instelling=instelling,
            kwalificatie=a.kwalificatie,
            gemeente=a.gemeente,
            partner=a.partner,
            ruil_kwalificatie=a.ruil_kwalificatie,
            capaciteit_wijziging=a.capaciteit_wijziging,
            beoogde_ingang=a.beoogde_ingang,
            motivering=a.motivering.strip(),
            reactie_uiterlijk=vandaag + datetime.timedelta(days=data.parameters.reactietermijn_dagen),
            impact=gevolgen,
            aangemaakt_door=door if getattr(door, "pk", None) else None,
        )
        Escalatiestap.objects.create(casus=casus, trede=Trede.DIALOOG, gestart_op=vandaag)
        for pk, redenen in sorted(betrokken.items()):
            Betrokkene.objects.create(casus=casus, instelling_id=pk, redenen=redenen)
        informeer_betrokkenen(casus)
        berichten.aan_regie(
            f"casus:{casus.pk}:nieuw",
            _("Nieuwe aankondiging %(nummer)s") % {"nummer": casus.nummer},
            _("%(instelling)s kondigt een voornemen aan; %(n)s instellingen zijn betrokken.")
            % {"instelling": instelling.naam, "n": len(betrokken)},
            casus,
        )
    return casus


def informeer_betrokkenen(casus: Casus) -> None:
    """Mail every concerned institution not yet told (their admins)."""
    for b in casus.betrokkenen.filter(genotificeerd_op__isnull=True):
        verstuurd = berichten.aan_instelling(
            b.instelling_id,
            f"casus:{casus.pk}:aankondiging",
            _("Aankondiging %(nummer)s: %(soort)s %(kwal)s in %(gemeente)s")
            % {
                "nummer": casus.nummer,
                "soort": casus.get_soort_display().lower(),
                "kwal": casus.kwalificatie,
                "gemeente": casus.gemeente.naam,
            },
            _(
                "%(instelling)s kondigt een voornemen aan dat uw instelling raakt (%(redenen)s). "
                "Reageer uiterlijk op %(datum)s."
            )
            % {
                "instelling": casus.instelling.naam,
                "redenen": "; ".join(b.reden_labels).lower(),
                "datum": casus.reactie_uiterlijk.strftime("%d-%m-%Y"),
            },
            casus,
        )
        if verstuurd:
            b.genotificeerd_op = timezone.now()
            b.save(update_fields=["genotificeerd_op"])


def is_partij(casus: Casus, instelling: Instelling) -> bool:
    return casus.instelling_id == instelling.pk or casus.betrokkenen.filter(instelling=instelling).exists()


def _moet_open_zijn(casus: Casus) -> None:
    if not casus.is_open:
        raise OverlegFout(_("Deze casus is %(status)s.") % {"status": casus.get_status_display().lower()})


def _meld_partijen(casus: Casus, van: Instelling | None, sleutel: str, onderwerp: str, tekst: str) -> None:
    ontvangers = {casus.instelling_id, *casus.betrokkenen.values_list("instelling_id", flat=True)}
    for pk in sorted(ontvangers - {van.pk if van else None}):
        berichten.aan_instelling(pk, sleutel, onderwerp, tekst, casus)


def reageer(casus: Casus, instelling: Instelling, standpunt: str, tekst: str, door=None) -> Bijdrage:
    """A concerned institution's response, with its position; it may respond again (the latest counts)."""
    _moet_open_zijn(casus)
    if not casus.betrokkenen.filter(instelling=instelling).exists():
        raise OverlegFout(_("Uw instelling is niet betrokken bij deze casus en kan er niet op reageren."))
    if standpunt not in Bijdrage.Standpunt.values:
        raise OverlegFout(_("Kies een standpunt."))
    if not tekst.strip():
        raise OverlegFout(_("Licht uw standpunt toe."))
    with transaction.atomic():
        bijdrage = Bijdrage.objects.create(
            casus=casus,
            instelling=instelling,
            soort=Bijdrage.Soort.REACTIE,
            standpunt=standpunt,
            tekst=tekst.strip(),
            auteur=door if getattr(door, "pk", None) else None,
        )
        berichten.aan_instelling(
            casus.instelling_id,
            f"casus:{casus.pk}:reactie:{bijdrage.pk}",
            _("Reactie op %(nummer)s van %(instelling)s") % {"nummer": casus.nummer, "instelling": instelling.naam},
            _("Standpunt: %(standpunt)s.") % {"standpunt": bijdrage.get_standpunt_display()},
            casus,
        )
    return bijdrage


def plaats_bericht(casus: Casus, instelling: Instelling, tekst: str, door=None) -> Bijdrage:
    """A message in the conversation, by the announcing or a concerned institution; all parties are told."""
    _moet_open_zijn(casus)
    if not is_partij(casus, instelling):
        raise OverlegFout(_("Uw instelling is geen partij in deze casus."))
    if not tekst.strip():
        raise OverlegFout(_("Het bericht is leeg."))
    with transaction.atomic():
        bijdrage = Bijdrage.objects.create(
            casus=casus,
            instelling=instelling,
            soort=Bijdrage.Soort.BERICHT,
            tekst=tekst.strip(),
            auteur=door if getattr(door, "pk", None) else None,
        )
        _meld_partijen(
            casus,
            instelling,
            f"casus:{casus.pk}:bericht:{bijdrage.pk}",
            _("Nieuw bericht in %(nummer)s") % {"nummer": casus.nummer},
            _("%(instelling)s schreef in het overleg.") % {"instelling": instelling.naam},
        )
    return bijdrage


def openstaande_bezwaren(casus: Casus) -> list[Instelling]:
    """Concerned institutions whose latest position is an objection."""
    laatste: dict[int, str] = {}
    for instelling_id, standpunt in casus.bijdragen.filter(soort=Bijdrage.Soort.REACTIE).values_list(
        "instelling_id", "standpunt"
    ):
        laatste[instelling_id] = standpunt
    ids = [pk for pk, s in laatste.items() if s == Bijdrage.Standpunt.BEZWAAR]
    return list(Instelling.objects.filter(pk__in=ids).order_by("naam"))


def huidige_stap(casus: Casus) -> Escalatiestap | None:
    return casus.stappen.order_by("-trede").first()


def vraag_escalatie(casus: Casus, instelling: Instelling, tekst: str, door=None) -> Bijdrage:
    """A party asks the portfolio regie for the next step; staff decide and run it."""
    _moet_open_zijn(casus)
    if not is_partij(casus, instelling):
        raise OverlegFout(_("Uw instelling is geen partij in deze casus."))
    stap = huidige_stap(casus)
    if stap is not None and stap.trede >= Trede.ARBITRAGE:
        raise OverlegFout(_("Na de arbitrage is er geen hogere trede: de uitspraak is bindend."))
    if not tekst.strip():
        raise OverlegFout(_("Licht toe waarom de instellingen er onderling niet uitkomen."))
    with transaction.atomic():
        bijdrage = Bijdrage.objects.create(
            casus=casus,
            instelling=instelling,
            soort=Bijdrage.Soort.VERZOEK,
            tekst=tekst.strip(),
            auteur=door if getattr(door, "pk", None) else None,
        )
        berichten.aan_regie(
            f"casus:{casus.pk}:verzoek:{bijdrage.pk}",
            _("Verzoek om escalatie in %(nummer)s") % {"nummer": casus.nummer},
            _("%(instelling)s vraagt om de volgende trede.") % {"instelling": instelling.naam},
            casus,
        )
    return bijdrage


def sluit_zonder_bezwaar(casus: Casus, instelling: Instelling, door=None, vandaag: datetime.date | None = None):
    """The announcing institution closes the dialogue: the period has passed and nobody objects."""
    vandaag = vandaag or timezone.localdate()
    _moet_open_zijn(casus)
    if casus.instelling_id != instelling.pk:
        raise OverlegFout(_("Alleen de aankondigende instelling kan het overleg zo afsluiten."))
    stap = huidige_stap(casus)
    if stap is None or stap.trede != Trede.DIALOOG or stap.is_afgerond:
        raise OverlegFout(_("De casus is geëscaleerd; de portfolioregie rondt haar af."))
    if vandaag <= casus.reactie_uiterlijk:
        raise OverlegFout(
            _("De reactietermijn loopt nog tot en met %(datum)s.")
            % {"datum": casus.reactie_uiterlijk.strftime("%d-%m-%Y")}
        )
    bezwaren = openstaande_bezwaren(casus)
    if bezwaren:
        raise OverlegFout(
            _("Er is nog bezwaar van %(namen)s. Ga het gesprek aan, of vraag om escalatie.")
            % {"namen": ", ".join(i.naam for i in bezwaren)}
        )
    with transaction.atomic():
        stap.afgerond_op = vandaag
        stap.uitkomst = Escalatiestap.Uitkomst.VERGELIJK
        stap.besluit = _("Geen bezwaar binnen de reactietermijn.")
        stap.save()
        casus.status = Casus.Status.AFGEROND
        casus.uitkomst = Casus.Uitkomst.DOORGAAN
        casus.uitkomst_motivering = stap.besluit
        casus.afgesloten_op = vandaag
        casus.save()
        _meld_partijen(
            casus,
            instelling,
            f"casus:{casus.pk}:afgerond",
            _("%(nummer)s afgerond: gaat door") % {"nummer": casus.nummer},
            _("Er kwam geen bezwaar binnen de reactietermijn; het voornemen gaat door."),
        )
    return casus


def trek_in(casus: Casus, instelling: Instelling, tekst: str = "", door=None, vandaag: datetime.date | None = None):
    """The announcing institution withdraws its intention — until a binding ruling has been given."""
    vandaag = vandaag or timezone.localdate()
    _moet_open_zijn(casus)
    if casus.instelling_id != instelling.pk:
        raise OverlegFout(_("Alleen de aankondigende instelling kan het voornemen intrekken."))
    if casus.stappen.filter(uitkomst=Escalatiestap.Uitkomst.UITSPRAAK).exists():
        raise OverlegFout(_("Er is een bindende uitspraak: die wordt uitgevoerd, intrekken kan niet meer."))
    with transaction.atomic():
        for stap in casus.stappen.filter(afgerond_op__isnull=True):
            stap.afgerond_op = vandaag
            stap.uitkomst = Escalatiestap.Uitkomst.VERGELIJK
            stap.besluit = _("Het voornemen is ingetrokken.")
            stap.save()
        casus.status = Casus.Status.INGETROKKEN
        casus.uitkomst = Casus.Uitkomst.AFGEZIEN
        casus.uitkomst_motivering = tekst.strip() or _("Het voornemen is ingetrokken.")
        casus.afgesloten_op = vandaag
        casus.save()
        if tekst.strip():
            Bijdrage.objects.create(
                casus=casus,
                instelling=instelling,
                soort=Bijdrage.Soort.BERICHT,
                tekst=tekst.strip(),
                auteur=door if getattr(door, "pk", None) else None,
            )
        _meld_partijen(
            casus,
            instelling,
            f"casus:{casus.pk}:ingetrokken",
            _("%(nummer)s ingetrokken") % {"nummer": casus.nummer},
            _("%(instelling)s heeft het voornemen ingetrokken.") % {"instelling": instelling.naam},
        )
    return casus


def casussen_van(instelling: Instelling):
    """The cases an institution announced or is concerned in."""
    from django.db.models import Q

    return (
        Casus.objects.filter(Q(instelling=instelling) | Q(betrokkenen__instelling=instelling))
        .distinct()
        .select_related("instelling", "kwalificatie", "gemeente")
    )
