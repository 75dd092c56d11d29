"""Early warning (vroegsignalering): where the offering thins out, before a region is left without it.

The rules, as the page explains them:

1. Falling offering or enrolments: per COROP region, and per region and sector, the number of offerings with
   students (institution × location × crebo) and the number of students are compared with the year before. A
   fall of at least the threshold (Regieinstellingen, default 3%) is a signal; 'high' when it also fell the year
   before that. Per sector, tiny numbers are noise: a sector signal needs a fall of at least 2 offerings or
   25 students as well.
2. Demographic shrink: the projected number of 15–19-year-olds in a region five years ahead, against this year.
   A fall of at least the shrink threshold (default 10%) is a signal; 'high' at twice the threshold.
3. A planned stop that leaves an area uncovered: open start/stop cases (and concluded ones that go ahead and
   have not taken effect yet) are run through the impact analysis; when a municipality would lose its last
   offering within the norm, that is a 'high' signal. Only staff and the institutions see these: an intention
   under consultation is not public.
4. Specialist programmes (supra-regional labour market) are listed with their spread; one offered by a single
   institution is a signal ('kwetsbaar'), since a stop there leaves the country without it.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from .data import INITIELE_LEERTRAJECTEN, Kwal, Portfoliodata
from .models import Bevolking, Casus, Inschrijving, Leeftijdsklasse

JAREN_HISTORIE = 4
MIN_DALING_AANBOD_SECTOR = 2
MIN_DALING_STUDENTEN_SECTOR = 25
HORIZON = 5


@dataclass
class Signaal:
    soort: str  # aanbod | inschrijvingen | krimp | stop | specialistisch
    ernst: str  # hoog | midden
    regio: str
    tekst: str
    sector: str = ""
    kwalificatie: Kwal | None = None
    casus_id: int | None = None
    gemeenten: list[str] = field(default_factory=list)

    @property
    def ernst_label(self) -> str:
        return _("hoog") if self.ernst == "hoog" else _("midden")


@dataclass
class Regioreeks:
    corop: str
    aanbod: list[int]  # per year of ``Vroegsignalering.jaren``
    inschrijvingen: list[int]
    jongeren_nu: int
    jongeren_straks: int | None  # HORIZON years ahead; None: no projection for that year

    @property
    def jongeren_verandering(self) -> float | None:
        if not self.jongeren_nu or self.jongeren_straks is None:
            return None
        return (self.jongeren_straks - self.jongeren_nu) / self.jongeren_nu

    @property
    def aanbod_verandering(self) -> float | None:
        return _verandering(self.aanbod)

    @property
    def inschrijvingen_verandering(self) -> float | None:
        return _verandering(self.inschrijvingen)


@dataclass
class Specialistisch:
    kwalificatie: Kwal
    locaties: int
    instellingen: int


@dataclass
class Vroegsignalering:
    jaren: list[int]
    peiljaar: int
    regio_s: list[Regioreeks]
    signalen: list[Signaal]
    specialistisch: list[Specialistisch]
    jongeren_per_gemeente: dict[str, tuple[int, int]] = field(default_factory=dict)  # code -> (now, HORIZON ahead)

    def van_soort(self, soort: str) -> list[Signaal]:
        return [s for s in self.signalen if s.soort == soort]


def _verandering(reeks: list[int]) -> float | None:
    if len(reeks) < 2 or not reeks[-2]:
        return None
    return (reeks[-1] - reeks[-2]) / reeks[-2]


def daling(reeks: list[int], drempel: float) -> tuple[bool, bool]:
    """(signal, high): the last year fell by at least ``drempel`` (a fraction); high when the year before fell too.

    A series that starts at zero or has fewer than two years never signals: there is nothing to fall from.
    """
    if len(reeks) < 2 or reeks[-2] <= 0:
        return False, False
    gevallen = (reeks[-2] - reeks[-1]) / reeks[-2] >= drempel
    ervoor = len(reeks) >= 3 and reeks[-3] > reeks[-2]
    return gevallen, gevallen and ervoor


def vroegsignalering(
    data: Portfoliodata, vandaag: datetime.date | None = None, met_casussen: bool = False
) -> Vroegsignalering:
    parameters = data.parameters
    drempel = parameters.daling_drempel_pct / 100
    laatste = data.schooljaar
    jaren = list(range(laatste - JAREN_HISTORIE + 1, laatste + 1)) if laatste else []
    corop_van = {g.code: g.corop_naam for g in data.gemeenten}

    aanbod: dict[str, dict[int, set]] = defaultdict(lambda: defaultdict(set))
    studenten: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    sector_aanbod: dict[tuple, dict[int, set]] = defaultdict(lambda: defaultdict(set))
    sector_studenten: dict[tuple, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    if jaren:
        rijen = (
            Inschrijving.objects.filter(schooljaar__in=jaren, leertraject__in=INITIELE_LEERTRAJECTEN, aantal__gt=0)
            .order_by()
            .values_list("schooljaar", "instelling_id", "onderwijslocatiecode", "gemeentecode", "kwalificatie_id")
            .annotate(n=Sum("aantal"))
        )
        for jaar, instelling, locatie, gemeente, kwal_id, n in rijen:
            corop = corop_van.get(gemeente)
            if corop is None:
                continue
            kwal = data.kwalificaties.get(kwal_id)
            sector = kwal.sector if kwal and kwal.sector else "—"
            sleutel = (instelling, locatie, kwal_id)
            aanbod[corop][jaar].add(sleutel)
            studenten[corop][jaar] += n
            sector_aanbod[(corop, sector)][jaar].add(sleutel)
            sector_studenten[(corop, sector)][jaar] += n

    jongeren_nu, jongeren_straks, per_gemeente = _jongeren_per_regio(data, corop_van)
    regio_s = []
    for corop in sorted({g.corop_naam for g in data.gemeenten}):
        regio_s.append(
            Regioreeks(
                corop,
                [len(aanbod[corop][j]) for j in jaren],
                [studenten[corop][j] for j in jaren],
                jongeren_nu.get(corop, 0),
                jongeren_straks.get(corop),
            )
        )

    signalen: list[Signaal] = []
    for r in regio_s:
        for soort, reeks, eenheid in (
            ("aanbod", r.aanbod, _("opleidingen met studenten")),
            ("inschrijvingen", r.inschrijvingen, _("studenten")),
        ):
            signaal, hoog = daling(reeks, drempel)
            if signaal:
                signalen.append(
                    Signaal(
                        soort,
                        "hoog" if hoog else "midden",
                        r.corop,
                        _("%(eenheid)s: van %(van)s naar %(naar)s (%(pct)s%%)%(ook)s")
                        % {
                            "eenheid": eenheid,
                            "van": reeks[-2],
                            "naar": reeks[-1],
                            "pct": round((reeks[-1] - reeks[-2]) / reeks[-2] * 100, 1),
                            "ook": _(", het jaar ervoor daalde het ook") if hoog else "",
                        },
                    )
                )
        verandering = r.jongeren_verandering
        krimp = parameters.krimp_drempel_pct / 100
        if verandering is not None and verandering <= -krimp:
            signalen.append(
                Signaal(
                    "krimp",
                    "hoog" if verandering <= -2 * krimp else "midden",
                    r.corop,
                    _("15- tot 20-jarigen: van %(nu)s in %(jaar)s naar %(straks)s in %(later)s (%(pct)s%%)")
                    % {
                        "nu": r.jongeren_nu,
                        "straks": r.jongeren_straks,
                        "jaar": data.peiljaar,
                        "later": data.peiljaar + HORIZON,
                        "pct": round(verandering * 100, 1),
                    },
                )
            )
    for (corop, sector), per_jaar in sorted(sector_aanbod.items()):
        reeks_a = [len(per_jaar[j]) for j in jaren]
        reeks_s = [sector_studenten[(corop, sector)][j] for j in jaren]
        for soort, reeks, minimum in (
            ("aanbod", reeks_a, MIN_DALING_AANBOD_SECTOR),
            ("inschrijvingen", reeks_s, MIN_DALING_STUDENTEN_SECTOR),
        ):
            signaal, hoog = daling(reeks, drempel)
            if signaal and reeks[-2] - reeks[-1] >= minimum:
                signalen.append(
                    Signaal(
                        soort,
                        "hoog" if hoog else "midden",
                        corop,
                        _("%(sector)s: van %(van)s naar %(naar)s")
                        % {"sector": sector, "van": reeks[-2], "naar": reeks[-1]},
                        sector=sector,
                    )
                )

    specialistisch = []
    for kwal in data.aangeboden_kwalificaties():
        if not kwal.specialistisch:
            continue
        lijst = data.per_kwalificatie[kwal.pk]
        s = Specialistisch(kwal, len({a.locatie_idx for a in lijst}), len({a.instelling_id for a in lijst}))
        specialistisch.append(s)
        if s.instellingen <= 1:
            signalen.append(
                Signaal(
                    "specialistisch",
                    "midden",
                    _("landelijk"),
                    _(
                        "%(kwal)s wordt door één instelling aangeboden: een stop laat het land zonder deze "
                        "opleiding. Houd haar toegankelijk voor studenten uit andere regio's."
                    )
                    % {"kwal": kwal},
                    kwalificatie=kwal,
                )
            )
    if met_casussen:
        signalen += geplande_stops(data, vandaag)
    volgorde = {"stop": 0, "specialistisch": 1, "aanbod": 2, "inschrijvingen": 3, "krimp": 4}
    signalen.sort(key=lambda s: (s.ernst != "hoog", volgorde.get(s.soort, 9), s.regio, s.sector))
    return Vroegsignalering(jaren, data.peiljaar, regio_s, signalen, specialistisch, per_gemeente)


def _jongeren_per_regio(data: Portfoliodata, corop_van: dict[str, str]) -> tuple[dict, dict, dict]:
    """15–19-year-olds per region now and HORIZON years ahead. A region's change is computed over the
    municipalities that have both figures, so a missing projection never looks like shrink."""
    per_gemeente: dict[str, list[int | None]] = defaultdict(lambda: [None, None])
    for gemeente, jaar, aantal in Bevolking.objects.filter(
        leeftijdsklasse=Leeftijdsklasse.K15_19, jaar__in=[data.peiljaar, data.peiljaar + HORIZON]
    ).values_list("gemeente_id", "jaar", "aantal"):
        if gemeente in corop_van:
            per_gemeente[gemeente][0 if jaar == data.peiljaar else 1] = aantal
    nu: dict[str, int] = defaultdict(int)
    straks: dict[str, int] = {}
    gepaard: dict[str, int] = defaultdict(int)
    for gemeente, (a, b) in per_gemeente.items():
        corop = corop_van[gemeente]
        if a is not None and b is None:
            nu[corop] += a
        elif a is not None:
            gepaard[corop] += a
            straks[corop] = straks.get(corop, 0) + b
    for corop, n in gepaard.items():  # with a projection: compare like with like
        nu[corop] = n
    paren = {code: (a, b) for code, (a, b) in per_gemeente.items() if a is not None and b is not None}
    return nu, straks, paren


def geplande_stops(data: Portfoliodata, vandaag: datetime.date | None = None) -> list[Signaal]:
    """Open cases (and concluded ones that go ahead, not yet in effect) whose change leaves an area uncovered."""
    from . import impact as impactmodule

    vandaag = vandaag or datetime.date.today()
    casussen = Casus.objects.filter(
        Q(status=Casus.Status.OPEN)
        | Q(status=Casus.Status.AFGEROND, uitkomst=Casus.Uitkomst.DOORGAAN, beoogde_ingang__gte=vandaag),
        soort__in=["stop", "uitruilen"],
    ).select_related("kwalificatie", "gemeente")
    signalen = []
    for casus in casussen:
        wijzigingen = impactmodule.wijzigingen_van(
            casus.soort,
            casus.instelling_id,
            casus.kwalificatie_id,
            casus.gemeente_id,
            partner_id=casus.partner_id,
            ruil_kwalificatie_id=casus.ruil_kwalificatie_id,
        )
        uitkomst = impactmodule.impact(data, wijzigingen)
        for k in uitkomst.per_kwalificatie:
            if not k.verliest:
                continue
            namen = [d.gemeente.naam for d in k.verliest]
            tekst = _(
                "%(nummer)s: na de stop van %(kwal)s ligt het aanbod voor %(n)s gemeenten (%(jongeren)s jongeren "
                "van 15–19) buiten de reistijdnorm van %(norm)s minuten."
            ) % {
                "nummer": casus.nummer,
                "kwal": k.kwalificatie,
                "n": len(namen),
                "jongeren": k.jongeren_verliest,
                "norm": k.norm,
            }
            if k.kwalificatie.specialistisch:
                tekst += " " + _("Dit is een specialistische opleiding met een bovenregionale arbeidsmarkt.")
            signalen.append(
                Signaal(
                    "stop",
                    "hoog",
                    casus.gemeente.corop_naam or casus.gemeente.naam,
                    tekst,
                    sector=k.kwalificatie.sector,
                    kwalificatie=k.kwalificatie,
                    casus_id=casus.pk,
                    gemeenten=namen,
                )
            )
    return signalen
