"""Qualified majority for binding agreements: every edge of the rule, and the rule as a formula."""

import datetime
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voorzieningen.portfolio import stemming
from voorzieningen.portfolio.models import BindendeAfspraak, Regieinstellingen, Stem, Stembasis
from voorzieningen.portfolio.stemming import Regel, StemmingFout, Telling, beslis

from .factories import InstellingFactory, LidmaatschapFactory

AANGENOMEN, VERWORPEN, GEEN = (
    BindendeAfspraak.Status.AANGENOMEN,
    BindendeAfspraak.Status.VERWORPEN,
    BindendeAfspraak.Status.GEEN_BESLUIT,
)
LEDEN = Regel()  # 2/3 of all members, no quorum
UITGEBRACHT = Regel(basis=Stembasis.UITGEBRACHT)


@pytest.mark.parametrize(
    ("regel", "telling", "uitkomst"),
    [
        (LEDEN, Telling(30, voor=20), AANGENOMEN),  # exactly 2/3 of all members: enough
        (LEDEN, Telling(30, voor=19, tegen=0, onthouding=11), VERWORPEN),  # abstaining counts as not for
        (LEDEN, Telling(30, voor=19), VERWORPEN),  # absent members count as not for
        (LEDEN, Telling(3, voor=2, tegen=1), AANGENOMEN),
        (UITGEBRACHT, Telling(30, voor=2, tegen=1, onthouding=20), AANGENOMEN),  # abstentions left out
        (UITGEBRACHT, Telling(30, voor=2, tegen=2), VERWORPEN),  # a tie is never adopted
        (UITGEBRACHT, Telling(30, voor=0, tegen=0, onthouding=5), VERWORPEN),  # nobody for
        (UITGEBRACHT, Telling(30, voor=1), AANGENOMEN),  # no quorum configured: one vote decides
        (Regel(basis=Stembasis.UITGEBRACHT, quorum=Fraction(1, 2)), Telling(30, voor=14), GEEN),
        (Regel(basis=Stembasis.UITGEBRACHT, quorum=Fraction(1, 2)), Telling(30, voor=14, onthouding=1), AANGENOMEN),
        (LEDEN, Telling(0), GEEN),  # nobody has a vote
        (LEDEN, Telling(10), GEEN),  # nobody voted
        (Regel(drempel=Fraction(1)), Telling(10, voor=9, onthouding=1), VERWORPEN),  # unanimity
        (Regel(drempel=Fraction(1)), Telling(10, voor=10), AANGENOMEN),
    ],
)
def test_the_rule_on_its_edges(regel, telling, uitkomst):
    assert beslis(regel, telling).status == uitkomst


def test_no_rounding_one_short_of_two_thirds():
    # 66.6% looks like 2/3 when rounded; 199 of 300 is less than 2/3, 200 of 300 is exactly 2/3
    assert beslis(LEDEN, Telling(300, voor=199)).status == VERWORPEN
    assert beslis(LEDEN, Telling(300, voor=200)).status == AANGENOMEN


@pytest.mark.parametrize("drempel", [Fraction(1, 2), Fraction(1, 3), Fraction(11, 10), Fraction(0)])
def test_a_threshold_must_be_more_than_half_and_at_most_one(drempel):
    with pytest.raises(ValueError):
        Regel(drempel=drempel)


def test_counts_must_fit_the_members():
    with pytest.raises(ValueError):
        Telling(2, voor=2, tegen=1)
    with pytest.raises(ValueError):
        Telling(2, voor=-1)


TELLING = st.integers(0, 60).flatmap(
    lambda n: st.tuples(st.just(n), st.integers(0, n)).flatmap(
        lambda t: (
            st.tuples(st.just(t[0]), st.integers(0, t[1]), st.integers(0, t[1]))
            .filter(lambda u: u[1] + u[2] <= t[1])
            .map(lambda u: Telling(u[0], voor=u[1], tegen=u[2], onthouding=t[1] - u[1] - u[2]))
        )
    )
)
REGEL = st.builds(
    Regel,
    drempel=st.fractions(min_value=Fraction(1, 2), max_value=1).filter(lambda f: f > Fraction(1, 2)),
    basis=st.sampled_from(Stembasis.values),
    quorum=st.fractions(min_value=0, max_value=1),
)


@given(REGEL, TELLING)
def test_the_rule_is_the_exact_fraction(regel, telling):
    status = beslis(regel, telling).status
    deelname_ok = (
        telling.stemgerechtigden > 0
        and telling.deelnemers > 0
        and (Fraction(telling.deelnemers, telling.stemgerechtigden) >= regel.quorum)
    )
    if not deelname_ok:
        assert status == GEEN
        return
    noemer = telling.stemgerechtigden if regel.basis == Stembasis.LEDEN else telling.voor + telling.tegen
    verwacht = telling.voor > 0 and noemer > 0 and Fraction(telling.voor, noemer) >= regel.drempel
    assert status == (AANGENOMEN if verwacht else VERWORPEN)


@given(REGEL, TELLING)
def test_turning_a_vote_against_into_for_never_loses(regel, telling):
    if telling.tegen == 0:
        return
    beter = Telling(telling.stemgerechtigden, telling.voor + 1, telling.tegen - 1, telling.onthouding)
    if beslis(regel, telling).status == AANGENOMEN:
        assert beslis(regel, beter).status == AANGENOMEN


