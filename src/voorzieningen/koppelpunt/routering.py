"""Who gets a status message (MISSION §4, WEB art. 8.0.3): one table of clauses per recipient.

Centraal Aanmelden always; Koppelpunt VO when the prior education's ILT code is on the list AND the leertraject
is not ODT AND the leaving (VA)VO school's BRIN is filled; Koppelpunt Gemeenten when the student lives in a Dutch
municipality AND has no startkwalificatie AND is younger than 23 on the message date. A recipient that is not
chosen gets the reason of every clause that failed, for the log and the vendors' sandbox.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from voorzieningen.core.datums import leeftijd

CA, VO, GEMEENTEN = "CENTRAAL_AANMELDEN", "KOPPELPUNT_VO", "KOPPELPUNT_GEMEENTEN"
RNI_GEMEENTECODE = "1999"  # Registratie Niet-Ingezetenen: registered, but not living in a Dutch municipality


@dataclass(frozen=True)
class Bericht:
    """The fields routing looks at."""

    leertraject: str
    ilt_code: str
    brin_vo: str
    gemeentecode: str
    startkwalificatie: bool
    geboortedatum: datetime.date
    berichtdatum: datetime.date


@dataclass(frozen=True)
class Context:
    ilt_codes: frozenset[str]
    gemeenten: frozenset[str] | None = None  # current municipality codes when the reference table is loaded


def _nederlandse_gemeente(b: Bericht, ctx: Context) -> bool:
    code = b.gemeentecode
    if not (len(code) == 4 and code.isdigit()) or code == RNI_GEMEENTECODE:
        return False
    return ctx.gemeenten is None or code in ctx.gemeenten


@dataclass(frozen=True)
class Voorwaarde:
    sleutel: str
    geldt: Callable[[Bericht, Context], bool]
    reden: str  # why the recipient was skipped when this clause fails (Dutch, for the log)


REGELS: dict[str, list[Voorwaarde]] = {
    CA: [],
    VO: [
        Voorwaarde(
            "ilt_op_lijst",
            lambda b, ctx: b.ilt_code in ctx.ilt_codes,
            "ILT-code van de vooropleiding staat niet op de lijst voor Koppelpunt VO",
        ),
        Voorwaarde("niet_odt", lambda b, ctx: b.leertraject != "ODT", "leertraject is ODT"),
        Voorwaarde(
            "brin_vo_gevuld", lambda b, ctx: bool(b.brin_vo.strip()), "BRIN van de latende (VA)VO-school ontbreekt"
        ),
    ],
    GEMEENTEN: [
        Voorwaarde("nederlandse_gemeente", _nederlandse_gemeente, "woont niet in een Nederlandse gemeente"),
        Voorwaarde("geen_startkwalificatie", lambda b, ctx: not b.startkwalificatie, "heeft een startkwalificatie"),
        Voorwaarde(
            "jonger_dan_23",
            lambda b, ctx: leeftijd(b.geboortedatum, b.berichtdatum) < 23,
            "is op de berichtdatum 23 jaar of ouder",
        ),
    ],
}


@dataclass(frozen=True)
class Besluit:
    ontvangers: list[str]
    niet_naar: dict[str, list[str]] = field(default_factory=dict)


def routeer(bericht: Bericht, ctx: Context) -> Besluit:
    ontvangers, niet_naar = [], {}
    for ontvanger, voorwaarden in REGELS.items():
        gefaald = [v.reden for v in voorwaarden if not v.geldt(bericht, ctx)]
        if gefaald:
            niet_naar[ontvanger] = gefaald
        else:
            ontvangers.append(ontvanger)
    return Besluit(ontvangers, niet_naar)
