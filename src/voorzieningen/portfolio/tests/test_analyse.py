"""The portfolio map, overlap and accessibility, each rule on a small world with known distances.

Default norms: 30 km/h, detour 1.3, so a minute is 0.385 km: entree/2 45 min = 17.3 km, level 4 75 min = 28.8 km.
Utrecht–Zeist 8 km, Utrecht–Amersfoort 21 km, Zeist–Amersfoort 13 km, Groningen–Eemsdelta 27 km.
"""

import datetime
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voorzieningen.catalogus.tests.factories import CohortFactory
from voorzieningen.portfolio import analyse
from voorzieningen.portfolio import data as portfoliodata
from voorzieningen.portfolio.data import Aanbod, Gebied, Kwal, Locatie, Portfoliodata, Selectie
from voorzieningen.portfolio.geo import Punt, afstand
from voorzieningen.portfolio.models import Aanbodmarkering, Regieinstellingen, Specialisme

from .factories import bevolking, bied_aan, schrijf_in

VANDAAG = datetime.date(2026, 3, 1)


def laad():
    return portfoliodata.laad(vandaag=VANDAAG)


# --- the snapshot ----------------------------------------------------------------------------------------------


def test_snapshot_merges_leertrajecten_and_leaves_out_contract_education(wereld):
    w = wereld
    bol = bied_aan(w.roc_a, w.kok, w.utrecht, "BOL")
    bied_aan(w.roc_a, w.kok, w.utrecht, "BBL", locatie=bol.locatie)
    bied_aan(w.roc_b, w.kok, w.utrecht, "CBL")  # contract education: not the initial portfolio
    bied_aan(w.roc_b, w.ict, w.utrecht, "BOL", actief=False)  # inactive: not offered
    data = laad()
    assert len(data.aanbod) == 1
    assert data.aanbod[0].leertrajecten == {"BOL", "BBL"}


def test_capacity_sums_open_cohorts_and_enrolments_take_the_latest_year(wereld):
    w = wereld
    bol = bied_aan(w.roc_a, w.kok, w.utrecht, "BOL")
    bbl = bied_aan(w.roc_a, w.kok, w.utrecht, "BBL", locatie=bol.locatie)
    CohortFactory(opleiding=bol, capaciteit=20)
    CohortFactory(opleiding=bbl, capaciteit=10)
    CohortFactory(opleiding=bbl, capaciteit=99, status="G")  # closed: not counted
    schrijf_in(bol, 2024, 50)
    schrijf_in(bol, 2025, 40)
    schrijf_in(bbl, 2025, 7)
    data = laad()
    assert data.schooljaar == 2025
    assert data.aanbod[0].capaciteit == 30
    assert data.aanbod[0].inschrijvingen == 47


def test_no_cohort_with_a_capacity_is_unknown_not_zero(wereld):
    bied_aan(wereld.roc_a, wereld.kok, wereld.utrecht)
    assert laad().aanbod[0].capaciteit is None


def test_young_people_come_from_the_latest_year_not_after_today(wereld):
    bevolking(wereld.utrecht, 2025, 100)
    bevolking(wereld.utrecht, 2026, 120)
    bevolking(wereld.utrecht, 2027, 999)  # a projection: not today's figure
    data = laad()
    assert data.gemeente("0344").jongeren == 120


def test_a_location_without_coordinates_takes_its_municipality_centroid(wereld):
    opleiding = bied_aan(wereld.roc_a, wereld.kok, wereld.zeist)
    opleiding.locatie.latitude = opleiding.locatie.longitude = None
    opleiding.locatie.save()
    data = laad()
    loc = data.locaties[data.aanbod[0].locatie_idx]
    assert (loc.lat, loc.lon) == (wereld.zeist.latitude, wereld.zeist.longitude)


# --- the portfolio map ---------------------------------------------------------------------------------------------


