"""Invoicing members: tariff arithmetic, participant-count import, concept → final (numbered) → sent, credit notes.

Arithmetic rules (all ``Decimal``):

- A line is quantity × unit price, rounded half-up to cents. The weighted participant count itself is not rounded
  (10 BBL participants × 0.35 = 3.5 weighted participants): the tariff says 'per gewogen deelnemer', and rounding
  the count would charge for participants that are not there.
- VAT is computed per VAT rate over the sum of the lines at that rate and rounded half-up once (see ``totalen``).
- A credit note copies the lines with negated quantities, so every amount is the exact negative of the original.

Numbering: one series per cooperative per year of the invoice date (invoices and credit notes alike), e.g.
MBOV-2021-00001; a number is taken only when an invoice is made final, so concepts never leave gaps.
"""

import base64
import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from voorzieningen.core import outbox
from voorzieningen.core.services import Actor, audit_read

from .dienstverlening import afgenomen_diensten, leden_in_jaar
from .models import (
    Cooperatie,
    Deelnemertelling,
    Dienst,
    Facturatiegegevens,
    Factuur,
    Factuurgegevens,
    Factuurregel,
    Factuurteller,
    Lid,
    Tarief,
    Tariefcomponent,
)
from .models.facturen import rond_af

HONDERD = Decimal(100)


class FacturatieFout(ValidationError):
    """Something stops an invoice; the message tells staff what to fix."""


# --- Formatting ----------------------------------------------------------------------------------------------------


def getal_nl(waarde: Decimal, decimalen: int | None = None) -> str:
    """Dutch notation: 12.840,5 (thousands '.', decimal ','); trailing zeros dropped unless ``decimalen`` is given."""
    waarde = Decimal(waarde)
    if decimalen is None:
        tekst = f"{waarde:,f}"
        if "." in tekst:
            tekst = tekst.rstrip("0").rstrip(".")
    else:
        tekst = f"{waarde:,.{decimalen}f}"
    return tekst.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def bedrag_nl(waarde: Decimal) -> str:
    teken = "-" if waarde < 0 else ""
    return f"{teken}€ {getal_nl(abs(waarde), 2)}"


# --- Arithmetic ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Regel:
    dienst: Dienst | None
    omschrijving: str
    berekening: str
    aantal: Decimal
    eenheidsprijs: Decimal
    btw_percentage: Decimal

    @property
    def bedrag(self) -> Decimal:
        return rond_af(self.aantal * self.eenheidsprijs)


@dataclass(frozen=True)
class Btwgroep:
    percentage: Decimal
    grondslag: Decimal
    btw: Decimal


@dataclass(frozen=True)
class Totalen:
    excl: Decimal
    btw: Decimal
    incl: Decimal
    groepen: tuple[Btwgroep, ...]


def totalen(regels) -> Totalen:
    """Sum the lines; VAT per VAT rate over the sum of the lines at that rate, rounded half-up once.

    Why per rate and not per line: EN 16931, and so Peppol BIS Billing 3.0 and the NLCIUS, define an invoice's VAT
    per VAT category as taxable amount × rate rounded to cents (rule BR-CO-17); UBL invoice lines carry no VAT amount.
    Computing it the same way keeps the stored totals, the PDF and the UBL identical to what the receiving system
    recomputes. (Per-line rounding can differ: two lines of € 0,50 at 21% give € 0,22 per line, € 0,21 per rate.)
    """
    per_tarief: dict[Decimal, Decimal] = {}
    for regel in regels:
        pct = Decimal(regel.btw_percentage).quantize(Decimal("0.01"))
        per_tarief[pct] = per_tarief.get(pct, Decimal("0.00")) + Decimal(regel.bedrag)
    groepen = tuple(
        Btwgroep(pct, grondslag, rond_af(grondslag * pct / HONDERD)) for pct, grondslag in sorted(per_tarief.items())
    )
    excl = sum((g.grondslag for g in groepen), Decimal("0.00"))
    btw = sum((g.btw for g in groepen), Decimal("0.00"))
    return Totalen(excl, btw, excl + btw, groepen)


def gewogen_deelnemers(telling: Deelnemertelling, component: Tariefcomponent) -> Decimal:
    return telling.bol * component.weging_bol + telling.bbl * component.weging_bbl


