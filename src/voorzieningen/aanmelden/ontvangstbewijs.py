"""Signed receipts (ontvangstbewijzen) for submitted applications.

Applying before 1 April gives a legal right to admission, so a student must be able to prove, without
our database, that the platform received his application at a given moment. The receipt is a
self-contained code: the receipt fields as canonical JSON, signed with the platform's Ed25519 key.
Anyone can check it with the public key (on the public page, with ``voorzieningen verify-receipt``,
or with plain openssl), and the signature breaks if a single character changes.

Code format, version 1::

    MBO1.<base64url(canonical JSON)>.<base64url(Ed25519 signature over those JSON bytes)>

The prefix carries the version: a new field or encoding needs a new prefix, never a silent change.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import dateformat, translation
from django.utils.translation import gettext as _

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIX = "MBO1."
HKDF_INFO = b"ontvangstbewijs-ed25519"
# Far above any real receipt (about 700 characters); stops absurd input before any decoding work.
MAX_CODE_LENGTH = 20_000
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
PLATFORM = "MBO Voorzieningen — Centraal Aanmelden"

_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")
# Characters a PDF viewer or mail client may slip into a copied code; never part of a code.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
# The code is ASCII, so fpdf2 writes it as a literal string in the document information dictionary.
_PDF_KEYWORDS = re.compile(rb"/Keywords\s*\((MBO1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\)")


class OngeldigBewijs(Exception):
    """Why a receipt cannot be trusted, with a ``code`` a caller can branch on.

    ``formaat``: not a receipt code at all (truncated, wrong prefix, not base64url, wrong fields);
    ``handtekening``: well-formed, but not signed by any of our keys, so it was altered or forged;
    ``sleutel``: our own key configuration is broken, a server fault rather than the visitor's.
    """

    CODES = ("formaat", "handtekening", "sleutel")

    def __init__(self, code: str, bericht: str):
        if code not in self.CODES:
            raise ValueError(f"unknown error code {code!r}")
        super().__init__(bericht)
        self.code = code
        self.bericht = bericht


@dataclass(frozen=True)
class Bewijs:
    """The facts a student needs to prove his application; all strings so the JSON form is canonical."""

    ca_keten_id: str
    keten_id: str
    instelling: str
    brin: str
    opleiding: str
    crebo: str
    cohort: str
    begindatum: str  # ISO date
    ingediend_op: str  # ISO 8601 in UTC ('Z' or +00:00), the server's clock at submission

    def as_dict(self) -> dict[str, str]:
        return dict(vars(self))  # the fields in their order; asdict's deep copy is for values that are not str

    @classmethod
    def from_dict(cls, data: object) -> Bewijs:
        """Strict: a payload with missing, extra or non-string fields is not a version-1 receipt."""
        if not isinstance(data, dict):
            raise OngeldigBewijs("formaat", _("De code bevat geen gegevens van een ontvangstbewijs."))
        names = [f.name for f in dataclasses.fields(cls)]
        missing = [name for name in names if name not in data]
        extra = sorted(str(key) for key in data if key not in names)
        if missing or extra:
            raise OngeldigBewijs(
                "formaat",
                _("De gegevens in de code kloppen niet: ontbrekend %(missing)s, onbekend %(extra)s.")
                % {"missing": ", ".join(missing) or "-", "extra": ", ".join(extra) or "-"},
            )
        wrong = [name for name in names if not isinstance(data[name], str)]
        if wrong:
            raise OngeldigBewijs(
                "formaat",
                _("De gegevens in de code kloppen niet: %(fields)s is geen tekst.") % {"fields": ", ".join(wrong)},
            )
        return cls(**{name: data[name] for name in names})

    def tijdstip(self) -> dt.datetime | None:
        """The submission moment as an aware datetime; None when the stored text is not ISO 8601."""
        try:
            moment = dt.datetime.fromisoformat(self.ingediend_op)
        except ValueError:
            return None
        return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment

    def start(self) -> dt.date | None:
        try:
            return dt.date.fromisoformat(self.begindatum)
        except ValueError:
            return None


def utc_iso(moment: dt.datetime) -> str:
    """The ``ingediend_op`` form of an aware datetime, so every receipt spells time the same way."""
    if moment.tzinfo is None:
        raise ValueError("ingediend_op needs an aware datetime")
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


# --- Keys -----------------------------------------------------------------------------------------


def _sleutelfout(bericht: str) -> OngeldigBewijs:
    return OngeldigBewijs("sleutel", bericht)


def _b64_setting(value: str, name: str) -> bytes:
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise _sleutelfout(_("%(name)s is geen geldige base64.") % {"name": name}) from None
    if len(raw) != 32:
        raise _sleutelfout(_("%(name)s moet 32 bytes bevatten, niet %(n)s.") % {"name": name, "n": len(raw)})
    return raw


@lru_cache(maxsize=16)
def _private_key(configured: str, secret_key: str, is_production: bool) -> Ed25519PrivateKey:
    """Keyed on the setting values, so a test that overrides them gets another key."""
    if configured.strip():
        seed = _b64_setting(configured, "RECEIPT_SIGNING_KEY")
    elif is_production:
        raise _sleutelfout(_("RECEIPT_SIGNING_KEY ontbreekt; in productie is die verplicht."))
    else:
        # Stable across restarts, so receipts from the embedded default keep verifying on a laptop.
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_INFO)
        seed = hkdf.derive(secret_key.encode("utf-8"))
    return Ed25519PrivateKey.from_private_bytes(seed)


@lru_cache(maxsize=16)
def _previous_keys(values: tuple[str, ...]) -> tuple[Ed25519PublicKey, ...]:
    return tuple(
        Ed25519PublicKey.from_public_bytes(_b64_setting(value, "RECEIPT_PREVIOUS_PUBLIC_KEYS")) for value in values
    )


def _signing_key() -> Ed25519PrivateKey:
    return _private_key(
        getattr(settings, "RECEIPT_SIGNING_KEY", "") or "",
        settings.SECRET_KEY,
        bool(getattr(settings, "IS_PRODUCTION", False)),
    )


def _verification_keys() -> tuple[Ed25519PublicKey, ...]:
    previous = getattr(settings, "RECEIPT_PREVIOUS_PUBLIC_KEYS", None) or ()
    if isinstance(previous, str):
        previous = previous.split(",")
    values = tuple(value.strip() for value in previous if value.strip())
    return (_signing_key().public_key(), *_previous_keys(values))


def publieke_sleutel_pem() -> str:
    """SubjectPublicKeyInfo PEM: the form openssl and most libraries read without conversion."""
    return (
        _signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def publieke_sleutel_b64() -> str:
    """Raw 32 bytes in base64: the form RECEIPT_PREVIOUS_PUBLIC_KEYS takes after a key rotation."""
    raw = _signing_key().public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


# --- Signing and verifying ------------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes:
    if not _B64URL.match(text) or len(text) % 4 == 1:
        raise ValueError(text)
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def payload_bytes(bewijs: Bewijs) -> bytes:
    """The exact bytes that are signed; canonical so anyone can rebuild them from the fields."""
    return json.dumps(bewijs.as_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def onderteken(bewijs: Bewijs) -> str:
    payload = payload_bytes(bewijs)
    return PREFIX + _b64url(payload) + "." + _b64url(_signing_key().sign(payload))


def delen(code: str) -> tuple[bytes, bytes]:
    """Payload and signature bytes of a code, unverified; for tools that check with other software."""
    if not isinstance(code, str) or len(code) > MAX_CODE_LENGTH:
        raise OngeldigBewijs("formaat", _("Dit is geen code van een ontvangstbewijs."))
    compact = "".join(code.translate(_INVISIBLE).split())
    if not compact.startswith(PREFIX):
        raise OngeldigBewijs(
            "formaat",
            _("Dit is geen code van een ontvangstbewijs: de code begint altijd met %(prefix)s") % {"prefix": PREFIX},
        )
    parts = compact[len(PREFIX) :].split(".")
    onvolledig = OngeldigBewijs(
        "formaat",
        _("De code is niet volledig of bevat tekens die er niet in horen. Kopieer de hele code opnieuw."),
    )
    if len(parts) != 2 or not all(parts):
        raise onvolledig
    try:
        payload, signature = _unb64url(parts[0]), _unb64url(parts[1])
    except (ValueError, binascii.Error):
        raise onvolledig from None
    if len(signature) != 64:
        raise onvolledig
    if _b64url(payload) != parts[0] or _b64url(signature) != parts[1]:
        # Same bytes, other spelling: only an edited code looks like this.
        raise _handtekeningfout()
    return payload, signature


def _handtekeningfout() -> OngeldigBewijs:
    return OngeldigBewijs(
        "handtekening",
        _(
            "De handtekening klopt niet: deze code is gewijzigd of niet door het platform uitgegeven. "
            "Vraag de student om het originele ontvangstbewijs."
        ),
    )


def controleer(code: str) -> Bewijs:
    """Check a code; the signature is checked before the payload is parsed, so edits never reach JSON."""
    payload, signature = delen(code)
    for key in _verification_keys():
        try:
            key.verify(signature, payload)
        except InvalidSignature:
            continue
        break
    else:
        raise _handtekeningfout()
    try:
        data = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise OngeldigBewijs("formaat", _("De code bevat geen gegevens van een ontvangstbewijs.")) from None
    return Bewijs.from_dict(data)


def code_uit_pdf(data: bytes) -> str | None:
    """The code ``pdf()`` stored in the PDF keywords; the page text itself is compressed."""
    match = _PDF_KEYWORDS.search(data)
    return match.group(1).decode("ascii") if match else None


# --- Presentation ---------------------------------------------------------------------------------


def lokale_tijd(bewijs: Bewijs) -> str:
    """Dutch wall-clock time: the 1 April deadline is a Dutch date, whatever the server's zone."""
    moment = bewijs.tijdstip()
    if moment is None:
        return bewijs.ingediend_op
    try:
        lokaal = moment.astimezone(AMSTERDAM)
    except OverflowError:  # year 1 or 9999 with an offset: no Dutch wall-clock time exists, show it as written
        return bewijs.ingediend_op
    return _("%(moment)s (Nederlandse tijd)") % {"moment": dateformat.format(lokaal, "j F Y, H:i:s")}