def test_map_per_location_with_totals_and_a_selection(wereld):
    w = wereld
    a = bied_aan(w.roc_a, w.kok, w.utrecht)
    bied_aan(w.roc_b, w.kok, w.utrecht)
    bied_aan(w.roc_a, w.ict, w.utrecht, locatie=a.locatie)
    CohortFactory(opleiding=a, capaciteit=25)
    schrijf_in(a, 2025, 60)
    kaart = analyse.portfoliokaart(laad())
    assert kaart.aantal_aanbod == 3 and kaart.aantal_instellingen == 2 and kaart.aantal_gemeenten == 1
    assert kaart.capaciteit == 25 and kaart.zonder_capaciteit == 2 and kaart.inschrijvingen == 60
    grootste = kaart.punten[0]
    assert grootste.opleidingen == 2 and grootste.instellingen == ["ROC A"]
    alleen_ict = analyse.portfoliokaart(laad(), Selectie(niveau=4))
    assert alleen_ict.aantal_aanbod == 1 and [k.crebo for k in alleen_ict.kwalificaties] == ["25604"]
    per_sector = analyse.portfoliokaart(laad(), Selectie(sector="Voedsel, groen en gastvrijheid"))
    assert per_sector.aantal_aanbod == 2


# --- overlap ---------------------------------------------------------------------------------------------------


def test_two_institutions_in_one_municipality_overlap(wereld):
    w = wereld
    bied_aan(w.roc_a, w.kok, w.utrecht)
    bied_aan(w.roc_b, w.kok, w.utrecht)
    gevallen = analyse.overlap(laad(), "gemeente").gevallen
    assert len(gevallen) == 1
    assert {d.naam for d in gevallen[0].deelnemers} == {"ROC A", "ROC B"}
    assert gevallen[0].regio == "Utrecht" and gevallen[0].corop == "Utrecht"


def test_one_institution_with_two_locations_is_no_overlap(wereld):
    w = wereld
    bied_aan(w.roc_a, w.kok, w.utrecht)
    bied_aan(w.roc_a, w.kok, w.zeist)
    for modus in ("gemeente", "corop", "straal"):
        assert analyse.overlap(laad(), modus, 50).gevallen == []


def test_different_qualifications_never_overlap(wereld):
    w = wereld
    bied_aan(w.roc_a, w.kok, w.utrecht)
    bied_aan(w.roc_b, w.ict, w.utrecht)
    assert analyse.overlap(laad(), "gemeente").gevallen == []


def test_neighbouring_municipalities_overlap_per_corop_and_radius_not_per_municipality(wereld):
    w = wereld
    bied_aan(w.roc_a, w.kok, w.utrecht)
    bied_aan(w.roc_b, w.kok, w.zeist)  # 8 km
    data = laad()
    assert analyse.overlap(data, "gemeente").gevallen == []
    assert len(analyse.overlap(data, "corop").gevallen) == 1
    assert len(analyse.overlap(data, "straal", 10).gevallen) == 1
    assert analyse.overlap(data, "straal", 7).gevallen == []


def test_radius_joins_through_a_neighbour(wereld):
    """Utrecht–Amersfoort is 21 km, but both are within 14 km of Zeist: one area at 14 km."""
    w = wereld
    bied_aan(w.roc_a, w.kok, w.utrecht)
    bied_aan(w.roc_b, w.kok, w.amersfoort)
    data = laad()
    assert analyse.overlap(data, "straal", 14).gevallen == []
    bied_aan(w.roc_c, w.kok, w.zeist)
    gevallen = analyse.overlap(laad(), "straal", 14).gevallen
    assert len(gevallen) == 1 and len(gevallen[0].deelnemers) == 3