def _component_regel(lid: Lid, jaar: int, tarief: Tarief, component: Tariefcomponent) -> Regel:
    dienst = tarief.dienst
    omschrijving = f"{dienst.naam}: {component.omschrijving} {jaar}"
    if component.soort == Tariefcomponent.Soort.VAST:
        return Regel(dienst, omschrijving, "", Decimal(1), component.prijs, tarief.btw_percentage)
    peiljaar = jaar - component.peiljaar_verschil
    telling = Deelnemertelling.objects.filter(lid=lid, jaar=peiljaar).first()
    if telling is None:
        raise FacturatieFout(
            _(
                "Voor %(lid)s ontbreekt de deelnemertelling van %(peiljaar)s, nodig voor ‘%(dienst)s’ %(jaar)s "
                "(telling t−%(n)s). Importeer eerst de deelnemertellingen."
            )
            % {"lid": lid, "peiljaar": peiljaar, "dienst": dienst.naam, "jaar": jaar, "n": component.peiljaar_verschil}
        )
    aantal = gewogen_deelnemers(telling, component)
    berekening = _("Telling %(peiljaar)s: BOL %(bol)s × %(wbol)s + BBL %(bbl)s × %(wbbl)s = %(aantal)s gewogen") % {
        "peiljaar": peiljaar,
        "bol": getal_nl(telling.bol),
        "wbol": getal_nl(component.weging_bol),
        "bbl": getal_nl(telling.bbl),
        "wbbl": getal_nl(component.weging_bbl),
        "aantal": getal_nl(aantal),
    }
    return Regel(dienst, omschrijving, berekening, aantal, component.prijs, tarief.btw_percentage)


def bereken_regels(lid: Lid, jaar: int) -> list[Regel]:
    """The lines of a member's invoice for a year: per service it takes, per component of that year's tariff."""
    diensten = afgenomen_diensten(lid, jaar)
    if not diensten:
        raise FacturatieFout(_("%(lid)s neemt in %(jaar)s geen diensten af.") % {"lid": lid, "jaar": jaar})
    regels = []
    for dienst in diensten:
        tarief = Tarief.objects.filter(dienst=dienst, jaar=jaar).prefetch_related("componenten").first()
        if tarief is None:
            raise FacturatieFout(
                _("Er is geen tarief %(jaar)s voor ‘%(dienst)s’, die %(lid)s afneemt.")
                % {"jaar": jaar, "dienst": dienst.naam, "lid": lid}
            )
        componenten = list(tarief.componenten.all())
        if not componenten:
            raise FacturatieFout(
                _("Het tarief %(jaar)s voor ‘%(dienst)s’ heeft geen componenten (vul 0,00 in als de dienst gratis is).")
                % {"jaar": jaar, "dienst": dienst.naam}
            )
        regels += [_component_regel(lid, jaar, tarief, component) for component in componenten]
    return regels


# --- Parties ---------------------------------------------------------------------------------------------------------


def referentie_van(lid: Lid) -> str:
    """What the member recognises the invoice by (Peppol asks a buyer reference): its own, else BRIN/bestuurcode."""
    gegevens = Factuurgegevens.objects.filter(lid=lid).first()
    if gegevens and gegevens.referentie:
        return gegevens.referentie
    if lid.instelling_id:
        return lid.instelling.brin
    if lid.bestuur_id:
        return lid.bestuur.code
    return f"LID-{lid.pk}"


def _volledig(obj, wat: str) -> None:
    try:
        obj.full_clean(exclude=["cooperatie", "lid"])
    except ValidationError as exc:
        raise FacturatieFout(
            _("De %(wat)s zijn niet volledig of niet juist: %(fouten)s")
            % {"wat": wat, "fouten": "; ".join(exc.messages)}
        ) from exc


def leverancier_gegevens(cooperatie: Cooperatie) -> dict:
    gegevens = Facturatiegegevens.objects.filter(cooperatie=cooperatie).first()
    if gegevens is None:
        raise FacturatieFout(
            _("Vul eerst de facturatiegegevens van %(cooperatie)s in (naam, adres, KvK, btw-nummer, IBAN).")
            % {"cooperatie": cooperatie}
        )
    _volledig(gegevens, _("facturatiegegevens van de coöperatie"))
    return {
        "naam": gegevens.rechtsnaam,
        "straat": gegevens.straat,
        "postcode": gegevens.postcode,
        "plaats": gegevens.plaats,
        "land": "NL",
        "kvk": gegevens.kvk_nummer,
        "btw": gegevens.btw_nummer,
        "iban": gegevens.iban.replace(" ", "").upper(),
        "bic": gegevens.bic,
        "email": gegevens.email,
        "betaaltermijn_dagen": gegevens.betaaltermijn_dagen,
    }


