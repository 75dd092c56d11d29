"""The PO/VO profile as data: basis package for all, chosen services, and dependency rules with Dutch reasons."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError

import pytest

from voorzieningen.cooperatie import dienstverlening
from voorzieningen.cooperatie.dienstverlening import Periode, niet_gedekt, richt_aanbod_in
from voorzieningen.cooperatie.models import Afname, Dienst, Dienstregel
from voorzieningen.cooperatie.profielen import MBO, PO_VO

from .factories import LidFactory, PoVoCooperatieFactory
from .factories_dienst import AfnameFactory, DienstFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def povo():
    cooperatie = PoVoCooperatieFactory(code=PO_VO)
    richt_aanbod_in(cooperatie)
    return cooperatie


def dienst(cooperatie, code):
    return Dienst.objects.get(cooperatie=cooperatie, code=code)


@pytest.fixture
def bestuur(povo):
    return LidFactory(cooperatie=povo, naam="Stichting Scholen", begindatum=D(2021, 1, 1))


def test_the_povo_offer_is_data_on_the_cooperative(povo):
    assert list(povo.diensten.filter(basis=True).values_list("code", flat=True)) == ["basispakket"]
    regel = Dienstregel.objects.get(dienst__cooperatie=povo)
    assert (regel.dienst.code, regel.soort, regel.andere_dienst.code) == (
        "externe-connectiviteit",
        Dienstregel.Soort.MAAKT_VERPLICHT,
        "informatiebeveiliging",
    )


def test_setting_up_the_offer_twice_changes_nothing(povo):
    Dienst.objects.filter(cooperatie=povo, code="basispakket").update(naam="Basispakket (aangepast)")
    richt_aanbod_in(povo)
    assert povo.diensten.count() == 5 and Dienstregel.objects.filter(dienst__cooperatie=povo).count() == 1
    assert dienst(povo, "basispakket").naam == "Basispakket (aangepast)"


def test_every_member_has_the_basis_package_without_an_afname(povo, bestuur):
    assert [d.code for d in dienstverlening.afgenomen_diensten(bestuur, 2021)] == ["basispakket"]
    assert list(dienstverlening.afnemers_op(dienst(povo, "basispakket"), D(2021, 6, 1))) == [bestuur]
    with pytest.raises(ValidationError, match="basispakket"):
        dienstverlening.neem_af(bestuur, dienst(povo, "basispakket"), D(2021, 1, 1))


def test_taking_external_connectivity_brings_security_along(povo, bestuur):
    afname, meegenomen = dienstverlening.neem_af(
        bestuur, dienst(povo, "externe-connectiviteit"), D(2021, 3, 1), specificatie="1 Gbit/s per locatie"
    )

    assert [(a.dienst.code, a.begindatum, a.einddatum) for a in meegenomen] == [
        ("informatiebeveiliging", D(2021, 3, 1), None)
    ]
    assert "verplicht bij Externe connectiviteit" in meegenomen[0].specificatie
    assert dienstverlening.afhankelijkheidsfouten(bestuur, list(bestuur.afnames.all())) == []


def test_only_the_uncovered_part_is_brought_along(povo, bestuur):
    AfnameFactory(
        lid=bestuur, dienst=dienst(povo, "informatiebeveiliging"), begindatum=D(2021, 1, 1), einddatum=D(2021, 6, 30)
    )
    _afname, meegenomen = dienstverlening.neem_af(
        bestuur, dienst(povo, "externe-connectiviteit"), D(2021, 3, 1), D(2021, 12, 31)
    )
    assert [(a.begindatum, a.einddatum) for a in meegenomen] == [(D(2021, 7, 1), D(2021, 12, 31))]


def test_security_may_not_end_while_connectivity_runs(povo, bestuur):
    dienstverlening.neem_af(bestuur, dienst(povo, "externe-connectiviteit"), D(2021, 3, 1))
    beveiliging = Afname.objects.get(lid=bestuur, dienst__code="informatiebeveiliging")

    with pytest.raises(ValidationError) as fout:
        dienstverlening.beeindig_afname(beveiliging, D(2022, 12, 31))
    assert fout.value.messages == [
        "Wie ‘Externe connectiviteit’ afneemt, moet ook ‘Informatiebeveiligingsdiensten’ afnemen; "
        "Stichting Scholen neemt ‘Informatiebeveiligingsdiensten’ niet af vanaf 01-01-2023."
    ]
    assert Afname.objects.get(pk=beveiliging.pk).einddatum is None


def test_ending_both_together_is_fine(povo, bestuur):
    connectiviteit, _ = dienstverlening.neem_af(bestuur, dienst(povo, "externe-connectiviteit"), D(2021, 3, 1))
    dienstverlening.beeindig_afname(connectiviteit, D(2022, 12, 31))
    beveiliging = Afname.objects.get(lid=bestuur, dienst__code="informatiebeveiliging")
    dienstverlening.beeindig_afname(beveiliging, D(2022, 12, 31))
    assert Afname.objects.get(pk=beveiliging.pk).einddatum == D(2022, 12, 31)


def test_requires_rule_refuses_with_a_dutch_reason(povo, bestuur):
    cloud = dienst(povo, "cloud-serverinfrastructuur")
    Dienstregel.objects.create(
        dienst=cloud, soort=Dienstregel.Soort.VEREIST, andere_dienst=dienst(povo, "netwerkinfrastructuur")
    )

    with pytest.raises(ValidationError) as fout:
        dienstverlening.neem_af(bestuur, cloud, D(2021, 5, 1), D(2021, 12, 31))
    assert fout.value.messages == [
        "‘Serverinfrastructuur in de cloud (IaaS)’ vereist ‘Netwerkinfrastructuur (wifi en intern netwerk)’, maar "
        "Stichting Scholen neemt ‘Netwerkinfrastructuur (wifi en intern netwerk)’ niet af van 01-05-2021 tot en met "
        "31-12-2021."
    ]
    assert not Afname.objects.filter(dienst=cloud).exists()

    dienstverlening.neem_af(bestuur, dienst(povo, "netwerkinfrastructuur"), D(2021, 1, 1))
    dienstverlening.neem_af(bestuur, cloud, D(2021, 5, 1), D(2021, 12, 31))


def test_a_basis_service_satisfies_a_requirement(povo, bestuur):
    cloud = dienst(povo, "cloud-serverinfrastructuur")
    Dienstregel.objects.create(dienst=cloud, soort=Dienstregel.Soort.VEREIST, andere_dienst=dienst(povo, "basispakket"))
    dienstverlening.neem_af(bestuur, cloud, D(2021, 5, 1))


def test_rules_added_later_show_up_in_the_overview_without_blocking_other_changes(povo, bestuur):
    cloud = dienst(povo, "cloud-serverinfrastructuur")
    dienstverlening.neem_af(bestuur, cloud, D(2021, 5, 1))
    Dienstregel.objects.create(
        dienst=cloud, soort=Dienstregel.Soort.VEREIST, andere_dienst=dienst(povo, "netwerkinfrastructuur")
    )

    assert list(dienstverlening.overtredingen(povo)) == [bestuur]
    dienstverlening.neem_af(bestuur, dienst(povo, "informatiebeveiliging"), D(2021, 6, 1))  # unrelated: allowed


def test_afname_validation_messages(povo, bestuur):
    ander = LidFactory(naam="Ander")
    with pytest.raises(ValidationError, match="andere coöperatie"):
        dienstverlening.neem_af(ander, dienst(povo, "netwerkinfrastructuur"), D(2021, 1, 1))
    with pytest.raises(ValidationError, match="pas lid vanaf 01-01-2021"):
        dienstverlening.neem_af(bestuur, dienst(povo, "netwerkinfrastructuur"), D(2020, 1, 1))
    dienstverlening.neem_af(bestuur, dienst(povo, "netwerkinfrastructuur"), D(2021, 1, 1), D(2021, 12, 31))
    with pytest.raises(ValidationError, match="al af"):
        dienstverlening.neem_af(bestuur, dienst(povo, "netwerkinfrastructuur"), D(2021, 6, 1))
    dienstverlening.neem_af(bestuur, dienst(povo, "netwerkinfrastructuur"), D(2022, 1, 1))  # adjacent: fine
    with pytest.raises(ValidationError, match="vóór de begindatum"):
        dienstverlening.neem_af(bestuur, dienst(povo, "informatiebeveiliging"), D(2021, 6, 1), D(2021, 5, 1))
    inactief = DienstFactory(cooperatie=povo, actief=False, naam="Oud")
    with pytest.raises(ValidationError, match="niet meer aangeboden"):
        dienstverlening.neem_af(bestuur, inactief, D(2021, 6, 1))


def test_an_afname_ends_with_the_membership(povo):
    lid = LidFactory(cooperatie=povo, begindatum=D(2021, 1, 1), einddatum=D(2022, 12, 31))
    with pytest.raises(ValidationError, match="lidmaatschap eindigt op 31-12-2022"):
        dienstverlening.neem_af(lid, dienst(povo, "netwerkinfrastructuur"), D(2021, 1, 1))
    assert dienstverlening.afgenomen_diensten(lid, 2023) == []


def test_rules_cannot_cross_cooperatives_or_point_to_themselves(povo):
    mbo_dienst = DienstFactory()
    for andere in (mbo_dienst, dienst(povo, "basispakket")):
        regel = Dienstregel(dienst=dienst(povo, "basispakket"), soort=Dienstregel.Soort.VEREIST, andere_dienst=andere)
        with pytest.raises(ValidationError):
            regel.full_clean()


def test_the_mbo_offer_has_no_rules_and_its_2021_tariffs():
    from .factories import CooperatieFactory

    cooperatie = CooperatieFactory(code=MBO)
    diensten = richt_aanbod_in(cooperatie)
    assert [d.code for d in diensten] == ["lidmaatschap", "centraal-aanmelden", "koppelpunt-mbo"]
    assert not Dienstregel.objects.filter(dienst__cooperatie=cooperatie).exists()
    assert dienst(cooperatie, "centraal-aanmelden").tarieven.get(jaar=2021).componenten.get().prijs == Decimal("1.20")


@pytest.mark.parametrize(
    ("dekking", "gaten"),
    [
        ([], [(D(2021, 1, 1), D(2021, 12, 31))]),
        ([(D(2020, 1, 1), None)], []),
        ([(D(2021, 3, 1), D(2021, 5, 31))], [(D(2021, 1, 1), D(2021, 2, 28)), (D(2021, 6, 1), D(2021, 12, 31))]),
        ([(D(2021, 1, 1), D(2021, 6, 30)), (D(2021, 7, 1), D(2021, 12, 31))], []),
        ([(D(2021, 1, 1), D(2021, 6, 29)), (D(2021, 7, 1), None)], [(D(2021, 6, 30), D(2021, 6, 30))]),
    ],
)
def test_uncovered_parts_of_a_period(dekking, gaten):
    periode = Periode(D(2021, 1, 1), D(2021, 12, 31))
    uitkomst = niet_gedekt(periode, [Periode(b, e) for b, e in dekking])
    assert [(p.begin, p.einde) for p in uitkomst] == gaten


def test_uncovered_part_of_an_open_period_stays_open():
    assert niet_gedekt(Periode(D(2021, 1, 1), None), [Periode(D(2020, 1, 1), D(2022, 12, 31))]) == [
        Periode(D(2023, 1, 1), None)
    ]


def test_the_command_sets_up_both_cooperatives_idempotently():
    import io

    from django.core.management import call_command

    call_command("cooperatie_aanbod", stdout=io.StringIO())
    uitvoer = io.StringIO()
    call_command("cooperatie_aanbod", stdout=uitvoer)
    assert "Externe connectiviteit" in uitvoer.getvalue()
    assert Dienst.objects.filter(cooperatie__code=MBO).count() == 3
    assert Dienst.objects.filter(cooperatie__code=PO_VO).count() == 5
    assert Dienstregel.objects.count() == 1


def test_deleting_what_a_rule_depends_on_is_refused(povo, bestuur):
    connectiviteit, _ = dienstverlening.neem_af(bestuur, dienst(povo, "externe-connectiviteit"), D(2021, 3, 1))
    beveiliging = Afname.objects.get(lid=bestuur, dienst__code="informatiebeveiliging")

    with pytest.raises(ValidationError, match="moet ook ‘Informatiebeveiligingsdiensten’ afnemen"):
        dienstverlening.verwijder_afnames([beveiliging])
    dienstverlening.verwijder_afnames([beveiliging, connectiviteit])  # together: nothing is left hanging
    assert not Afname.objects.filter(lid=bestuur).exists()
