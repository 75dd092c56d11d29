"""The impact of a proposed change on coverage and overlap, per kind of intention."""

import datetime

import pytest

from voorzieningen.catalogus.tests.factories import CohortFactory
from voorzieningen.portfolio import data as portfoliodata
from voorzieningen.portfolio.impact import Wijziging, impact, wijzigingen_van
from voorzieningen.portfolio.models import Soort, Specialisme

from .factories import bevolking, bied_aan, schrijf_in

VANDAAG = datetime.date(2026, 3, 1)


def laad():
    return portfoliodata.laad(vandaag=VANDAAG)


def namen(verschillen):
    return sorted(d.gemeente.naam for d in verschillen)


def test_stopping_the_only_offering_in_the_region(wereld):
    """Cooking (level 2, 45 min = 17 km) in Utrecht covers Utrecht and Zeist; Amersfoort (21 km) is out of reach."""
    w = wereld
    opleiding = bied_aan(w.roc_a, w.kok, w.utrecht)
    bied_aan(w.roc_b, w.kok, w.groningen)
    schrijf_in(opleiding, 2025, 80)
    bevolking(w.zeist, 2026, 300)
    uitkomst = impact(laad(), wijzigingen_van(Soort.STOP, w.roc_a.pk, w.kok.pk, w.utrecht.code))
    k = uitkomst.per_kwalificatie[0]
    assert namen(k.verliest) == ["Utrecht", "Zeist"] and k.wint == []
    assert k.jongeren_verliest == 300
    assert k.locaties_voor == 2 and k.locaties_na == 1 and not k.laatste_aanbod
    assert k.inschrijvingen_geraakt == 80
    assert k.alternatief[0] == "ROC B" and k.alternatief[1] == "Groningen" and k.alternatief[2] > 300
    assert uitkomst.verlies_dekking


def test_stopping_the_last_offering_in_the_country(wereld):
    bied_aan(wereld.roc_a, wereld.kok, wereld.utrecht)
    k = impact(laad(), wijzigingen_van(Soort.STOP, wereld.roc_a.pk, wereld.kok.pk, "0344")).per_kwalificatie[0]
    assert k.laatste_aanbod and k.alternatief is None


def test_stopping_where_another_institution_remains_nearby_loses_nothing(wereld):
    w = wereld
    bied_aan(w.roc_a, w.kok, w.utrecht)
    bied_aan(w.roc_b, w.kok, w.zeist)
    k = impact(laad(), wijzigingen_van(Soort.STOP, w.roc_a.pk, w.kok.pk, "0344")).per_kwalificatie[0]
    assert k.verliest == []
    assert [g.instelling_ids for g in k.overlap_voor] == []  # different municipalities: no overlap by default
    k = impact(laad(), wijzigingen_van(Soort.STOP, w.roc_a.pk, w.kok.pk, "0344"), "corop").per_kwalificatie[0]
    assert len(k.overlap_voor) == 1 and k.overlap_na == []  # the stop resolves the regional overlap


def test_stopping_what_is_not_offered_says_so(wereld):
    uitkomst = impact(laad(), wijzigingen_van(Soort.STOP, wereld.roc_a.pk, wereld.kok.pk, "0344"))
    assert "er is niets om te stoppen" in uitkomst.meldingen[0]


def test_starting_at_the_municipality_centroid_gains_coverage_and_creates_overlap(wereld):
    w = wereld
    bied_aan(w.roc_b, w.kok, w.utrecht)
    uitkomst = impact(laad(), wijzigingen_van(Soort.START, w.roc_a.pk, w.kok.pk, w.amersfoort.code))
    k = uitkomst.per_kwalificatie[0]
    assert namen(k.wint) == ["Amersfoort", "Zeist"] or namen(k.wint) == ["Amersfoort"]
    assert "Amersfoort" in namen(k.wint) and k.verliest == []
    assert k.locaties_na == 2 and k.instellingen_na == 2
    k = impact(laad(), wijzigingen_van(Soort.START, w.roc_a.pk, w.kok.pk, w.utrecht.code)).per_kwalificatie[0]
    assert k.overlap_voor == [] and len(k.overlap_na) == 1  # a start in Utrecht creates an overlap there


def test_starting_uses_the_institutions_own_location_in_the_municipality(wereld):
    w = wereld
    eigen = bied_aan(w.roc_a, w.ict, w.amersfoort, locatie=None)
    data = laad()
    impact(data, wijzigingen_van(Soort.START, w.roc_a.pk, w.kok.pk, w.amersfoort.code))
    assert not any(loc.code.startswith("~") for loc in data.locaties)  # no virtual location needed
    assert eigen.locatie.code in data.locatie_index