def afnemer_gegevens(lid: Lid) -> dict:
    gegevens = Factuurgegevens.objects.filter(lid=lid).first()
    if gegevens is None:
        raise FacturatieFout(
            _("Vul eerst de factuurgegevens van %(lid)s in (adres en KvK-nummer of OIN).") % {"lid": lid}
        )
    _volledig(gegevens, _("factuurgegevens van %(lid)s") % {"lid": lid})
    return {
        "naam": gegevens.factuurnaam or lid.naam,
        "tav": gegevens.ter_attentie_van,
        "straat": gegevens.straat,
        "postcode": gegevens.postcode,
        "plaats": gegevens.plaats,
        "land": "NL",
        "kvk": gegevens.kvk_nummer,
        "oin": gegevens.oin,
        "btw": gegevens.btw_nummer,
        "referentie": referentie_van(lid),
    }


# --- Concept, final, credit note -------------------------------------------------------------------------------------


def _is_gecrediteerd(factuur: Factuur) -> bool:
    return factuur.creditnotas.filter(status=Factuur.Status.DEFINITIEF).exists()


def _zet_regels(factuur: Factuur, regels: list[Regel]) -> None:
    factuur.regels.all().delete()
    for volgorde, regel in enumerate(regels, start=1):
        Factuurregel.objects.create(
            factuur=factuur,
            volgorde=volgorde,
            dienst=regel.dienst,
            omschrijving=regel.omschrijving[:255],
            berekening=regel.berekening[:255],
            aantal=regel.aantal,
            eenheidsprijs=regel.eenheidsprijs,
            btw_percentage=regel.btw_percentage,
        )
    som = totalen(factuur.regels.all())
    factuur.totaal_excl, factuur.btw_totaal, factuur.totaal_incl = som.excl, som.btw, som.incl
    factuur.save()


@transaction.atomic
def maak_conceptfactuur(lid: Lid, jaar: int) -> Factuur:
    """Create, or recalculate, the member's concept invoice for a year."""
    Lid.objects.select_for_update().filter(pk=lid.pk).first()
    for eerdere in Factuur.objects.filter(
        lid=lid, jaar=jaar, soort=Factuur.Soort.FACTUUR, status=Factuur.Status.DEFINITIEF
    ):
        if not _is_gecrediteerd(eerdere):
            raise FacturatieFout(
                _(
                    "Voor %(lid)s is over %(jaar)s al factuur %(nummer)s opgemaakt; "
                    "maak eerst een creditnota als die niet klopt."
                )
                % {"lid": lid, "jaar": jaar, "nummer": eerdere.nummer}
            )
    regels = bereken_regels(lid, jaar)
    factuur = Factuur.objects.filter(
        lid=lid, jaar=jaar, soort=Factuur.Soort.FACTUUR, status=Factuur.Status.CONCEPT
    ).first() or Factuur(cooperatie_id=lid.cooperatie_id, lid=lid, jaar=jaar)
    factuur.save()
    _zet_regels(factuur, regels)
    return factuur


@dataclass
class Batchresultaat:
    facturen: list[Factuur] = field(default_factory=list)
    fouten: list[str] = field(default_factory=list)


def maak_conceptfacturen(cooperatie: Cooperatie, jaar: int) -> Batchresultaat:
    """A concept invoice for every member of the year; a member that cannot be invoiced is reported, not fatal."""
    resultaat = Batchresultaat()
    for lid in leden_in_jaar(cooperatie, jaar).order_by("naam"):
        try:
            resultaat.facturen.append(maak_conceptfactuur(lid, jaar))
        except FacturatieFout as exc:
            resultaat.fouten.extend(exc.messages)
    return resultaat


def factuurnummer(voorvoegsel: str, reeksjaar: int, volgnummer: int) -> str:
    return f"{voorvoegsel}{reeksjaar}-{volgnummer:05d}"


def _neem_nummer(cooperatie_id: int, jaar: int) -> int:
    """The next number of the series. The counter row stays locked until the transaction ends, so a second
    finalisation waits; a rollback returns the number with it, so no number is skipped or used twice."""
    Factuurteller.objects.get_or_create(cooperatie_id=cooperatie_id, jaar=jaar)
    teller = Factuurteller.objects.select_for_update().get(cooperatie_id=cooperatie_id, jaar=jaar)
    teller.laatste += 1
    teller.save(update_fields=["laatste"])
    return teller.laatste


