"""The meeting in the database: voting rights, advance votes, attendance, closing, minutes, the board."""

import datetime
import re
from fractions import Fraction

from django.db import IntegrityError, transaction
from django.utils import timezone

import pytest
from freezegun import freeze_time

from voorzieningen.cooperatie import av
from voorzieningen.cooperatie.models import Aanwezigheid, Bestuurslid, Stem, Vergadering, Voorstel
from voorzieningen.core.models import AuditLogEntry
from voorzieningen.core.services import Actor

from .factories import (
    BestuurslidFactory,
    ContactpersoonFactory,
    CooperatieFactory,
    LidFactory,
    StemFactory,
    VergaderingFactory,
    VertegenwoordigerFactory,
    VoorstelFactory,
)

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")
VOOR, TEGEN, ONTHOUDING = Stem.Keuze.VOOR, Stem.Keuze.TEGEN, Stem.Keuze.ONTHOUDING


@pytest.fixture
def cooperatie():
    return CooperatieFactory()


@pytest.fixture
def leden(cooperatie):
    """Six members, each with a representative."""
    resultaat = [LidFactory(cooperatie=cooperatie, naam=f"ROC {i}") for i in range(6)]
    for lid in resultaat:
        VertegenwoordigerFactory(lid=lid)
    return resultaat


@pytest.fixture
def vergadering(cooperatie):
    return VergaderingFactory(cooperatie=cooperatie)


@pytest.fixture
def voorstel(vergadering):
    return VoorstelFactory(vergadering=vergadering, titel="Begroting 2027")


def _links(vergadering):
    verstuurd, _zonder = av.stuur_links(vergadering, actor=ACTOR)
    return {link.lid_id: link for link, _token in verstuurd}


# --- voting rights -----------------------------------------------------------------------------------------


def test_members_on_the_meeting_day_vote_including_those_in_their_notice_period(cooperatie, vergadering):
    datum = vergadering.datum
    gewoon = LidFactory(cooperatie=cooperatie)
    opgezegd = LidFactory(cooperatie=cooperatie, opgezegd_op=datetime.date(2020, 6, 1), einddatum=datum)
    geweest = LidFactory(cooperatie=cooperatie, einddatum=datum - datetime.timedelta(days=1))
    nog_niet = LidFactory(cooperatie=cooperatie, begindatum=datum + datetime.timedelta(days=1))
    LidFactory()  # another cooperative
    assert set(av.stemgerechtigde_leden(vergadering)) == {gewoon, opgezegd}
    assert not av.is_stemgerechtigd(vergadering, geweest) and not av.is_stemgerechtigd(vergadering, nog_niet)


