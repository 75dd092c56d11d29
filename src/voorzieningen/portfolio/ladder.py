"""The escalation ladder on a case, run by the portfolio regie staff: a state machine with dates and documents.

dialogue → advice of the commissie governance → signal to the MBO Raad board → arbitration → joint evaluation.

Rules (from the sector text; where it is silent, our decision, shown on the staff page):

- A step starts only when the step before it has been completed without a settlement ('geen vergelijk'): as
  light as possible, as heavy as needed, one rung at a time; arbitration only when all earlier steps failed.
- Completing a step records its date (not before it started, not in the future), its outcome and the decision:
  the advice (step 2) and the board's answer (step 3, with the kind of intervention: a conversation, advice,
  expertise or a mediator) are required.
- Arbitration needs a committee composed for the case: an independent chair and at least two members of the
  commissie governance, none of them a board member of a party (the announcing institution, the partner, or a
  concerned institution). The ruling is binding and gets a deadline to be carried out (default 90 days).
- The joint evaluation follows the last step taken: after a settlement, or after the ruling has been carried
  out. After an arbitration the evaluation is required to close the case; after a settlement in steps 1–3 staff
  may also close the case directly.
- A ruling not carried out by its deadline is overdue: it is listed on the dashboard and the parties and staff
  are reminded weekly (``tasks.bewaak_termijnen``).
"""

import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import berichten
from .models import Betrokkene, Bijdrage, Casus, Commissielid, Escalatiestap, Regieinstellingen, Stapdocument, Trede

MIN_COMMISSIELEDEN = 2
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
DOCUMENT_EXTENSIES = {".pdf", ".odt", ".docx", ".doc", ".txt", ".png", ".jpg", ".jpeg", ".xlsx", ".ods", ".eml", ".msg"}
Uitkomst = Escalatiestap.Uitkomst


class LadderFout(Exception):
    """A step the ladder does not allow; the message says why, in Dutch."""


def huidige_stap(casus: Casus) -> Escalatiestap | None:
    return casus.stappen.order_by("-trede").first()


def partijen(casus: Casus) -> set[int]:
    """The institutions that are party to the case (for conflicts of interest and notices)."""
    return {casus.instelling_id, *casus.betrokkenen.values_list("instelling_id", flat=True)} | (
        {casus.partner_id} if casus.partner_id else set()
    )


def _open(casus: Casus) -> None:
    if not casus.is_open:
        raise LadderFout(_("Deze casus is %(status)s.") % {"status": casus.get_status_display().lower()})


def _datum(datum: datetime.date, vanaf: datetime.date, vandaag: datetime.date, wat: str) -> None:
    if datum > vandaag:
        raise LadderFout(_("De datum van %(wat)s ligt in de toekomst.") % {"wat": wat})
    if datum < vanaf:
        raise LadderFout(
            _("De datum van %(wat)s ligt vóór %(vanaf)s.") % {"wat": wat, "vanaf": vanaf.strftime("%d-%m-%Y")}
        )


def _meld(casus: Casus, sleutel: str, onderwerp: str, tekst: str) -> None:
    for pk in sorted(partijen(casus)):
        berichten.aan_instelling(pk, sleutel, onderwerp, tekst, casus)


