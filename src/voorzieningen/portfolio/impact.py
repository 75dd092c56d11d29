"""What a proposed start, stop, scale-down, expansion, exchange or joint offering does to coverage and overlap,
computed before anyone decides.

The change is applied to a copy of the affected qualifications' offerings; coverage and overlap are computed
before and after with the same rules as the analyses (``analyse.py``):

- start: the institution offers the qualification at the given location; without one, at its own location in
  that municipality; without that, at the municipality's centroid (a location not yet known);
- stop: all the institution's offerings of the qualification in that municipality end;
- scale down / expand: capacity changes, coverage does not; the overlap it sits in is shown;
- exchange: the institution stops and the partner starts (and, with a qualification in return, the other way);
- joint offering: the two institutions count as one provider of the qualification in that region's overlap.
"""

import dataclasses
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .analyse import Overlapgeval, Reisnorm, dichtstbijzijnde, norm_minuten, overlapgevallen
from .data import Aanbod, Gebied, Kwal, Locatie, Portfoliodata
from .geo import afstand
from .models import Soort


@dataclass(frozen=True)
class Wijziging:
    actie: str  # start | stop | capaciteit | samen
    instelling_id: int
    kwalificatie_id: int
    gemeentecode: str
    locatie_code: str = ""
    plaatsen: int = 0
    partner_id: int | None = None


def wijzigingen_van(
    soort: str,
    instelling_id: int,
    kwalificatie_id: int,
    gemeentecode: str,
    *,
    partner_id: int | None = None,
    ruil_kwalificatie_id: int | None = None,
    plaatsen: int | None = None,
    locatie_code: str = "",
) -> list[Wijziging]:
    """The changes an announcement of ``soort`` stands for."""
    if soort == Soort.START:
        return [Wijziging("start", instelling_id, kwalificatie_id, gemeentecode, locatie_code, abs(plaatsen or 0))]
    if soort == Soort.STOP:
        return [Wijziging("stop", instelling_id, kwalificatie_id, gemeentecode, locatie_code)]
    if soort in (Soort.AFSCHALEN, Soort.UITBREIDEN):
        teken = -1 if soort == Soort.AFSCHALEN else 1
        return [
            Wijziging(
                "capaciteit", instelling_id, kwalificatie_id, gemeentecode, locatie_code, teken * abs(plaatsen or 0)
            )
        ]
    if soort == Soort.UITRUILEN:
        if partner_id is None:
            return [Wijziging("stop", instelling_id, kwalificatie_id, gemeentecode, locatie_code)]
        wijzigingen = [
            Wijziging("stop", instelling_id, kwalificatie_id, gemeentecode, locatie_code),
            Wijziging("start", partner_id, kwalificatie_id, gemeentecode),
        ]
        if ruil_kwalificatie_id:
            wijzigingen += [
                Wijziging("stop", partner_id, ruil_kwalificatie_id, gemeentecode),
                Wijziging("start", instelling_id, ruil_kwalificatie_id, gemeentecode, locatie_code),
            ]
        return wijzigingen
    if soort == Soort.SAMEN:
        return [Wijziging("samen", instelling_id, kwalificatie_id, gemeentecode, partner_id=partner_id)]
    raise ValueError(f"onbekend voornemen {soort!r}")


@dataclass
class Dekkingsverschil:
    gemeente: Gebied
    voor: float | None  # minutes to the nearest offering; None: none at all
    na: float | None


@dataclass
class Kwalimpact:
    kwalificatie: Kwal
    norm: int
    verliest: list[Dekkingsverschil] = field(default_factory=list)
    wint: list[Dekkingsverschil] = field(default_factory=list)
    overlap_voor: list[Overlapgeval] = field(default_factory=list)
    overlap_na: list[Overlapgeval] = field(default_factory=list)
    locaties_voor: int = 0
    locaties_na: int = 0
    instellingen_voor: int = 0
    instellingen_na: int = 0
    capaciteit_voor: int = 0
    capaciteit_na: int = 0
    inschrijvingen_geraakt: int = 0  # students at offerings that stop
    alternatief: tuple[str, str, float] | None = None  # nearest remaining offering for them: institution, place, min

    @property
    def jongeren_verliest(self) -> int:
        return sum(d.gemeente.jongeren for d in self.verliest)

    @property
    def jongeren_wint(self) -> int:
        return sum(d.gemeente.jongeren for d in self.wint)

    @property
    def laatste_aanbod(self) -> bool:
        return self.locaties_voor > 0 and self.locaties_na == 0

    @property
    def overlap_instellingen_voor(self) -> int:
        return max((len(g.deelnemers) for g in self.overlap_voor), default=0)

    @property
    def overlap_instellingen_na(self) -> int:
        return max((len(g.deelnemers) for g in self.overlap_na), default=0)


