"""Institution statistics and multiple-application analytics: hand-built datasets, and suppression as a property."""

import datetime
import re
from zoneinfo import ZoneInfo

from django.utils import timezone, translation

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voorzieningen.aanmelden.models import Aanmelding
from voorzieningen.aanmelden.statussen import Status
from voorzieningen.aanmelden.tests.factories import AanmelderFactory, AanmeldingFactory
from voorzieningen.catalogus.tests.factories import CohortFactory, InstellingFactory, OpleidingFactory
from voorzieningen.instellingen import statistiek
from voorzieningen.instellingen.statistiek import MAX_K, Cel, Soort, cel

AMS = ZoneInfo("Europe/Amsterdam")
JAAR = 2026  # cohorts starting 1 September 2026 (the factory's default is 2027)


@pytest.fixture(autouse=True)
def _nederlands():
    with translation.override("nl"):
        yield


def cohort_bij(instelling, begindatum=datetime.date(2026, 9, 1), **opleiding):
    return CohortFactory(
        opleiding=OpleidingFactory(aanbieder__instelling=instelling, **opleiding), begindatum=begindatum
    )


def maak(
    aantal,
    cohort,
    *,
    aanmelder=None,
    anoniem=False,
    meervoud=None,
    status=Status.SUBMITTED,
    schooljaar=None,
    ingediend_op=None,
):
    """Bulk rows: a live row needs an aanmelder; an anonymised one has none and (maybe) a frozen meervoud."""
    rijen = [
        AanmeldingFactory.build(
            cohort=cohort,
            aanmelder=None if anoniem else aanmelder,
            meervoud=meervoud,
            geanonimiseerd_op=timezone.now() if anoniem else None,
            status=status,
            **({"schooljaar": schooljaar} if schooljaar is not None else {}),
            **({"ingediend_op": ingediend_op} if ingediend_op is not None else {}),
        )
        for _ in range(aantal)
    ]
    return Aanmelding.objects.bulk_create(rijen)


def studenten(aantal, *cohorten, status=Status.SUBMITTED):
    """``aantal`` students, each with one live application in every given cohort."""
    for _ in range(aantal):
        aanmelder = AanmelderFactory()
        for cohort in cohorten:
            maak(1, cohort, aanmelder=aanmelder, status=status)


def getallen(reeks):
    return [(str(p.label), p.cel.tekst) for p in reeks.punten]


# --- statistics -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_totals_per_status_programme_and_week():
    a = InstellingFactory()
    zorg = cohort_bij(a, wervingsnaam="Zorg", kwalificatie__crebo="25491", leertraject="BOL")
    ict = cohort_bij(a, wervingsnaam="ICT", kwalificatie__crebo="25604", leertraject="BBL")
    week41 = datetime.datetime(2025, 10, 6, 0, 30, tzinfo=AMS)  # Monday just after midnight (Sunday in UTC)
    week43 = datetime.datetime(2025, 10, 24, 23, 0, tzinfo=AMS)  # Friday
    maak(6, zorg, status=Status.SUBMITTED, ingediend_op=week41)
    maak(5, zorg, status=Status.ENROLLED, ingediend_op=week41)
    maak(7, ict, status=Status.REJECTED, ingediend_op=week43)
    maak(2, ict, status=Status.WITHDRAWN, ingediend_op=week43)
    maak(9, cohort_bij(a, begindatum=datetime.date(2025, 9, 1)), ingediend_op=week43)  # schooljaar 2025

    s = statistiek.statistiek(a, JAAR)

    assert s.totaal.tekst == "20"
    assert getallen(s.per_status) == [
        ("Ingediend", "6"),
        ("Ontvangen door de school", "0"),
        ("Onderwijsovereenkomst aangeboden", "0"),
        ("Afgewezen", "7"),
        ("Ingeschreven", "5"),
        ("Ingetrokken", "< 5"),
    ]
    assert s.per_status.maximum == 7
    assert getallen(s.per_opleiding) == [("Zorg (25491, BOL)", "11"), ("ICT (25604, BBL)", "9")]
    assert getallen(s.per_week) == [("2025-W41", "11"), ("2025-W42", "0"), ("2025-W43", "9")]
    assert [p.fractie for p in s.per_week.punten] == [1.0, 0.0, 9 / 11]

    alle_jaren = statistiek.statistiek(a)
    assert alle_jaren.totaal.tekst == "29"
    assert getallen(alle_jaren.per_week)[-1] == ("2025-W43", "18")