def rond_stap_af(
    stap: Escalatiestap,
    uitkomst: str,
    besluit: str,
    datum: datetime.date,
    interventie: str = "",
    vandaag: datetime.date | None = None,
) -> Escalatiestap:
    """Complete dialogue, advice or signal with a settlement or without one."""
    vandaag = vandaag or timezone.localdate()
    _open(stap.casus)
    if stap.is_afgerond:
        raise LadderFout(_("Deze trede is al afgerond."))
    if stap.trede == Trede.ARBITRAGE:
        raise LadderFout(_("De arbitrage wordt afgerond met een uitspraak."))
    if stap.trede == Trede.EVALUATIE:
        raise LadderFout(_("De evaluatie wordt afgerond met de leerpunten."))
    if uitkomst not in (Uitkomst.VERGELIJK, Uitkomst.GEEN_VERGELIJK):
        raise LadderFout(_("Kies of er een vergelijk is bereikt."))
    if stap.trede in (Trede.ADVIES, Trede.SIGNAAL) and not besluit.strip():
        raise LadderFout(
            _("Leg het advies van de commissie governance vast.")
            if stap.trede == Trede.ADVIES
            else _("Leg het antwoord van het bestuur vast.")
        )
    if stap.trede == Trede.SIGNAAL and interventie not in Escalatiestap.Interventie.values:
        raise LadderFout(_("Kies de interventie van het bestuur: gesprek, advies, expertise of bemiddelaar."))
    if stap.trede != Trede.SIGNAAL and interventie:
        raise LadderFout(_("Een interventie van het bestuur hoort alleen bij het signaal aan het bestuur."))
    _datum(datum, stap.gestart_op, vandaag, _("afronden"))
    with transaction.atomic():
        stap.uitkomst, stap.besluit, stap.afgerond_op, stap.interventie = uitkomst, besluit.strip(), datum, interventie
        stap.save()
        _meld(
            stap.casus,
            f"casus:{stap.casus_id}:stap:{stap.trede}:afgerond",
            _("%(nummer)s: %(trede)s afgerond") % {"nummer": stap.casus.nummer, "trede": stap.get_trede_display()},
            _("Uitkomst: %(uitkomst)s.") % {"uitkomst": stap.get_uitkomst_display()},
        )
    return stap


def escaleer(casus: Casus, datum: datetime.date, vandaag: datetime.date | None = None) -> Escalatiestap:
    """Start the next rung; only after the current one ended without a settlement."""
    vandaag = vandaag or timezone.localdate()
    _open(casus)
    stap = huidige_stap(casus)
    if stap is None:
        raise LadderFout(_("Deze casus heeft nog geen dialoog."))
    if stap.trede >= Trede.ARBITRAGE:
        raise LadderFout(_("Na de arbitrage volgt alleen de gezamenlijke evaluatie: de uitspraak is bindend."))
    if not stap.is_afgerond:
        raise LadderFout(
            _("Rond eerst de trede '%(trede)s' af: een trede kan alleen volgen op de vorige.")
            % {"trede": stap.get_trede_display()}
        )
    if stap.uitkomst == Uitkomst.VERGELIJK:
        raise LadderFout(_("Op deze trede is een vergelijk bereikt; verder escaleren kan niet. Sluit de casus af."))
    _datum(datum, stap.afgerond_op, vandaag, _("de volgende trede"))
    volgende = Trede(stap.trede + 1)
    with transaction.atomic():
        nieuw = Escalatiestap.objects.create(casus=casus, trede=volgende, gestart_op=datum)
        _meld(
            casus,
            f"casus:{casus.pk}:stap:{volgende}:gestart",
            _("%(nummer)s: %(trede)s") % {"nummer": casus.nummer, "trede": volgende.label},
            _("De instellingen kwamen er op de vorige trede niet uit. De volgende trede is gestart: %(trede)s.")
            % {"trede": volgende.label},
        )
    return nieuw


def stel_commissie_samen(stap: Escalatiestap, voorzitter: Commissielid, leden: list[Commissielid]) -> Escalatiestap:
    _open(stap.casus)
    if stap.trede != Trede.ARBITRAGE:
        raise LadderFout(_("Een arbitragecommissie hoort bij de trede arbitrage."))
    if stap.is_afgerond:
        raise LadderFout(_("De uitspraak is gedaan; de commissie kan niet meer wijzigen."))
    if voorzitter.rol != Commissielid.Rol.VOORZITTER or not voorzitter.actief:
        raise LadderFout(_("De voorzitter is een actieve onafhankelijk voorzitter uit het register."))
    leden = list(dict.fromkeys(leden))
    if len(leden) < MIN_COMMISSIELEDEN:
        raise LadderFout(_("Kies ten minste %(n)s leden van de commissie governance.") % {"n": MIN_COMMISSIELEDEN})
    if any(lid.rol != Commissielid.Rol.LID or not lid.actief for lid in leden):
        raise LadderFout(_("De leden zijn actieve leden van de commissie governance."))
    betrokken = partijen(stap.casus)
    conflict = [lid.naam for lid in leden if lid.instelling_id in betrokken]
    if conflict:
        raise LadderFout(
            _("%(namen)s is bestuurder van een partij in deze casus en kan niet oordelen.")
            % {"namen": ", ".join(conflict)}
        )
    with transaction.atomic():
        stap.voorzitter = voorzitter
        stap.save(update_fields=["voorzitter"])
        stap.commissieleden.set(leden)
    return stap


