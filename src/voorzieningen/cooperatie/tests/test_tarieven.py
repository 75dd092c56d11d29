"""Tariff arithmetic: the 2021 tariffs of the mbo cooperative worked out by hand, rounding, VAT, and the errors."""

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voorzieningen.cooperatie import facturatie
from voorzieningen.cooperatie.dienstverlening import richt_aanbod_in
from voorzieningen.cooperatie.models import Dienst, Tariefcomponent
from voorzieningen.cooperatie.profielen import MBO

from .factories import CooperatieFactory, LidFactory
from .factories_dienst import (
    AfnameFactory,
    DeelnemertellingFactory,
    DienstFactory,
    TariefcomponentFactory,
    TariefFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mbo():
    """The mbo cooperative with its 2021 offer: membership (basis, € 850), Centraal Aanmelden (€ 1,20 per weighted
    participant, BOL 1, BBL 0,35, count t−2) and Koppelpunt MBO (free)."""
    cooperatie = CooperatieFactory(code="mbo-test")
    richt_aanbod_in(cooperatie, MBO)
    return cooperatie


def dienst(cooperatie, code) -> Dienst:
    return Dienst.objects.get(cooperatie=cooperatie, code=code)


def neemt_af(lid, *codes):
    for code in codes:
        AfnameFactory(lid=lid, dienst=dienst(lid.cooperatie, code), begindatum=datetime.date(2020, 1, 1))


def test_2021_worked_out_by_hand(mbo):
    lid = LidFactory(cooperatie=mbo)
    neemt_af(lid, "centraal-aanmelden", "koppelpunt-mbo")
    DeelnemertellingFactory(lid=lid, jaar=2019, bol=10000, bbl=2000)  # Cfi-telling 1 oktober 2019 = t−2 for 2021

    regels = facturatie.bereken_regels(lid, 2021)

    # membership: 1 × € 850,00
    # Centraal Aanmelden: 10.000 × 1 + 2.000 × 0,35 = 10.700 weighted participants × € 1,20 = € 12.840,00
    # Koppelpunt MBO (VVA): € 0,00
    assert [(r.aantal, r.eenheidsprijs, r.bedrag) for r in regels] == [
        (Decimal(1), Decimal("850.00"), Decimal("850.00")),
        (Decimal("10700"), Decimal("1.20"), Decimal("12840.00")),
        (Decimal(1), Decimal("0.00"), Decimal("0.00")),
    ]
    som = facturatie.totalen(regels)
    # excl. € 13.690,00; VAT 21% = € 2.874,90; incl. € 16.564,90
    assert (som.excl, som.btw, som.incl) == (Decimal("13690.00"), Decimal("2874.90"), Decimal("16564.90"))
    assert "Telling 2019: BOL 10.000 × 1 + BBL 2.000 × 0,35 = 10.700 gewogen" == regels[1].berekening


def test_uneven_count_weighted_participants_are_not_rounded(mbo):
    lid = LidFactory(cooperatie=mbo)
    neemt_af(lid, "centraal-aanmelden")
    DeelnemertellingFactory(lid=lid, jaar=2019, bol=1234, bbl=567)

    ca = facturatie.bereken_regels(lid, 2021)[1]

    # 1.234 + 567 × 0,35 = 1.234 + 198,45 = 1.432,45 weighted × € 1,20 = € 1.718,94
    assert ca.aantal == Decimal("1432.45")
    assert ca.bedrag == Decimal("1718.94")
    som = facturatie.totalen(facturatie.bereken_regels(lid, 2021))
    # (850 + 1.718,94) = 2.568,94 × 21% = 539,4774 → 539,48
    assert (som.excl, som.btw, som.incl) == (Decimal("2568.94"), Decimal("539.48"), Decimal("3108.42"))


def test_a_member_pays_only_for_what_it_takes(mbo):
    alleen_vva = LidFactory(cooperatie=mbo)
    neemt_af(alleen_vva, "koppelpunt-mbo")
    niets = LidFactory(cooperatie=mbo)

    assert [r.dienst.code for r in facturatie.bereken_regels(alleen_vva, 2021)] == ["lidmaatschap", "koppelpunt-mbo"]
    assert facturatie.totalen(facturatie.bereken_regels(alleen_vva, 2021)).excl == Decimal("850.00")
    # no count needed: it does not take Centraal Aanmelden
    assert [r.dienst.code for r in facturatie.bereken_regels(niets, 2021)] == ["lidmaatschap"]


def test_an_afname_that_ended_before_the_year_is_not_charged(mbo):
    lid = LidFactory(cooperatie=mbo)
    AfnameFactory(
        lid=lid,
        dienst=dienst(mbo, "centraal-aanmelden"),
        begindatum=datetime.date(2020, 1, 1),
        einddatum=datetime.date(2020, 12, 31),
    )
    assert [r.dienst.code for r in facturatie.bereken_regels(lid, 2021)] == ["lidmaatschap"]


def test_an_afname_on_any_day_of_the_year_is_charged_for_the_year(mbo):
    lid = LidFactory(cooperatie=mbo)
    AfnameFactory(lid=lid, dienst=dienst(mbo, "koppelpunt-mbo"), begindatum=datetime.date(2021, 12, 31))
    assert "koppelpunt-mbo" in [r.dienst.code for r in facturatie.bereken_regels(lid, 2021)]


def test_missing_count_of_t_minus_2_is_a_clear_error_not_zero(mbo):
    lid = LidFactory(cooperatie=mbo, naam="ROC Zonder Telling")
    neemt_af(lid, "centraal-aanmelden")
    DeelnemertellingFactory(lid=lid, jaar=2020)  # t−1 is not t−2

    with pytest.raises(facturatie.FacturatieFout) as fout:
        facturatie.bereken_regels(lid, 2021)
    assert "ROC Zonder Telling" in fout.value.messages[0]
    assert "deelnemertelling van 2019" in fout.value.messages[0]


def test_missing_tariff_for_the_year_is_an_error(mbo):
    lid = LidFactory(cooperatie=mbo)
    with pytest.raises(facturatie.FacturatieFout, match="geen tarief 2022"):
        facturatie.bereken_regels(lid, 2022)


def test_a_tariff_without_components_is_an_error_not_free():
    dienst_ = DienstFactory(basis=True)
    TariefFactory(dienst=dienst_, jaar=2021)
    lid = LidFactory(cooperatie=dienst_.cooperatie)
    with pytest.raises(facturatie.FacturatieFout, match="geen componenten"):
        facturatie.bereken_regels(lid, 2021)


def test_a_member_without_services_in_the_year_has_no_invoice():
    lid = LidFactory(begindatum=datetime.date(2022, 1, 1))
    with pytest.raises(facturatie.FacturatieFout, match="geen diensten"):
        facturatie.bereken_regels(lid, 2021)


def test_components_are_data_weights_offset_and_vat_per_tariff():
    dienst_ = DienstFactory(basis=True)
    tarief = TariefFactory(dienst=dienst_, jaar=2024, btw_percentage=Decimal("9"))
    TariefcomponentFactory(
        tarief=tarief,
        soort=Tariefcomponent.Soort.PER_GEWOGEN_DEELNEMER,
        prijs=Decimal("0.50"),
        weging_bol=Decimal("2"),
        weging_bbl=Decimal("0.5"),
        peiljaar_verschil=1,
    )
    lid = LidFactory(cooperatie=dienst_.cooperatie)
    DeelnemertellingFactory(lid=lid, jaar=2023, bol=100, bbl=10)

    [regel] = facturatie.bereken_regels(lid, 2024)
    # 100 × 2 + 10 × 0,5 = 205 × € 0,50 = € 102,50; VAT 9% = 9,225 → 9,23
    assert (regel.aantal, regel.bedrag) == (Decimal("205"), Decimal("102.50"))
    assert facturatie.totalen([regel]).btw == Decimal("9.23")


def test_line_rounding_is_half_up_to_cents():
    dienst_ = DienstFactory(basis=True)
    TariefcomponentFactory(
        tarief=TariefFactory(dienst=dienst_, jaar=2022),
        soort=Tariefcomponent.Soort.PER_GEWOGEN_DEELNEMER,
        prijs=Decimal("0.30"),
    )
    lid = LidFactory(cooperatie=dienst_.cooperatie)
    DeelnemertellingFactory(lid=lid, jaar=2020, bol=0, bbl=1)

    [regel] = facturatie.bereken_regels(lid, 2022)
    # 0,35 × 0,30 = 0,105: half-up gives 0,11 (banker's rounding would give 0,10)
    assert regel.bedrag == Decimal("0.11")


def test_vat_is_rounded_half_up_per_rate_not_per_line():
    regels = [
        facturatie.Regel(None, "a", "", Decimal(1), Decimal("0.50"), Decimal("21")),
        facturatie.Regel(None, "b", "", Decimal(1), Decimal("0.50"), Decimal("21")),
    ]
    som = facturatie.totalen(regels)
    # per line 0,105 → 0,11 twice = 0,22; per rate 1,00 × 21% = 0,21
    assert som.btw == Decimal("0.21")
    assert facturatie.totalen(regels[:1]).btw == Decimal("0.11")  # 0,105 half-up


def test_vat_is_grouped_per_rate():
    regels = [
        facturatie.Regel(None, "a", "", Decimal(1), Decimal("100.00"), Decimal("21")),
        facturatie.Regel(None, "b", "", Decimal(1), Decimal("100.00"), Decimal("9")),
        facturatie.Regel(None, "c", "", Decimal(1), Decimal("100.00"), Decimal("0")),
    ]
    som = facturatie.totalen(regels)
    assert [(g.percentage, g.grondslag, g.btw) for g in som.groepen] == [
        (Decimal("0.00"), Decimal("100.00"), Decimal("0.00")),
        (Decimal("9.00"), Decimal("100.00"), Decimal("9.00")),
        (Decimal("21.00"), Decimal("100.00"), Decimal("21.00")),
    ]
    assert som.incl == Decimal("330.00")


def test_negative_lines_mirror_positive_ones_exactly():
    positief = [facturatie.Regel(None, "a", "", Decimal("0.35"), Decimal("0.30"), Decimal("21"))]
    negatief = [facturatie.Regel(None, "a", "", Decimal("-0.35"), Decimal("0.30"), Decimal("21"))]
    assert facturatie.totalen(negatief).incl == -facturatie.totalen(positief).incl
    assert negatief[0].bedrag == Decimal("-0.11")


def _half_up_cents(waarde: Fraction) -> Fraction:
    """Independent reference: round half away from zero to cents with exact fractions."""
    centen = waarde * 100
    teken = -1 if centen < 0 else 1
    centen = abs(centen)
    heel = centen.numerator // centen.denominator
    if centen - heel >= Fraction(1, 2):
        heel += 1
    return Fraction(teken * heel, 100)


@settings(max_examples=200, deadline=None)
@given(
    bol=st.integers(min_value=0, max_value=200_000),
    bbl=st.integers(min_value=0, max_value=100_000),
    prijs=st.decimals(min_value=0, max_value=100, places=4),
    weging=st.decimals(min_value=0, max_value=2, places=4),
    btw=st.sampled_from([Decimal("0"), Decimal("9"), Decimal("21")]),
)
def test_line_and_totals_match_an_exact_reference(bol, bbl, prijs, weging, btw):
    aantal = bol + bbl * weging
    regel = facturatie.Regel(None, "x", "", aantal, prijs, btw)
    vast = facturatie.Regel(None, "y", "", Decimal(1), Decimal("850.00"), btw)
    som = facturatie.totalen([regel, vast])

    exact = _half_up_cents(Fraction(aantal) * Fraction(prijs))
    assert Fraction(regel.bedrag) == exact
    assert Fraction(som.excl) == exact + 850
    assert Fraction(som.btw) == _half_up_cents((exact + 850) * Fraction(btw) / 100)
    assert som.incl == som.excl + som.btw
