"""Supplier contracts: extensions, decision reminders to staff, the yearly compliance check and the AV report."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from voorzieningen.core import outbox

from .models import Contract, Contracttoetsing, Contractverlenging, Cooperatie

# From this day of the year, a contract without this year's compliance check is reminded about.
TOETSING_HERINNERING_VANAF = (10, 1)


def _d(datum: datetime.date) -> str:
    return datum.strftime("%d-%m-%Y")


@transaction.atomic
def verleng(contract: Contract, *, besloten_op: datetime.date, besluit: str = "") -> Contractverlenging:
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.beeindigd_per is not None:
        raise ValidationError(
            _("Besloten is het contract per %(datum)s te laten aflopen.") % {"datum": _d(contract.beeindigd_per)}
        )
    if not contract.kan_verlengen:
        raise ValidationError(
            _("Het contract is al %(n)d keer verlengd; meer verlengingen zijn niet mogelijk.")
            % {"n": contract.benutte_verlengingen}
        )
    if besloten_op > contract.einddatum:
        raise ValidationError(
            _("Het contract is op %(datum)s afgelopen; verlengen kan niet meer.") % {"datum": _d(contract.einddatum)}
        )
    return Contractverlenging.objects.create(
        contract=contract, volgnummer=contract.benutte_verlengingen + 1, besloten_op=besloten_op, besluit=besluit
    )


@transaction.atomic
def laat_aflopen(contract: Contract, *, per: datetime.date | None = None) -> Contract:
    """Decided not to extend (further): the contract ends at its current end date, or earlier when agreed."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.beeindigd_per is not None:
        raise ValidationError(_("Het contract loopt al af per %(datum)s.") % {"datum": _d(contract.beeindigd_per)})
    einde = contract.einddatum
    per = per or einde
    if per > einde or per < contract.ingangsdatum:
        raise ValidationError(
            _("Kies een datum tussen %(begin)s en %(einde)s.")
            % {"begin": _d(contract.ingangsdatum), "einde": _d(einde)}
        )
    contract.beeindigd_per = per
    contract.save(update_fields=["beeindigd_per"])
    return contract


def registreer_toetsing(
    contract: Contract,
    *,
    jaar: int,
    uitgevoerd_op: datetime.date,
    uitkomst: str,
    bevindingen: str,
    maatregelen: str = "",
    door=None,
) -> Contracttoetsing:
    toetsing = Contracttoetsing(
        contract=contract,
        jaar=jaar,
        uitgevoerd_op=uitgevoerd_op,
        uitkomst=uitkomst,
        bevindingen=bevindingen,
        maatregelen=maatregelen,
        uitgevoerd_door=door,
    )
    toetsing.full_clean()
    toetsing.save()
    return toetsing


def loopt_in(contract: Contract, jaar: int) -> bool:
    return contract.ingangsdatum <= datetime.date(jaar, 12, 31) and contract.einddatum >= datetime.date(jaar, 1, 1)


# --- Reminders -----------------------------------------------------------------------------------------------------


def medewerkers_contractbeheer():
    """Staff who may change contracts: they get the reminders."""
    return (
        get_user_model()
        .objects.with_perm("cooperatie.change_contract", backend="django.contrib.auth.backends.ModelBackend")
        .filter(is_staff=True, is_active=True)
        .exclude(email="")
        .order_by("pk")
    )


def _mail(sleutel: str, onderwerp: str, sjabloon: str, context: dict) -> int:
    aantal = 0
    for medewerker in medewerkers_contractbeheer():
        outbox.plaats(
            "email",
            f"{sleutel}:{medewerker.pk}",
            {"aan": medewerker.email, "onderwerp": onderwerp, "tekst": render_to_string(sjabloon, context)},
        )
        aantal += 1
    return aantal


@dataclass
class Herinneringen:
    besluiten: list[Contract] = field(default_factory=list)
    toetsingen: list[Contract] = field(default_factory=list)
    mails: int = 0