@pytest.mark.django_db
def test_suppressed_values_neither_scale_nor_order_the_bars():
    a = InstellingFactory()
    for naam, n in [("B", 4), ("A", 1), ("C", 6)]:
        maak(n, cohort_bij(a, wervingsnaam=naam, kwalificatie__crebo=f"2500{ord(naam) - 64}"))

    s = statistiek.statistiek(a, JAAR)

    assert s.per_opleiding.maximum == 6
    assert [(str(p.label)[0], p.cel.tekst, p.cel.getal, p.fractie) for p in s.per_opleiding.punten] == [
        ("C", "6", 6, 1.0),
        ("A", "< 5", None, 0.0),  # A before B: alphabetical, not by the hidden 1 and 4
        ("B", "< 5", None, 0.0),
    ]
    assert s.totaal.tekst == "11"


@pytest.mark.django_db
def test_an_institution_never_sees_another_institutions_applications():
    a, b = InstellingFactory(), InstellingFactory()
    eigen = cohort_bij(a)
    maak(5, eigen)
    andere = cohort_bij(b)
    maak(50, andere, status=Status.ENROLLED)
    studenten(5, eigen, andere)  # shared students: their B application is B's

    s = statistiek.statistiek(a, JAAR)
    analyse = statistiek.meervoud_analyse(a, JAAR)

    assert s.totaal.tekst == "10"
    assert [p.cel.tekst for p in s.per_status.punten if p.cel.getal] == ["10"]
    assert len(s.per_opleiding.punten) == 1
    assert analyse.instelling.aanmeldingen.tekst == "10"
    assert [r.opleiding_id for r in analyse.opleidingen] == [eigen.opleiding_id]


# --- multiple applications ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_k_is_counted_across_institutions_and_within_the_schooljaar():
    a, b = InstellingFactory(), InstellingFactory()
    bij_a, bij_b = cohort_bij(a), cohort_bij(b)
    vorig_jaar_b = cohort_bij(b, begindatum=datetime.date(2025, 9, 1))
    studenten(5, bij_a, bij_b)  # one at A and one at B: multiple at both
    studenten(7, bij_a)  # single
    studenten(5, bij_a, vorig_jaar_b)  # the B application is another schooljaar: still single

    bij_a_analyse = statistiek.meervoud_analyse(a, JAAR)
    bij_b_analyse = statistiek.meervoud_analyse(b, JAAR)

    assert bij_a_analyse.instelling.aanmeldingen.tekst == "17"
    assert bij_a_analyse.instelling.meervoudig.tekst == "5"
    assert bij_a_analyse.instelling.percentage_meervoudig.tekst == "29,4%"
    assert bij_b_analyse.instelling.aanmeldingen.tekst == "5"
    assert bij_b_analyse.instelling.meervoudig.tekst == "5"
    assert bij_b_analyse.instelling.percentage_meervoudig.tekst == "100,0%"


@pytest.mark.django_db
def test_raw_k_buckets_per_programme():
    """The counts before suppression: k per live student, meervoud per anonymised row, 5+ in one bucket."""
    a, b = InstellingFactory(), InstellingFactory()
    bij_a, bij_b = cohort_bij(a), cohort_bij(b)
    veel = AanmelderFactory()
    maak(2, bij_a, aanmelder=veel)
    maak(5, bij_b, aanmelder=veel)  # k = 7 -> bucket 5
    studenten(1, bij_a, bij_b)  # k = 2
    maak(3, bij_a, anoniem=True, meervoud=3)
    maak(1, bij_a, anoniem=True, meervoud=None)  # unknown -> 1
    maak(1, bij_a, anoniem=True, meervoud=9)

    tellingen = statistiek._tellingen_uit_database(a.pk, JAAR)

    assert {k: dict(v) for k, v in tellingen.items()} == {
        bij_a.opleiding_id: {
            (MAX_K, Status.SUBMITTED): 3,
            (2, Status.SUBMITTED): 1,
            (3, Status.SUBMITTED): 3,
            (1, Status.SUBMITTED): 1,
        }
    }


@pytest.mark.django_db
def test_anonymised_rows_use_their_frozen_meervoud():
    a = InstellingFactory()
    cohort = cohort_bij(a)
    maak(5, cohort, anoniem=True, meervoud=2)  # the other application is gone or elsewhere: still multiple
    maak(6, cohort, anoniem=True, meervoud=None)  # anonymised before meervoud existed: counted as single
    maak(5, cohort, anoniem=True, meervoud=1)

    rij = statistiek.meervoud_analyse(a, JAAR).instelling

    assert (rij.aanmeldingen.tekst, rij.meervoudig.tekst) == ("16", "5")