def velden(bewijs: Bewijs) -> list[tuple[str, str]]:
    """Label and value per line; shared by the PDF, the command and the page so they never disagree."""
    start = bewijs.start()
    begindatum = dateformat.format(start, "j F Y") if start else bewijs.begindatum
    return [
        (_("Aanmeldnummer (caKetenId)"), bewijs.ca_keten_id),
        ("ketenId", bewijs.keten_id),
        (_("Instelling"), _("%(naam)s (BRIN %(brin)s)") % {"naam": bewijs.instelling, "brin": bewijs.brin}),
        (_("Opleiding"), _("%(naam)s (crebo %(crebo)s)") % {"naam": bewijs.opleiding, "crebo": bewijs.crebo}),
        (_("Cohort"), _("%(cohort)s, start %(datum)s") % {"cohort": bewijs.cohort, "datum": begindatum}),
        (_("Ingediend op"), f"{lokale_tijd(bewijs)}\n{bewijs.ingediend_op} (UTC)"),
    ]


_PDF_VERVANGING = {
    "ł": "l",
    "Ł": "L",
    "đ": "d",
    "Đ": "D",
    "ħ": "h",
    "Ħ": "H",
    "ı": "i",
    "ŀ": "l",
    "Ŀ": "L",
    "ŉ": "'n",
    "ĸ": "k",
    "‐": "-",
    "‑": "-",
    "‒": "-",
    "−": "-",
    "′": "'",
    "″": '"',
}
PDF_ENCODING = "windows-1252"  # what fpdf2 core fonts can show: Latin-1 plus typographic quotes, €, Œ, Š, Ž