def doe_uitspraak(
    stap: Escalatiestap,
    uitspraak: str,
    datum: datetime.date,
    uitvoeren_voor: datetime.date | None = None,
    vandaag: datetime.date | None = None,
) -> Escalatiestap:
    """The binding ruling of the arbitration committee, with the date by which it must be carried out."""
    vandaag = vandaag or timezone.localdate()
    _open(stap.casus)
    if stap.trede != Trede.ARBITRAGE:
        raise LadderFout(_("Alleen de arbitragecommissie doet een uitspraak."))
    if stap.is_afgerond:
        raise LadderFout(_("De uitspraak is al gedaan."))
    if stap.voorzitter_id is None or stap.commissieleden.count() < MIN_COMMISSIELEDEN:
        raise LadderFout(_("Stel eerst de arbitragecommissie samen: een onafhankelijk voorzitter en de leden."))
    if not uitspraak.strip():
        raise LadderFout(_("Leg de uitspraak vast."))
    _datum(datum, stap.gestart_op, vandaag, _("de uitspraak"))
    if uitvoeren_voor is None:
        uitvoeren_voor = datum + datetime.timedelta(days=Regieinstellingen.huidig().uitvoeringstermijn_dagen)
    if uitvoeren_voor <= datum:
        raise LadderFout(_("De termijn om de uitspraak uit te voeren ligt na de datum van de uitspraak."))
    with transaction.atomic():
        stap.besluit, stap.afgerond_op, stap.uitvoeren_voor = uitspraak.strip(), datum, uitvoeren_voor
        stap.uitkomst = Uitkomst.UITSPRAAK
        stap.save()
        casus = stap.casus
        casus.uitkomst = Casus.Uitkomst.UITSPRAAK
        casus.save(update_fields=["uitkomst"])
        _meld(
            casus,
            f"casus:{casus.pk}:uitspraak",
            _("%(nummer)s: bindende uitspraak") % {"nummer": casus.nummer},
            _(
                "De arbitragecommissie heeft uitspraak gedaan. De uitspraak is bindend en wordt uiterlijk op "
                "%(datum)s uitgevoerd."
            )
            % {"datum": uitvoeren_voor.strftime("%d-%m-%Y")},
        )
    return stap


def registreer_uitvoering(
    stap: Escalatiestap, datum: datetime.date, hoe: str, vandaag: datetime.date | None = None
) -> Escalatiestap:
    vandaag = vandaag or timezone.localdate()
    if stap.uitkomst != Uitkomst.UITSPRAAK:
        raise LadderFout(_("Er is geen uitspraak om uit te voeren."))
    if stap.uitgevoerd_op is not None:
        raise LadderFout(_("De uitvoering is al vastgelegd."))
    if not hoe.strip():
        raise LadderFout(_("Beschrijf hoe de uitspraak is uitgevoerd."))
    _datum(datum, stap.afgerond_op, vandaag, _("de uitvoering"))
    stap.uitgevoerd_op, stap.uitvoering = datum, hoe.strip()
    stap.save(update_fields=["uitgevoerd_op", "uitvoering"])
    return stap