def test_distinct_offering_is_listed_but_not_counted(wereld):
    w = wereld
    bied_aan(w.roc_a, w.kok, w.utrecht)
    bied_aan(w.roc_b, w.kok, w.utrecht)
    Aanbodmarkering.objects.create(
        instelling=w.roc_b, kwalificatie=w.kok, soort="onderscheidend", onderbouwing="Levensbeschouwelijk profiel"
    )
    assert analyse.overlap(laad(), "gemeente").gevallen == []
    bied_aan(w.roc_c, w.kok, w.utrecht)
    geval = analyse.overlap(laad(), "gemeente").gevallen[0]
    assert {d.naam for d in geval.deelnemers} == {"ROC A", "ROC C"}
    assert geval.uitgezonderd == [("ROC B", "duidelijk onderscheidend")]


def test_a_marking_for_one_municipality_does_not_cover_another(wereld):
    w = wereld
    for gemeente in (w.utrecht, w.groningen):
        bied_aan(w.roc_a, w.kok, gemeente)
        bied_aan(w.roc_b, w.kok, gemeente)
    Aanbodmarkering.objects.create(instelling=w.roc_b, kwalificatie=w.kok, gemeente=w.utrecht, soort="capaciteit")
    gevallen = analyse.overlap(laad(), "gemeente").gevallen
    assert [g.regio for g in gevallen] == ["Groningen"]


def test_an_expired_marking_counts_again(wereld):
    w = wereld
    bied_aan(w.roc_a, w.kok, w.utrecht)
    bied_aan(w.roc_b, w.kok, w.utrecht)
    Aanbodmarkering.objects.create(
        instelling=w.roc_b, kwalificatie=w.kok, soort="capaciteit", geldig_tot=VANDAAG - datetime.timedelta(days=1)
    )
    assert len(analyse.overlap(laad(), "gemeente").gevallen) == 1


def test_distinct_needs_a_stated_distinction(wereld):
    from django.core.exceptions import ValidationError

    markering = Aanbodmarkering(instelling=wereld.roc_a, kwalificatie=wereld.kok, soort="onderscheidend")
    with pytest.raises(ValidationError, match="onderscheidt"):
        markering.clean()
    Aanbodmarkering(instelling=wereld.roc_a, kwalificatie=wereld.kok, soort="capaciteit").clean()


def test_overlap_is_grouped_per_region_and_sector(wereld):
    w = wereld
    for kwal in (w.kok, w.ict):
        bied_aan(w.roc_a, kwal, w.utrecht)
        bied_aan(w.roc_b, kwal, w.utrecht)
    bied_aan(w.roc_a, w.kok, w.groningen)
    bied_aan(w.roc_c, w.kok, w.groningen)
    uitkomst = analyse.overlap(laad(), "gemeente")
    assert dict(uitkomst.per_regio_sector) == {
        "Utrecht": [("ICT en creatieve industrie", 1), ("Voedsel, groen en gastvrijheid", 1)],
        "Overig Groningen": [("Voedsel, groen en gastvrijheid", 1)],
    }
    assert uitkomst.betrokken_instellingen == 3


def test_the_default_area_comes_from_the_settings(wereld):
    w = wereld
    bied_aan(w.roc_a, w.kok, w.utrecht)
    bied_aan(w.roc_b, w.kok, w.zeist)
    assert analyse.overlap(laad()).gevallen == []  # default: the same municipality
    Regieinstellingen.objects.filter(pk=1).update(overlap_modus="straal", overlap_straal_km=10)
    assert len(analyse.overlap(laad()).gevallen) == 1


# --- accessibility -------------------------------------------------------------------------------------------------


def test_entree_and_level_2_have_a_smaller_region_than_level_4(wereld):
    """Amersfoort is 21 km from Utrecht: beyond 45 minutes (level 2), within 75 minutes (level 4)."""
    w = wereld
    bied_aan(w.roc_a, w.kok, w.utrecht)
    bied_aan(w.roc_a, w.ict, w.utrecht)
    data = laad()
    kok = analyse.bereikbaarheid(data, Selectie(crebo="25180"))
    ict = analyse.bereikbaarheid(data, Selectie(crebo="25604"))
    amersfoort_kok = next(g for g in kok.per_gemeente if g.gemeente.code == "0307")
    amersfoort_ict = next(g for g in ict.per_gemeente if g.gemeente.code == "0307")
    assert amersfoort_kok.norm == 45 and not amersfoort_kok.gedekt
    assert amersfoort_ict.norm == 75 and amersfoort_ict.gedekt
    assert math.isclose(amersfoort_kok.reistijd, amersfoort_kok.afstand_km * 1.3 / 30 * 60)
    assert amersfoort_kok.instelling == "ROC A" and amersfoort_kok.dichtstbij.plaats == "Utrecht"


