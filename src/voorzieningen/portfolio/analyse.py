"""The analyses of portfolio regie over a snapshot (``data.laad``): the portfolio map, overlap and accessibility.

Rules, as the pages explain them:

- Travel time is estimated, not routed: the straight-line distance from a municipality's centroid to the
  location, times the detour factor, at a door-to-door speed (both set in Regieinstellingen). No road data is
  used: none is available without an external service.
- The norm differs by level, as the sector text asks: entree/level 2, level 3 and level 4 each have a maximum
  travel time; specialist programmes with a supra-regional labour market have a wider one. A qualification
  without a level is judged on the level-4 norm.
- Overlap: the same qualification (crebo) offered by two or more institutions in one area — the same
  municipality, the same COROP region, or within a radius (locations closer than the radius are joined, and
  joined again through a shared neighbour: single linkage). An offering marked capacity-driven or clearly
  distinct (Aanbodmarkering) does not count, but is listed; an area is an overlap when at least two institutions
  remain. An institution with several locations in the area counts once.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .data import ALLES, Aanbod, Gebied, Kwal, Locatie, Portfoliodata, Selectie
from .geo import afstand, afstandsmatrix, max_afstand_km, reistijd_minuten
from .models import Overlapmodus, Regieinstellingen

NIVEAUS = ((1, _("Entree (niveau 1)")), (2, _("Niveau 2")), (3, _("Niveau 3")), (4, _("Niveau 4")))


# --- norms -----------------------------------------------------------------------------------------------------


def norm_minuten(kwal: Kwal, parameters: Regieinstellingen) -> int:
    if kwal.specialistisch:
        return parameters.norm_specialistisch
    if kwal.niveau in (1, 2):
        return parameters.norm_entree_2
    if kwal.niveau == 3:
        return parameters.norm_3
    return parameters.norm_4


@dataclass(frozen=True)
class Reisnorm:
    omrijfactor: float
    snelheid_kmu: float

    @classmethod
    def van(cls, parameters: Regieinstellingen) -> "Reisnorm":
        return cls(float(parameters.omrijfactor), float(parameters.snelheid_kmu))

    def minuten(self, km: float) -> float:
        return reistijd_minuten(km, self.omrijfactor, self.snelheid_kmu)

    def km(self, minuten: float) -> float:
        return max_afstand_km(minuten, self.omrijfactor, self.snelheid_kmu)


# --- the portfolio map -------------------------------------------------------------------------------------------


@dataclass
class Kaartpunt:
    """Everything the selection offers at one location."""

    locatie: Locatie
    gemeente: Gebied | None
    instellingen: list[str]
    opleidingen: int
    capaciteit: int  # places stated by the cohorts that state one
    zonder_capaciteit: int  # offerings whose cohorts state no capacity
    inschrijvingen: int


@dataclass
class Aanbodregel:
    kwalificatie: Kwal
    instelling: str
    locatie: Locatie
    gemeente: Gebied | None
    aanbod: Aanbod


@dataclass
class Portfoliokaart:
    selectie: Selectie
    kwalificaties: list[Kwal]
    punten: list[Kaartpunt]
    regels: list[Aanbodregel]  # one per offering, when the selection is small enough to list
    aantal_aanbod: int
    aantal_instellingen: int
    capaciteit: int
    zonder_capaciteit: int
    inschrijvingen: int
    schooljaar: int | None

    @property
    def aantal_gemeenten(self) -> int:
        return len({p.locatie.gemeentecode for p in self.punten})


MAX_REGELS = 500


def portfoliokaart(data: Portfoliodata, selectie: Selectie = ALLES) -> Portfoliokaart:
    """Where the selected qualifications are offered, with capacity and enrolments per location."""
    kwals = data.aangeboden_kwalificaties(selectie)
    per_locatie: dict[int, list[Aanbod]] = defaultdict(list)
    gekozen = []
    for kwal in kwals:
        for a in data.per_kwalificatie[kwal.pk]:
            if selectie.instelling_id is not None and a.instelling_id != selectie.instelling_id:
                continue
            per_locatie[a.locatie_idx].append(a)
            gekozen.append(a)
    punten = []
    for idx, lijst in per_locatie.items():
        loc = data.locaties[idx]
        punten.append(
            Kaartpunt(
                loc,
                data.gemeente(loc.gemeentecode),
                sorted({data.instelling_naam(a.instelling_id) for a in lijst}),
                len(lijst),
                sum(a.capaciteit or 0 for a in lijst),
                sum(1 for a in lijst if a.capaciteit is None),
                sum(a.inschrijvingen for a in lijst),
            )
        )
    punten.sort(key=lambda p: (-p.inschrijvingen, p.locatie.plaats, p.locatie.code))
    regels = []
    if len(gekozen) <= MAX_REGELS:
        regels = sorted(
            (
                Aanbodregel(
                    data.kwalificaties[a.kwalificatie_id],
                    data.instelling_naam(a.instelling_id),
                    data.locaties[a.locatie_idx],
                    data.gemeente(data.locaties[a.locatie_idx].gemeentecode),
                    a,
                )
                for a in gekozen
            ),
            key=lambda r: (r.kwalificatie.crebo, r.locatie.plaats, r.instelling),
        )
    return Portfoliokaart(
        selectie=selectie,
        kwalificaties=kwals,
        punten=punten,
        regels=regels,
        aantal_aanbod=len(gekozen),
        aantal_instellingen=len({a.instelling_id for a in gekozen}),
        capaciteit=sum(a.capaciteit or 0 for a in gekozen),
        zonder_capaciteit=sum(1 for a in gekozen if a.capaciteit is None),
        inschrijvingen=sum(a.inschrijvingen for a in gekozen),
        schooljaar=data.schooljaar,
    )


# --- overlap ---------------------------------------------------------------------------------------------------


@dataclass
class Deelnemer:
    instelling_id: int
    naam: str
    locaties: list[Locatie]
    inschrijvingen: int
    capaciteit: int | None


@dataclass
class Overlapgeval:
    kwalificatie: Kwal
    regio: str  # the area: a municipality, a COROP region, or the places joined by the radius
    corop: str  # for grouping per region
    gemeenten: list[str]
    deelnemers: list[Deelnemer]
    uitgezonderd: list[tuple[str, str]]  # (institution, marking label)

    @property
    def inschrijvingen(self) -> int:
        return sum(d.inschrijvingen for d in self.deelnemers)

    @property
    def instelling_ids(self) -> frozenset[int]:
        return frozenset(d.instelling_id for d in self.deelnemers)

    @property
    def sleutel(self) -> tuple:
        """Identifies 'the same overlap' before and after a change: qualification, area and institutions."""
        return (self.kwalificatie.pk, self.corop, tuple(sorted(self.gemeenten)), self.instelling_ids)


@dataclass
class Overlap:
    modus: str
    straal_km: int
    selectie: Selectie
    gevallen: list[Overlapgeval]
    aantal_kwalificaties: int

    @property
    def per_regio_sector(self) -> list[tuple[str, list[tuple[str, int]]]]:
        """Counts per COROP region and sector, the way regional and sectoral (btg) tables discuss them."""
        tellingen: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for g in self.gevallen:
            tellingen[g.corop][g.kwalificatie.sector or "—"] += 1
        return [
            (regio, sorted(per_sector.items(), key=lambda p: (-p[1], p[0])))
            for regio, per_sector in sorted(tellingen.items(), key=lambda p: (-sum(p[1].values()), p[0]))
        ]

    @property
    def betrokken_instellingen(self) -> int:
        return len({d.instelling_id for g in self.gevallen for d in g.deelnemers})


def _groepeer(data: Portfoliodata, aanbod: list[Aanbod], modus: str, straal_km: float) -> list[list[Aanbod]]:
    """Split one qualification's offerings into areas."""
    if modus == Overlapmodus.GEMEENTE:
        groepen = defaultdict(list)
        for a in aanbod:
            groepen[data.locaties[a.locatie_idx].gemeentecode].append(a)
        return list(groepen.values())
    if modus == Overlapmodus.COROP:
        groepen = defaultdict(list)
        for a in aanbod:
            gebied = data.gemeente(data.locaties[a.locatie_idx].gemeentecode)
            groepen[gebied.corop_code if gebied else "?"].append(a)
        return list(groepen.values())
    # within a radius: union-find over the pairs closer than the radius
    n = len(aanbod)
    ouder = list(range(n))

    def wortel(i):
        while ouder[i] != i:
            ouder[i] = ouder[ouder[i]]
            i = ouder[i]
        return i

    punten = [data.locaties[a.locatie_idx] for a in aanbod]
    graden = straal_km / 111.0  # a cheap box test first: a degree of latitude is 111 km
    for i in range(n):
        pi = punten[i]
        for j in range(i + 1, n):
            pj = punten[j]
            if abs(pi.lat - pj.lat) > graden:
                continue
            if pi.idx == pj.idx or afstand(pi.punt, pj.punt) <= straal_km:
                ri, rj = wortel(i), wortel(j)
                if ri != rj:
                    ouder[ri] = rj
    groepen = defaultdict(list)
    for i, a in enumerate(aanbod):
        groepen[wortel(i)].append(a)
    return list(groepen.values())


