"""Geometry for the server-drawn SVG maps and charts: the templates only place what is computed here.

The Netherlands is drawn without tiles or outlines: every municipality's centroid as a faint dot gives the
country's shape; the analysis puts coloured and sized dots on top. Every figure is also in a table beside it,
and the dot classes differ in size as well as colour, so the map never relies on colour alone.
"""

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .geo import Kaartprojectie

PROJECTIE = Kaartprojectie()


@dataclass
class Stip:
    x: float
    y: float
    r: float
    klasse: str
    titel: str


@dataclass
class Kaart:
    titel: str
    achtergrond: list[tuple[float, float]]
    stippen: list[Stip]
    legenda: list[tuple[str, str]] = field(default_factory=list)
    breedte: int = PROJECTIE.breedte
    hoogte: int = PROJECTIE.hoogte


def achtergrond(data) -> list[tuple[float, float]]:
    return [PROJECTIE.xy(g.lat, g.lon) for g in data.gemeenten]


def straal(waarde: float, maximum: float, kleinst: float = 2.5, grootst: float = 14.0) -> float:
    """Area proportional to the value: the radius grows with the square root."""
    if maximum <= 0 or waarde <= 0:
        return kleinst
    return round(kleinst + (grootst - kleinst) * math.sqrt(waarde / maximum), 1)


def aanbodkaart(data, kaart) -> Kaart:
    """Offerings per location, sized by enrolments (or by number of offerings when no figures are loaded)."""
    maat = [(p.inschrijvingen or p.opleidingen) for p in kaart.punten]
    maximum = max(maat, default=0)
    stippen = []
    for p, m in sorted(zip(kaart.punten, maat, strict=True), key=lambda pm: -pm[1]):  # small dots on top
        x, y = PROJECTIE.xy(p.locatie.lat, p.locatie.lon)
        titel = _("%(plaats)s: %(n)s opleidingen, %(i)s") % {
            "plaats": p.locatie.plaats,
            "n": p.opleidingen,
            "i": ", ".join(p.instellingen),
        }
        stippen.append(Stip(x, y, straal(m, maximum), "pf-stip", str(titel)))
    return Kaart(
        str(_("Aanbod per locatie")),
        achtergrond(data),
        stippen,
        [("pf-stip", str(_("Locatie; hoe groter, hoe meer studenten")))],
    )


BEREIK_KLASSEN = [
    ("pf-k0", _("binnen de norm")),
    ("pf-k1", _("tot anderhalf keer de norm")),
    ("pf-k2", _("tot twee keer de norm")),
    ("pf-k3", _("verder, of geen aanbod")),
]
AANDEEL_KLASSEN = [
    ("pf-k0", _("alles binnen de norm")),
    ("pf-k1", _("75% of meer")),
    ("pf-k2", _("50 tot 75%")),
    ("pf-k3", _("minder dan de helft")),
]
KLASSE_STRAAL = {"pf-k0": 3.0, "pf-k1": 4.0, "pf-k2": 5.0, "pf-k3": 6.0}


def bereikkaart(data, bereik) -> Kaart:
    stippen = []
    if bereik.enkel is not None:
        for gb in bereik.per_gemeente:
            verhouding = (gb.reistijd or math.inf) / gb.norm if gb.norm else math.inf
            klasse = (
                "pf-k0"
                if verhouding <= 1
                else "pf-k1"
                if verhouding <= 1.5
                else "pf-k2"
                if verhouding <= 2
                else "pf-k3"
            )
            x, y = PROJECTIE.xy(gb.gemeente.lat, gb.gemeente.lon)
            minuten = "–" if gb.reistijd is None or math.isinf(gb.reistijd) else f"{round(gb.reistijd)}"
            stippen.append(Stip(x, y, KLASSE_STRAAL[klasse], klasse, f"{gb.gemeente.naam}: {minuten} min"))
        locaties = {a.locatie_idx: data.locaties[a.locatie_idx] for a in data.per_kwalificatie.get(bereik.enkel.pk, [])}
        for loc in locaties.values():
            x, y = PROJECTIE.xy(loc.lat, loc.lon)
            stippen.append(Stip(x, y, 3.5, "pf-locatie", str(_("Aanbod in %(p)s") % {"p": loc.plaats})))
        legenda = [(k, str(label)) for k, label in BEREIK_KLASSEN] + [("pf-locatie", str(_("locatie met aanbod")))]
        return Kaart(str(_("Reistijd naar het dichtstbijzijnde aanbod")), achtergrond(data), stippen, legenda)
    for gb in bereik.per_gemeente:
        a = gb.aandeel
        klasse = "pf-k0" if a >= 1 else "pf-k1" if a >= 0.75 else "pf-k2" if a >= 0.5 else "pf-k3"
        x, y = PROJECTIE.xy(gb.gemeente.lat, gb.gemeente.lon)
        stippen.append(Stip(x, y, KLASSE_STRAAL[klasse], klasse, f"{gb.gemeente.naam}: {gb.bereikbaar}/{gb.totaal}"))
    return Kaart(
        str(_("Deel van de opleidingen binnen de reistijdnorm")),
        achtergrond(data),
        stippen,
        [(k, str(label)) for k, label in AANDEEL_KLASSEN],
    )