@pytest.mark.django_db
def test_anonymisation_leaves_the_figures_unchanged():
    from voorzieningen.aanmelden.services import verwijder_omgeving
    from voorzieningen.core.services import Actor

    a, b = InstellingFactory(), InstellingFactory()
    bij_a, bij_b = cohort_bij(a), cohort_bij(b)
    studenten(5, bij_a, bij_b)
    voor = statistiek.meervoud_analyse(a, JAAR).instelling
    for aanmelder in {r.aanmelder for r in Aanmelding.objects.select_related("aanmelder__user")}:
        verwijder_omgeving(aanmelder, Actor.system("test"))

    na = statistiek.meervoud_analyse(a, JAAR).instelling

    assert Aanmelding.objects.filter(aanmelder__isnull=False).count() == 0
    assert (na.aanmeldingen, na.meervoudig) == (voor.aanmeldingen, voor.meervoudig)
    assert na.meervoudig.tekst == "5"


def _geschiedenis():
    """History for schooljaar 2026, worked out by hand (see the test below)."""
    a, b = InstellingFactory(), InstellingFactory()
    a25, b25 = cohort_bij(a, begindatum=datetime.date(2025, 9, 1)), cohort_bij(b, begindatum=datetime.date(2025, 9, 1))
    a24 = cohort_bij(a, begindatum=datetime.date(2024, 9, 1))
    # k = 1: 40 + 10 applications, 20 enrolled -> 0.4
    maak(20, a25, anoniem=True, status=Status.ENROLLED)
    maak(20, a25, anoniem=True, meervoud=1, status=Status.REJECTED)
    maak(10, a24, anoniem=True, meervoud=1, status=Status.WITHDRAWN)
    # k = 2: 15 live students (30 applications) with one application at A and one at B, 6 enrolled -> 0.2
    studenten(9, a25, b25, status=Status.REJECTED)
    for _ in range(6):
        aanmelder = AanmelderFactory()
        maak(1, a25, aanmelder=aanmelder, status=Status.ENROLLED)
        maak(1, b25, aanmelder=aanmelder, status=Status.WITHDRAWN)
    # k = 3: 6 applications, too few -> pooled
    maak(3, b25, anoniem=True, meervoud=3, status=Status.ENROLLED)
    maak(3, b25, anoniem=True, meervoud=3, status=Status.REJECTED)
    # k >= 5: 35 applications, 7 enrolled -> 0.2
    maak(7, b25, anoniem=True, meervoud=5, status=Status.ENROLLED)
    maak(13, b25, anoniem=True, meervoud=6, status=Status.REJECTED)
    maak(15, b25, anoniem=True, meervoud=12, status=Status.REJECTED)
    # the chosen year and later ones are no history, nor is the field default 0
    maak(40, a25, anoniem=True, status=Status.ENROLLED, schooljaar=0)
    maak(40, cohort_bij(b), anoniem=True, status=Status.ENROLLED)
    maak(40, cohort_bij(b, begindatum=datetime.date(2027, 9, 1)), anoniem=True, status=Status.ENROLLED)
    return a, b


GEPOOLD = 36 / 121  # (20 + 6 + 3 + 7) / (50 + 30 + 6 + 35)


@pytest.mark.django_db
def test_p_k_comes_from_all_earlier_years_of_all_institutions(django_assert_num_queries):
    _geschiedenis()

    assert statistiek._historie(JAAR) == {1: (50, 20), 2: (30, 6), 3: (6, 3), MAX_K: (35, 7)}
    with django_assert_num_queries(0):  # cached for the day
        model = statistiek.kansmodel(JAAR)
    model = statistiek._kansen(statistiek._historie(JAAR))
    assert model.p == pytest.approx({1: 0.4, 2: 0.2, 3: GEPOOLD, 4: GEPOOLD, 5: 0.2})
    assert model.terugval == {3, 4}

    tabel = statistiek.kansmodel(JAAR)
    assert not tabel.geen_historie
    assert [
        (str(r.label), r.aanmeldingen.tekst, r.ingeschreven.tekst, r.kans.tekst, r.terugval) for r in tabel.rijen
    ] == [
        ("1", "50", "20", "40,0%", False),
        ("2", "30", "6", "20,0%", False),
        ("3", "6", "< 5", "–", True),  # 3 enrolments of 6: the percentage would give them away
        ("4", "0", "0", "–", True),
        ("5 of meer", "35", "7", "20,0%", False),
    ]
    assert (tabel.totaal.aanmeldingen.tekst, tabel.totaal.ingeschreven.tekst, tabel.totaal.kans.tekst) == (
        "121",
        "36",
        "29,8%",
    )
    assert statistiek._historie(2025) == {1: (10, 0)}  # only 2024 is before 2025