@transaction.atomic
def maak_definitief(factuur: Factuur, *, datum: datetime.date | None = None) -> Factuur:
    """Number the invoice and freeze it (with a snapshot of both parties). From here on, only a credit note corrects."""
    factuur = Factuur.objects.select_for_update().get(pk=factuur.pk)
    if factuur.is_definitief:
        raise FacturatieFout(_("%(factuur)s is al definitief.") % {"factuur": factuur})
    regels = list(factuur.regels.all())
    if not regels:
        raise FacturatieFout(_("Een factuur zonder regels kan niet definitief worden."))
    if factuur.soort == Factuur.Soort.CREDITNOTA:
        origineel = Factuur.objects.select_for_update().get(pk=factuur.origineel_id)
        if _is_gecrediteerd(origineel):
            raise FacturatieFout(_("%(factuur)s is al gecrediteerd.") % {"factuur": origineel})
    leverancier = leverancier_gegevens(factuur.cooperatie)
    afnemer = afnemer_gegevens(factuur.lid)
    datum = datum or timezone.localdate()
    gegevens = Facturatiegegevens.objects.get(cooperatie_id=factuur.cooperatie_id)
    factuur.reeksjaar = datum.year
    factuur.volgnummer = _neem_nummer(factuur.cooperatie_id, datum.year)
    factuur.nummer = factuurnummer(gegevens.nummer_voorvoegsel, datum.year, factuur.volgnummer)
    factuur.factuurdatum = datum
    factuur.vervaldatum = (
        datum + datetime.timedelta(days=gegevens.betaaltermijn_dagen)
        if factuur.soort == Factuur.Soort.FACTUUR
        else None
    )
    som = totalen(regels)
    factuur.totaal_excl, factuur.btw_totaal, factuur.totaal_incl = som.excl, som.btw, som.incl
    factuur.leverancier, factuur.afnemer = leverancier, afnemer
    factuur.status = Factuur.Status.DEFINITIEF
    factuur.definitief_op = timezone.now()
    factuur.save()
    return factuur


@transaction.atomic
def maak_creditnota(factuur: Factuur, *, reden: str) -> Factuur:
    """A concept credit note for the whole invoice: same lines, negated quantities, referring to the original."""
    factuur = Factuur.objects.select_for_update().get(pk=factuur.pk)
    if factuur.soort != Factuur.Soort.FACTUUR or not factuur.is_definitief:
        raise FacturatieFout(_("Alleen een definitieve factuur kan worden gecrediteerd."))
    if not reden.strip():
        raise FacturatieFout(_("Geef aan waarom de factuur wordt gecrediteerd."))
    bestaande = factuur.creditnotas.first()
    if bestaande is not None:
        raise FacturatieFout(
            _("Voor %(factuur)s bestaat al %(creditnota)s.") % {"factuur": factuur, "creditnota": bestaande}
        )
    creditnota = Factuur.objects.create(
        cooperatie_id=factuur.cooperatie_id,
        lid_id=factuur.lid_id,
        jaar=factuur.jaar,
        soort=Factuur.Soort.CREDITNOTA,
        origineel=factuur,
        omschrijving=(_("Creditering van factuur %(nummer)s: %(reden)s") % {"nummer": factuur.nummer, "reden": reden})[
            :500
        ],
    )
    regels = [
        Regel(r.dienst, r.omschrijving, r.berekening, -r.aantal, r.eenheidsprijs, r.btw_percentage)
        for r in factuur.regels.all()
    ]
    _zet_regels(creditnota, regels)
    return creditnota


# --- Sending ---------------------------------------------------------------------------------------------------------


def ontvangers(lid: Lid, actor: Actor) -> list[str]:
    """The member's invoice address when it gave one, else its contact persons for invoices."""
    gegevens = Factuurgegevens.objects.filter(lid=lid).first()
    if gegevens and gegevens.email:
        return [gegevens.email]
    personen = list(lid.contactpersonen.filter(financieel=True))
    for persoon in personen:
        audit_read(actor, persoon, reason="Factuur per e-mail aan de contactpersoon voor facturen")
    return [p.email for p in personen]


def bestandsnaam(factuur: Factuur, extensie: str) -> str:
    return f"{factuur.get_soort_display()}-{factuur.nummer or 'concept'}.{extensie}"