def start_evaluatie(casus: Casus, datum: datetime.date, vandaag: datetime.date | None = None) -> Escalatiestap:
    vandaag = vandaag or timezone.localdate()
    _open(casus)
    stap = huidige_stap(casus)
    if stap is not None and stap.trede == Trede.EVALUATIE:
        raise LadderFout(_("De evaluatie is al gestart."))
    if stap is None or not stap.is_afgerond:
        raise LadderFout(_("De evaluatie volgt op een afgeronde trede."))
    if stap.uitkomst == Uitkomst.GEEN_VERGELIJK:
        raise LadderFout(_("Er is nog geen vergelijk: escaleer naar de volgende trede."))
    if stap.uitkomst == Uitkomst.UITSPRAAK and stap.uitgevoerd_op is None:
        raise LadderFout(_("De uitspraak is nog niet uitgevoerd; de evaluatie volgt na de uitvoering."))
    _datum(datum, stap.uitgevoerd_op or stap.afgerond_op, vandaag, _("de evaluatie"))
    with transaction.atomic():
        nieuw = Escalatiestap.objects.create(casus=casus, trede=Trede.EVALUATIE, gestart_op=datum)
        _meld(
            casus,
            f"casus:{casus.pk}:evaluatie",
            _("%(nummer)s: gezamenlijke evaluatie") % {"nummer": casus.nummer},
            _(
                "De portfolioregie nodigt de betrokken instellingen uit voor de gezamenlijke evaluatie: wat leren we "
                "van deze casus?"
            ),
        )
    return nieuw


def _sluit(casus: Casus, uitkomst: str, motivering: str, datum: datetime.date) -> None:
    casus.status = Casus.Status.AFGEROND
    casus.uitkomst = uitkomst
    casus.uitkomst_motivering = motivering.strip()
    casus.afgesloten_op = datum
    casus.save()
    _meld(
        casus,
        f"casus:{casus.pk}:gesloten",
        _("%(nummer)s afgesloten") % {"nummer": casus.nummer},
        _("Uitkomst: %(uitkomst)s.") % {"uitkomst": casus.get_uitkomst_display()},
    )


def rond_evaluatie_af(
    stap: Escalatiestap,
    leerpunten: str,
    datum: datetime.date,
    uitkomst: str = "",
    motivering: str = "",
    vandaag: datetime.date | None = None,
) -> Casus:
    """Record the lessons learnt; this closes the case. After a ruling, the outcome is the ruling."""
    vandaag = vandaag or timezone.localdate()
    casus = stap.casus
    _open(casus)
    if stap.trede != Trede.EVALUATIE:
        raise LadderFout(_("Dit is geen evaluatie."))
    if stap.is_afgerond:
        raise LadderFout(_("De evaluatie is al afgerond."))
    if not leerpunten.strip():
        raise LadderFout(_("Leg de leerpunten en verbeterkansen vast."))
    was_arbitrage = casus.stappen.filter(trede=Trede.ARBITRAGE, uitkomst=Uitkomst.UITSPRAAK).exists()
    uitkomst = Casus.Uitkomst.UITSPRAAK if was_arbitrage else uitkomst
    if uitkomst not in Casus.Uitkomst.values or (uitkomst == Casus.Uitkomst.UITSPRAAK and not was_arbitrage):
        raise LadderFout(_("Kies de uitkomst van de casus."))
    _datum(datum, stap.gestart_op, vandaag, _("de evaluatie"))
    with transaction.atomic():
        stap.besluit, stap.afgerond_op, stap.uitkomst = leerpunten.strip(), datum, Uitkomst.AFGEROND
        stap.save()
        _sluit(casus, uitkomst, motivering or casus.uitkomst_motivering, datum)
    return casus


def sluit_casus(
    casus: Casus, uitkomst: str, motivering: str, datum: datetime.date, vandaag: datetime.date | None = None
) -> Casus:
    """Close after a settlement in steps 1–3, without an evaluation."""
    vandaag = vandaag or timezone.localdate()
    _open(casus)
    stap = huidige_stap(casus)
    if casus.stappen.filter(trede=Trede.ARBITRAGE).exists():
        raise LadderFout(_("Na een arbitrage wordt de casus afgesloten met de gezamenlijke evaluatie."))
    if stap is None or not stap.is_afgerond or stap.uitkomst != Uitkomst.VERGELIJK:
        raise LadderFout(_("Een casus wordt afgesloten na een vergelijk op de laatste trede."))
    if uitkomst not in Casus.Uitkomst.values or uitkomst == Casus.Uitkomst.UITSPRAAK:
        raise LadderFout(_("Kies de uitkomst van de casus."))
    if not motivering.strip():
        raise LadderFout(_("Licht de uitkomst toe: wat is afgesproken?"))
    _datum(datum, stap.afgerond_op, vandaag, _("afsluiten"))
    with transaction.atomic():
        _sluit(casus, uitkomst, motivering, datum)
    return casus


