"""Membership rules: admission with reasons, notice periods, contact persons (at least one, two preferred)."""

import datetime

from django.db import IntegrityError, transaction

import pytest

from voorzieningen.catalogus.tests.factories import InstellingFactory
from voorzieningen.cooperatie import leden
from voorzieningen.cooperatie.models import Contactpersoon, Lid, LidSoort
from voorzieningen.core.models import AuditLogEntry
from voorzieningen.core.services import Actor

from .factories import ContactpersoonFactory, CooperatieFactory, KamerFactory, LidFactory, PoVoCooperatieFactory

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")
FEITEN = {
    "soort": LidSoort.MBO_INSTELLING,
    "publiek_bekostigd": True,
    "mbo_raad_lid": True,
    "aanbestedende_dienst": True,
}
CONTACT = {"naam": "Ans de Vries", "functie": "CIO", "email": "ans@roc.example", "telefoon": "030 1234567"}


# --- admission ---------------------------------------------------------------------------------------------


def test_a_publicly_funded_mbo_raad_member_is_admitted():
    assert leden.toelaten(CooperatieFactory(), **FEITEN).toegelaten


@pytest.mark.parametrize(
    ("feit", "waarde", "in_reden"),
    [
        ("publiek_bekostigd", False, "publiek bekostigde"),
        ("mbo_raad_lid", False, "MBO Raad"),
        ("aanbestedende_dienst", False, "aanbestedende diensten"),
        ("soort", LidSoort.PO_BESTUUR, "primair onderwijs"),
    ],
)
def test_each_condition_refuses_with_its_own_reason(feit, waarde, in_reden):
    toelating = leden.toelaten(CooperatieFactory(), **{**FEITEN, feit: waarde})
    assert not toelating.toegelaten
    assert len(toelating.redenen) == 1 and in_reden in toelating.redenen[0]


def test_all_failing_conditions_are_named():
    toelating = leden.toelaten(
        CooperatieFactory(),
        soort=LidSoort.VO_BESTUUR,
        publiek_bekostigd=False,
        mbo_raad_lid=False,
        aanbestedende_dienst=False,
    )
    assert len(toelating.redenen) == 4


def test_conditions_that_are_switched_off_are_not_checked():
    cooperatie = CooperatieFactory(vereist_mbo_raad_lidmaatschap=False, vereist_publieke_bekostiging=False)
    assert leden.toelaten(cooperatie, **{**FEITEN, "mbo_raad_lid": False, "publiek_bekostigd": False}).toegelaten


def test_word_lid_creates_member_with_contact_person_as_primary():
    instelling = InstellingFactory()
    lid = leden.word_lid(
        CooperatieFactory(),
        "ROC Midden",
        **FEITEN,
        begindatum=datetime.date(2026, 1, 1),
        contactpersonen=[CONTACT],
        instelling=instelling,
        actor=ACTOR,
    )
    contact = lid.contactpersonen.get()
    assert contact.primair and contact.email == "ans@roc.example"
    assert AuditLogEntry.objects.filter(object_type="cooperatie.Lid", object_id=str(lid.pk), action="create").exists()
    assert AuditLogEntry.objects.filter(object_type="cooperatie.Contactpersoon", action="create").exists()


def test_word_lid_refuses_without_contact_person_and_creates_nothing():
    with pytest.raises(leden.LidmaatschapGeweigerd) as fout:
        leden.word_lid(
            CooperatieFactory(), "ROC", **FEITEN, begindatum=datetime.date(2026, 1, 1), contactpersonen=[], actor=ACTOR
        )
    assert "ten minste één contactpersoon" in str(fout.value)
    assert not Lid.objects.exists()


def test_word_lid_refuses_a_second_membership_of_the_same_institution():
    cooperatie = CooperatieFactory()
    instelling = InstellingFactory()
    LidFactory(cooperatie=cooperatie, instelling=instelling, naam="ROC Oud")
    with pytest.raises(leden.LidmaatschapGeweigerd) as fout:
        leden.word_lid(
            cooperatie,
            "ROC Nieuw",
            **FEITEN,
            begindatum=datetime.date(2026, 1, 1),
            contactpersonen=[CONTACT],
            instelling=instelling,
            actor=ACTOR,
        )
    assert "al lid" in str(fout.value)


def test_an_institution_can_rejoin_after_its_membership_ended():
    cooperatie = CooperatieFactory()
    instelling = InstellingFactory()
    LidFactory(cooperatie=cooperatie, instelling=instelling, einddatum=datetime.date(2025, 12, 31))
    lid = leden.word_lid(
        cooperatie,
        "ROC",
        **FEITEN,
        begindatum=datetime.date(2026, 1, 1),
        contactpersonen=[CONTACT],
        instelling=instelling,
        actor=ACTOR,
    )
    assert lid.pk


