"""Distance and travel time without a road network: great-circle distance times a detour factor.

Plain Python on purpose (no numpy in the project): points are prepared once as radians and cosines, so a
distance costs a handful of float operations and a national matrix stays well under a second.
"""

import math
from dataclasses import dataclass

AARDSTRAAL_KM = 6371.0088  # mean Earth radius (IUGG)


@dataclass(frozen=True, slots=True)
class Punt:
    """A point prepared for fast distances: latitude and longitude in radians and the cosine of the latitude."""

    lat: float
    lon: float
    cos_lat: float

    @classmethod
    def van(cls, lat: float, lon: float) -> "Punt":
        phi = math.radians(lat)
        return cls(phi, math.radians(lon), math.cos(phi))


def afstand(a: Punt, b: Punt) -> float:
    """Great-circle distance in km (haversine; accurate to about 0.5% on an ellipsoidal Earth)."""
    h = math.sin((b.lat - a.lat) / 2) ** 2 + a.cos_lat * b.cos_lat * math.sin((b.lon - a.lon) / 2) ** 2
    return 2 * AARDSTRAAL_KM * math.asin(math.sqrt(min(1.0, h)))


def afstand_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return afstand(Punt.van(lat1, lon1), Punt.van(lat2, lon2))


def reistijd_minuten(afstand_km: float, omrijfactor: float, snelheid_kmu: float) -> float:
    """Estimated door-to-door travel time: the straight line lengthened by the detour factor, at a mean speed."""
    if snelheid_kmu <= 0:
        raise ValueError("snelheid moet positief zijn")
    return afstand_km * omrijfactor / snelheid_kmu * 60


def max_afstand_km(minuten: float, omrijfactor: float, snelheid_kmu: float) -> float:
    """The straight-line distance that takes exactly ``minuten``: the inverse of :func:`reistijd_minuten`."""
    return minuten / 60 * snelheid_kmu / omrijfactor


def afstandsmatrix(van: list[Punt], naar: list[Punt]) -> list[list[float]]:
    """Distances from every point in ``van`` to every point in ``naar`` (rows follow ``van``).

    The loop is written out with local names: this is the hot path of the accessibility analysis.
    """
    sin, asin, sqrt = math.sin, math.asin, math.sqrt
    dubbel_r = 2 * AARDSTRAAL_KM
    doelen = [(p.lat, p.lon, p.cos_lat) for p in naar]
    matrix = []
    for p in van:
        lat, lon, cos_lat = p.lat, p.lon, p.cos_lat
        rij = []
        append = rij.append
        for lat2, lon2, cos2 in doelen:
            h = sin((lat2 - lat) / 2) ** 2 + cos_lat * cos2 * sin((lon2 - lon) / 2) ** 2
            append(dubbel_r * asin(sqrt(h if h < 1.0 else 1.0)))
        matrix.append(rij)
    return matrix


# --- drawing the Netherlands -------------------------------------------------------------------------------

NL_ZUID, NL_NOORD = 50.72, 53.58
NL_WEST, NL_OOST = 3.30, 7.28
KAART_BREEDTE = 560


@dataclass(frozen=True)
class Kaartprojectie:
    """Equirectangular projection centred on the Netherlands: at this size indistinguishable from RD."""

    breedte: int = KAART_BREEDTE
    marge: int = 10

    @property
    def _schaal_x(self) -> float:
        return (self.breedte - 2 * self.marge) / (NL_OOST - NL_WEST)

    @property
    def _schaal_y(self) -> float:
        # a degree of longitude at 52.1° N is cos(52.1°) of a degree of latitude
        return self._schaal_x / math.cos(math.radians((NL_ZUID + NL_NOORD) / 2))

    @property
    def hoogte(self) -> int:
        return round((NL_NOORD - NL_ZUID) * self._schaal_y + 2 * self.marge)

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        x = self.marge + (lon - NL_WEST) * self._schaal_x
        y = self.marge + (NL_NOORD - lat) * self._schaal_y
        return round(x, 1), round(y, 1)