MARKERING_LABELS = {"capaciteit": _("nodig vanwege capaciteit"), "onderscheidend": _("duidelijk onderscheidend")}


def overlapgevallen(
    data: Portfoliodata, kwal: Kwal, aanbod: list[Aanbod], modus: str, straal_km: float
) -> list[Overlapgeval]:
    """The overlaps of one qualification, given its offerings (the impact analysis passes changed ones)."""
    if len({a.instelling_id for a in aanbod}) < 2:
        return []
    gevallen = []
    for groep in _groepeer(data, aanbod, modus, straal_km):
        tellend = [a for a in groep if not a.uitgezonderd]
        if len({a.instelling_id for a in tellend}) < 2:
            continue
        per_instelling: dict[int, list[Aanbod]] = defaultdict(list)
        for a in tellend:
            per_instelling[a.instelling_id].append(a)
        deelnemers = []
        for instelling_id, lijst in per_instelling.items():
            capaciteiten = [a.capaciteit for a in lijst]
            deelnemers.append(
                Deelnemer(
                    instelling_id,
                    data.instelling_naam(instelling_id),
                    sorted({data.locaties[a.locatie_idx] for a in lijst}, key=lambda loc: loc.code),
                    sum(a.inschrijvingen for a in lijst),
                    None if None in capaciteiten else sum(capaciteiten),
                )
            )
        deelnemers.sort(key=lambda d: (-d.inschrijvingen, d.naam))
        gebieden = [data.gemeente(data.locaties[a.locatie_idx].gemeentecode) for a in groep]
        namen = sorted({g.naam for g in gebieden if g})
        coropen = defaultdict(int)
        for g in gebieden:
            coropen[g.corop_naam if g else "?"] += 1
        corop = max(sorted(coropen), key=lambda c: coropen[c])
        if modus == Overlapmodus.GEMEENTE:
            regio = namen[0] if namen else "?"
        elif modus == Overlapmodus.COROP:
            regio = corop
        else:
            regio = ", ".join(namen[:3]) + (" …" if len(namen) > 3 else "")
        uitgezonderd = sorted(
            {
                (data.instelling_naam(a.instelling_id), str(MARKERING_LABELS.get(a.uitgezonderd, a.uitgezonderd)))
                for a in groep
                if a.uitgezonderd
            }
        )
        gevallen.append(Overlapgeval(kwal, regio, corop, namen, deelnemers, uitgezonderd))
    return gevallen