@transaction.atomic
def verstuur(factuur: Factuur, *, actor: Actor, opnieuw: bool = False) -> Factuur:
    """Finalise when needed, then e-mail the PDF and the UBL through the outbox."""
    from . import pdf, ubl

    if not Factuur.objects.get(pk=factuur.pk).is_definitief:
        maak_definitief(factuur)
    factuur = Factuur.objects.select_for_update().get(pk=factuur.pk)
    if factuur.verzonden_op and not opnieuw:
        raise FacturatieFout(
            _("%(factuur)s is al verstuurd op %(datum)s.")
            % {"factuur": factuur, "datum": timezone.localtime(factuur.verzonden_op).strftime("%d-%m-%Y %H:%M")}
        )
    adressen = ontvangers(factuur.lid, actor)
    if not adressen:
        raise FacturatieFout(
            _("%(lid)s heeft geen e-mailadres voor facturen en geen contactpersoon voor facturen.")
            % {"lid": factuur.lid}
        )
    bijlagen = [
        {
            "naam": bestandsnaam(factuur, "pdf"),
            "type": "application/pdf",
            "inhoud": base64.b64encode(pdf.factuur_pdf(factuur)).decode(),
        },
        {
            "naam": bestandsnaam(factuur, "xml"),
            "type": "application/xml",
            "inhoud": base64.b64encode(ubl.factuur_xml(factuur)).decode(),
        },
    ]
    with translation.override("nl"):
        onderwerp = _("%(soort)s %(nummer)s van %(cooperatie)s") % {
            "soort": factuur.get_soort_display().capitalize(),
            "nummer": factuur.nummer,
            "cooperatie": factuur.leverancier["naam"],
        }
        tekst = render_to_string(
            "cooperatie/email/factuur.txt", {"factuur": factuur, "bedrag": bedrag_nl(factuur.totaal_incl)}
        )
    nu = timezone.now()
    for index, adres in enumerate(adressen):
        outbox.plaats(
            "email",
            f"factuur:{factuur.pk}:{nu:%Y%m%d%H%M%S%f}:{index}",
            {"aan": adres, "onderwerp": onderwerp, "tekst": tekst, "bijlagen": bijlagen},
        )
    factuur.verzonden_op, factuur.verzonden_aan = nu, ", ".join(adressen)[:500]
    factuur.save(update_fields=["verzonden_op", "verzonden_aan"])
    return factuur


# --- Participant counts ----------------------------------------------------------------------------------------------


@dataclass
class Importresultaat:
    aangemaakt: int = 0
    bijgewerkt: int = 0
    ongewijzigd: int = 0
    fouten: list[str] = field(default_factory=list)


# A member's count is tens of thousands; far above that is a typo (and beyond the database column past 2**31).
MAX_DEELNEMERS = 1_000_000


def _geheel_getal(tekst: str) -> int | None:
    tekst = tekst.strip()
    if not re.fullmatch(r"[0-9]{1,18}", tekst):  # not isdigit(): that takes '²' and other digits int() refuses
        return None
    return int(tekst)