def test_specialist_programmes_are_judged_on_the_wider_norm(wereld):
    w = wereld
    bied_aan(w.roc_a, w.kok, w.groningen)
    data = laad()
    eemsdelta = next(
        g for g in analyse.bereikbaarheid(data, Selectie(crebo="25180")).per_gemeente if g.gemeente.code == "1979"
    )
    assert not eemsdelta.gedekt  # 27 km is 70 minutes: beyond 45
    Specialisme.objects.create(kwalificatie=w.kok, onderbouwing="Landelijke arbeidsmarkt")
    data = laad()
    eemsdelta = next(
        g for g in analyse.bereikbaarheid(data, Selectie(crebo="25180")).per_gemeente if g.gemeente.code == "1979"
    )
    assert eemsdelta.norm == 120 and eemsdelta.gedekt


def test_uncovered_areas_are_listed_worst_and_most_young_people_first(wereld):
    w = wereld
    bied_aan(w.roc_a, w.kok, w.utrecht)
    bied_aan(w.roc_a, w.ict, w.utrecht)
    bevolking(w.groningen, 2026, 500)
    bevolking(w.delfzijl, 2026, 100)
    bevolking(w.amersfoort, 2026, 300)
    bereik = analyse.bereikbaarheid(laad())
    onbedekt = [g.gemeente.naam for g in bereik.onbedekt]
    # Groningen and Eemsdelta miss both (share 0), Amersfoort misses level 2 only (share 1/2)
    assert onbedekt == ["Groningen", "Eemsdelta", "Amersfoort"]
    assert bereik.jongeren_onbedekt == 900
    per_niveau = {n.niveau: n for n in bereik.per_niveau}
    assert per_niveau[2].gewogen_aandeel == 0.0  # all young people live where cooking is out of reach
    assert per_niveau[4].gewogen_aandeel == pytest.approx(300 / 900)
    assert per_niveau[4].gemeenten_volledig == 3  # Utrecht, Zeist, Amersfoort


def test_nothing_offered_means_nothing_to_cover(wereld):
    bereik = analyse.bereikbaarheid(laad())
    assert bereik.kwalificaties == [] and bereik.onbedekt == []


# --- properties on random worlds (in memory: no database) -------------------------------------------------------


def _wereld_in_geheugen(gemeenten, locaties, aanbod, niveaus) -> Portfoliodata:
    parameters = Regieinstellingen(pk=1)
    gebieden = [
        Gebied(
            i,
            f"{i:04d}",
            f"G{i}",
            "01" if lat > 52 else "02",
            "Noord" if lat > 52 else "Zuid",
            lat,
            lon,
            Punt.van(lat, lon),
            10,
        )
        for i, (lat, lon) in enumerate(gemeenten)
    ]
    locs = [
        Locatie(i, i, f"{i:03d}X000", f"P{i}", gebieden[g].code, lat, lon, Punt.van(lat, lon))
        for i, (g, lat, lon) in enumerate(locaties)
    ]
    kwals = {k: Kwal(k, f"{10000 + k}", f"K{k}", niveau, "S") for k, niveau in enumerate(niveaus)}
    return Portfoliodata(
        parameters,
        gebieden,
        locs,
        kwals,
        {i: (f"{i:02d}AA", f"I{i}") for i in range(4)},
        [Aanbod(inst, loc % len(locs), kwal % len(kwals), {"BOL"}) for inst, loc, kwal in aanbod],
        2025,
        2026,
    )


