"""The address dataset delivered to the SIS, and its rules (MISSION §2), in one place for form and API.

Dutch address (land 6030): straat, huisnummer, postcode, plaats required; toevoeging and toelichting
optional; regel1..3 empty. Foreign address: regel1 required, regel2..3 optional, the Dutch fields empty.
Land always required: a BRP tabel 34 code when that table is loaded, else any 4-digit code.
"""

import re

from django.utils.translation import gettext as _

NEDERLAND = "6030"
POSTCODE_RE = re.compile(r"^[1-9][0-9]{3}[A-Z]{2}$")
LAND_RE = re.compile(r"^[0-9]{4}$")  # not \d: that takes Arabic-Indic and other Unicode digits

VELDEN = (
    "land",
    "straat",
    "huisnummer",
    "huisnummer_toevoeging",
    "huisnummer_toelichting",
    "postcode",
    "plaats",
    "regel1",
    "regel2",
    "regel3",
)
NL_VERPLICHT = ("straat", "huisnummer", "postcode", "plaats")
NL_VELDEN = (*NL_VERPLICHT, "huisnummer_toevoeging", "huisnummer_toelichting")
BUITENLAND_VELDEN = ("regel1", "regel2", "regel3")
MAX_LENGTE = {
    "straat": 200,
    "plaats": 200,
    "regel1": 200,
    "regel2": 200,
    "regel3": 200,
    "huisnummer": 10,
    "huisnummer_toevoeging": 10,
    "huisnummer_toelichting": 100,
}


def normaliseer(data: dict) -> dict:
    """Trim every field, upper-case the postcode without its space."""
    adres = {veld: str(data.get(veld) or "").strip() for veld in VELDEN}
    if adres["postcode"]:
        adres["postcode"] = adres["postcode"].replace(" ", "").upper()
    return adres


def geldige_landcodes() -> set[str] | None:
    """Current BRP country codes, or None when tabel 34 has not been imported (format check only)."""
    from django.utils import timezone

    from voorzieningen.core.models import Land

    today = timezone.localdate()
    codes = set(
        Land.objects.exclude(einde__lt=today).values_list("code", flat=True)  # exclude ended countries
    )
    return codes or None


def valideer(data: dict, landcodes: set[str] | None = None) -> tuple[dict, dict[str, list[str]]]:
    """Return the normalised address and the errors per field (Dutch messages, empty when valid)."""
    adres = normaliseer(data)
    fouten: dict[str, list[str]] = {}

    def fout(veld, bericht):
        fouten.setdefault(veld, []).append(bericht)

    land = adres["land"]
    if not land:
        fout("land", _("Kies het land."))
    elif not LAND_RE.match(land):
        fout("land", _("Een landcode bestaat uit 4 cijfers (BRP-tabel 34; 6030 is Nederland)."))
    elif landcodes is not None and land not in landcodes:
        fout("land", _("Deze landcode staat niet in de landentabel (BRP-tabel 34)."))

    for veld, maximum in MAX_LENGTE.items():
        if len(adres[veld]) > maximum:
            fout(veld, _("Maximaal %(max)d tekens.") % {"max": maximum})

    if land == NEDERLAND:
        for veld in NL_VERPLICHT:
            if not adres[veld]:
                fout(veld, VERPLICHT_NL[veld]())
        if adres["postcode"] and not POSTCODE_RE.match(adres["postcode"]):
            fout("postcode", _("Een Nederlandse postcode heeft de vorm 1234AB."))
        for veld in BUITENLAND_VELDEN:
            if adres[veld]:
                fout(veld, _("Adresregels zijn alleen voor een adres buiten Nederland. Gebruik straat en huisnummer."))
    elif land:
        if not adres["regel1"]:
            fout("regel1", _("Vul de eerste adresregel in (straat en huisnummer in het buitenland)."))
        for veld in NL_VELDEN:
            if adres[veld]:
                fout(veld, _("Laat dit veld leeg bij een adres buiten Nederland; gebruik de adresregels."))
    return adres, fouten


VERPLICHT_NL = {
    "straat": lambda: _("Vul de straat in."),
    "huisnummer": lambda: _("Vul het huisnummer in."),
    "postcode": lambda: _("Vul de postcode in."),
    "plaats": lambda: _("Vul de plaats in."),
}


def als_tekst(adres: dict | None) -> str:
    if not adres:
        return ""
    if adres.get("land") == NEDERLAND:
        nummer = " ".join(
            x
            for x in (adres.get("huisnummer"), adres.get("huisnummer_toevoeging"), adres.get("huisnummer_toelichting"))
            if x
        )
        return f"{adres.get('straat')} {nummer}, {adres.get('postcode')} {adres.get('plaats')}"
    return ", ".join(x for x in (adres.get("regel1"), adres.get("regel2"), adres.get("regel3")) if x)