def _pdf_teken(ch: str) -> bool:
    if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") and ch != "\n":
        return False
    try:
        ch.encode(PDF_ENCODING)
    except UnicodeEncodeError:
        return False
    return True


@lru_cache(maxsize=4096)  # the receipt's fixed sentences and labels come back for every PDF
def pdf_tekst(tekst: str) -> str:
    """Transliterate what the core fonts cannot show; the code stays the authoritative, exact text."""
    out = []
    for ch in tekst:
        if _pdf_teken(ch):
            out.append(ch)
        elif ch in _PDF_VERVANGING:
            out.append(_PDF_VERVANGING[ch])
        elif ch.isspace():
            out.append(" ")
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
            out.append(base if base and all(_pdf_teken(c) and c != "\n" for c in base) else "?")
    return "".join(out)


def _link(controle_url: str, code: str) -> str:
    return controle_url + ("&" if "?" in controle_url else "?") + "code=" + code


def pdf(bewijs: Bewijs, code: str, controle_url: str) -> bytes:
    """A4 receipt a student can print or mail; byte-for-byte the same for the same receipt.

    Always Dutch, whatever the visitor's language: it is evidence, and one text is easier to judge.
    The code is also stored in the keywords so ``verify-receipt --file`` can read it back.
    """
    from fpdf import FPDF

    with translation.override("nl"):
        regels = velden(bewijs)
        titel = _("Ontvangstbewijs aanmelding")
        uitleg = _(
            "Dit bewijs is digitaal ondertekend door %(platform)s. De handtekening bewijst dat het platform "
            "deze aanmelding op het genoemde moment heeft ontvangen. Wie de gegevens of de code ook maar "
            "met één teken wijzigt, maakt de handtekening ongeldig. Bewaar dit bewijs: bij een aanmelding "
            "vóór 1 april telt het moment van ontvangst voor het recht op toelating."
        ) % {"platform": PLATFORM}
        vereenvoudigd = _(
            "Sommige tekens in deze gegevens kan dit PDF-lettertype niet tonen; ze staan hierboven vereenvoudigd. "
            "De code bevat de exacte gegevens."
        )
        controle = _(
            "Controleer dit bewijs door de code te plakken op de pagina hieronder, of met het commando "
            "'voorzieningen verify-receipt --file <dit bestand>'."
        )
        code_kop = _("Code van het ontvangstbewijs")

    moment = bewijs.tijdstip() or dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

    doc = FPDF(orientation="portrait", unit="mm", format="A4")
    doc.core_fonts_encoding = PDF_ENCODING
    doc.set_margins(20, 20, 20)
    doc.set_auto_page_break(auto=True, margin=20)
    doc.set_title(pdf_tekst(f"{titel} {bewijs.ca_keten_id}"))
    doc.set_subject(pdf_tekst(f"{titel} / Application receipt"))
    doc.set_author(PLATFORM)
    doc.set_creator(PLATFORM)
    doc.set_keywords(code)
    doc.set_lang("nl")
    doc.set_creation_date(moment)
    doc.add_page()

    doc.set_font("Helvetica", style="B", size=18)
    _alinea(doc, 9, pdf_tekst(titel))
    doc.set_font("Helvetica", style="I", size=12)
    _alinea(doc, 7, "Application receipt")
    doc.ln(4)

    doc.set_font("Helvetica", size=10)
    for label, waarde in regels:
        _tabelrij(doc, pdf_tekst(label), pdf_tekst(waarde))
    doc.ln(5)

    _alinea(doc, 5, pdf_tekst(uitleg))
    if any(pdf_tekst(waarde) != waarde for _label, waarde in regels):
        doc.ln(2)
        _alinea(doc, 5, pdf_tekst(vereenvoudigd))
    doc.ln(4)

    doc.set_font("Helvetica", style="B", size=10)
    _alinea(doc, 6, pdf_tekst(code_kop))
    doc.set_font("Courier", size=8)
    width = 80  # Courier 8 pt: 80 characters fit the 170 mm text width
    for start in range(0, len(code), width):
        doc.cell(0, 4, code[start : start + width], new_x="LMARGIN", new_y="NEXT")
    doc.ln(4)

    doc.set_font("Helvetica", size=10)
    _alinea(doc, 5, pdf_tekst(controle))
    doc.set_text_color(0, 0, 238)
    doc.set_font("Helvetica", style="U", size=10)
    _alinea(doc, 5, pdf_tekst(controle_url), link=_link(controle_url, code))
    return bytes(doc.output())


