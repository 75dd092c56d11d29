"""The invoice or credit note as an A4 PDF (fpdf2, core fonts), always in Dutch: it is a fiscal document.

A final invoice is drawn from its frozen snapshot, so reprinting it years later gives the same document. A concept
can be previewed; it carries no number and says in large letters that it is not an invoice.
"""

import datetime
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from voorzieningen.aanmelden.ontvangstbewijs import pdf_tekst

from .facturatie import FacturatieFout, afnemer_gegevens, bedrag_nl, getal_nl, leverancier_gegevens, totalen
from .models import Factuur

PDF_ENCODING = "windows-1252"  # what the core fonts can show (Latin-1 plus €)


def _partijen(factuur: Factuur) -> tuple[dict, dict]:
    if factuur.is_definitief:
        return factuur.leverancier, factuur.afnemer
    try:
        leverancier = leverancier_gegevens(factuur.cooperatie)
    except FacturatieFout:
        leverancier = {"naam": str(factuur.cooperatie), "betaaltermijn_dagen": 30}
    try:
        afnemer = afnemer_gegevens(factuur.lid)
    except FacturatieFout:
        afnemer = {"naam": factuur.lid.naam}
    return leverancier, afnemer


def prijs_nl(prijs: Decimal) -> str:
    """A unit price in cents when it has no finer part (€ 1,20), else with its own decimals (€ 0,0125)."""
    return bedrag_nl(prijs) if prijs == prijs.quantize(Decimal("0.01")) else f"€ {getal_nl(prijs)}"


def _datum(datum: datetime.date | None) -> str:
    return datum.strftime("%d-%m-%Y") if datum else "—"