def overlap(
    data: Portfoliodata, modus: str | None = None, straal_km: float | None = None, selectie: Selectie = ALLES
) -> Overlap:
    """Every overlap in the (selected) national portfolio."""
    modus = modus or data.parameters.overlap_modus
    straal_km = straal_km or data.parameters.overlap_straal_km
    kwals = data.aangeboden_kwalificaties(selectie)
    gevallen = []
    for kwal in kwals:
        gevallen += overlapgevallen(data, kwal, data.per_kwalificatie[kwal.pk], modus, straal_km)
    if selectie.instelling_id is not None:
        gevallen = [g for g in gevallen if selectie.instelling_id in g.instelling_ids]
    gevallen.sort(key=lambda g: (g.corop, g.kwalificatie.sector, g.kwalificatie.crebo, g.regio))
    return Overlap(modus, straal_km, selectie, gevallen, len(kwals))


# --- accessibility -------------------------------------------------------------------------------------------------


@dataclass
class Gemeentebereik:
    gemeente: Gebied
    totaal: int = 0
    bereikbaar: int = 0
    ontbrekend: list[Kwal] = field(default_factory=list)
    # for a single qualification: the nearest offering
    afstand_km: float | None = None
    reistijd: float | None = None
    norm: int | None = None
    dichtstbij: Locatie | None = None
    instelling: str = ""

    @property
    def aandeel(self) -> float:
        return self.bereikbaar / self.totaal if self.totaal else 1.0

    @property
    def gedekt(self) -> bool:
        return self.bereikbaar == self.totaal


@dataclass
class Niveaudekking:
    niveau: int
    label: str
    norm: int
    kwalificaties: int
    gewogen_aandeel: float  # the share reachable within the norm, averaged over municipalities by young people
    gemeenten_volledig: int


@dataclass
class Bereikbaarheid:
    selectie: Selectie
    kwalificaties: list[Kwal]
    per_gemeente: list[Gemeentebereik]
    per_niveau: list[Niveaudekking]
    reisnorm: Reisnorm
    enkel: Kwal | None  # set when the selection is one qualification

    @property
    def onbedekt(self) -> list[Gemeentebereik]:
        """Municipalities that miss at least one selected qualification within its norm; the worst first."""
        return sorted(
            (g for g in self.per_gemeente if not g.gedekt),
            key=lambda g: (g.aandeel, -g.gemeente.jongeren, g.gemeente.naam),
        )

    @property
    def jongeren_onbedekt(self) -> int:
        return sum(g.gemeente.jongeren for g in self.per_gemeente if not g.gedekt)

    @property
    def jongeren_totaal(self) -> int:
        return sum(g.gemeente.jongeren for g in self.per_gemeente)