# The layout breaks its own lines: fpdf2's multi_cell and table measure the whole line again for every character
# they add, which made a receipt cost 11–15 ms (40 ms on a busy host) of a season's workers, one PDF per application
# (docs/performance.md). Words are measured once each; the lines are written with cell(), which does not break.
KOLOMMEN = (55, 115)  # mm: label and value, 170 mm together
CEL_MARGE = 1.5  # mm of padding inside a table cell
REGELHOOGTE_TABEL = 6


def regels_van(tekst: str, breedte: float, meet) -> list[str]:
    """Greedy word wrap of ``tekst`` to lines no wider than ``breedte`` by ``meet`` (a string's width); a word
    wider than a line is broken between characters. Runs of spaces become one; a newline always breaks."""
    regels: list[str] = []
    spatie = meet(" ")
    for alinea in tekst.split("\n"):
        huidig, breed = "", 0.0
        for woord in alinea.split():
            w = meet(woord)
            if huidig and breed + spatie + w <= breedte:
                huidig, breed = f"{huidig} {woord}", breed + spatie + w
                continue
            if huidig:
                regels.append(huidig)
            huidig, breed = "", 0.0
            if w <= breedte:
                huidig, breed = woord, w
                continue
            for teken in woord:  # longer than a line (a URL, a code): break between characters
                t = meet(teken)
                if huidig and breed + t > breedte:
                    regels.append(huidig)
                    huidig, breed = "", 0.0
                huidig, breed = huidig + teken, breed + t
        regels.append(huidig)
    return regels