def voeg_document_toe(stap: Escalatiestap, titel: str, bestand=None, url: str = "", door=None) -> Stapdocument:
    if not titel.strip():
        raise LadderFout(_("Geef het document een titel."))
    if bool(bestand) == bool(url.strip()):
        raise LadderFout(_("Voeg een bestand toe of geef een link, niet allebei en niet geen van beide."))
    if bestand:
        if Path(bestand.name).suffix.lower() not in DOCUMENT_EXTENSIES:
            raise LadderFout(
                _("Dit soort bestand wordt niet aangenomen; gebruik %(soorten)s.")
                % {"soorten": ", ".join(sorted(DOCUMENT_EXTENSIES))}
            )
        if bestand.size > MAX_DOCUMENT_BYTES:
            raise LadderFout(_("Het bestand is groter dan 20 MB."))
    document = Stapdocument(
        stap=stap, titel=titel.strip(), url=url.strip(), toegevoegd_door=door if getattr(door, "pk", None) else None
    )
    if bestand:
        document.bestand.save(Path(bestand.name).name, bestand, save=False)
    try:
        document.full_clean()
    except ValidationError as fout:
        if document.bestand:
            document.bestand.delete(save=False)
        raise LadderFout(" ".join(fout.messages)) from fout
    document.save()
    return document


def voeg_betrokkene_toe(casus: Casus, instelling) -> Betrokkene:
    from .overleg import informeer_betrokkenen

    _open(casus)
    if instelling.pk == casus.instelling_id:
        raise LadderFout(_("De aankondigende instelling is al partij."))
    betrokkene, nieuw = Betrokkene.objects.get_or_create(
        casus=casus, instelling=instelling, defaults={"redenen": [Betrokkene.Reden.TOEGEVOEGD]}
    )
    if not nieuw:
        raise LadderFout(_("%(naam)s is al betrokken.") % {"naam": instelling.naam})
    informeer_betrokkenen(casus)
    return betrokkene


def regiebericht(casus: Casus, tekst: str, door=None) -> Bijdrage:
    """A message from the portfolio regie in the conversation, seen by all parties."""
    if not tekst.strip():
        raise LadderFout(_("Het bericht is leeg."))
    with transaction.atomic():
        bijdrage = Bijdrage.objects.create(
            casus=casus,
            soort=Bijdrage.Soort.REGIE,
            tekst=tekst.strip(),
            auteur=door if getattr(door, "pk", None) else None,
        )
        _meld(
            casus,
            f"casus:{casus.pk}:regie:{bijdrage.pk}",
            _("Bericht van de portfolioregie over %(nummer)s") % {"nummer": casus.nummer},
            tekst.strip(),
        )
    return bijdrage


# --- the dashboard ---------------------------------------------------------------------------------------------


def te_late_uitspraken(vandaag: datetime.date | None = None):
    vandaag = vandaag or timezone.localdate()
    return (
        Escalatiestap.objects.filter(
            trede=Trede.ARBITRAGE, uitkomst=Uitkomst.UITSPRAAK, uitgevoerd_op__isnull=True, uitvoeren_voor__lt=vandaag
        )
        .select_related("casus__instelling", "casus__kwalificatie")
        .order_by("uitvoeren_voor")
    )