@pytest.mark.django_db
def test_expected_enrolments_by_hand():
    a, b = _geschiedenis()
    zorg, elders = cohort_bij(a), cohort_bij(b)
    studenten(10, zorg)  # k = 1, open: 10 * 0.4 = 4
    maak(5, zorg, anoniem=True, meervoud=1, status=Status.ENROLLED)  # 5 * 1 = 5
    maak(5, zorg, anoniem=True, meervoud=1, status=Status.REJECTED)  # 0
    for _ in range(5):  # k = 2, offered at A, one more at B: 5 * 0.2 = 1 (and B: 5 * 0.2 = 1)
        aanmelder = AanmelderFactory()
        maak(1, zorg, aanmelder=aanmelder, status=Status.OFFERED)
        maak(1, elders, aanmelder=aanmelder, status=Status.RECEIVED)
    maak(5, zorg, anoniem=True, meervoud=3, status=Status.RECEIVED)  # k = 3 has too little history: pooled

    analyse = statistiek.meervoud_analyse(a, JAAR)

    verwacht = 4 + 5 + 0 + 1 + 5 * GEPOOLD
    rij = analyse.opleidingen[0]
    assert len(analyse.opleidingen) == 1
    assert rij.verwachte_inschrijvingen.getal == pytest.approx(verwacht)
    assert rij.verwachte_inschrijvingen.tekst == "11,5"
    assert (rij.aanmeldingen.tekst, rij.meervoudig.tekst, rij.percentage_meervoudig.tekst) == ("30", "10", "33,3%")
    assert rij.terugval and analyse.terugval and not analyse.geen_historie
    assert analyse.instelling.verwachte_inschrijvingen.getal == pytest.approx(verwacht)

    b_rij = statistiek.meervoud_analyse(b, JAAR).instelling
    # B's 2026 rows: the 40 enrolled anonymised ones (1 each) and the 5 received with k = 2
    assert b_rij.verwachte_inschrijvingen.getal == pytest.approx(40 + 1)
    assert not b_rij.terugval


@pytest.mark.django_db
def test_without_history_there_are_no_expected_values():
    a = InstellingFactory()
    studenten(5, cohort_bij(a))
    maak(5, cohort_bij(a, begindatum=datetime.date(2025, 9, 1)), anoniem=True, status=Status.ENROLLED)  # < 30

    analyse = statistiek.meervoud_analyse(a, JAAR)

    assert analyse.geen_historie and analyse.kansmodel.geen_historie
    assert analyse.instelling.verwachte_inschrijvingen == Cel("–", None)
    assert analyse.instelling.aanmeldingen.tekst == "5"


@pytest.mark.django_db
def test_a_small_programme_shows_no_figures_derived_from_it():
    a = InstellingFactory()
    groot, klein = cohort_bij(a), cohort_bij(a)
    studenten(6, groot)
    studenten(3, klein)
    maak(30, cohort_bij(a, begindatum=datetime.date(2025, 9, 1)), anoniem=True, status=Status.ENROLLED)

    analyse = statistiek.meervoud_analyse(a, JAAR)
    rijen = {r.opleiding_id: r for r in analyse.opleidingen}

    klein_rij = rijen[klein.opleiding_id]
    assert (klein_rij.aanmeldingen.tekst, klein_rij.meervoudig.tekst) == ("< 5", "0")
    assert klein_rij.percentage_meervoudig.tekst == klein_rij.verwachte_inschrijvingen.tekst == "–"
    assert klein_rij.verwachte_inschrijvingen.getal is None
    assert rijen[groot.opleiding_id].verwachte_inschrijvingen.tekst == "6,0"
    assert analyse.instelling.verwachte_inschrijvingen.tekst == "9,0"


# --- suppression as a property ------------------------------------------------------------------------------------

aantallen = st.integers(min_value=0, max_value=10**7)
waarden = st.one_of(st.none(), aantallen, st.floats(min_value=0, max_value=10**6, allow_nan=False))
KLEIN = range(1, 5)