def overlapkaart(data, overlap) -> Kaart:
    """Per municipality the number of overlaps it is part of."""
    tellingen: dict[str, int] = {}
    for g in overlap.gevallen:
        for naam in g.gemeenten:
            tellingen[naam] = tellingen.get(naam, 0) + 1
    maximum = max(tellingen.values(), default=0)
    stippen = []
    for gebied in sorted(data.gemeenten, key=lambda g: -tellingen.get(g.naam, 0)):
        n = tellingen.get(gebied.naam, 0)
        if not n:
            continue
        x, y = PROJECTIE.xy(gebied.lat, gebied.lon)
        stippen.append(Stip(x, y, straal(n, maximum), "pf-overlap", f"{gebied.naam}: {n}"))
    return Kaart(
        str(_("Overlap per gemeente")),
        achtergrond(data),
        stippen,
        [("pf-overlap", str(_("Gemeente met overlap; hoe groter, hoe meer")))],
    )


KRIMP_KLASSEN = [
    ("pf-g0", _("groei")),
    ("pf-k1", _("daling tot 5%")),
    ("pf-k2", _("daling 5 tot 10%")),
    ("pf-k3", _("daling 10% of meer")),
]


def krimpkaart(data, per_gemeente: dict[str, tuple[int, int]]) -> Kaart:
    """Projected change of 15–19-year-olds per municipality over the horizon."""
    stippen = []
    for gebied in data.gemeenten:
        nu, straks = per_gemeente.get(gebied.code, (0, 0))
        if not nu:
            continue
        verandering = (straks - nu) / nu
        klasse = (
            "pf-g0"
            if verandering >= 0
            else "pf-k1"
            if verandering > -0.05
            else "pf-k2"
            if verandering > -0.10
            else "pf-k3"
        )
        x, y = PROJECTIE.xy(gebied.lat, gebied.lon)
        straal_ = {"pf-g0": 3.0, "pf-k1": 3.5, "pf-k2": 4.5, "pf-k3": 5.5}[klasse]
        stippen.append(Stip(x, y, straal_, klasse, f"{gebied.naam}: {round(verandering * 100, 1)}%"))
    return Kaart(
        str(_("Verwachte verandering 15- tot 20-jarigen")),
        achtergrond(data),
        stippen,
        [(k, str(label)) for k, label in KRIMP_KLASSEN],
    )


# --- charts ------------------------------------------------------------------------------------------------------


@dataclass
class Staaf:
    label: str
    waarde: float
    tekst: str
    y: int
    lengte: float


@dataclass
class Staafdiagram:
    titel: str
    staven: list[Staaf]
    breedte: int = 640
    labelbreedte: int = 250

    @property
    def hoogte(self) -> int:
        return max(24, len(self.staven) * 24 + 4)

    @property
    def tekst_x(self) -> int:
        return self.labelbreedte + 6


def staafdiagram(titel: str, paren: list[tuple[str, float, str]], breedte: int = 640) -> Staafdiagram:
    """Horizontal bars: (label, value, displayed text)."""
    diagram = Staafdiagram(str(titel), [], breedte)
    ruimte = breedte - diagram.labelbreedte - 70
    maximum = max((w for _l, w, _t in paren), default=0)
    for i, (label, waarde, tekst) in enumerate(paren):
        lengte = round(ruimte * waarde / maximum, 1) if maximum > 0 else 0
        diagram.staven.append(Staaf(str(label), waarde, tekst, i * 24, lengte))
    return diagram


def sparklijn(reeks: list[int], breedte: int = 96, hoogte: int = 24) -> str:
    """The ``points`` of a small line chart; empty when there is nothing to draw."""
    if len(reeks) < 2 or not any(reeks):
        return ""
    laag, hoog = min(reeks), max(reeks)
    bereik = (hoog - laag) or 1
    stap = (breedte - 4) / (len(reeks) - 1)
    return " ".join(
        f"{round(2 + i * stap, 1)},{round(hoogte - 2 - (w - laag) / bereik * (hoogte - 4), 1)}"
        for i, w in enumerate(reeks)
    )
