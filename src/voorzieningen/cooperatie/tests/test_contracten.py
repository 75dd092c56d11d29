"""Supplier contracts: 4 + 2 × 2 years, decision dates, reminders, the yearly check and the AV report."""

import datetime

from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError

import pytest

from voorzieningen.cooperatie import contracten
from voorzieningen.cooperatie.models import Contract, Contracttoetsing
from voorzieningen.cooperatie.models.contracten import min_maanden, plus_jaren
from voorzieningen.identiteit.models import User

from .factories import CooperatieFactory
from .factories_dienst import ContractFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def test_term_is_four_years_plus_two_extensions_of_two_years():
    contract = ContractFactory(ingangsdatum=D(2020, 1, 1))

    assert contract.einddatum_initieel == D(2023, 12, 31)
    assert contract.einddatum == D(2023, 12, 31)
    assert contract.einddatum_maximaal == D(2027, 12, 31)
    assert contract.volgende_beslisdatum == D(2023, 6, 30)  # six months before the end
    assert contract.herinneringsdatum == D(2022, 12, 30)  # six months before the decision


def test_extensions_move_the_end_and_stop_after_two():
    contract = ContractFactory(ingangsdatum=D(2020, 1, 1))

    contracten.verleng(contract, besloten_op=D(2023, 5, 1), besluit="AV 2023-05")
    assert contract.einddatum == D(2025, 12, 31)
    assert contract.volgende_beslisdatum == D(2025, 6, 30)
    contracten.verleng(contract, besloten_op=D(2025, 5, 1))
    assert contract.einddatum == D(2027, 12, 31) == contract.einddatum_maximaal
    assert not contract.kan_verlengen
    assert contract.volgende_beslisdatum == D(2027, 6, 30)  # then: decide on a new tender

    with pytest.raises(ValidationError, match="2 keer verlengd"):
        contracten.verleng(contract, besloten_op=D(2027, 5, 1))
    assert [v.volgnummer for v in contract.verlengingen.all()] == [1, 2]


def test_no_extension_after_the_contract_ended():
    contract = ContractFactory(ingangsdatum=D(2020, 1, 1))
    with pytest.raises(ValidationError, match="afgelopen"):
        contracten.verleng(contract, besloten_op=D(2024, 1, 1))


def test_letting_it_end_stops_decisions_and_extensions():
    contract = ContractFactory(ingangsdatum=D(2020, 1, 1))
    contracten.laat_aflopen(contract)
    contract.refresh_from_db()

    assert contract.beeindigd_per == D(2023, 12, 31) == contract.einddatum
    assert contract.volgende_beslisdatum is None and contract.herinneringsdatum is None
    with pytest.raises(ValidationError, match="laten aflopen"):
        contracten.verleng(contract, besloten_op=D(2023, 1, 1))
    with pytest.raises(ValidationError, match="loopt al af"):
        contracten.laat_aflopen(contract)


def test_ending_early_must_lie_within_the_term():
    contract = ContractFactory(ingangsdatum=D(2020, 1, 1))
    with pytest.raises(ValidationError, match="Kies een datum"):
        contracten.laat_aflopen(contract, per=D(2024, 6, 1))
    contracten.laat_aflopen(contract, per=D(2022, 6, 30))
    assert Contract.objects.get(pk=contract.pk).einddatum == D(2022, 6, 30)


def test_date_arithmetic_handles_leap_days_and_short_months():
    assert plus_jaren(D(2020, 2, 29), 4) == D(2024, 2, 29)
    assert plus_jaren(D(2020, 2, 29), 1) == D(2021, 2, 28)
    assert min_maanden(D(2023, 8, 31), 6) == D(2023, 2, 28)
    assert min_maanden(D(2024, 1, 15), 13) == D(2022, 12, 15)
    contract = ContractFactory(ingangsdatum=D(2020, 3, 1))
    assert contract.einddatum_initieel == D(2024, 2, 29)  # a leap year: the day before 1 March 2024


def test_deviating_from_the_standard_term_needs_a_reason():
    contract = ContractFactory.build(
        cooperatie=CooperatieFactory(), leverancier=ContractFactory().leverancier, looptijd_jaren=3
    )
    with pytest.raises(ValidationError) as fout:
        contract.full_clean()
    assert "zwaarwegende redenen" in str(fout.value)
    contract.afwijking_motivering = "Markt verandert snel; korter contract."
    contract.full_clean()


def test_configurable_notice_and_reminder_periods():
    contract = ContractFactory(ingangsdatum=D(2020, 1, 1), opzegtermijn_maanden=3, herinnering_maanden=2)
    assert contract.volgende_beslisdatum == D(2023, 9, 30)
    assert contract.herinneringsdatum == D(2023, 7, 30)


# --- Reminders -------------------------------------------------------------------------------------------------