@given(REGEL, TELLING)
def test_a_tie_or_minority_is_never_adopted(regel, telling):
    if telling.voor <= telling.tegen:
        assert beslis(regel, telling).status != AANGENOMEN


# --- with the database ---------------------------------------------------------------------------------------------


@pytest.fixture
def afspraak(db):
    Regieinstellingen.huidig()
    return BindendeAfspraak.objects.create(
        titel="Geen werving buiten de regio", tekst="…", stemdatum=datetime.date(2026, 6, 1)
    )


def test_voting_right_on_the_day_of_the_vote(afspraak):
    lid = LidmaatschapFactory().instelling
    LidmaatschapFactory(lid_sinds=datetime.date(2026, 6, 1))  # member from that very day: votes
    LidmaatschapFactory(lid_tot=datetime.date(2026, 6, 1))  # last day of membership: votes
    oud = LidmaatschapFactory(lid_tot=datetime.date(2026, 5, 31)).instelling  # left before: no vote
    nieuw = LidmaatschapFactory(lid_sinds=datetime.date(2026, 6, 2)).instelling  # joins after: no vote
    geen_lid = InstellingFactory()
    stemming.open_stemming(afspraak)
    stemming.registreer_stem(afspraak, lid, Stem.Keuze.VOOR)
    for instelling in (oud, nieuw, geen_lid):
        with pytest.raises(StemmingFout, match="geen lid"):
            stemming.registreer_stem(afspraak, instelling, Stem.Keuze.VOOR)
    assert stemming.tel(afspraak) == Telling(3, voor=1)


def test_a_vote_for_a_member_who_left_is_set_aside(afspraak):
    lidmaatschap = LidmaatschapFactory()
    LidmaatschapFactory()
    stemming.open_stemming(afspraak)
    stemming.registreer_stem(afspraak, lidmaatschap.instelling, Stem.Keuze.VOOR)
    lidmaatschap.lid_tot = datetime.date(2026, 1, 1)  # the register is corrected afterwards
    lidmaatschap.save()
    assert stemming.tel(afspraak) == Telling(1, vervallen=1)


def test_one_vote_per_institution_the_last_counts(afspraak):
    lid = LidmaatschapFactory().instelling
    stemming.open_stemming(afspraak)
    stemming.registreer_stem(afspraak, lid, Stem.Keuze.TEGEN)
    stemming.registreer_stem(afspraak, lid, Stem.Keuze.VOOR)
    assert afspraak.stemmen.count() == 1 and stemming.tel(afspraak).voor == 1


def test_the_vote_only_while_open_and_the_rule_is_recorded(afspraak):
    leden = [LidmaatschapFactory().instelling for _ in range(3)]
    with pytest.raises(StemmingFout):
        stemming.registreer_stem(afspraak, leden[0], Stem.Keuze.VOOR)
    with pytest.raises(StemmingFout):
        stemming.sluit_stemming(afspraak)
    stemming.open_stemming(afspraak)
    with pytest.raises(StemmingFout):
        stemming.open_stemming(afspraak)
    stemming.registreer_stem(afspraak, leden[0], Stem.Keuze.VOOR)
    stemming.registreer_stem(afspraak, leden[1], Stem.Keuze.VOOR)
    stemming.registreer_stem(afspraak, leden[2], Stem.Keuze.ONTHOUDING)
    uitslag = stemming.sluit_stemming(afspraak)
    afspraak.refresh_from_db()
    assert uitslag.status == AANGENOMEN == afspraak.status
    assert afspraak.regel == {"drempel": "2/3", "basis": "leden", "quorum": "0"}
    assert afspraak.telling["afwezig"] == 0 and afspraak.telling["onthouding"] == 1
    Regieinstellingen.objects.filter(pk=1).update(drempel_teller=3, drempel_noemer=4)  # later change of the rule
    afspraak.refresh_from_db()
    assert afspraak.regel["drempel"] == "2/3"  # the decision keeps the rule it was taken under
    with pytest.raises(StemmingFout):
        stemming.registreer_stem(afspraak, leden[2], Stem.Keuze.VOOR)


def test_configured_rule_is_used(afspraak):
    Regieinstellingen.objects.filter(pk=1).update(stembasis="uitgebracht", quorum_teller=1, quorum_noemer=2)
    leden = [LidmaatschapFactory().instelling for _ in range(4)]
    stemming.open_stemming(afspraak)
    stemming.registreer_stem(afspraak, leden[0], Stem.Keuze.VOOR)
    assert stemming.sluit_stemming(afspraak).status == GEEN  # 1 of 4 took part: quorum 1/2 not met


def test_settings_refuse_an_invalid_threshold(db):
    from django.core.exceptions import ValidationError

    instellingen = Regieinstellingen.huidig()
    instellingen.drempel_teller, instellingen.drempel_noemer = 1, 2
    with pytest.raises(ValidationError):
        instellingen.clean()
    instellingen.drempel_teller, instellingen.drempel_noemer, instellingen.quorum_teller = 2, 3, 3
    with pytest.raises(ValidationError):
        instellingen.clean()