def importeer_deelnemertellingen(cooperatie: Cooperatie, inhoud: str | bytes, *, bron: str = "") -> Importresultaat:
    """Import participant counts per member per year from CSV.

    Format: UTF-8 (a BOM is fine), separated by ';' or ',', a header line and then one line per member per year::

        brin;jaar;bol;bbl
        25LX;2019;10000;2000

    - ``brin``: the BRIN of the member's mbo institution, or for a school board its bestuurcode (123B456). The column
      may also be called ``lid``.
    - ``jaar``: the year of the count (the 1 October count); for the 2021 tariff that is 2019 (t−2).
    - ``bol``, ``bbl``: whole numbers of 0 up to 1,000,000, in ASCII digits, without thousands separators.

    All or nothing: with any error nothing is stored and every error is reported with its line number. Importing the
    same file again changes nothing; a changed number replaces the earlier count of that member and year.
    """
    if isinstance(inhoud, bytes):
        try:
            inhoud = inhoud.decode("utf-8-sig")
        except UnicodeDecodeError:
            return Importresultaat(fouten=[_("Het bestand is geen UTF-8-tekst; sla het op als CSV UTF-8.")])
    inhoud = inhoud.lstrip("\ufeff")
    regels = inhoud.splitlines()
    if not regels or not regels[0].strip():
        return Importresultaat(fouten=[_("Het bestand is leeg.")])
    scheiding = ";" if regels[0].count(";") >= regels[0].count(",") else ","
    lezer = csv.reader(io.StringIO(inhoud, newline=""), delimiter=scheiding)
    try:
        kop = [k.strip().lower() for k in next(lezer)]
    except csv.Error as exc:
        return Importresultaat(fouten=[_("Regel 1 is geen leesbare CSV (%(fout)s).") % {"fout": exc}])
    kop = ["brin" if k == "lid" else k for k in kop]
    ontbreekt = [k for k in ("brin", "jaar", "bol", "bbl") if k not in kop]
    if ontbreekt:
        return Importresultaat(
            fouten=[
                _("Regel 1: de kolom(men) %(kolommen)s ontbreken; verwacht: brin;jaar;bol;bbl.")
                % {"kolommen": ", ".join(ontbreekt)}
            ]
        )
    leden: dict[str, Lid] = {}
    for lid in Lid.objects.filter(cooperatie=cooperatie).select_related("instelling", "bestuur").order_by("begindatum"):
        for sleutel in (lid.instelling and lid.instelling.brin, lid.bestuur and lid.bestuur.code):
            if sleutel:
                leden[sleutel.upper()] = lid  # the latest membership wins for a member that left and came back
    fouten: list[str] = []
    gezien: dict[tuple[int, int], int] = {}
    rijen: list[tuple[Lid, int, int, int]] = []
    try:
        records = list(enumerate(lezer, start=2))
    except csv.Error as exc:
        return Importresultaat(
            fouten=[_("Regel %(n)d is geen leesbare CSV (%(fout)s).") % {"n": lezer.line_num, "fout": exc}]
        )
    for nummer, rij in records:
        if not any(veld.strip() for veld in rij):
            continue
        if len(rij) != len(kop):
            fouten.append(
                _("Regel %(n)d: %(gevonden)d velden, verwacht %(verwacht)d.")
                % {"n": nummer, "gevonden": len(rij), "verwacht": len(kop)}
            )
            continue
        waarden = dict(zip(kop, (v.strip() for v in rij), strict=True))
        lid = leden.get(waarden["brin"].upper())
        if lid is None:
            fouten.append(
                _("Regel %(n)d: ‘%(brin)s’ is geen BRIN of bestuurcode van een lid van %(cooperatie)s.")
                % {"n": nummer, "brin": waarden["brin"], "cooperatie": cooperatie}
            )
        jaar = _geheel_getal(waarden["jaar"])
        if jaar is None or not 2000 <= jaar <= 2100:
            fouten.append(_("Regel %(n)d: ‘%(jaar)s’ is geen jaartal.") % {"n": nummer, "jaar": waarden["jaar"]})
        aantallen = {}
        for kolom in ("bol", "bbl"):
            aantallen[kolom] = _geheel_getal(waarden[kolom])
            if aantallen[kolom] is None:
                fouten.append(
                    _("Regel %(n)d: %(kolom)s ‘%(waarde)s’ is geen geheel getal van 0 of meer.")
                    % {"n": nummer, "kolom": kolom.upper(), "waarde": waarden[kolom]}
                )
            elif aantallen[kolom] > MAX_DEELNEMERS:
                fouten.append(
                    _("Regel %(n)d: %(kolom)s ‘%(waarde)s’ is meer dan %(max)s deelnemers; klopt het getal?")
                    % {"n": nummer, "kolom": kolom.upper(), "waarde": waarden[kolom], "max": "1.000.000"}
                )
                aantallen[kolom] = None
        if lid is None or jaar is None or None in aantallen.values():
            continue
        if (lid.pk, jaar) in gezien:
            fouten.append(
                _("Regel %(n)d: %(lid)s, %(jaar)d staat ook al op regel %(eerder)d.")
                % {"n": nummer, "lid": lid, "jaar": jaar, "eerder": gezien[(lid.pk, jaar)]}
            )
            continue
        gezien[(lid.pk, jaar)] = nummer
        rijen.append((lid, jaar, aantallen["bol"], aantallen["bbl"]))
    if fouten:
        return Importresultaat(fouten=fouten)
    resultaat = Importresultaat()
    with transaction.atomic():
        for lid, jaar, bol, bbl in rijen:
            telling = Deelnemertelling.objects.select_for_update().filter(lid=lid, jaar=jaar).first()
            if telling is None:
                Deelnemertelling.objects.create(lid=lid, jaar=jaar, bol=bol, bbl=bbl, bron=bron[:255])
                resultaat.aangemaakt += 1
            elif (telling.bol, telling.bbl) == (bol, bbl):
                resultaat.ongewijzigd += 1
            else:
                telling.bol, telling.bbl, telling.bron = bol, bbl, bron[:255]
                telling.save()
                resultaat.bijgewerkt += 1
    return resultaat
