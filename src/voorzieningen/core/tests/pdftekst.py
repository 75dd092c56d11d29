"""What a PDF made with fpdf2's core fonts shows, for tests that check a document's text (receipts, invoices)."""

import re
import zlib


def getoonde_tekst(document: bytes) -> list[str]:
    """The strings the pages draw, in drawing order: fpdf2 writes core-font text as '(…) Tj' in zlib streams."""
    teksten = []
    for stroom in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", document, re.S):
        try:
            inhoud = zlib.decompress(stroom)
        except zlib.error:
            inhoud = stroom
        for ruw in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", inhoud):
            teksten.append(re.sub(rb"\\(.)", rb"\1", ruw).decode("cp1252"))
    return teksten
