"""DUO adapter: personal data and prior education (vooropleidingen) of a student, by BSN.

DUO's own web service is not publicly specified, so the platform talks to it through this interface;
``DuoSimulator`` is the faithful stand-in for development and tests (the DigiD stub's five test persons)
and can be told to be slow or down, as the real service sometimes is.
"""

import datetime
import time
from dataclasses import asdict, dataclass, field
from typing import Protocol

from django.conf import settings
from django.utils import timezone

from voorzieningen.core.datums import leeftijd
from voorzieningen.core.services import set_simulator_mode, simulator_mode

from .bsn import TEST_BSNS, is_valid_bsn

GEHEIM = "7"  # DUO's indicatie geheim for an address that must not be used or delivered
GEGENEREERD_PREFIX = "9999"  # generated test persons (load tests), see DuoSimulator._gegenereerd
GEGENEREERDE_VOORNAMEN = ("Emma", "Noah", "Julia", "Liam", "Mila", "Finn", "Sara", "Milan", "Yara", "Sem")
GEGENEREERDE_ADRESSEN = (
    ("Neude", "3512AE", "Utrecht"),
    ("Coolsingel", "3011AD", "Rotterdam"),
    ("Damrak", "1012LG", "Amsterdam"),
    ("Grote Markt", "9711LV", "Groningen"),
    ("Stratumseind", "5611ET", "Eindhoven"),
)


class DuoUnavailable(Exception):
    """DUO did not answer in time; the student sees a clear message and can try again."""


@dataclass(frozen=True)
class Adres:
    land: str = "6030"  # BRP tabel 34; 6030 = Nederland
    straat: str = ""
    huisnummer: str = ""
    huisnummer_toevoeging: str = ""
    huisnummer_toelichting: str = ""
    postcode: str = ""
    plaats: str = ""
    regel1: str = ""
    regel2: str = ""
    regel3: str = ""
    indicatie_geheim: str = ""

    @property
    def is_geheim(self) -> bool:
        return self.indicatie_geheim == GEHEIM


@dataclass(frozen=True)
class Persoonsgegevens:
    bsn: str
    voornamen: str
    voorvoegsel: str
    achternaam: str
    geboortedatum: datetime.date
    adres: Adres
    geboorteland: str = ""  # delivered to the SIS, never shown
    geboorteplaats: str = ""

    def leeftijd(self, op: datetime.date) -> int:
        return leeftijd(self.geboortedatum, op)

    @property
    def naam(self) -> str:
        return " ".join(p for p in (self.voornamen, self.voorvoegsel, self.achternaam) if p)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["geboortedatum"] = self.geboortedatum.isoformat()
        return data


@dataclass(frozen=True)
class Vooropleiding:
    brin: str  # school of the prior education (the leaving (VA)VO school)
    school: str
    ilt_code: str  # ILT code of the programme (onderwijscode), used by the koppelpunt routing
    omschrijving: str
    niveau: str  # e.g. VMBO-KB, HAVO, MBO-2
    diploma: bool
    startkwalificatie: bool
    datum: datetime.date | None = None

    def as_dict(self) -> dict:
        data = asdict(self)
        data["datum"] = self.datum.isoformat() if self.datum else None
        return data


@dataclass(frozen=True)
class DuoResultaat:
    persoon: Persoonsgegevens
    vooropleidingen: list[Vooropleiding] = field(default_factory=list)


class DuoClient(Protocol):
    def persoonsgegevens(self, bsn: str) -> Persoonsgegevens | None: ...

    def vooropleidingen(self, bsn: str) -> list[Vooropleiding]: ...


def _years_ago(years: int, today: datetime.date) -> datetime.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