def nooit_klein(c: Cel, *, aantal: bool = False) -> None:
    assert not re.fullmatch(r"\s*[1-4]\s*", c.tekst), c
    if c.onderdrukt:
        assert c.getal is None
    if aantal:
        assert c.getal not in KLEIN


@given(aantal=aantallen)
def test_a_count_of_1_to_4_is_never_displayed(aantal):
    c = cel(aantal)

    nooit_klein(c, aantal=True)
    assert c.onderdrukt == (aantal in KLEIN)
    if aantal in KLEIN:
        assert (c.tekst, c.getal) == ("< 5", None)
    else:
        assert int(c.tekst.replace(".", "")) == aantal == c.getal
    assert str(c) == c.tekst


@given(waarde=waarden, soort=st.sampled_from([Soort.PERCENTAGE, Soort.VERWACHTING]), basis=st.lists(aantallen))
def test_a_derived_figure_resting_on_a_small_count_is_never_displayed(waarde, soort, basis):
    c = cel(waarde, soort, rust_op=basis)

    nooit_klein(c)
    if any(n in KLEIN for n in basis) or waarde is None:
        assert (c.tekst, c.getal) == ("–", None)
    else:
        assert c.getal == waarde and c.tekst != "–"


tellingen = st.dictionaries(
    st.tuples(st.integers(min_value=1, max_value=MAX_K), st.sampled_from(list(Status))),
    st.integers(min_value=1, max_value=40),
    max_size=12,
)


@given(tellingen=tellingen, p=st.lists(st.floats(0, 1), min_size=MAX_K, max_size=MAX_K), zonder=st.booleans())
def test_no_analytics_row_ever_shows_a_small_number(tellingen, p, zonder):
    model = None if zonder else statistiek._Model(dict(enumerate(p, start=1)), frozenset())

    rij = statistiek._analyse_rij("x", 1, tellingen, model)

    n = sum(tellingen.values())
    m = sum(v for (k, _s), v in tellingen.items() if k > 1)
    nooit_klein(rij.aanmeldingen, aantal=True)
    nooit_klein(rij.meervoudig, aantal=True)
    nooit_klein(rij.percentage_meervoudig)
    nooit_klein(rij.verwachte_inschrijvingen)
    if n in KLEIN or m in KLEIN:
        assert rij.percentage_meervoudig.getal is None and rij.verwachte_inschrijvingen.getal is None
    if rij.verwachte_inschrijvingen.getal is not None:
        assert 0 <= rij.verwachte_inschrijvingen.getal <= n + 1e-9


@given(st.lists(st.tuples(st.text(max_size=3), aantallen), max_size=20))
def test_a_series_scales_on_displayed_values_only(paren):
    reeks = statistiek._reeks("r", paren)

    for punt in reeks.punten:
        nooit_klein(punt.cel, aantal=True)
        assert 0 <= punt.fractie <= 1
        assert punt.fractie == 0 or not punt.cel.onderdrukt
    assert reeks.maximum not in KLEIN


def _rij(n: int, meervoudig: int):
    tellingen = {(2, Status.SUBMITTED): meervoudig, (1, Status.SUBMITTED): n - meervoudig}
    return statistiek._analyse_rij(f"opleiding {n}-{meervoudig}", 1, tellingen, None)


def test_one_hidden_multiple_count_takes_the_smallest_other_one_with_it():
    rijen = [_rij(40, 12), _rij(30, 7), _rij(20, 3)]
    totaal = _rij(90, 22)
    uit = statistiek.aanvullend_onderdrukt(rijen, totaal)
    assert [str(r.meervoudig) for r in uit] == ["12", "x", "< 5"]
    assert str(uit[1].percentage_meervoudig) == "x"


@given(st.lists(st.integers(0, 40), min_size=1, max_size=8))
def test_the_total_never_gives_away_a_single_hidden_multiple_count(aantallen):
    rijen = [_rij(50, m) for m in aantallen]
    totaal = _rij(50 * len(aantallen), sum(aantallen))
    uit = statistiek.aanvullend_onderdrukt(rijen, totaal)
    verborgen = [r for r in uit if r.meervoudig.onderdrukt]
    if not totaal.meervoudig.onderdrukt and any(0 < m < 5 for m in aantallen):
        # the hidden ones are at least two, or the only other cells are zeros (nothing to hide then)
        assert len(verborgen) >= 2 or all(m == 0 or m < 5 for m in aantallen)
    assert all(r.meervoudig.getal is None or r.meervoudig.getal == 0 or r.meervoudig.getal >= 5 for r in uit)