def factuur_pdf(factuur: Factuur) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    leverancier, afnemer = _partijen(factuur)
    regels = list(factuur.regels.all())
    som = totalen(regels)
    credit = factuur.soort == Factuur.Soort.CREDITNOTA

    with translation.override("nl"):
        titel = _("Creditnota") if credit else _("Factuur")
        if not factuur.is_definitief:
            titel = _("CONCEPT – geen geldige %(soort)s") % {"soort": factuur.get_soort_display()}
        kenmerken = [
            (_("Nummer"), factuur.nummer or "—"),
            (_("Datum"), _datum(factuur.factuurdatum)),
        ]
        if not credit:
            kenmerken.append((_("Vervaldatum"), _datum(factuur.vervaldatum)))
        kenmerken += [
            (_("Bijdragejaar"), str(factuur.jaar)),
            (_("Uw referentie"), afnemer.get("referentie", "")),
        ]
        if credit and factuur.origineel_id:
            kenmerken.append(
                (
                    _("Crediteert factuur"),
                    f"{factuur.origineel.nummer} ({_datum(factuur.origineel.factuurdatum)})",
                )
            )
        koppen = (_("Omschrijving"), _("Aantal"), _("Prijs"), _("Btw"), _("Bedrag"))
        leverancierregels = [
            leverancier.get("naam", ""),
            leverancier.get("straat", ""),
            f"{leverancier.get('postcode', '')} {leverancier.get('plaats', '')}".strip(),
            _("KvK %(nummer)s") % {"nummer": leverancier["kvk"]} if leverancier.get("kvk") else "",
            _("Btw %(nummer)s") % {"nummer": leverancier["btw"]} if leverancier.get("btw") else "",
            _("IBAN %(nummer)s") % {"nummer": leverancier["iban"]} if leverancier.get("iban") else "",
            leverancier.get("email", ""),
        ]
        afnemerregels = [
            afnemer.get("naam", ""),
            _("t.a.v. %(naam)s") % {"naam": afnemer["tav"]} if afnemer.get("tav") else "",
            afnemer.get("straat", ""),
            f"{afnemer.get('postcode', '')} {afnemer.get('plaats', '')}".strip(),
        ]
        totaalregels = [(_("Totaal excl. btw"), bedrag_nl(som.excl))]
        for groep in som.groepen:
            totaalregels.append(
                (
                    _("Btw %(pct)s%% over %(grondslag)s")
                    % {"pct": getal_nl(groep.percentage), "grondslag": bedrag_nl(groep.grondslag)},
                    bedrag_nl(groep.btw),
                )
            )
        totaalregels.append((_("Totaal incl. btw"), bedrag_nl(som.incl)))
        if credit:
            slot = _("Dit bedrag verrekenen wij met de gecrediteerde factuur of storten wij terug.")
        elif factuur.is_definitief:
            slot = _(
                "Wij verzoeken u het totaalbedrag vóór %(datum)s over te maken op %(iban)s ten name van %(naam)s, "
                "onder vermelding van factuurnummer %(nummer)s."
            ) % {
                "datum": _datum(factuur.vervaldatum),
                "iban": leverancier.get("iban", ""),
                "naam": leverancier.get("naam", ""),
                "nummer": factuur.nummer,
            }
        else:
            slot = _("Dit is een concept ter controle. Het factuurnummer wordt toegekend bij het definitief maken.")

    doc = FPDF(orientation="portrait", unit="mm", format="A4")
    doc.core_fonts_encoding = PDF_ENCODING
    doc.set_margins(20, 20, 20)
    doc.set_auto_page_break(auto=True, margin=20)
    doc.set_title(pdf_tekst(f"{titel} {factuur.nummer}".strip()))
    doc.set_author(pdf_tekst(leverancier.get("naam", "")))
    doc.set_creator("MBO Voorzieningen")
    doc.set_lang("nl")
    moment = factuur.definitief_op or factuur.aangemaakt_op
    if moment:
        doc.set_creation_date(moment)
    doc.add_page()

    doc.set_font("Helvetica", size=9)
    for tekst in filter(None, leverancierregels):
        doc.cell(0, 4.5, pdf_tekst(tekst), align="R", new_x="LMARGIN", new_y="NEXT")
    doc.ln(6)
    doc.set_font("Helvetica", size=10)
    for tekst in filter(None, afnemerregels):
        doc.cell(0, 5, pdf_tekst(tekst), new_x="LMARGIN", new_y="NEXT")
    doc.ln(8)

    doc.set_font("Helvetica", style="B", size=18)
    doc.multi_cell(0, 9, pdf_tekst(titel), new_x="LMARGIN", new_y="NEXT")
    doc.ln(2)
    doc.set_font("Helvetica", size=10)
    with doc.table(col_widths=(45, 125), first_row_as_headings=False, line_height=5.5, padding=1) as tabel:
        for label, waarde in kenmerken:
            rij = tabel.row()
            rij.cell(pdf_tekst(label), style=FontFace(emphasis="BOLD"))
            rij.cell(pdf_tekst(waarde))
    if factuur.omschrijving:
        doc.ln(3)
        doc.multi_cell(0, 5, pdf_tekst(factuur.omschrijving), new_x="LMARGIN", new_y="NEXT")
    doc.ln(5)

    doc.set_font("Helvetica", size=9)
    with doc.table(
        col_widths=(80, 25, 22, 13, 30),
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
        line_height=5,
        padding=1,
        headings_style=FontFace(emphasis="BOLD"),
    ) as tabel:
        kop = tabel.row()
        for tekst in koppen:
            kop.cell(pdf_tekst(tekst))
        for regel in regels:
            rij = tabel.row()
            omschrijving = regel.omschrijving + (f"\n{regel.berekening}" if regel.berekening else "")
            rij.cell(pdf_tekst(omschrijving))
            rij.cell(getal_nl(regel.aantal))
            rij.cell(pdf_tekst(prijs_nl(regel.eenheidsprijs)))
            rij.cell(f"{getal_nl(regel.btw_percentage)}%")
            rij.cell(pdf_tekst(bedrag_nl(regel.bedrag)))
    doc.ln(3)

    doc.set_font("Helvetica", size=10)
    for label, waarde in totaalregels:
        vet = label == totaalregels[-1][0]
        doc.set_font("Helvetica", style="B" if vet else "", size=10)
        doc.cell(140, 6, pdf_tekst(label), align="R")
        doc.cell(30, 6, pdf_tekst(waarde), align="R", new_x="LMARGIN", new_y="NEXT")
    doc.ln(6)
    doc.set_font("Helvetica", size=10)
    doc.multi_cell(0, 5, pdf_tekst(slot), new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())