def test_one_vote_per_member_per_proposal_in_the_database(voorstel, leden):
    StemFactory(voorstel=voorstel, lid=leden[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        StemFactory(voorstel=voorstel, lid=leden[0], keuze=TEGEN, wijze=Stem.Wijze.TER_VERGADERING)


# --- links and advance votes -----------------------------------------------------------------------------


def test_links_go_to_the_representative_once(vergadering, voorstel, leden, outbox_direct, mailoutbox):
    zonder = LidFactory(cooperatie=vergadering.cooperatie, naam="ROC Zonder Contact")
    verstuurd, zonder_contact = av.stuur_links(vergadering, actor=ACTOR)
    assert len(verstuurd) == 6 and zonder_contact == [zonder]
    vertegenwoordigers = {lid.contactpersonen.get(av_vertegenwoordiger=True).email for lid in leden}
    assert {m.to[0] for m in mailoutbox} == vertegenwoordigers
    assert "Begroting 2027" in mailoutbox[0].body
    token = re.search(r"/cooperatie/vergadering/([^/\s]+)/", mailoutbox[0].body).group(1)
    assert av.link_voor(token).lid.naam.startswith("ROC")
    mailoutbox.clear()
    assert av.stuur_links(vergadering, actor=ACTOR)[0] == []  # idempotent
    opnieuw, _z = av.stuur_links(vergadering, actor=ACTOR, opnieuw=True)
    assert len(opnieuw) == 6 and av.link_voor(token) is None  # the old link stops working


def test_advance_votes_are_cast_changed_and_withdrawn(vergadering, voorstel, leden):
    tweede = VoorstelFactory(vergadering=vergadering)
    link = _links(vergadering)[leden[0].pk]
    assert av.stem_vooraf(link, {voorstel.pk: VOOR, tweede.pk: TEGEN}) == 2
    assert av.stem_vooraf(link, {voorstel.pk: ONTHOUDING, tweede.pk: ""}) == 1
    stem = Stem.objects.get(lid=leden[0])
    assert (stem.voorstel, stem.keuze, stem.wijze) == (voorstel, ONTHOUDING, Stem.Wijze.VOORAF)
    assert AuditLogEntry.objects.filter(reason__startswith="Vertegenwoordiger brengt vooraf").count() == 2


def test_advance_voting_closes_at_the_start_or_when_opened(vergadering, voorstel, leden):
    link = _links(vergadering)[leden[0].pk]
    with freeze_time(vergadering.aanvang + datetime.timedelta(seconds=1)):
        with pytest.raises(av.StemmingFout, match="begonnen"):
            av.stem_vooraf(link, {voorstel.pk: VOOR})
    av.open_vergadering(vergadering, actor=ACTOR)
    link.vergadering.refresh_from_db()
    with pytest.raises(av.StemmingFout, match="begonnen"):
        av.stem_vooraf(link, {voorstel.pk: VOOR})


def test_no_advance_vote_on_a_closed_or_foreign_proposal(vergadering, voorstel, leden):
    link = _links(vergadering)[leden[0].pk]
    anders = VoorstelFactory()
    with pytest.raises(av.StemmingFout):
        av.stem_vooraf(link, {anders.pk: VOOR})
    with pytest.raises(av.StemmingFout):
        av.stem_vooraf(link, {voorstel.pk: "misschien"})


def test_a_member_whose_membership_ends_before_the_meeting_cannot_vote_in_advance(vergadering, voorstel, leden):
    link = _links(vergadering)[leden[0].pk]
    leden[0].einddatum = vergadering.datum - datetime.timedelta(days=1)
    leden[0].save()
    link.lid.refresh_from_db()
    with pytest.raises(av.StemmingFout, match="geen stemrecht"):
        av.stem_vooraf(link, {voorstel.pk: VOOR})


# --- in the meeting --------------------------------------------------------------------------------------


def test_votes_in_the_meeting_need_an_opened_meeting(voorstel, leden):
    with pytest.raises(av.StemmingFout, match="Open eerst"):
        av.registreer_stem(voorstel, leden[0], VOOR, actor=ACTOR)
    with pytest.raises(av.StemmingFout, match="Open eerst"):
        av.registreer_aanwezigheid(voorstel.vergadering, [leden[0]], actor=ACTOR)
    with pytest.raises(av.StemmingFout, match="Open eerst"):
        av.sluit_stemming(voorstel, actor=ACTOR)


def test_a_vote_in_the_meeting_replaces_the_advance_vote_and_makes_present(vergadering, voorstel, leden):
    link = _links(vergadering)[leden[0].pk]
    av.stem_vooraf(link, {voorstel.pk: TEGEN})
    av.open_vergadering(vergadering, actor=ACTOR)
    av.registreer_stem(voorstel, leden[0], VOOR, actor=ACTOR)
    stem = Stem.objects.get(voorstel=voorstel, lid=leden[0])
    assert (stem.keuze, stem.wijze, stem.vooraf_keuze) == (VOOR, Stem.Wijze.TER_VERGADERING, TEGEN)
    assert Aanwezigheid.objects.filter(vergadering=vergadering, lid=leden[0]).exists()
    assert av.tel(voorstel).voor == 1 and av.tel(voorstel).tegen == 0
    av.registreer_stem(voorstel, leden[0], "", actor=ACTOR)  # withdrawn in the meeting: the advance vote is back
    stem.refresh_from_db()
    assert (stem.keuze, stem.wijze, stem.vooraf_keuze) == (TEGEN, Stem.Wijze.VOORAF, "")


def test_an_advance_voter_who_attends_without_voting_again_keeps_the_advance_vote(vergadering, voorstel, leden):
    link = _links(vergadering)[leden[0].pk]
    av.stem_vooraf(link, {voorstel.pk: TEGEN})
    av.open_vergadering(vergadering, actor=ACTOR)
    av.registreer_aanwezigheid(vergadering, [leden[0], leden[1]], actor=ACTOR)
    telling = av.tel(voorstel)
    assert (telling.voor, telling.tegen, telling.onthouding, telling.deelnemers) == (0, 1, 1, 2)


def test_attendance_is_set_exactly_but_keeps_who_voted_in_the_meeting(vergadering, voorstel, leden):
    av.open_vergadering(vergadering, actor=ACTOR)
    av.registreer_stem(voorstel, leden[0], VOOR, actor=ACTOR)
    assert av.registreer_aanwezigheid(vergadering, [leden[1].pk, leden[2].pk], actor=ACTOR) == 3
    assert av.registreer_aanwezigheid(vergadering, [], actor=ACTOR) == 1
    assert list(vergadering.aanwezigheden.values_list("lid", flat=True)) == [leden[0].pk]


def test_attendance_of_a_non_member_is_refused(vergadering, leden):
    av.open_vergadering(vergadering, actor=ACTOR)
    buiten = LidFactory(naam="Ander ROC")
    with pytest.raises(av.StemmingFout, match="Ander ROC"):
        av.registreer_aanwezigheid(vergadering, [buiten], actor=ACTOR)


def test_a_vote_from_a_member_without_voting_right_is_refused(vergadering, voorstel):
    av.open_vergadering(vergadering, actor=ACTOR)
    geweest = LidFactory(cooperatie=vergadering.cooperatie, einddatum=datetime.date(2021, 1, 1))
    with pytest.raises(av.StemmingFout, match="geen stemrecht"):
        av.registreer_stem(voorstel, geweest, VOOR, actor=ACTOR)


def test_an_advance_vote_of_a_member_that_left_before_the_meeting_is_set_aside(vergadering, voorstel, leden):
    links = _links(vergadering)
    av.stem_vooraf(links[leden[0].pk], {voorstel.pk: TEGEN})
    av.stem_vooraf(links[leden[1].pk], {voorstel.pk: VOOR})
    leden[0].einddatum = vergadering.datum - datetime.timedelta(days=1)
    leden[0].save()
    telling = av.tel(voorstel)
    assert (telling.voor, telling.tegen, telling.vervallen, telling.stemgerechtigden) == (1, 0, 1, 5)


def test_closing_stores_counts_rule_and_result(vergadering, voorstel, leden):
    links = _links(vergadering)
    av.stem_vooraf(links[leden[0].pk], {voorstel.pk: VOOR})
    av.stem_vooraf(links[leden[1].pk], {voorstel.pk: TEGEN})
    av.open_vergadering(vergadering, actor=ACTOR)
    av.registreer_aanwezigheid(vergadering, leden[2:5], actor=ACTOR)
    for lid in leden[2:4]:
        av.registreer_stem(voorstel, lid, VOOR, actor=ACTOR)
    uitslag = av.sluit_stemming(voorstel, actor=ACTOR)  # 3 for, 1 against, 1 present without vote: 3/5 < 2/3
    voorstel.refresh_from_db()
    assert uitslag.uitslag == voorstel.uitslag == Voorstel.Uitslag.VERWORPEN
    assert (voorstel.voor, voorstel.tegen, voorstel.onthouding, voorstel.deelnemers, voorstel.stemgerechtigden) == (
        3,
        1,
        1,
        5,
        6,
    )
    assert voorstel.regel == {"drempel": "2/3", "basis": "deelnemers", "quorum": "0/1"}
    assert "ten minste 4" in voorstel.toelichting_uitslag
    with pytest.raises(av.StemmingFout, match="gesloten"):
        av.registreer_stem(voorstel, leden[5], VOOR, actor=ACTOR)
    with pytest.raises(av.StemmingFout, match="al gesloten"):
        av.sluit_stemming(voorstel, actor=ACTOR)


def test_the_applied_rule_survives_a_configuration_change(vergadering, voorstel, leden):
    av.open_vergadering(vergadering, actor=ACTOR)
    av.registreer_stem(voorstel, leden[0], VOOR, actor=ACTOR)
    av.sluit_stemming(voorstel, actor=ACTOR)
    cooperatie = vergadering.cooperatie
    cooperatie.drempel_teller, cooperatie.drempel_noemer = 3, 4
    cooperatie.save()
    voorstel.refresh_from_db()
    assert av.regel_van(voorstel).drempel == Fraction(2, 3)
    assert av.regel_van(VoorstelFactory(vergadering=vergadering)).drempel == Fraction(3, 4)  # an open one: current


def test_unanimity_among_the_present_is_consensus(vergadering, voorstel, leden):
    av.open_vergadering(vergadering, actor=ACTOR)
    av.registreer_stem(voorstel, leden[0], VOOR, actor=ACTOR)
    av.registreer_stem(voorstel, leden[1], ONTHOUDING, actor=ACTOR)
    uitslag = av.sluit_stemming(voorstel, actor=ACTOR)
    assert uitslag.uitslag == Voorstel.Uitslag.AANGENOMEN and uitslag.consensus


def test_a_meeting_closes_only_after_all_votes(vergadering, voorstel, leden):
    with pytest.raises(av.StemmingFout, match="geopende"):
        av.sluit_vergadering(vergadering, actor=ACTOR)
    av.open_vergadering(vergadering, actor=ACTOR)
    with pytest.raises(av.StemmingFout, match="Begroting 2027"):
        av.sluit_vergadering(vergadering, actor=ACTOR)
    av.sluit_stemming(voorstel, actor=ACTOR)
    assert av.sluit_vergadering(vergadering, actor=ACTOR).status == Vergadering.Status.GESLOTEN
    with pytest.raises(av.StemmingFout):
        av.open_vergadering(vergadering, actor=ACTOR)


def test_nobody_took_part_means_no_decision(vergadering, voorstel, leden):
    av.open_vergadering(vergadering, actor=ACTOR)
    assert av.sluit_stemming(voorstel, actor=ACTOR).uitslag == Voorstel.Uitslag.GEEN_BESLUIT


def test_minutes_are_published_once_after_closing(vergadering):
    with pytest.raises(av.StemmingFout, match="na het sluiten"):
        av.publiceer_notulen(vergadering, actor=ACTOR)
    av.open_vergadering(vergadering, actor=ACTOR)
    av.sluit_vergadering(vergadering, actor=ACTOR)
    with pytest.raises(av.StemmingFout, match="geen notulen"):
        av.publiceer_notulen(vergadering, actor=ACTOR)
    vergadering.notulen = "De voorzitter opent de vergadering."
    vergadering.save()
    assert av.publiceer_notulen(vergadering, actor=ACTOR).notulen_gepubliceerd_op
    with pytest.raises(av.StemmingFout, match="al gepubliceerd"):
        av.publiceer_notulen(vergadering, actor=ACTOR)


def test_cancel_only_a_planned_meeting(vergadering):
    av.annuleer_vergadering(vergadering, actor=ACTOR)
    with pytest.raises(av.StemmingFout):
        av.annuleer_vergadering(vergadering, actor=ACTOR)
    with pytest.raises(av.StemmingFout):
        av.stuur_links(vergadering, actor=ACTOR)


# --- the year's plan ----------------------------------------------------------------------------------------


def test_fewer_than_two_meetings_a_year_warns(cooperatie):
    jaar = 2027
    assert "0 vergaderingen" in av.jaarplan_waarschuwing(cooperatie, jaar)
    VergaderingFactory(cooperatie=cooperatie, aanvang=datetime.datetime(2027, 3, 1, 14, tzinfo=datetime.UTC))
    assert "1 vergaderingen" in av.jaarplan_waarschuwing(
        cooperatie, jaar
    ) and "ten minste 2" in av.jaarplan_waarschuwing(cooperatie, jaar)
    geannuleerd = VergaderingFactory(
        cooperatie=cooperatie, aanvang=datetime.datetime(2027, 6, 1, 14, tzinfo=datetime.UTC)
    )
    geannuleerd.status = Vergadering.Status.GEANNULEERD
    geannuleerd.save()
    assert av.jaarplan_waarschuwing(cooperatie, jaar)  # a cancelled meeting does not count
    VergaderingFactory(cooperatie=cooperatie, aanvang=datetime.datetime(2027, 11, 1, 14, tzinfo=datetime.UTC))
    assert av.jaarplan_waarschuwing(cooperatie, jaar) == ""
    assert av.jaarplan_waarschuwing(cooperatie, 2028)


def test_the_minimum_is_configuration(cooperatie):
    cooperatie.min_vergaderingen_per_jaar = 0
    assert av.jaarplan_waarschuwing(cooperatie, 2027) == ""


# --- the board ---------------------------------------------------------------------------------------------


def _benoeming(vergadering, kandidaat):
    return VoorstelFactory(
        vergadering=vergadering, soort=Voorstel.Soort.BENOEMING, kandidaat=kandidaat, titel="Benoeming"
    )


def test_an_adopted_appointment_seats_the_candidate(vergadering, leden):
    kandidaat = leden[0].contactpersonen.get()
    voorstel = _benoeming(vergadering, kandidaat)
    av.open_vergadering(vergadering, actor=ACTOR)
    av.registreer_stem(voorstel, leden[1], VOOR, actor=ACTOR)
    av.sluit_stemming(voorstel, actor=ACTOR)
    bestuurslid = Bestuurslid.objects.get()
    assert (bestuurslid.naam, bestuurslid.lid, bestuurslid.benoemd_bij) == (kandidaat.naam, leden[0], voorstel)
    assert bestuurslid.begindatum == vergadering.datum


def test_a_rejected_appointment_seats_nobody(vergadering, leden):
    voorstel = _benoeming(vergadering, leden[0].contactpersonen.get())
    av.open_vergadering(vergadering, actor=ACTOR)
    av.registreer_stem(voorstel, leden[1], TEGEN, actor=ACTOR)
    av.sluit_stemming(voorstel, actor=ACTOR)
    assert not Bestuurslid.objects.exists()


def test_a_full_board_takes_no_fourth_member_and_the_vote_stays_open(cooperatie, vergadering, leden):
    BestuurslidFactory.create_batch(3, cooperatie=cooperatie)
    voorstel = _benoeming(vergadering, leden[0].contactpersonen.get())
    av.open_vergadering(vergadering, actor=ACTOR)
    av.registreer_stem(voorstel, leden[1], VOOR, actor=ACTOR)
    with pytest.raises(av.StemmingFout, match="voltallig"):
        av.sluit_stemming(voorstel, actor=ACTOR)
    voorstel.refresh_from_db()
    assert voorstel.status == Voorstel.Status.OPEN and Bestuurslid.objects.count() == 3
    av.beeindig_bestuurslid(Bestuurslid.objects.first(), vergadering.datum, actor=ACTOR)
    av.sluit_stemming(voorstel, actor=ACTOR)
    assert av.actieve_bestuursleden(cooperatie).count() == 3


def test_candidates_are_representatives_of_current_members_one_seat_per_member(cooperatie, vergadering, leden):
    datum = vergadering.datum
    geen_vertegenwoordiger = ContactpersoonFactory(lid=leden[0])
    with pytest.raises(av.BestuurFout, match="geen vertegenwoordiger"):
        av.controleer_kandidaat(cooperatie, geen_vertegenwoordiger, datum)
    with pytest.raises(av.BestuurFout, match="geen lid"):
        av.controleer_kandidaat(cooperatie, VertegenwoordigerFactory(), datum)
    BestuurslidFactory(cooperatie=cooperatie, lid=leden[1], contactpersoon=leden[1].contactpersonen.get())
    with pytest.raises(av.BestuurFout, match="al een bestuurslid"):
        av.controleer_kandidaat(cooperatie, leden[1].contactpersonen.get(), datum)
    av.controleer_kandidaat(cooperatie, leden[2].contactpersonen.get(), datum)


def test_the_board_elects_its_chair_by_majority(cooperatie):
    a, b, c = BestuurslidFactory.create_batch(3, cooperatie=cooperatie)
    datum = datetime.date(2026, 5, 1)
    with pytest.raises(av.BestuurFout, match="ten minste 2"):
        av.kies_voorzitter(cooperatie, {a.pk: a.pk, b.pk: b.pk, c.pk: c.pk}, datum, actor=ACTOR)
    with pytest.raises(av.BestuurFout, match="ten minste 2"):
        av.kies_voorzitter(cooperatie, {a.pk: b.pk}, datum, actor=ACTOR)  # one vote is not a majority of three
    assert av.kies_voorzitter(cooperatie, {a.pk: b.pk, b.pk: b.pk, c.pk: a.pk}, datum, actor=ACTOR) == b
    assert av.voorzitter(cooperatie) == b
    assert av.kies_voorzitter(cooperatie, {a.pk: c.pk, c.pk: c.pk}, datum, actor=ACTOR) == c
    b.refresh_from_db()
    assert not b.voorzitter and av.voorzitter(cooperatie) == c


def test_only_sitting_board_members_vote_for_the_chair(cooperatie):
    a, b = BestuurslidFactory.create_batch(2, cooperatie=cooperatie)
    oud = BestuurslidFactory(cooperatie=cooperatie, einddatum=datetime.date(2025, 1, 1))
    with pytest.raises(av.BestuurFout, match="zittende"):
        av.kies_voorzitter(cooperatie, {a.pk: oud.pk, b.pk: oud.pk}, datetime.date(2026, 1, 1), actor=ACTOR)
    with pytest.raises(av.BestuurFout, match="zittende"):
        av.kies_voorzitter(cooperatie, {oud.pk: a.pk, b.pk: a.pk}, datetime.date(2026, 1, 1), actor=ACTOR)


def test_a_term_ends_once(cooperatie):
    lid = BestuurslidFactory(cooperatie=cooperatie)
    with pytest.raises(av.BestuurFout):
        av.beeindig_bestuurslid(lid, lid.begindatum - datetime.timedelta(days=1), actor=ACTOR)
    av.beeindig_bestuurslid(lid, timezone.localdate(), actor=ACTOR)
    with pytest.raises(av.BestuurFout):
        av.beeindig_bestuurslid(lid, timezone.localdate(), actor=ACTOR)


def test_decisions_list_holds_closed_proposals_newest_first(cooperatie, leden):
    oud = VergaderingFactory(cooperatie=cooperatie, aanvang=timezone.now() - datetime.timedelta(days=200))
    nieuw = VergaderingFactory(cooperatie=cooperatie, aanvang=timezone.now() - datetime.timedelta(days=10))
    for vergadering in (oud, nieuw):
        voorstel = VoorstelFactory(vergadering=vergadering)
        av.open_vergadering(vergadering, actor=ACTOR)
        av.registreer_stem(voorstel, leden[0], VOOR, actor=ACTOR)
        av.sluit_stemming(voorstel, actor=ACTOR)
    VoorstelFactory(vergadering=nieuw)  # still open
    assert [v.vergadering for v in av.besluitenlijst(cooperatie)] == [nieuw, oud]


def test_a_candidate_stays_on_the_decisions_list_after_the_contact_person_is_removed(vergadering, leden):
    kandidaat = leden[0].contactpersonen.get()
    ContactpersoonFactory(lid=leden[0])
    voorstel = _benoeming(vergadering, kandidaat)
    from voorzieningen.cooperatie import leden as ledenservice

    with pytest.raises(ledenservice.ContactpersoonFout, match="kandidaat"):
        ledenservice.verwijder_contactpersoon(kandidaat, actor=ACTOR)
    av.open_vergadering(vergadering, actor=ACTOR)
    av.registreer_stem(voorstel, leden[1], TEGEN, actor=ACTOR)
    av.sluit_stemming(voorstel, actor=ACTOR)
    ledenservice.verwijder_contactpersoon(kandidaat, actor=ACTOR)
    voorstel.refresh_from_db()
    assert voorstel.kandidaat is None and voorstel.kandidaat_naam == kandidaat.naam


def test_a_council_meeting_needs_a_cooperative_with_a_council(cooperatie):
    from django.core.exceptions import ValidationError

    vergadering = VergaderingFactory.build(cooperatie=cooperatie, orgaan="ledenraad")
    with pytest.raises(ValidationError, match="geen ledenraad"):
        vergadering.full_clean()
