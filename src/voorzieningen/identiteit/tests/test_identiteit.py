import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voorzieningen.identiteit import duo
from voorzieningen.identiteit.bsn import TEST_BSNS, is_valid_bsn
from voorzieningen.identiteit.models import User
from voorzieningen.identiteit.services import seed_digid_stub


def test_the_test_bsns_pass_the_eleven_proof():
    assert len(TEST_BSNS) == 5
    assert all(is_valid_bsn(b) for b in TEST_BSNS)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_eleven_proof(value):
    weighted = sum(int(d) * w for d, w in zip(value[:8], range(9, 1, -1), strict=True)) - int(value[8])
    assert is_valid_bsn(value) == (weighted % 11 == 0 and value != "000000000")


@given(st.text(max_size=12).filter(lambda s: len(s) != 9 or not s.isdigit()))
def test_anything_but_nine_digits_is_no_bsn(value):
    assert not is_valid_bsn(value)


def test_changing_one_digit_of_a_bsn_breaks_the_proof():
    bsn = "999990019"
    for i in range(9):
        for d in "0123456789":
            other = bsn[:i] + d + bsn[i + 1 :]
            if other != bsn:
                assert not is_valid_bsn(other)


@pytest.mark.django_db
class TestDuoSimulator:
    today = datetime.date(2026, 11, 23)

    def test_only_the_first_test_person_has_prior_education(self):
        sim = duo.DuoSimulator(self.today)
        first, *others = TEST_BSNS
        assert sim.vooropleidingen(first)[0].ilt_code
        assert all(sim.vooropleidingen(b) == [] for b in others)

    def test_the_test_persons_cover_the_special_cases(self):
        sim = duo.DuoSimulator(self.today)
        people = [sim.persoonsgegevens(b) for b in TEST_BSNS]
        assert sum(p.adres.is_geheim for p in people) == 1
        assert sum(p.leeftijd(self.today) < 18 for p in people) == 1
        assert sum(p.adres.land != "6030" for p in people) == 1
        assert sim.persoonsgegevens("123456782") is None

    def test_down_and_slow_modes(self, settings):
        settings.DUO_TIMEOUT = 0
        for mode in ("onbereikbaar", "traag"):
            duo.DuoSimulator.set_mode(mode)
            with pytest.raises(duo.DuoUnavailable):
                duo.ophalen("999990019")
        duo.DuoSimulator.set_mode("normaal")
        assert duo.ophalen("999990019").persoon.achternaam == "Jansen"


@pytest.mark.django_db
def test_digid_stub_login_creates_a_student_with_a_pseudonymous_username(client):
    assert seed_digid_stub() == 5
    assert seed_digid_stub() == 0

    start = client.get("/digid/login/", {"next": "/"})
    assert start.status_code == 302
    idp = urlsplit(start["Location"])
    params = {k: v[0] for k, v in parse_qs(idp.query).items()}
    acs = client.get(params["acs"], {"bsn": "999990032", "next": "/"})
    assert acs.status_code == 302

    user = User.objects.get(bsn="999990032")
    assert user.is_student and "999990032" not in user.username
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_digid_login_with_an_invalid_bsn_fails(client):
    client.get("/digid/acs/", {"bsn": "12345", "next": "/"})
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_duo_simulator_command_switches_the_mode_for_every_process():
    from django.core.management import call_command

    call_command("duo_simulator", "onbereikbaar")
    with pytest.raises(duo.DuoUnavailable):
        duo.ophalen("999990056")
    call_command("duo_simulator", "normaal")
    assert duo.ophalen("999990056").persoon.achternaam == "Vries"