@pytest.fixture
def beheerder():
    user = User.objects.create_user("contractbeheer", email="contractbeheer@coop.example", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_contract"))
    User.objects.create_user("anders", email="anders@coop.example", is_staff=True)  # no permission: no mail
    return user


def test_reminder_goes_once_to_staff_who_manage_contracts(beheerder, outbox_direct, mailoutbox):
    contract = ContractFactory(ingangsdatum=D(2020, 1, 1))

    assert contracten.stuur_herinneringen(D(2022, 12, 29)).besluiten == []
    eerste = contracten.stuur_herinneringen(D(2022, 12, 30))
    contracten.stuur_herinneringen(D(2023, 1, 15))  # the daily job again: no second mail

    assert eerste.besluiten == [contract]
    besluiten = [m for m in mailoutbox if m.subject.startswith("Besluit nodig")]
    assert [m.to for m in besluiten] == [["contractbeheer@coop.example"]]
    assert "30-06-2023" in besluiten[0].subject
    contract.refresh_from_db()
    assert contract.laatste_herinnering_voor == D(2023, 6, 30)


def test_after_an_extension_the_next_decision_is_reminded_again(beheerder, outbox_direct, mailoutbox):
    contract = ContractFactory(ingangsdatum=D(2020, 1, 1))
    contracten.stuur_herinneringen(D(2023, 1, 1))
    contracten.verleng(contract, besloten_op=D(2023, 3, 1))
    contracten.stuur_herinneringen(D(2024, 12, 30))
    besluiten = [m.subject for m in mailoutbox if m.subject.startswith("Besluit nodig")]
    assert len(besluiten) == 2 and "30-06-2025" in besluiten[1]


def test_no_reminders_for_a_contract_that_is_left_to_end(beheerder, outbox_direct, mailoutbox):
    contract = ContractFactory(ingangsdatum=D(2020, 1, 1))
    contracten.laat_aflopen(contract)
    assert contracten.stuur_herinneringen(D(2023, 3, 1)).besluiten == []


def test_missing_yearly_check_is_reminded_from_october(beheerder, outbox_direct, mailoutbox):
    contract = ContractFactory(ingangsdatum=D(2020, 1, 1))
    nieuw = ContractFactory(ingangsdatum=D(2021, 3, 1))  # first check due the year after it started

    assert contracten.stuur_herinneringen(D(2021, 9, 30)).toetsingen == []
    assert contracten.stuur_herinneringen(D(2021, 10, 1)).toetsingen == [contract]
    contracten.registreer_toetsing(
        contract, jaar=2022, uitgevoerd_op=D(2022, 5, 1), uitkomst=Contracttoetsing.Uitkomst.VOLDOET, bevindingen="ok"
    )
    assert contracten.stuur_herinneringen(D(2022, 10, 1)).toetsingen == [nieuw]
    assert sum("toetsing" in m.subject for m in mailoutbox) == 2


# --- Yearly check and AV report ------------------------------------------------------------------------------------


def test_a_check_that_is_not_fully_met_needs_measures():
    contract = ContractFactory()
    with pytest.raises(ValidationError, match="maatregelen"):
        contracten.registreer_toetsing(
            contract,
            jaar=2021,
            uitgevoerd_op=D(2021, 6, 1),
            uitkomst=Contracttoetsing.Uitkomst.VOLDOET_DEELS,
            bevindingen="Beschikbaarheid onder de norm",
        )
    contracten.registreer_toetsing(
        contract,
        jaar=2021,
        uitgevoerd_op=D(2021, 6, 1),
        uitkomst=Contracttoetsing.Uitkomst.VOLDOET_DEELS,
        bevindingen="Beschikbaarheid onder de norm",
        maatregelen="Verbeterplan leverancier per 1 september",
    )
    with pytest.raises(ValidationError):  # one check per contract per year
        contracten.registreer_toetsing(
            contract, jaar=2021, uitgevoerd_op=D(2021, 7, 1), uitkomst="voldoet", bevindingen="nogmaals"
        )


def test_av_report_lists_running_contracts_with_their_check_and_signals():
    cooperatie = CooperatieFactory()
    goed = ContractFactory(cooperatie=cooperatie, ingangsdatum=D(2020, 1, 1), onderwerp="A goed")
    contracten.registreer_toetsing(
        goed, jaar=2022, uitgevoerd_op=D(2022, 4, 1), uitkomst="voldoet", bevindingen="Alle eisen gehaald"
    )
    zonder = ContractFactory(cooperatie=cooperatie, ingangsdatum=D(2019, 1, 1), onderwerp="B zonder toetsing")
    afgelopen = ContractFactory(cooperatie=cooperatie, ingangsdatum=D(2015, 1, 1), onderwerp="C afgelopen")
    contracten.laat_aflopen(afgelopen)
    ContractFactory(onderwerp="van een andere coöperatie")

    regels = contracten.av_rapport(cooperatie, 2022, op=D(2022, 11, 1))

    assert [r.contract for r in regels] == [goed, zonder]
    assert regels[0].toetsing.bevindingen == "Alle eisen gehaald"
    assert regels[0].signalen == ["besluit (verlengen) vóór 30-06-2023"]
    assert regels[1].toetsing is None
    assert regels[1].signalen == ["jaarlijkse toetsing 2022 ontbreekt", "beslisdatum 30-06-2022 verstreken"]


def test_av_report_shows_a_check_that_failed():
    contract = ContractFactory(ingangsdatum=D(2020, 1, 1))
    contracten.registreer_toetsing(
        contract,
        jaar=2021,
        uitgevoerd_op=D(2021, 4, 1),
        uitkomst=Contracttoetsing.Uitkomst.VOLDOET_NIET,
        bevindingen="ISO 27001-certificaat verlopen",
        maatregelen="Ingebrekestelling",
    )
    [regel] = contracten.av_rapport(contract.cooperatie, 2021, op=D(2021, 5, 1))
    assert regel.signalen == ["voldoet niet"]


def test_the_daily_task_runs_the_reminders_and_is_scheduled(beheerder, outbox_direct, mailoutbox):
    from django.conf import settings

    from freezegun import freeze_time

    from voorzieningen.cooperatie import tasks

    ContractFactory(ingangsdatum=D(2020, 1, 1))
    with freeze_time("2023-01-15 08:00"):
        assert tasks.contractherinneringen() == "1 besluiten, 0 toetsingen, 1 e-mails"
    assert settings.CELERY_BEAT_SCHEDULE["cooperatie-contractherinneringen"]["task"] == (
        "voorzieningen.cooperatie.tasks.contractherinneringen"
    )
