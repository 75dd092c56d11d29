"""Early warning: falling offerings and enrolments, shrink, planned stops, vulnerable specialist programmes."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voorzieningen.portfolio import data as portfoliodata
from voorzieningen.portfolio import overleg, signalen
from voorzieningen.portfolio.models import Regieinstellingen, Specialisme
from voorzieningen.portfolio.signalen import daling

from .factories import KwalificatieFactory, bevolking, bied_aan, schrijf_in
from .test_overleg import aankondiging

VANDAAG = datetime.date(2026, 3, 1)


def vroeg(met_casussen=False):
    return signalen.vroegsignalering(portfoliodata.laad(vandaag=VANDAAG), VANDAAG, met_casussen)


@pytest.mark.parametrize(
    ("reeks", "verwacht"),
    [
        ([100, 95], (True, False)),  # exactly 5%: a signal
        ([100, 96], (False, False)),
        ([100, 100, 95], (True, False)),
        ([110, 100, 95], (True, True)),  # fell the year before too
        ([90, 100, 95], (True, False)),
        ([0, 5], (False, False)),  # nothing to fall from
        ([5, 0], (True, False)),
        ([100], (False, False)),
        ([], (False, False)),
    ],
)
def test_the_fall_rule(reeks, verwacht):
    assert daling(reeks, 0.05) == verwacht


@given(st.lists(st.integers(0, 10_000), min_size=2, max_size=6), st.integers(1, 100))
def test_the_fall_rule_is_the_percentage(reeks, pct):
    signaal, hoog = daling(reeks, pct / 100)
    vorig, laatst = reeks[-2], reeks[-1]
    assert signaal == (vorig > 0 and (vorig - laatst) * 100 >= pct * vorig)
    assert not hoog or signaal


def test_regions_where_offerings_and_enrolments_fall(wereld):
    w = wereld
    blijft = bied_aan(w.roc_a, w.kok, w.groningen)
    stopt = bied_aan(w.roc_b, w.ict, w.groningen, actief=False)  # gone from the catalogue, history remains
    for jaar, a, b in ((2023, 120, 60), (2024, 110, 50), (2025, 100, 0)):
        schrijf_in(blijft, jaar, a)
        if b:
            schrijf_in(stopt, jaar, b)
    stabiel = bied_aan(w.roc_c, w.kok, w.utrecht)
    for jaar in (2023, 2024, 2025):
        schrijf_in(stabiel, jaar, 100)
    uitkomst = vroeg()
    groningen = next(r for r in uitkomst.regio_s if r.corop == "Overig Groningen")
    assert uitkomst.jaren == [2022, 2023, 2024, 2025]
    assert groningen.aanbod == [0, 2, 2, 1] and groningen.inschrijvingen == [0, 180, 160, 100]
    regio = {(s.soort, s.ernst) for s in uitkomst.signalen if s.regio == "Overig Groningen" and not s.sector}
    assert regio == {("aanbod", "midden"), ("inschrijvingen", "hoog")}
    assert not [s for s in uitkomst.signalen if s.regio == "Utrecht"]


def test_a_sector_signal_needs_more_than_a_tiny_fall(wereld):
    w = wereld
    klein = bied_aan(w.roc_a, w.kok, w.groningen)
    for jaar, n in ((2024, 10), (2025, 5)):  # -50%, but only 5 students
        schrijf_in(klein, jaar, n)
    sector = [s for s in vroeg().signalen if s.sector]
    assert sector == []
    Regieinstellingen.objects.filter(pk=1).update(daling_drempel_pct=60)
    assert [s.soort for s in vroeg().signalen] == []  # and the regional threshold is configurable


def test_demographic_shrink(wereld):
    w = wereld
    bevolking(w.delfzijl, 2026, 1000)
    bevolking(w.delfzijl, 2031, 890)  # -11%
    bevolking(w.groningen, 2026, 1000)
    bevolking(w.groningen, 2031, 950)  # -5%: below the threshold
    bevolking(w.utrecht, 2026, 1000)
    bevolking(w.utrecht, 2031, 790)  # -21%: twice the threshold
    krimp = {s.regio: s.ernst for s in vroeg().signalen if s.soort == "krimp"}
    assert krimp == {"Delfzijl en omgeving": "midden", "Utrecht": "hoog"}


def test_a_specialist_programme_with_one_provider_is_vulnerable(wereld):
    w = wereld
    bied_aan(w.roc_a, w.kok, w.utrecht)
    bied_aan(w.roc_a, w.kok, w.groningen)
    Specialisme.objects.create(kwalificatie=w.kok, onderbouwing="…")
    uitkomst = vroeg()
    assert [(s.kwalificatie.crebo, s.instellingen, s.locaties) for s in uitkomst.specialistisch] == [("25180", 1, 2)]
    assert [s.soort for s in uitkomst.signalen] == ["specialistisch"]
    bied_aan(w.roc_b, w.kok, w.zeist)
    assert vroeg().signalen == []


def test_a_planned_stop_that_leaves_an_area_uncovered_only_for_staff(wereld, outbox_direct):
    w = wereld
    bied_aan(w.roc_a, w.kok, w.utrecht)
    bied_aan(w.roc_b, w.kok, w.groningen)
    bevolking(w.zeist, 2026, 400)
    casus = overleg.kondig_aan(w.roc_a, aankondiging(w), vandaag=VANDAAG)
    assert [s for s in vroeg().signalen if s.soort == "stop"] == []  # the public page does not show intentions
    stops = [s for s in vroeg(met_casussen=True).signalen if s.soort == "stop"]
    assert len(stops) == 1 and stops[0].casus_id == casus.pk and stops[0].ernst == "hoog"
    assert sorted(stops[0].gemeenten) == ["Utrecht", "Zeist"] and "400 jongeren" in stops[0].tekst
    overleg.trek_in(casus, w.roc_a, vandaag=VANDAAG)
    assert [s for s in vroeg(met_casussen=True).signalen if s.soort == "stop"] == []


def test_a_stop_that_leaves_nobody_uncovered_is_no_signal(wereld, outbox_direct):
    w = wereld
    bied_aan(w.roc_a, w.kok, w.utrecht)
    bied_aan(w.roc_b, w.kok, w.utrecht)
    overleg.kondig_aan(w.roc_a, aankondiging(w), vandaag=VANDAAG)
    assert [s for s in vroeg(met_casussen=True).signalen if s.soort == "stop"] == []


def test_without_figures_there_is_nothing_to_signal(wereld):
    KwalificatieFactory()
    uitkomst = vroeg()
    assert uitkomst.jaren == [] and uitkomst.signalen == []


def test_no_projection_is_no_shrink(wereld):
    bevolking(wereld.utrecht, 2026, 1000)  # today's figure, no projection
    bevolking(wereld.zeist, 2026, 500)
    bevolking(wereld.zeist, 2031, 400)  # only Zeist has one: the region compares Zeist with Zeist
    uitkomst = vroeg()
    utrecht = next(r for r in uitkomst.regio_s if r.corop == "Utrecht")
    assert (utrecht.jongeren_nu, utrecht.jongeren_straks) == (500, 400)
    assert uitkomst.jongeren_per_gemeente == {"0355": (500, 400)}
    assert next(r for r in uitkomst.regio_s if r.corop == "Overig Groningen").jongeren_straks is None