def dichtstbijzijnde(data: Portfoliodata, locaties: list[Locatie]) -> list[tuple[float, Locatie | None]]:
    """Per municipality the nearest of ``locaties`` and its distance (inf and None when there is none)."""
    if not locaties:
        return [(float("inf"), None)] * len(data.gemeenten)
    uitkomst = []
    for g in data.gemeenten:
        beste = min(locaties, key=lambda loc: afstand(g.punt, loc.punt))
        uitkomst.append((afstand(g.punt, beste.punt), beste))
    return uitkomst


def bereikbaarheid(data: Portfoliodata, selectie: Selectie = ALLES) -> Bereikbaarheid:
    """For every municipality, the travel time to the nearest offering of each selected qualification."""
    reisnorm = Reisnorm.van(data.parameters)
    kwals = data.aangeboden_kwalificaties(Selectie(selectie.crebo, selectie.sector, selectie.niveau))
    per_gemeente = [Gemeentebereik(g) for g in data.gemeenten]
    enkel = kwals[0] if selectie.crebo and len(kwals) == 1 else None
    if enkel is not None:
        aanbod = data.per_kwalificatie[enkel.pk]
        locaties = sorted({data.locaties[a.locatie_idx] for a in aanbod}, key=lambda loc: loc.idx)
        instelling_van = {}
        for a in aanbod:
            instelling_van.setdefault(a.locatie_idx, data.instelling_naam(a.instelling_id))
        norm = norm_minuten(enkel, data.parameters)
        for gb, (km, loc) in zip(per_gemeente, dichtstbijzijnde(data, locaties), strict=True):
            gb.totaal, gb.norm = 1, norm
            gb.afstand_km, gb.reistijd, gb.dichtstbij = km, reisnorm.minuten(km), loc
            gb.instelling = instelling_van.get(loc.idx, "") if loc else ""
            if gb.reistijd <= norm:
                gb.bereikbaar = 1
            else:
                gb.ontbrekend.append(enkel)
        return Bereikbaarheid(selectie, kwals, per_gemeente, _per_niveau(data, kwals, per_gemeente), reisnorm, enkel)

    # the whole selection: one distance matrix municipalities × locations, then a C-level min() per pair
    matrix = afstandsmatrix([g.punt for g in data.gemeenten], [loc.punt for loc in data.locaties])
    grens_per_kwal = []
    for kwal in kwals:
        locs = sorted({a.locatie_idx for a in data.per_kwalificatie[kwal.pk]})
        grens_per_kwal.append((kwal, locs, reisnorm.km(norm_minuten(kwal, data.parameters))))
    for gb, rij in zip(per_gemeente, matrix, strict=True):
        get = rij.__getitem__
        gb.totaal = len(kwals)
        ontbrekend = gb.ontbrekend
        for kwal, locs, grens in grens_per_kwal:
            if min(map(get, locs)) > grens:
                ontbrekend.append(kwal)
        gb.bereikbaar = gb.totaal - len(ontbrekend)
    return Bereikbaarheid(selectie, kwals, per_gemeente, _per_niveau(data, kwals, per_gemeente), reisnorm, None)


def _per_niveau(data: Portfoliodata, kwals: list[Kwal], per_gemeente: list[Gemeentebereik]) -> list[Niveaudekking]:
    uitkomst = []
    totaal_jongeren = sum(g.gemeente.jongeren for g in per_gemeente)
    for niveau, label in NIVEAUS:
        op_niveau = [k for k in kwals if (k.niveau or 4) == niveau]
        if not op_niveau:
            continue
        pks = {k.pk for k in op_niveau}
        gewogen = volledig = 0
        for gb in per_gemeente:
            mist = sum(1 for k in gb.ontbrekend if k.pk in pks)
            aandeel = 1 - mist / len(op_niveau)
            gewogen += aandeel * (gb.gemeente.jongeren if totaal_jongeren else 1)
            volledig += mist == 0
        noemer = totaal_jongeren if totaal_jongeren else len(per_gemeente)
        voorbeeld = Kwal(0, "", "", niveau, "")
        uitkomst.append(
            Niveaudekking(
                niveau,
                str(label),
                norm_minuten(voorbeeld, data.parameters),
                len(op_niveau),
                gewogen / noemer if noemer else 0.0,
                volledig,
            )
        )
    return uitkomst