class DuoSimulator:
    """The DigiD stub's test persons, as DUO would return them. Mode: 'normaal', 'traag' or 'onbereikbaar'."""

    NAME = "duo"

    def __init__(self, today: datetime.date | None = None):
        self.today = today or timezone.localdate()

    @classmethod
    def set_mode(cls, mode: str) -> None:
        set_simulator_mode(cls.NAME, mode)

    def _answer(self):
        mode = simulator_mode(self.NAME)
        if mode == "onbereikbaar":
            raise DuoUnavailable("DUO is niet bereikbaar (simulator: onbereikbaar)")
        if mode == "traag":
            time.sleep(settings.DUO_TIMEOUT + 0.1)
            raise DuoUnavailable("DUO antwoordde niet op tijd (simulator: traag)")

    def _people(self) -> dict[str, Persoonsgegevens]:
        t = self.today
        nl = dict(land="6030")
        return {
            "999990019": Persoonsgegevens(
                "999990019",
                "Sanne",
                "",
                "Jansen",
                _years_ago(19, t) - datetime.timedelta(days=40),
                Adres(
                    straat="Oudegracht",
                    huisnummer="12",
                    huisnummer_toevoeging="A",
                    postcode="3511AB",
                    plaats="Utrecht",
                    **nl,
                ),
                "6030",
                "Utrecht",
            ),  # fmt: skip
            "999990020": Persoonsgegevens(
                "999990020",
                "Mohammed",
                "",
                "El Amrani",
                _years_ago(20, t) - datetime.timedelta(days=100),
                Adres(
                    straat="Verborgenlaan",
                    huisnummer="7",
                    postcode="1011AA",
                    plaats="Amsterdam",
                    indicatie_geheim=GEHEIM,
                    **nl,
                ),
                "5022",
                "Casablanca",
            ),  # fmt: skip
            "999990032": Persoonsgegevens(
                "999990032",
                "Lotte",
                "van der",
                "Berg",
                _years_ago(16, t) + datetime.timedelta(days=30),
                Adres(straat="Markt", huisnummer="3", postcode="5611EB", plaats="Eindhoven", **nl),
                "6030",
                "Eindhoven",
            ),  # fmt: skip
            "999990044": Persoonsgegevens(
                "999990044",
                "Jonas",
                "",
                "Peeters",
                _years_ago(18, t) - datetime.timedelta(days=10),
                Adres(land="5010", regel1="Grote Markt 1", regel2="2000 Antwerpen"),
                "5010",
                "Antwerpen",
            ),  # fmt: skip
            "999990056": Persoonsgegevens(
                "999990056",
                "Daan",
                "de",
                "Vries",
                _years_ago(22, t) - datetime.timedelta(days=200),
                Adres(straat="Stationsplein", huisnummer="1", postcode="9711AA", plaats="Groningen", **nl),
                "6030",
                "Groningen",
            ),  # fmt: skip
        }

    def persoonsgegevens(self, bsn: str) -> Persoonsgegevens | None:
        self._answer()
        return self._people().get(bsn) or self._gegenereerd(bsn)

    def _gegenereerd(self, bsn: str) -> Persoonsgegevens | None:
        """A load test needs thousands of distinct students (one person's rows shared by all virtual users would
        be a hot spot no real peak has). Only where the DigiD stub is on, so never in a real deployment: every
        other valid BSN of the test range 9999xxxxx is a generated adult without prior education."""
        if not settings.DIGID_MOCK or not bsn.startswith(GEGENEREERD_PREFIX) or not is_valid_bsn(bsn):
            return None
        n = int(bsn)
        straat, postcode, plaats = GEGENEREERDE_ADRESSEN[n % len(GEGENEREERDE_ADRESSEN)]
        return Persoonsgegevens(
            bsn,
            GEGENEREERDE_VOORNAMEN[n % len(GEGENEREERDE_VOORNAMEN)],
            "",
            f"Proefpersoon-{bsn[4:]}",
            _years_ago(18 + n % 7, self.today) - datetime.timedelta(days=n % 300),
            Adres(straat=straat, huisnummer=str(1 + n % 150), postcode=postcode, plaats=plaats),
            "6030",
            plaats,
        )

    def vooropleidingen(self, bsn: str) -> list[Vooropleiding]:
        self._answer()
        if bsn != next(iter(TEST_BSNS)):
            return []
        return [
            Vooropleiding(
                brin="14ZZ",
                school="Openbare Scholengemeenschap De Brug",
                ilt_code="0141",
                omschrijving="VMBO kaderberoepsgerichte leerweg",
                niveau="VMBO-KB",
                diploma=True,
                startkwalificatie=False,
                datum=datetime.date(self.today.year - 1, 7, 1),
            )  # fmt: skip
        ]


def client() -> DuoClient:
    """The DUO client of this instance; only the simulator exists until DUO's interface is agreed."""
    return DuoSimulator()


def ophalen(bsn: str) -> DuoResultaat | None:
    """Personal data and prior education in one go; None when DUO does not know the BSN."""
    duo = client()
    persoon = duo.persoonsgegevens(bsn)
    if persoon is None:
        return None
    return DuoResultaat(persoon, duo.vooropleidingen(bsn))