def test_a_refused_member_gets_the_reason():
    with pytest.raises(leden.LidmaatschapGeweigerd) as fout:
        leden.word_lid(
            CooperatieFactory(),
            "Particuliere school",
            **{**FEITEN, "publiek_bekostigd": False},
            begindatum=datetime.date(2026, 1, 1),
            contactpersonen=[CONTACT],
            actor=ACTOR,
        )
    assert fout.value.redenen == [
        "Alleen publiek bekostigde instellingen kunnen lid worden; deze organisatie is dat niet."
    ]


def test_a_school_board_is_placed_in_the_chamber_of_its_kind():
    cooperatie = PoVoCooperatieFactory()
    po = KamerFactory(cooperatie=cooperatie, soorten=["po"])
    KamerFactory(cooperatie=cooperatie, soorten=["vo"])
    KamerFactory(cooperatie=cooperatie, soorten=[])  # 'klein': staff decide
    lid = leden.word_lid(
        cooperatie,
        "Stichting PO",
        soort=LidSoort.PO_BESTUUR,
        publiek_bekostigd=True,
        aanbestedende_dienst=True,
        begindatum=datetime.date(2026, 1, 1),
        contactpersonen=[CONTACT],
        actor=ACTOR,
    )
    assert lid.kamer == po


def test_members_active_on_a_day_include_the_last_day():
    lid = LidFactory(begindatum=datetime.date(2020, 1, 1), einddatum=datetime.date(2026, 6, 30))
    assert Lid.objects.actief_op(datetime.date(2026, 6, 30)).filter(pk=lid.pk).exists()
    assert not Lid.objects.actief_op(datetime.date(2026, 7, 1)).filter(pk=lid.pk).exists()
    assert not Lid.objects.actief_op(datetime.date(2019, 12, 31)).filter(pk=lid.pk).exists()
    assert lid.is_actief_op(datetime.date(2026, 6, 30)) and not lid.is_actief_op(datetime.date(2026, 7, 1))


def test_end_before_start_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        LidFactory(begindatum=datetime.date(2026, 1, 1), einddatum=datetime.date(2025, 1, 1))


# --- notice ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("datum", "maanden", "verwacht"),
    [
        (datetime.date(2026, 3, 15), 12, datetime.date(2027, 3, 15)),
        (datetime.date(2026, 8, 31), 6, datetime.date(2027, 2, 28)),
        (datetime.date(2027, 8, 31), 6, datetime.date(2028, 2, 29)),
        (datetime.date(2026, 11, 30), 3, datetime.date(2027, 2, 28)),
        (datetime.date(2026, 1, 31), 0, datetime.date(2026, 1, 31)),
    ],
)
def test_plus_maanden(datum, maanden, verwacht):
    assert leden.plus_maanden(datum, maanden) == verwacht


def test_a_member_gives_notice_with_its_own_period():
    lid = LidFactory(cooperatie=CooperatieFactory(opzegtermijn_lid_maanden=12, opzegtermijn_cooperatie_maanden=6))
    leden.zeg_op(lid, door=Lid.OpgezegdDoor.LID, opgezegd_op=datetime.date(2026, 3, 15), actor=ACTOR)
    lid.refresh_from_db()
    assert lid.einddatum == datetime.date(2027, 3, 14)  # a year after notice, the last day included
    assert lid.opgezegd_door == "lid"
    assert lid.is_actief_op(datetime.date(2027, 3, 14)) and not lid.is_actief_op(datetime.date(2027, 3, 15))


def test_the_cooperative_gives_notice_with_its_period_and_a_reason():
    lid = LidFactory(cooperatie=CooperatieFactory(opzegtermijn_lid_maanden=12, opzegtermijn_cooperatie_maanden=6))
    with pytest.raises(leden.OpzeggingOngeldig, match="Vermeld waarom"):
        leden.zeg_op(lid, door="cooperatie", opgezegd_op=datetime.date(2026, 3, 15), actor=ACTOR)
    leden.zeg_op(
        lid, door="cooperatie", opgezegd_op=datetime.date(2026, 3, 15), reden="Niet meer bekostigd", actor=ACTOR
    )
    assert lid.einddatum == datetime.date(2026, 9, 14)
    assert lid.opzegreden == "Niet meer bekostigd"


def test_notice_may_ask_a_later_end_but_never_an_earlier_one():
    lid = LidFactory(cooperatie=CooperatieFactory(opzegtermijn_lid_maanden=12))
    with pytest.raises(leden.OpzeggingOngeldig, match="op zijn vroegst op 14-03-2027"):
        leden.zeg_op(
            lid, door="lid", opgezegd_op=datetime.date(2026, 3, 15), per=datetime.date(2026, 12, 31), actor=ACTOR
        )
    leden.zeg_op(lid, door="lid", opgezegd_op=datetime.date(2026, 3, 15), per=datetime.date(2027, 12, 31), actor=ACTOR)
    assert lid.einddatum == datetime.date(2027, 12, 31)


def test_notice_is_given_once():
    lid = LidFactory()
    leden.zeg_op(lid, door="lid", opgezegd_op=datetime.date(2026, 3, 15), actor=ACTOR)
    with pytest.raises(leden.OpzeggingOngeldig, match="al opgezegd"):
        leden.zeg_op(lid, door="lid", opgezegd_op=datetime.date(2026, 4, 1), actor=ACTOR)