@dataclass
class Impact:
    wijzigingen: list[Wijziging]
    per_kwalificatie: list[Kwalimpact]
    meldingen: list[str]
    modus: str
    straal_km: float

    @property
    def verlies_dekking(self) -> bool:
        return any(k.verliest for k in self.per_kwalificatie)

    def als_dict(self) -> dict:
        """A JSON record: kept on the case as the impact known when it was announced."""

        def minuten(v):
            return None if v is None else round(v)

        def geval(g: Overlapgeval) -> dict:
            return {"regio": g.regio, "instellingen": [d.naam for d in g.deelnemers]}

        return {
            "modus": self.modus,
            "straal_km": self.straal_km,
            "meldingen": self.meldingen,
            "kwalificaties": [
                {
                    "crebo": k.kwalificatie.crebo,
                    "naam": k.kwalificatie.naam,
                    "specialistisch": k.kwalificatie.specialistisch,
                    "norm_minuten": k.norm,
                    "verliest": [
                        {
                            "gemeente": d.gemeente.code,
                            "naam": d.gemeente.naam,
                            "voor": minuten(d.voor),
                            "na": minuten(d.na),
                            "jongeren": d.gemeente.jongeren,
                        }
                        for d in k.verliest
                    ],
                    "wint": [
                        {
                            "gemeente": d.gemeente.code,
                            "naam": d.gemeente.naam,
                            "voor": minuten(d.voor),
                            "na": minuten(d.na),
                            "jongeren": d.gemeente.jongeren,
                        }
                        for d in k.wint
                    ],
                    "jongeren_verliest": k.jongeren_verliest,
                    "jongeren_wint": k.jongeren_wint,
                    "overlap_voor": [geval(g) for g in k.overlap_voor],
                    "overlap_na": [geval(g) for g in k.overlap_na],
                    "locaties_voor": k.locaties_voor,
                    "locaties_na": k.locaties_na,
                    "instellingen_voor": k.instellingen_voor,
                    "instellingen_na": k.instellingen_na,
                    "capaciteit_voor": k.capaciteit_voor,
                    "capaciteit_na": k.capaciteit_na,
                    "inschrijvingen_geraakt": k.inschrijvingen_geraakt,
                    "laatste_aanbod": k.laatste_aanbod,
                    "alternatief": None
                    if k.alternatief is None
                    else {
                        "instelling": k.alternatief[0],
                        "plaats": k.alternatief[1],
                        "minuten": round(k.alternatief[2]),
                    },
                }
                for k in self.per_kwalificatie
            ],
        }


def _locatie_voor_start(data: Portfoliodata, w: Wijziging) -> Locatie | None:
    if w.locatie_code and w.locatie_code in data.locatie_index:
        return data.locaties[data.locatie_index[w.locatie_code]]
    eigen = sorted(
        {
            data.locaties[a.locatie_idx]
            for a in data.aanbod
            if a.instelling_id == w.instelling_id and data.locaties[a.locatie_idx].gemeentecode == w.gemeentecode
        },
        key=lambda loc: loc.code,
    )
    if eigen:
        return eigen[0]
    bestaand = data.locatie_index.get(f"~{w.gemeentecode}")
    if bestaand is not None:
        return data.locaties[bestaand]
    return data.voeg_locatie_toe(w.gemeentecode)


def _raakt(data: Portfoliodata, a: Aanbod, w: Wijziging, instelling_id: int) -> bool:
    if a.instelling_id != instelling_id:
        return False
    loc = data.locaties[a.locatie_idx]
    if w.locatie_code and w.actie != "samen":
        return loc.code == w.locatie_code
    return loc.gemeentecode == w.gemeentecode


def _pas_toe(data: Portfoliodata, aanbod: list[Aanbod], wijzigingen: list[Wijziging], meldingen: list[str]):
    geraakt = 0
    gestopt: list[Locatie] = []
    for w in wijzigingen:
        naam = data.instelling_naam(w.instelling_id)
        kwal = data.kwalificaties[w.kwalificatie_id]
        if w.actie == "start":
            loc = _locatie_voor_start(data, w)
            if loc is None:
                meldingen.append(
                    _("Gemeente %(g)s is onbekend; de start is niet doorgerekend.") % {"g": w.gemeentecode}
                )
                continue
            if any(a.instelling_id == w.instelling_id and a.locatie_idx == loc.idx for a in aanbod):
                meldingen.append(
                    _("%(i)s biedt %(k)s al aan in %(p)s.") % {"i": naam, "k": kwal.crebo, "p": loc.plaats}
                )
                continue
            aanbod.append(Aanbod(w.instelling_id, loc.idx, w.kwalificatie_id, {"BOL"}, w.plaatsen or None))
        elif w.actie == "stop":
            weg = [a for a in aanbod if _raakt(data, a, w, w.instelling_id)]
            if not weg:
                meldingen.append(
                    _("%(i)s biedt %(k)s niet aan in deze gemeente: er is niets om te stoppen.")
                    % {"i": naam, "k": kwal.crebo}
                )
            for a in weg:
                aanbod.remove(a)
                geraakt += a.inschrijvingen
                gestopt.append(data.locaties[a.locatie_idx])
        elif w.actie == "capaciteit":
            geraakt_aanbod = [a for a in aanbod if _raakt(data, a, w, w.instelling_id)]
            if not geraakt_aanbod:
                meldingen.append(
                    _("%(i)s biedt %(k)s niet aan in deze gemeente: de capaciteit kan niet wijzigen.")
                    % {"i": naam, "k": kwal.crebo}
                )
            for a in geraakt_aanbod[:1]:  # the change in places applies once, to the first location
                a.capaciteit = max(0, (a.capaciteit or 0) + w.plaatsen)
        elif w.actie == "samen":
            gebied = data.gemeente(w.gemeentecode)
            corop = gebied.corop_code if gebied else None
            for a in aanbod:
                loc_gebied = data.gemeente(data.locaties[a.locatie_idx].gemeentecode)
                if a.instelling_id == w.partner_id and loc_gebied and loc_gebied.corop_code == corop:
                    a.instelling_id = w.instelling_id  # from now on one provider in this region
    return geraakt, gestopt