@transaction.atomic
def stuur_herinneringen(op: datetime.date | None = None) -> Herinneringen:
    """Daily: remind staff of coming renewal decisions and of missing yearly checks.

    Each reminder goes once per contract per decision date (or per year for the check): the outbox key makes a
    second run a no-op, so the daily job may run as often as it likes.
    """
    op = op or timezone.localdate()
    resultaat = Herinneringen()
    with translation.override("nl"):
        for contract in Contract.objects.select_related("leverancier", "cooperatie").filter(beeindigd_per__isnull=True):
            beslisdatum, herinnering = contract.volgende_beslisdatum, contract.herinneringsdatum
            if beslisdatum and herinnering <= op <= contract.einddatum:
                resultaat.besluiten.append(contract)
                onderwerp = _("Besluit nodig vóór %(datum)s: contract %(contract)s") % {
                    "datum": _d(beslisdatum),
                    "contract": contract,
                }
                resultaat.mails += _mail(
                    f"contractbesluit:{contract.pk}:{beslisdatum.isoformat()}",
                    onderwerp,
                    "cooperatie/email/contract_besluit.txt",
                    {"contract": contract, "beslisdatum": beslisdatum},
                )
                if contract.laatste_herinnering_voor != beslisdatum:
                    contract.laatste_herinnering_voor = beslisdatum
                    contract.save(update_fields=["laatste_herinnering_voor"])
        if (op.month, op.day) >= TOETSING_HERINNERING_VANAF:
            for contract in ontbrekende_toetsingen(None, op.year):
                resultaat.toetsingen.append(contract)
                onderwerp = _("Jaarlijkse toetsing %(jaar)d ontbreekt: contract %(contract)s") % {
                    "jaar": op.year,
                    "contract": contract,
                }
                resultaat.mails += _mail(
                    f"contracttoetsing:{contract.pk}:{op.year}",
                    onderwerp,
                    "cooperatie/email/contract_toetsing.txt",
                    {"contract": contract, "jaar": op.year},
                )
    return resultaat


# --- The AV report -------------------------------------------------------------------------------------------------


def ontbrekende_toetsingen(cooperatie: Cooperatie | None, jaar: int) -> list[Contract]:
    contracten = Contract.objects.select_related("leverancier").exclude(toetsingen__jaar=jaar)
    if cooperatie is not None:
        contracten = contracten.filter(cooperatie=cooperatie)
    return [c for c in contracten if loopt_in(c, jaar) and c.ingangsdatum.year < jaar]


@dataclass
class Rapportregel:
    contract: Contract
    toetsing: Contracttoetsing | None
    verlengingen: list[Contractverlenging]
    signalen: list[str]


def av_rapport(cooperatie: Cooperatie, jaar: int, *, op: datetime.date | None = None) -> list[Rapportregel]:
    """Every contract that runs in the year, with its yearly check, extensions and what needs the AV's attention.

    A contract that started in the year is not yet due for a check (the first check is the year after it started).
    """
    op = op or timezone.localdate()
    regels = []
    contracten = (
        Contract.objects.filter(cooperatie=cooperatie)
        .select_related("leverancier")
        .prefetch_related("toetsingen", "verlengingen")
        .order_by("leverancier__naam", "onderwerp")
    )
    for contract in contracten:
        if not loopt_in(contract, jaar):
            continue
        toetsing = next((t for t in contract.toetsingen.all() if t.jaar == jaar), None)
        signalen = []
        if toetsing is None and contract.ingangsdatum.year < jaar:
            signalen.append(_("jaarlijkse toetsing %(jaar)d ontbreekt") % {"jaar": jaar})
        elif toetsing is not None and toetsing.uitkomst != Contracttoetsing.Uitkomst.VOLDOET:
            signalen.append(toetsing.get_uitkomst_display())
        beslisdatum = contract.volgende_beslisdatum
        if beslisdatum and beslisdatum < op:
            signalen.append(_("beslisdatum %(datum)s verstreken") % {"datum": _d(beslisdatum)})
        elif beslisdatum and beslisdatum.year <= jaar + 1:
            soort = _("verlengen") if contract.kan_verlengen else _("opnieuw aanbesteden")
            signalen.append(_("besluit (%(soort)s) vóór %(datum)s") % {"soort": soort, "datum": _d(beslisdatum)})
        regels.append(Rapportregel(contract, toetsing, list(contract.verlengingen.all()), signalen))
    return regels
