"""Service management after the DAP: disruptions with a timeline and member communication, change requests routed
to the expertgroep or the werkgroep doorontwikkeling, and the annual plan the AV approves."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

import pytest

from voorzieningen.cooperatie import dienstverlening
from voorzieningen.cooperatie.models import (
    Begrotingspost,
    Jaarplan,
    Verstoring,
    Voorstel,
    Wijzigingsverzoek,
)
from voorzieningen.core.models import AuditLogEntry
from voorzieningen.core.services import Actor

from .factories import ContactpersoonFactory, CooperatieFactory, LidFactory, VergaderingFactory, VoorstelFactory
from .factories_dienst import AfnameFactory, DienstFactory

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")
S = Wijzigingsverzoek.Status


@pytest.fixture
def cooperatie():
    return CooperatieFactory()


@pytest.fixture
def cambo(cooperatie):
    return DienstFactory(cooperatie=cooperatie, naam="Centraal Aanmelden")


# --- Disruptions -------------------------------------------------------------------------------------------------


def nieuwe_verstoring(cooperatie, dienst=None, **velden):
    return Verstoring(
        cooperatie=cooperatie,
        titel="Inloggen met DigiD mislukt",
        omschrijving="Aanmelders kunnen niet inloggen.",
        dienst=dienst,
        prioriteit="P1",
        impact="hoog",
        **velden,
    )


def test_a_report_mails_the_contacts_of_the_members_that_take_the_service(cooperatie, cambo, outbox_direct, mailoutbox):
    afnemer = LidFactory(cooperatie=cooperatie, naam="ROC Afnemer")
    AfnameFactory(lid=afnemer, dienst=cambo, begindatum=datetime.date(2020, 1, 1))
    a = ContactpersoonFactory(lid=afnemer, naam="Anna")
    b = ContactpersoonFactory(lid=afnemer, naam="Bram")
    ContactpersoonFactory(lid=LidFactory(cooperatie=cooperatie))  # takes nothing: not told

    verstoring = dienstverlening.meld_verstoring(nieuwe_verstoring(cooperatie, cambo), communiceren=True, actor=ACTOR)

    assert sorted(m.to[0] for m in mailoutbox) == sorted([a.email, b.email])
    assert mailoutbox[0].subject == "[P1] Verstoring Inloggen met DigiD mislukt: gemeld"
    assert "Aanmelders kunnen niet inloggen." in mailoutbox[0].body and "ROC Afnemer" in mailoutbox[0].body
    [update] = verstoring.updates.all()
    assert update.naar_contactpersonen and update.aantal_ontvangers == 2
    assert AuditLogEntry.objects.filter(object_id=str(a.pk), action=AuditLogEntry.Action.READ).exists()


def test_named_members_override_the_service_takers(cooperatie, cambo, outbox_direct, mailoutbox):
    genoemd = LidFactory(cooperatie=cooperatie)
    persoon = ContactpersoonFactory(lid=genoemd)
    afnemer = LidFactory(cooperatie=cooperatie)
    AfnameFactory(lid=afnemer, dienst=cambo)
    ContactpersoonFactory(lid=afnemer)

    dienstverlening.meld_verstoring(
        nieuwe_verstoring(cooperatie, cambo), leden=[genoemd], communiceren=True, actor=ACTOR
    )
    assert [m.to for m in mailoutbox] == [[persoon.email]]


def test_without_a_service_all_current_members_are_affected(cooperatie, outbox_direct, mailoutbox):
    lid = LidFactory(cooperatie=cooperatie)
    ContactpersoonFactory(lid=lid)
    oud = LidFactory(cooperatie=cooperatie, einddatum=datetime.date(2020, 12, 31))
    ContactpersoonFactory(lid=oud)
    dienstverlening.meld_verstoring(nieuwe_verstoring(cooperatie), communiceren=True, actor=ACTOR)
    assert len(mailoutbox) == 1


def test_no_mail_unless_asked(cooperatie, cambo, outbox_direct, mailoutbox):
    lid = LidFactory(cooperatie=cooperatie)
    AfnameFactory(lid=lid, dienst=cambo)
    ContactpersoonFactory(lid=lid)
    verstoring = dienstverlening.meld_verstoring(nieuwe_verstoring(cooperatie, cambo), communiceren=False, actor=ACTOR)
    dienstverlening.werk_verstoring_bij(
        verstoring, status="in_behandeling", bericht="Leverancier onderzoekt.", communiceren=False, actor=ACTOR
    )
    assert mailoutbox == []


def test_timeline_records_each_status_and_the_times(cooperatie):
    verstoring = dienstverlening.meld_verstoring(nieuwe_verstoring(cooperatie), communiceren=False, actor=ACTOR)
    dienstverlening.werk_verstoring_bij(
        verstoring, status="in_behandeling", bericht="Oorzaak gevonden.", communiceren=False, actor=ACTOR
    )
    dienstverlening.werk_verstoring_bij(
        verstoring, status="in_behandeling", bericht="Herstel loopt.", communiceren=False, actor=ACTOR
    )
    dienstverlening.werk_verstoring_bij(
        verstoring, status="opgelost", bericht="Hersteld.", communiceren=False, actor=ACTOR
    )
    verstoring.refresh_from_db()

    assert [(u.status, u.bericht) for u in verstoring.updates.all()] == [
        ("gemeld", "Aanmelders kunnen niet inloggen."),
        ("in_behandeling", "Oorzaak gevonden."),
        ("in_behandeling", "Herstel loopt."),
        ("opgelost", "Hersteld."),
    ]
    assert verstoring.status == "opgelost" and verstoring.opgelost_op is not None


def test_reopening_clears_the_solved_time_and_a_closed_one_is_final(cooperatie):
    verstoring = dienstverlening.meld_verstoring(nieuwe_verstoring(cooperatie), communiceren=False, actor=ACTOR)
    dienstverlening.werk_verstoring_bij(verstoring, status="opgelost", bericht="ok", communiceren=False, actor=ACTOR)
    dienstverlening.werk_verstoring_bij(
        verstoring, status="in_behandeling", bericht="Toch niet", communiceren=False, actor=ACTOR
    )
    verstoring.refresh_from_db()
    assert verstoring.opgelost_op is None

    with pytest.raises(ValidationError, match="niet naar ‘gesloten’"):
        dienstverlening.werk_verstoring_bij(verstoring, status="gesloten", bericht="x", communiceren=False, actor=ACTOR)
    dienstverlening.werk_verstoring_bij(verstoring, status="opgelost", bericht="ok", communiceren=False, actor=ACTOR)
    dienstverlening.werk_verstoring_bij(
        verstoring, status="gesloten", bericht="Evaluatie gedaan", communiceren=False, actor=ACTOR
    )
    with pytest.raises(ValidationError, match="gesloten verstoring"):
        dienstverlening.werk_verstoring_bij(verstoring, status="opgelost", bericht="x", communiceren=False, actor=ACTOR)


def test_an_update_needs_a_message(cooperatie):
    verstoring = dienstverlening.meld_verstoring(nieuwe_verstoring(cooperatie), communiceren=False, actor=ACTOR)
    with pytest.raises(ValidationError, match="bericht"):
        dienstverlening.werk_verstoring_bij(verstoring, status="gemeld", bericht=" ", communiceren=False, actor=ACTOR)


# --- Change requests ---------------------------------------------------------------------------------------------


def verzoek(cooperatie, **velden):
    gegevens = {
        "titel": "Filter op inactieve opleidingen",
        "omschrijving": "Inactieve opleidingen kunnen verbergen.",
        "indiener_naam": "Piet",
        "indiener_email": "piet@roc.example",
    }
    return Wijzigingsverzoek(cooperatie=cooperatie, **{**gegevens, **velden})


def test_a_request_without_fundamental_impact_goes_to_the_expertgroep(cooperatie):
    ingediend = dienstverlening.dien_in(verzoek(cooperatie))
    assert (ingediend.route, ingediend.status) == ("expertgroep", S.BIJ_EXPERTGROEP)
    assert ingediend.stappen.get().motivering == "Ingediend zonder fundamentele invloed."


@pytest.mark.parametrize("veld", ["impact_architectuur", "impact_governance", "impact_privacy", "impact_security"])
def test_fundamental_impact_on_any_aspect_goes_to_the_werkgroep(cooperatie, veld):
    ingediend = dienstverlening.dien_in(verzoek(cooperatie, **{veld: True, "impact_motivering": "Nieuwe koppeling"}))
    assert (ingediend.route, ingediend.status) == ("werkgroep", S.BIJ_WERKGROEP)
    assert veld.removeprefix("impact_") in ingediend.stappen.get().motivering


def test_fundamental_impact_needs_a_motivation(cooperatie):
    with pytest.raises(ValidationError, match="fundamentele invloed"):
        dienstverlening.dien_in(verzoek(cooperatie, impact_privacy=True))


def test_the_expertgroep_can_escalate_to_the_werkgroep(cooperatie):
    ingediend = dienstverlening.dien_in(verzoek(cooperatie))
    dienstverlening.escaleer_naar_werkgroep(ingediend, aspecten=["security"], motivering="Raakt de autorisatie")

    ingediend.refresh_from_db()
    assert (ingediend.route, ingediend.status, ingediend.impact_security) == ("werkgroep", S.BIJ_WERKGROEP, True)
    assert [s.naar_status for s in ingediend.stappen.all()] == [S.BIJ_EXPERTGROEP, S.BIJ_WERKGROEP]
    with pytest.raises(ValidationError):  # already there
        dienstverlening.escaleer_naar_werkgroep(ingediend, aspecten=["privacy"], motivering="x")


def test_escalation_needs_an_aspect_and_a_motivation(cooperatie):
    ingediend = dienstverlening.dien_in(verzoek(cooperatie))
    with pytest.raises(ValidationError, match="op welk gebied"):
        dienstverlening.escaleer_naar_werkgroep(ingediend, aspecten=[], motivering="x")
    with pytest.raises(ValidationError, match="op welk gebied"):
        dienstverlening.escaleer_naar_werkgroep(ingediend, aspecten=["kleur"], motivering="x")
    with pytest.raises(ValidationError, match="Licht toe"):
        dienstverlening.escaleer_naar_werkgroep(ingediend, aspecten=["privacy"], motivering="")


def test_only_the_av_approves_through_the_annual_plan(cooperatie):
    ingediend = dienstverlening.dien_in(verzoek(cooperatie))
    with pytest.raises(ValidationError, match="AV"):
        dienstverlening.wijzig_status(ingediend, S.GOEDGEKEURD)
    with pytest.raises(ValidationError, match="kan niet naar"):
        dienstverlening.wijzig_status(ingediend, S.IN_UITVOERING)


def test_rejection_needs_a_motivation_and_is_final(cooperatie):
    ingediend = dienstverlening.dien_in(verzoek(cooperatie))
    with pytest.raises(ValidationError, match="waarom"):
        dienstverlening.wijzig_status(ingediend, S.AFGEWEZEN)
    dienstverlening.wijzig_status(ingediend, S.AFGEWEZEN, motivering="Past niet in de PDC")
    with pytest.raises(ValidationError):
        dienstverlening.wijzig_status(ingediend, S.INGETROKKEN)


@pytest.fixture
def jaarplan(cooperatie):
    return Jaarplan.objects.create(cooperatie=cooperatie, jaar=2022, titel="Jaarplan 2022")


def test_full_route_from_request_to_realisation_via_the_av(cooperatie, jaarplan):
    fundamenteel = dienstverlening.dien_in(
        verzoek(cooperatie, impact_architectuur=True, impact_motivering="Nieuwe API voor SIS-leveranciers")
    )
    klein = dienstverlening.dien_in(verzoek(cooperatie, titel="Tekstwijziging"))
    dienstverlening.neem_op_in_jaarplan(fundamenteel, jaarplan, bedrag=Decimal("45000.00"))
    dienstverlening.neem_op_in_jaarplan(klein, jaarplan)
    Begrotingspost.objects.create(jaarplan=jaarplan, omschrijving="Beheer CAMBO", bedrag=Decimal("250000.00"))
    assert jaarplan.begroting == Decimal("295000.00")

    dienstverlening.leg_jaarplan_voor(jaarplan, datetime.date(2021, 11, 1))
    vergadering = VergaderingFactory(
        cooperatie=cooperatie, aanvang=timezone.make_aware(datetime.datetime(2021, 12, 8, 14))
    )
    besluit = VoorstelFactory(
        vergadering=vergadering,
        titel="Begroting 2022",
        status=Voorstel.Status.GESLOTEN,
        uitslag=Voorstel.Uitslag.AANGENOMEN,
    )
    dienstverlening.keur_jaarplan_goed(jaarplan, voorstel=besluit)

    jaarplan.refresh_from_db()
    assert jaarplan.status == Jaarplan.Status.GOEDGEKEURD and jaarplan.goedgekeurd_op == datetime.date(2021, 12, 8)
    assert jaarplan.av_voorstel == besluit
    for v in (fundamenteel, klein):
        v.refresh_from_db()
        assert v.status == S.GOEDGEKEURD
        assert "goedgekeurd door de AV" in v.stappen.last().motivering
    assert fundamenteel.begrotingsposten.get().bedrag == Decimal("45000.00")

    dienstverlening.wijzig_status(fundamenteel, S.IN_UITVOERING)
    dienstverlening.wijzig_status(fundamenteel, S.GEREALISEERD)
    assert [s.naar_status for s in fundamenteel.stappen.all()] == [
        S.BIJ_WERKGROEP,
        S.IN_JAARPLAN,
        S.GOEDGEKEURD,
        S.IN_UITVOERING,
        S.GEREALISEERD,
    ]


def test_a_request_goes_only_into_a_concept_plan_of_its_own_cooperative(cooperatie, jaarplan):
    ander = Jaarplan.objects.create(cooperatie=CooperatieFactory(), jaar=2022, titel="ander")
    ingediend = dienstverlening.dien_in(verzoek(cooperatie))
    with pytest.raises(ValidationError, match="andere coöperatie"):
        dienstverlening.neem_op_in_jaarplan(ingediend, ander)
    Begrotingspost.objects.create(jaarplan=jaarplan, omschrijving="Beheer", bedrag=Decimal("1"))
    dienstverlening.leg_jaarplan_voor(jaarplan, datetime.date(2021, 11, 1))
    with pytest.raises(ValidationError, match="al voorgelegd"):
        dienstverlening.neem_op_in_jaarplan(ingediend, jaarplan)


def test_the_budget_is_locked_once_submitted_and_open_again_when_sent_back(jaarplan):
    with pytest.raises(ValidationError, match="zonder begroting"):
        dienstverlening.leg_jaarplan_voor(jaarplan, datetime.date(2021, 11, 1))
    post = Begrotingspost.objects.create(jaarplan=jaarplan, omschrijving="Beheer", bedrag=Decimal("100"))
    dienstverlening.leg_jaarplan_voor(jaarplan, datetime.date(2021, 11, 1))

    post.bedrag = Decimal("200")
    with pytest.raises(ValidationError, match="voorgelegd of goedgekeurd"):
        post.save()
    with pytest.raises(ValidationError):
        post.delete()

    dienstverlening.stuur_jaarplan_terug(jaarplan)
    post.save()


def test_approval_needs_an_adopted_proposal_or_a_date_and_reference(cooperatie, jaarplan):
    Begrotingspost.objects.create(jaarplan=jaarplan, omschrijving="Beheer", bedrag=Decimal("100"))
    with pytest.raises(ValidationError, match="voorgelegd"):
        dienstverlening.keur_jaarplan_goed(
            jaarplan, datum=datetime.date(2021, 12, 8), besluit="AV 8-12-2021, besluit 3"
        )
    dienstverlening.leg_jaarplan_voor(jaarplan, datetime.date(2021, 11, 1))

    verworpen = VoorstelFactory(
        vergadering=VergaderingFactory(cooperatie=cooperatie),
        status=Voorstel.Status.GESLOTEN,
        uitslag=Voorstel.Uitslag.VERWORPEN,
    )
    with pytest.raises(ValidationError, match="niet aangenomen"):
        dienstverlening.keur_jaarplan_goed(jaarplan, voorstel=verworpen)
    elders = VoorstelFactory(status=Voorstel.Status.GESLOTEN, uitslag=Voorstel.Uitslag.AANGENOMEN)
    with pytest.raises(ValidationError, match="andere coöperatie"):
        dienstverlening.keur_jaarplan_goed(jaarplan, voorstel=elders)
    with pytest.raises(ValidationError, match="datum en een verwijzing"):
        dienstverlening.keur_jaarplan_goed(jaarplan, datum=datetime.date(2021, 12, 8))

    dienstverlening.keur_jaarplan_goed(jaarplan, datum=datetime.date(2021, 12, 8), besluit="AV 8-12-2021, besluit 3")
    jaarplan.refresh_from_db()
    assert (jaarplan.goedgekeurd_op, jaarplan.av_besluit) == (datetime.date(2021, 12, 8), "AV 8-12-2021, besluit 3")


def test_a_plan_is_one_per_cooperative_per_year(cooperatie, jaarplan):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Jaarplan.objects.create(cooperatie=cooperatie, jaar=2022, titel="dubbel")