def test_an_ended_membership_cannot_be_given_notice():
    lid = LidFactory(einddatum=datetime.date(2025, 12, 31))
    with pytest.raises(leden.OpzeggingOngeldig, match="al beëindigd"):
        leden.zeg_op(lid, door="lid", opgezegd_op=datetime.date(2026, 3, 15), actor=ACTOR)


def test_unknown_party_is_refused():
    with pytest.raises(leden.OpzeggingOngeldig):
        leden.zeg_op(LidFactory(), door="buurman", opgezegd_op=datetime.date(2026, 3, 15), actor=ACTOR)


def test_an_existing_member_that_no_longer_qualifies_is_reported():
    lid = LidFactory(mbo_raad_lid=False)
    assert "MBO Raad" in leden.toelating_van(lid).redenen[0]


# --- contact persons ------------------------------------------------------------------------------------


def test_one_contact_person_warns_two_do_not():
    lid = LidFactory()
    ContactpersoonFactory(lid=lid, av_vertegenwoordiger=True)
    assert any("één contactpersoon" in m for m in leden.waarschuwingen(lid))
    ContactpersoonFactory(lid=lid)
    assert leden.waarschuwingen(lid) == []


def test_no_representative_warns():
    lid = LidFactory()
    ContactpersoonFactory.create_batch(2, lid=lid)
    assert any("vertegenwoordiger" in m for m in leden.waarschuwingen(lid))


def test_the_last_contact_person_cannot_be_removed():
    contact = ContactpersoonFactory()
    with pytest.raises(leden.ContactpersoonFout, match="enige contactpersoon"):
        leden.verwijder_contactpersoon(contact, actor=ACTOR)
    assert Contactpersoon.objects.filter(pk=contact.pk).exists()


def test_removing_one_of_two_is_audited():
    contact = ContactpersoonFactory()
    ContactpersoonFactory(lid=contact.lid)
    pk = contact.pk
    leden.verwijder_contactpersoon(contact, actor=ACTOR)
    assert not Contactpersoon.objects.filter(pk=pk).exists()
    assert AuditLogEntry.objects.filter(
        action="delete", object_type="cooperatie.Contactpersoon", object_id=str(pk)
    ).exists()


def test_a_council_member_cannot_be_removed_while_seated():
    from .factories import RaadszetelFactory

    zetel = RaadszetelFactory()
    ContactpersoonFactory(lid=zetel.lid)
    with pytest.raises(leden.ContactpersoonFout, match="zetel"):
        leden.verwijder_contactpersoon(zetel.contactpersoon, actor=ACTOR)


def test_naming_a_new_representative_moves_the_role():
    lid = LidFactory()
    oud = ContactpersoonFactory(lid=lid, av_vertegenwoordiger=True, primair=True)
    nieuw = leden.voeg_contactpersoon_toe(lid, actor=ACTOR, **CONTACT, av_vertegenwoordiger=True)
    oud.refresh_from_db()
    assert nieuw.av_vertegenwoordiger and not oud.av_vertegenwoordiger and oud.primair
    assert leden.vertegenwoordiger(lid) == nieuw


def test_the_database_allows_one_representative_and_one_primary_per_member():
    lid = LidFactory()
    ContactpersoonFactory(lid=lid, av_vertegenwoordiger=True, primair=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactpersoonFactory(lid=lid, av_vertegenwoordiger=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactpersoonFactory(lid=lid, primair=True)


def test_an_email_address_is_unique_per_member_case_insensitively():
    lid = LidFactory()
    leden.voeg_contactpersoon_toe(lid, actor=ACTOR, **CONTACT)
    with pytest.raises(leden.ContactpersoonFout, match="e-mailadres"):
        leden.voeg_contactpersoon_toe(lid, actor=ACTOR, **{**CONTACT, "email": "ANS@roc.example"})


def test_an_invalid_email_is_refused_in_dutch():
    with pytest.raises(leden.ContactpersoonFout):
        leden.voeg_contactpersoon_toe(LidFactory(), actor=ACTOR, **{**CONTACT, "email": "geen-adres"})


def test_changing_a_contact_person_is_audited_with_the_fields():
    contact = ContactpersoonFactory()
    leden.wijzig_contactpersoon(contact, actor=ACTOR, telefoon="06 12345678")
    contact.refresh_from_db()
    assert contact.telefoon == "06 12345678"
    regel = AuditLogEntry.objects.get(action="update", object_id=str(contact.pk))
    assert regel.extra["velden"] == ["telefoon"] and regel.subject_ref


def test_representative_falls_back_to_primary_then_any():
    lid = LidFactory()
    assert leden.vertegenwoordiger(lid) is None
    eerste = ContactpersoonFactory(lid=lid)
    primair = ContactpersoonFactory(lid=lid, primair=True)
    assert leden.vertegenwoordiger(lid) == primair
    primair.delete()
    assert leden.vertegenwoordiger(lid) == eerste
