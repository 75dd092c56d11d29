"""The load test's preparation: generated DUO test persons and students with drafts ready to submit."""

import datetime
from urllib.parse import parse_qs, urlsplit

from django.core.management import CommandError, call_command
from django.urls import reverse

import pytest

from voorzieningen.aanmelden import services
from voorzieningen.aanmelden.management.commands.seed_loadtest import bsns
from voorzieningen.aanmelden.models import Aanmelder, Aanmelding, Concept
from voorzieningen.catalogus.tests.factories import CohortFactory
from voorzieningen.core.services import Actor
from voorzieningen.identiteit import duo
from voorzieningen.identiteit.bsn import TEST_BSNS, is_valid_bsn

pytestmark = pytest.mark.django_db
VANDAAG = datetime.date(2026, 11, 23)


class TestGeneratedPersons:
    def test_a_valid_bsn_of_the_test_range_is_a_generated_adult(self):
        sim = duo.DuoSimulator(VANDAAG)
        bsn = next(bsns(1))
        persoon = sim.persoonsgegevens(bsn)
        assert persoon.bsn == bsn and persoon.leeftijd(VANDAAG) >= 18 and not persoon.adres.is_geheim
        assert persoon.adres.land == "6030" and persoon.adres.postcode and sim.vooropleidingen(bsn) == []
        assert sim.persoonsgegevens(bsn) == persoon  # the same person every time

    def test_only_valid_bsns_of_the_range_and_only_with_the_digid_stub(self, settings):
        sim = duo.DuoSimulator(VANDAAG)
        assert sim.persoonsgegevens("999900001") is None and not is_valid_bsn("999900001")
        assert sim.persoonsgegevens("123456782") is None  # valid, but outside the test range
        settings.DIGID_MOCK = False
        assert sim.persoonsgegevens(next(bsns(1))) is None

    def test_the_five_named_test_persons_are_unchanged(self):
        sim = duo.DuoSimulator(VANDAAG)
        assert sim.persoonsgegevens("999990019").achternaam == "Jansen"
        assert sim.persoonsgegevens("999990020").adres.is_geheim
        assert set(bsns(5000)).isdisjoint(TEST_BSNS)


def test_a_generated_student_logs_in_with_the_stub_and_walks_the_wizard(client):
    cohort = CohortFactory()
    bsn = next(bsns(1, vanaf=999_950_000))
    start = client.get("/digid/login/", {"next": "/"})
    acs = parse_qs(urlsplit(start["Location"]).query)["acs"][0]
    assert client.get(acs, {"bsn": bsn, "next": "/"}).status_code == 302
    naar = client.get(reverse("aanmelden:start", args=[cohort.opleiding.code]), {"cohort": cohort.code})
    pagina = client.get(naar["Location"])
    assert pagina.status_code == 200 and f"Proefpersoon-{bsn[4:]}" in pagina.text


def test_seeding_prepares_students_whose_drafts_can_be_submitted(tmp_path):
    open_ = [CohortFactory() for _ in range(4)]
    CohortFactory(toegangscode="GEHEIM")
    CohortFactory(capaciteit=10)
    CohortFactory(status="G")
    call_command("seed_loadtest", "--studenten", "3", "--concepten", "2", "--uitvoer", str(tmp_path))

    aanmelders = list(Aanmelder.objects.select_related("user"))
    assert len(aanmelders) == 3 and all(a.duo_opgehaald_op and a.email for a in aanmelders)
    concepten = list(Concept.objects.select_related("cohort__opleiding", "aanmelder"))
    assert len(concepten) == 6 and {c.cohort_id for c in concepten} <= {c.pk for c in open_}
    assert all(services.ontbrekend(c) == [] for c in concepten)
    assert (tmp_path / "studenten.txt").read_text().split() == [a.user.bsn for a in aanmelders]
    assert len((tmp_path / "cohorten.tsv").read_text().splitlines()) == 4

    concept = concepten[0]
    services.dien_in(concept.token, concept.aanmelder, Actor.system("test"))
    assert Aanmelding.objects.count() == 1

    call_command("seed_loadtest", "--studenten", "3", "--concepten", "2", "--uitvoer", str(tmp_path))
    assert Aanmelder.objects.count() == 3 and Concept.objects.count() == 6  # topped up, not doubled


def test_seeding_needs_open_cohorts_and_the_stub(tmp_path, settings):
    with pytest.raises(CommandError, match="Geen open cohorten"):
        call_command("seed_loadtest", "--studenten", "1", "--uitvoer", str(tmp_path))
    settings.DIGID_MOCK = False
    with pytest.raises(CommandError, match="DigiD-stub"):
        call_command("seed_loadtest", "--studenten", "1", "--uitvoer", str(tmp_path))