def _minuten(data: Portfoliodata, aanbod: list[Aanbod], reisnorm: Reisnorm) -> list[float | None]:
    locaties = sorted({data.locaties[a.locatie_idx] for a in aanbod}, key=lambda loc: loc.idx)
    return [None if loc is None else reisnorm.minuten(km) for km, loc in dichtstbijzijnde(data, locaties)]


def impact(
    data: Portfoliodata, wijzigingen: list[Wijziging], modus: str | None = None, straal_km: float | None = None
) -> Impact:
    modus = modus or data.parameters.overlap_modus
    straal_km = straal_km or data.parameters.overlap_straal_km
    reisnorm = Reisnorm.van(data.parameters)
    meldingen: list[str] = []
    resultaten = []
    volgorde = list(dict.fromkeys(w.kwalificatie_id for w in wijzigingen))
    for kwal_id in volgorde:
        kwal = data.kwalificaties.get(kwal_id)
        if kwal is None:
            continue
        voor = data.per_kwalificatie.get(kwal_id, [])
        na = [dataclasses.replace(a, leertrajecten=set(a.leertrajecten)) for a in voor]
        eigen = [w for w in wijzigingen if w.kwalificatie_id == kwal_id]
        geraakt, gestopt = _pas_toe(data, na, eigen, meldingen)
        norm = norm_minuten(kwal, data.parameters)
        k = Kwalimpact(kwal, norm, inschrijvingen_geraakt=geraakt)
        for gebied, t_voor, t_na in zip(
            data.gemeenten, _minuten(data, voor, reisnorm), _minuten(data, na, reisnorm), strict=True
        ):
            was = t_voor is not None and t_voor <= norm
            wordt = t_na is not None and t_na <= norm
            if was and not wordt:
                k.verliest.append(Dekkingsverschil(gebied, t_voor, t_na))
            elif wordt and not was:
                k.wint.append(Dekkingsverschil(gebied, t_voor, t_na))
        k.verliest.sort(key=lambda d: (-d.gemeente.jongeren, d.gemeente.naam))
        k.wint.sort(key=lambda d: (-d.gemeente.jongeren, d.gemeente.naam))
        k.locaties_voor = len({a.locatie_idx for a in voor})
        k.locaties_na = len({a.locatie_idx for a in na})
        k.instellingen_voor = len({a.instelling_id for a in voor})
        k.instellingen_na = len({a.instelling_id for a in na})
        k.capaciteit_voor = sum(a.capaciteit or 0 for a in voor)
        k.capaciteit_na = sum(a.capaciteit or 0 for a in na)
        gemeenten = {data.gemeente(w.gemeentecode).naam for w in eigen if data.gemeente(w.gemeentecode)}

        def relevant(g: Overlapgeval, gemeenten=gemeenten) -> bool:
            """The overlaps in the area of the change: elsewhere the change alters nothing."""
            return bool(set(g.gemeenten) & gemeenten)

        k.overlap_voor = [g for g in overlapgevallen(data, kwal, voor, modus, straal_km) if relevant(g)]
        k.overlap_na = [g for g in overlapgevallen(data, kwal, na, modus, straal_km) if relevant(g)]
        if gestopt and na:
            herkomst = gestopt[0]
            beste = min(na, key=lambda a: (afstand_tot(data, herkomst, a), a.locatie_idx))
            loc = data.locaties[beste.locatie_idx]
            k.alternatief = (
                data.instelling_naam(beste.instelling_id),
                loc.plaats,
                reisnorm.minuten(afstand_tot(data, herkomst, beste)),
            )
        resultaten.append(k)
    return Impact(wijzigingen, resultaten, list(dict.fromkeys(meldingen)), modus, straal_km)


def afstand_tot(data: Portfoliodata, locatie: Locatie, a: Aanbod) -> float:
    return afstand(locatie.punt, data.locaties[a.locatie_idx].punt)