def dashboard(vandaag: datetime.date | None = None) -> dict:
    """Open cases per step, overdue rulings, expired response periods with objections, escalation requests."""
    from .overleg import openstaande_bezwaren

    vandaag = vandaag or timezone.localdate()
    open_casussen = list(
        Casus.objects.filter(status=Casus.Status.OPEN)
        .select_related("instelling", "kwalificatie", "gemeente")
        .prefetch_related("stappen")
    )
    per_trede = {t: [] for t in Trede}
    for casus in open_casussen:
        stappen = sorted(casus.stappen.all(), key=lambda s: s.trede)
        casus.huidige = stappen[-1] if stappen else None
        per_trede[Trede(casus.huidige.trede if casus.huidige else Trede.DIALOOG)].append(casus)
    termijn_verlopen = []
    for casus in per_trede[Trede.DIALOOG]:
        if casus.reactie_uiterlijk < vandaag and not (casus.huidige and casus.huidige.is_afgerond):
            casus.bezwaren = openstaande_bezwaren(casus)
            termijn_verlopen.append(casus)
    verzoeken = (
        Bijdrage.objects.filter(soort=Bijdrage.Soort.VERZOEK, casus__status=Casus.Status.OPEN)
        .select_related("casus", "instelling")
        .order_by("-geplaatst_op")
    )
    laatste_start = {}
    for casus in open_casussen:
        laatste_start[casus.pk] = casus.huidige.gestart_op if casus.huidige else None
    open_verzoeken = [
        v
        for v in verzoeken
        if laatste_start.get(v.casus_id) is None or v.geplaatst_op.date() >= laatste_start[v.casus_id]
    ]
    return {
        "per_trede": [(t, per_trede[t]) for t in Trede],
        "te_laat": list(te_late_uitspraken(vandaag)),
        "termijn_verlopen": termijn_verlopen,
        "verzoeken": open_verzoeken,
        "open": len(open_casussen),
        "afgerond_dit_jaar": Casus.objects.filter(
            ~Q(status=Casus.Status.OPEN), afgesloten_op__year=vandaag.year
        ).count(),
    }


def herinner_termijnen(vandaag: datetime.date | None = None) -> dict[str, int]:
    """Daily: remind about overdue rulings (weekly per ruling) and tell announcers their period has passed (once)."""
    from .overleg import openstaande_bezwaren

    vandaag = vandaag or timezone.localdate()
    jaar, week, _dag = vandaag.isocalendar()
    te_laat = 0
    for stap in te_late_uitspraken(vandaag):
        casus = stap.casus
        tekst = _(
            "De bindende uitspraak in %(nummer)s had uiterlijk op %(datum)s uitgevoerd moeten zijn. Leg de uitvoering "
            "vast, of neem contact op met de portfolioregie."
        ) % {"nummer": casus.nummer, "datum": stap.uitvoeren_voor.strftime("%d-%m-%Y")}
        onderwerp = _("Uitspraak niet op tijd uitgevoerd: %(nummer)s") % {"nummer": casus.nummer}
        _meld(casus, f"casus:{casus.pk}:te-laat:{jaar}-{week}", onderwerp, tekst)
        berichten.aan_regie(f"casus:{casus.pk}:te-laat:{jaar}-{week}", onderwerp, tekst, casus)
        te_laat += 1
    verstreken = 0
    for casus in Casus.objects.filter(
        status=Casus.Status.OPEN,
        reactie_uiterlijk__lt=vandaag,
        stappen__trede=Trede.DIALOOG,
        stappen__afgerond_op__isnull=True,
    ).select_related("kwalificatie", "gemeente", "instelling"):
        bezwaren = openstaande_bezwaren(casus)
        if bezwaren:
            tekst = _("De reactietermijn is verstreken. Er is bezwaar van %(namen)s: ga het gesprek aan.") % {
                "namen": ", ".join(i.naam for i in bezwaren)
            }
        else:
            tekst = _("De reactietermijn is verstreken zonder openstaand bezwaar. U kunt het overleg afsluiten.")
        berichten.aan_instelling(
            casus.instelling_id,
            f"casus:{casus.pk}:termijn-verstreken",
            _("Reactietermijn verstreken: %(nummer)s") % {"nummer": casus.nummer},
            tekst,
            casus,
        )
        verstreken += 1
    return {"te_laat": te_laat, "termijn_verstreken": verstreken}