LAT = st.floats(min_value=50.8, max_value=53.5)
LON = st.floats(min_value=3.4, max_value=7.2)
WERELD = st.tuples(
    st.lists(st.tuples(LAT, LON), min_size=1, max_size=8),
    st.lists(st.tuples(st.integers(0, 7), LAT, LON), min_size=1, max_size=10),
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 9), st.integers(0, 4)), min_size=1, max_size=25),
    st.lists(st.sampled_from([1, 2, 3, 4, None]), min_size=1, max_size=5),
)


def _bouw(w):
    gemeenten, locaties, aanbod, niveaus = w
    locaties = [(g % len(gemeenten), lat, lon) for g, lat, lon in locaties]
    return _wereld_in_geheugen(gemeenten, locaties, aanbod, niveaus)


@settings(max_examples=60, suppress_health_check=list(HealthCheck))
@given(WERELD)
def test_accessibility_equals_the_brute_force_definition(w):
    data = _bouw(w)
    bereik = analyse.bereikbaarheid(data)
    reisnorm = analyse.Reisnorm.van(data.parameters)
    for gb in bereik.per_gemeente:
        verwacht = set()
        for kwal in bereik.kwalificaties:
            kortst = min(
                afstand(gb.gemeente.punt, data.locaties[a.locatie_idx].punt) for a in data.per_kwalificatie[kwal.pk]
            )
            if reisnorm.minuten(kortst) > analyse.norm_minuten(kwal, data.parameters):
                verwacht.add(kwal.pk)
        assert {k.pk for k in gb.ontbrekend} == verwacht
        assert gb.bereikbaar == len(bereik.kwalificaties) - len(verwacht)


@settings(max_examples=40, suppress_health_check=list(HealthCheck))
@given(WERELD, st.integers(0, 3), st.integers(0, 9), st.integers(0, 4))
def test_adding_an_offering_never_reduces_coverage(w, inst, loc, kwal):
    voor = analyse.bereikbaarheid(_bouw(w))
    gemeenten, locaties, aanbod, niveaus = w
    na = analyse.bereikbaarheid(_bouw((gemeenten, locaties, [*aanbod, (inst, loc, kwal)], niveaus)))
    al_aangeboden = {k.pk for k in voor.kwalificaties}  # a new qualification adds to the selection itself
    for a, b in zip(voor.per_gemeente, na.per_gemeente, strict=True):
        assert {k.pk for k in b.ontbrekend} & al_aangeboden <= {k.pk for k in a.ontbrekend}


@settings(max_examples=60, suppress_health_check=list(HealthCheck))
@given(WERELD, st.integers(1, 150))
def test_radius_overlap_equals_the_definition(w, straal):
    """Two institutions are in one overlap exactly when a chain of locations closer than the radius joins them."""
    data = _bouw(w)
    gevallen = analyse.overlap(data, "straal", straal).gevallen
    for kwal_pk, aanbod in data.per_kwalificatie.items():
        # brute force: connected components of offerings, edges when closer than the radius
        n = len(aanbod)
        punten = [data.locaties[a.locatie_idx].punt for a in aanbod]
        buren = {i: [j for j in range(n) if j != i and afstand(punten[i], punten[j]) <= straal] for i in range(n)}
        gezien, componenten = set(), []
        for start in range(n):
            if start in gezien:
                continue
            stapel, comp = [start], set()
            while stapel:
                i = stapel.pop()
                if i in comp:
                    continue
                comp.add(i)
                stapel += buren[i]
            gezien |= comp
            instellingen = frozenset(aanbod[i].instelling_id for i in comp)
            if len(instellingen) >= 2:
                componenten.append(instellingen)
        gevonden = [g.instelling_ids for g in gevallen if g.kwalificatie.pk == kwal_pk]
        assert sorted(map(sorted, gevonden)) == sorted(map(sorted, componenten))