def meter(doc):
    """A string's width in the current core font, from the font's own character widths: what get_string_width
    gives (without spacing or stretching, which the receipt does not use) at a fraction of its cost."""
    breedtes, schaal = doc.current_font.cw, doc.font_size_pt * 0.001 / doc.k

    def meet(tekst: str) -> float:
        try:
            return sum(breedtes[c] for c in tekst) * schaal
        except KeyError:  # not in the font's table: let fpdf2 decide
            return doc.get_string_width(tekst)

    return meet


def _alinea(doc, hoogte: float, tekst: str, link: str = "") -> None:
    """A paragraph over the full text width, as multi_cell(0, …) placed it (the cell margin on both sides)."""
    breedte = doc.epw - 2 * doc.c_margin
    for regel in regels_van(tekst, breedte, meter(doc)):
        doc.cell(0, hoogte, regel, new_x="LMARGIN", new_y="NEXT", link=link)


def _tabelrij(doc, label: str, waarde: str) -> None:
    """One bordered row of the two-column table: the label bold, each cell padded, the row as high as its
    tallest cell; a row that does not fit the page goes to the next one whole."""
    breedtes = [k - 2 * CEL_MARGE - 2 * doc.c_margin for k in KOLOMMEN]
    doc.set_font(style="B")
    label_regels = regels_van(label, breedtes[0], meter(doc))
    doc.set_font(style="")
    waarde_regels = regels_van(waarde, breedtes[1], meter(doc))
    hoogte = max(len(label_regels), len(waarde_regels)) * REGELHOOGTE_TABEL + 2 * CEL_MARGE
    if doc.will_page_break(hoogte):
        doc.add_page()
    x, y = doc.l_margin, doc.get_y()
    for kolom, (breedte, cel_regels, stijl) in enumerate(
        [(KOLOMMEN[0], label_regels, "B"), (KOLOMMEN[1], waarde_regels, "")]
    ):
        links = x + sum(KOLOMMEN[:kolom])
        doc.rect(links, y, breedte, hoogte)
        doc.set_font(style=stijl)
        for i, regel in enumerate(cel_regels):
            doc.set_xy(links + CEL_MARGE, y + CEL_MARGE + i * REGELHOOGTE_TABEL)
            doc.cell(breedte - 2 * CEL_MARGE, REGELHOOGTE_TABEL, regel)
    doc.set_font(style="")
    doc.set_xy(x, y + hoogte)
