"""Distance and travel time are formulas: checked on known distances and on their properties."""

import math

from hypothesis import given
from hypothesis import strategies as st

from voorzieningen.portfolio.geo import (
    Kaartprojectie,
    Punt,
    afstand,
    afstand_km,
    afstandsmatrix,
    max_afstand_km,
    reistijd_minuten,
)

NL_LAT = st.floats(min_value=50.7, max_value=53.6, allow_nan=False)
NL_LON = st.floats(min_value=3.3, max_value=7.3, allow_nan=False)
PUNT = st.builds(Punt.van, NL_LAT, NL_LON)


def test_known_distances():
    # Utrecht Dom – Amsterdam Dam: 35.0 km; Groningen – Maastricht: about 248 km
    assert abs(afstand_km(52.0907, 5.1214, 52.3731, 4.8922) - 35.0) < 0.5
    assert abs(afstand_km(53.2194, 6.5665, 50.8514, 5.6910) - 270.4) < 2


def test_a_degree_of_latitude_is_111_km():
    assert abs(afstand_km(52.0, 5.0, 53.0, 5.0) - 111.2) < 0.1


@given(PUNT, PUNT)
def test_symmetric_and_non_negative(a, b):
    assert afstand(a, b) >= 0
    assert math.isclose(afstand(a, b), afstand(b, a), abs_tol=1e-9)


@given(PUNT)
def test_zero_to_itself(a):
    assert afstand(a, a) == 0


@given(PUNT, PUNT, PUNT)
def test_triangle_inequality(a, b, c):
    assert afstand(a, c) <= afstand(a, b) + afstand(b, c) + 1e-6


@given(st.lists(PUNT, min_size=1, max_size=5), st.lists(PUNT, min_size=1, max_size=5))
def test_matrix_equals_pairwise_distance(van, naar):
    matrix = afstandsmatrix(van, naar)
    for i, a in enumerate(van):
        for j, b in enumerate(naar):
            assert math.isclose(matrix[i][j], afstand(a, b), rel_tol=1e-12, abs_tol=1e-9)


@given(
    st.floats(min_value=0, max_value=400),
    st.floats(min_value=1, max_value=3),
    st.floats(min_value=5, max_value=120),
)
def test_travel_time_grows_with_distance_and_inverts(km, omrijfactor, snelheid):
    minuten = reistijd_minuten(km, omrijfactor, snelheid)
    assert minuten >= km * 60 / snelheid - 1e-9  # a detour never makes it shorter
    assert reistijd_minuten(km + 1, omrijfactor, snelheid) > minuten
    assert math.isclose(max_afstand_km(minuten, omrijfactor, snelheid), km, rel_tol=1e-9, abs_tol=1e-9)


def test_travel_time_example_and_rejects_zero_speed():
    assert reistijd_minuten(10, 1.3, 30) == 26.0
    try:
        reistijd_minuten(10, 1.3, 0)
    except ValueError:
        pass
    else:
        raise AssertionError("speed 0 must be refused")


@given(NL_LAT, NL_LON)
def test_the_map_projection_keeps_the_netherlands_inside_the_drawing(lat, lon):
    projectie = Kaartprojectie()
    x, y = projectie.xy(lat, lon)
    assert 0 <= x <= projectie.breedte and 0 <= y <= projectie.hoogte


def test_north_is_up_and_east_is_right():
    projectie = Kaartprojectie()
    groningen, maastricht, vlissingen = projectie.xy(53.22, 6.57), projectie.xy(50.85, 5.69), projectie.xy(51.44, 3.57)
    assert groningen[1] < maastricht[1]
    assert vlissingen[0] < maastricht[0] < groningen[0]
