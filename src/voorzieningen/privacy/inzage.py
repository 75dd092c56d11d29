"""Right of access (AVG art. 15): everything the portal holds about a student, in one document."""

from voorzieningen.aanmelden.models import Aanmelder, Verstrekking


def _wijziging(w) -> dict:
    return {"status": w.status, "tijdstip": w.tijdstip.isoformat(), "bron": w.bron, "toelichting": w.toelichting}


def alle_gegevens(aanmelder: Aanmelder) -> dict:
    """Person, contact, guardians, prior education, applications with their history and what was disclosed."""
    aanmeldingen = aanmelder.aanmeldingen.select_related("opleiding", "cohort", "instelling").prefetch_related(
        "statuswijzigingen"
    )
    return {
        "persoon": {k: v for k, v in aanmelder.persoon.items() if k != "adres"},
        "adres": aanmelder.adres,
        "adresBijDuoGeheim": aanmelder.adres_geheim,
        "contact": {"email": aanmelder.email, "telefoon": aanmelder.telefoon, "taal": aanmelder.taal},
        "oudersVerzorgers": [o.as_dict() for o in aanmelder.ouders.all()],
        "vooropleidingen": aanmelder.vooropleidingen,
        "gegevensBijDuoOpgehaaldOp": aanmelder.duo_opgehaald_op.isoformat() if aanmelder.duo_opgehaald_op else None,
        "aanmeldingen": [
            {
                "caKetenId": str(a.ca_keten_id),
                "ketenId": a.keten_id,
                "instelling": a.instelling.naam,
                "opleiding": a.opleiding.wervingsnaam,
                "crebo": a.crebo,
                "cohort": a.cohort.code,
                "status": a.status,
                "ingediendOp": a.ingediend_op.isoformat(),
                "leerbedrijf": a.leerbedrijf,
                "gegevensVoorDeSchool": a.gegevens,
                "statushistorie": [
                    {
                        "status": w.status,
                        "tijdstip": w.tijdstip.isoformat(),
                        "bron": w.bron,
                        "toelichting": w.toelichting,
                    }
                    for w in a.statuswijzigingen.all()
                ],
            }
            for a in aanmeldingen
        ],
        "concepten": [
            {"cohort": c.cohort.code, "aangemaaktOp": c.aangemaakt_op.isoformat()}
            for c in aanmelder.concepten.select_related("cohort")
        ],
        "verstrekkingen": [
            {
                "ontvanger": v.ontvanger,
                "gegevens": v.gegevens,
                "grondslag": v.grondslag,
                "tijdstip": v.tijdstip.isoformat(),
            }
            for v in Verstrekking.objects.filter(aanmelder=aanmelder)
        ],
    }


def _regels(waarde, pad: str = ""):
    """Flatten the nested document to 'path: value' rows, so a PDF shows every datum the JSON holds."""
    if isinstance(waarde, dict):
        if not waarde:
            yield pad, "—"
        for sleutel, sub in waarde.items():
            yield from _regels(sub, f"{pad}.{sleutel}" if pad else str(sleutel))
    elif isinstance(waarde, list):
        if not waarde:
            yield pad, "—"
        for i, sub in enumerate(waarde, 1):
            yield from _regels(sub, f"{pad} [{i}]")
    else:
        yield (
            pad,
            "—" if waarde in (None, "") else ("ja" if waarde is True else "nee" if waarde is False else str(waarde)),
        )


def als_pdf(gegevens: dict, *, aangemaakt_op) -> bytes:
    """The same document as the JSON download, printable: one section per part, every datum on its own row."""
    from django.utils.translation import gettext as _

    from fpdf import FPDF
    from fpdf.fonts import FontFace

    from voorzieningen.aanmelden.ontvangstbewijs import PDF_ENCODING, pdf_tekst

    doc = FPDF(orientation="portrait", unit="mm", format="A4")
    doc.core_fonts_encoding = PDF_ENCODING
    doc.set_margins(20, 20, 20)
    doc.set_auto_page_break(auto=True, margin=20)
    doc.set_title(pdf_tekst(_("Mijn gegevens")))
    doc.set_lang("nl")
    doc.set_creation_date(aangemaakt_op)
    doc.add_page()
    doc.set_font("Helvetica", style="B", size=18)
    doc.multi_cell(0, 9, pdf_tekst(_("Mijn gegevens")), new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", size=10)
    uitleg = _(
        "Alle gegevens die Centraal Aanmelden over je bewaart (inzageverzoek, AVG artikel 15), aangemaakt op %(datum)s."
    ) % {"datum": aangemaakt_op.strftime("%d-%m-%Y %H:%M")}
    doc.multi_cell(0, 5, pdf_tekst(uitleg), new_x="LMARGIN", new_y="NEXT")
    for onderdeel, waarde in gegevens.items():
        doc.ln(4)
        doc.set_font("Helvetica", style="B", size=13)
        doc.multi_cell(0, 7, pdf_tekst(onderdeel), new_x="LMARGIN", new_y="NEXT")
        doc.set_font("Helvetica", size=9)
        with doc.table(col_widths=(65, 105), first_row_as_headings=False, text_align="LEFT", line_height=5,
                       padding=1) as tabel:  # fmt: skip
            for pad, tekst in _regels(waarde):
                rij = tabel.row()
                rij.cell(pdf_tekst(pad or onderdeel), style=FontFace(emphasis="BOLD"))
                rij.cell(pdf_tekst(tekst))
    return bytes(doc.output())
