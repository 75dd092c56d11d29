"""The decision rule, pure: consensus, the 2/3 threshold, abstentions, ties, zero votes, quorum."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voorzieningen.cooperatie.av import Regel, Telling, bepaal_uitslag
from voorzieningen.cooperatie.models import Drempelbasis, Voorstel

A, V, G = Voorstel.Uitslag.AANGENOMEN, Voorstel.Uitslag.VERWORPEN, Voorstel.Uitslag.GEEN_BESLUIT
STATUTEN = Regel()  # 2/3 of the participants, no quorum
UITGEBRACHT = Regel(basis=Drempelbasis.UITGEBRACHT)


def uitslag(voor=0, tegen=0, onthouding=0, stemgerechtigden=20, regel=STATUTEN):
    return bepaal_uitslag(Telling(stemgerechtigden, voor, tegen, onthouding), regel)


@pytest.mark.parametrize(
    ("voor", "tegen", "onthouding", "verwacht", "consensus"),
    [
        (1, 0, 0, A, True),  # one vote for, nobody against: consensus
        (1, 0, 9, A, True),  # abstaining is not objecting
        (10, 1, 0, A, False),  # 10/11 >= 2/3
        (2, 1, 0, A, False),  # exactly 2/3 is enough
        (4, 2, 0, A, False),  # exactly 2/3 again
        (3, 2, 0, V, False),  # 3/5 < 2/3
        (1, 1, 0, V, False),  # a tie is rejected
        (5, 5, 2, V, False),
        (0, 1, 0, V, False),
        (0, 0, 3, V, False),  # only abstentions: nobody for
        (6, 1, 3, V, False),  # 6/10 < 2/3: abstentions weigh once consensus is broken
        (7, 1, 2, A, False),  # 7/10 >= 2/3
        (0, 0, 0, G, False),  # nobody took part
    ],
)
def test_the_statutes_rule(voor, tegen, onthouding, verwacht, consensus):
    resultaat = uitslag(voor, tegen, onthouding)
    assert (resultaat.uitslag, resultaat.consensus) == (verwacht, consensus)
    assert resultaat.reden


def test_over_votes_cast_abstentions_do_not_count():
    assert uitslag(6, 1, 3).uitslag == V
    assert uitslag(6, 1, 3, regel=UITGEBRACHT).uitslag == A  # 6/7
    assert uitslag(2, 1, 50, stemgerechtigden=60, regel=UITGEBRACHT).uitslag == A  # exactly 2/3 of cast
    assert uitslag(1, 1, 0, regel=UITGEBRACHT).uitslag == V  # tie


def test_the_reason_names_the_votes_needed():
    resultaat = uitslag(4, 3, 0)  # 2/3 of 7 = 14/3, so 5 needed
    assert resultaat.uitslag == V
    assert "ten minste 5" in resultaat.reden and "2/3" in resultaat.reden


def test_quorum_when_configured():
    regel = Regel(quorum=Fraction(1, 2))
    assert uitslag(4, 0, 0, stemgerechtigden=10, regel=regel).uitslag == G  # 4 < 5
    assert uitslag(5, 0, 0, stemgerechtigden=10, regel=regel).uitslag == A  # exactly half is enough
    assert uitslag(3, 0, 2, stemgerechtigden=10, regel=regel).uitslag == A  # abstainers take part
    assert "quorum" in uitslag(1, 0, 0, stemgerechtigden=10, regel=regel).reden


def test_without_quorum_one_participant_decides():
    assert uitslag(1, 0, 0, stemgerechtigden=100).uitslag == A


def test_more_participants_than_voters_is_a_programming_error():
    with pytest.raises(ValueError):
        uitslag(3, 0, 0, stemgerechtigden=2)


tellingen = st.tuples(st.integers(0, 60), st.integers(0, 60), st.integers(0, 60), st.integers(0, 60)).map(
    lambda t: Telling(sum(t), t[0], t[1], t[2])
)
drempels = st.fractions(min_value=Fraction(1, 2), max_value=1).filter(lambda f: f > Fraction(1, 2))
regels = st.builds(
    Regel,
    drempel=drempels,
    basis=st.sampled_from(Drempelbasis.values),
    quorum=st.fractions(min_value=0, max_value=1),
)


@given(tellingen, regels)
def test_an_adopted_proposal_has_support(telling, regel):
    resultaat = bepaal_uitslag(telling, regel)
    if resultaat.uitslag == A:
        assert telling.voor > 0
        assert resultaat.consensus == (telling.tegen == 0)
        assert telling.tegen == 0 or telling.voor > telling.tegen  # never by a tie or a minority
        assert telling.deelnemers >= regel.quorum * telling.stemgerechtigden


@given(tellingen, regels)
def test_no_participants_no_decision(telling, regel):
    telling = Telling(telling.stemgerechtigden)
    assert bepaal_uitslag(telling, regel).uitslag == G


@given(st.integers(1, 50), st.integers(0, 50), st.integers(0, 20), regels)
def test_a_tie_never_passes(n, onthouding, extra, regel):
    telling = Telling(2 * n + onthouding + extra, n, n, onthouding)
    assert bepaal_uitslag(telling, regel).uitslag != A


@given(tellingen, regels)
def test_threshold_matches_exact_arithmetic(telling, regel):
    resultaat = bepaal_uitslag(telling, regel)
    if telling.deelnemers == 0 or telling.deelnemers < regel.quorum * telling.stemgerechtigden:
        assert resultaat.uitslag == G
    elif telling.tegen == 0:
        assert resultaat.uitslag == (A if telling.voor else V)
    else:
        noemer = telling.deelnemers if regel.basis == Drempelbasis.DEELNEMERS else telling.voor + telling.tegen
        assert (resultaat.uitslag == A) == (
            telling.voor * regel.drempel.denominator >= regel.drempel.numerator * noemer
        )


@given(tellingen, regels)
def test_one_more_vote_for_never_hurts(telling, regel):
    """Monotone: turning an abstention or a vote against into a vote for cannot turn adopted into rejected."""
    if bepaal_uitslag(telling, regel).uitslag != A:
        return
    if telling.onthouding:
        beter = Telling(telling.stemgerechtigden, telling.voor + 1, telling.tegen, telling.onthouding - 1)
        assert bepaal_uitslag(beter, regel).uitslag == A
    if telling.tegen:
        beter = Telling(telling.stemgerechtigden, telling.voor + 1, telling.tegen - 1, telling.onthouding)
        assert bepaal_uitslag(beter, regel).uitslag == A


@given(tellingen)
def test_counting_over_votes_cast_is_never_stricter(telling):
    if bepaal_uitslag(telling, STATUTEN).uitslag == A:
        assert bepaal_uitslag(telling, UITGEBRACHT).uitslag == A