def test_starting_what_is_already_offered_says_so(wereld):
    bied_aan(wereld.roc_a, wereld.kok, wereld.utrecht)
    uitkomst = impact(laad(), wijzigingen_van(Soort.START, wereld.roc_a.pk, wereld.kok.pk, "0344"))
    assert "al aan" in uitkomst.meldingen[0]


def test_scaling_changes_capacity_not_coverage(wereld):
    w = wereld
    opleiding = bied_aan(w.roc_a, w.kok, w.utrecht)
    CohortFactory(opleiding=opleiding, capaciteit=40)
    for soort, plaatsen, verwacht in ((Soort.AFSCHALEN, 15, 25), (Soort.UITBREIDEN, 10, 50), (Soort.AFSCHALEN, 99, 0)):
        k = impact(laad(), wijzigingen_van(soort, w.roc_a.pk, w.kok.pk, "0344", plaatsen=plaatsen)).per_kwalificatie[0]
        assert (k.capaciteit_voor, k.capaciteit_na) == (40, verwacht)
        assert k.verliest == [] and k.wint == []


def test_exchange_moves_the_offering_both_ways(wereld):
    w = wereld
    bied_aan(w.roc_a, w.kok, w.groningen)
    bied_aan(w.roc_b, w.ict, w.groningen)
    wijzigingen = wijzigingen_van(
        Soort.UITRUILEN, w.roc_a.pk, w.kok.pk, w.groningen.code, partner_id=w.roc_b.pk, ruil_kwalificatie_id=w.ict.pk
    )
    assert [(x.actie, x.instelling_id, x.kwalificatie_id) for x in wijzigingen] == [
        ("stop", w.roc_a.pk, w.kok.pk),
        ("start", w.roc_b.pk, w.kok.pk),
        ("stop", w.roc_b.pk, w.ict.pk),
        ("start", w.roc_a.pk, w.ict.pk),
    ]
    uitkomst = impact(laad(), wijzigingen)
    assert uitkomst.meldingen == []
    for k in uitkomst.per_kwalificatie:  # the same place, another institution: coverage unchanged
        assert k.verliest == [] and k.wint == [] and k.instellingen_na == 1


def test_joint_offering_counts_the_two_as_one_provider_in_the_region(wereld):
    w = wereld
    bied_aan(w.roc_a, w.kok, w.utrecht)
    bied_aan(w.roc_b, w.kok, w.utrecht)
    bied_aan(w.roc_c, w.kok, w.groningen)
    bied_aan(w.roc_b, w.kok, w.groningen)  # ROC B in another region stays a provider of its own there
    k = impact(
        laad(), wijzigingen_van(Soort.SAMEN, w.roc_a.pk, w.kok.pk, "0344", partner_id=w.roc_b.pk)
    ).per_kwalificatie[0]
    assert len(k.overlap_voor) == 1 and k.overlap_na == []
    assert k.instellingen_na == 3  # ROC A (with B in Utrecht), ROC B in Groningen, ROC C


def test_specialist_programmes_use_their_norm_in_the_impact(wereld):
    w = wereld
    bied_aan(w.roc_a, w.kok, w.groningen)
    Specialisme.objects.create(kwalificatie=w.kok, onderbouwing="…")
    k = impact(laad(), wijzigingen_van(Soort.STOP, w.roc_a.pk, w.kok.pk, w.groningen.code)).per_kwalificatie[0]
    assert k.norm == 120 and "Eemsdelta" in namen(k.verliest)


def test_the_record_is_plain_json(wereld):
    import json

    bied_aan(wereld.roc_a, wereld.kok, wereld.utrecht)
    record = impact(laad(), wijzigingen_van(Soort.STOP, wereld.roc_a.pk, wereld.kok.pk, "0344")).als_dict()
    assert json.loads(json.dumps(record)) == record
    assert record["kwalificaties"][0]["verliest"][0]["naam"] in {"Utrecht", "Zeist"}


def test_unknown_intention_and_unknown_municipality(wereld):
    with pytest.raises(ValueError):
        wijzigingen_van("verhuizen", 1, 1, "0344")
    uitkomst = impact(laad(), [Wijziging("start", wereld.roc_a.pk, wereld.kok.pk, "0000")])
    assert "onbekend" in uitkomst.meldingen[0]
