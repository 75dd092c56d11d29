import re
import threading

from django.db import connection
from django.urls import reverse

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voorzieningen.aanmelden import adres as adresregels
from voorzieningen.aanmelden import services
from voorzieningen.aanmelden.models import Aanmelding, Interessemelding, Verstrekking
from voorzieningen.aanmelden.statussen import EINDSTATUSSEN, INTREKBAAR, OVERGANGEN, Status, is_toegestaan
from voorzieningen.catalogus.models import Cohort
from voorzieningen.core.models import Land
from voorzieningen.core.services import Actor
from voorzieningen.instellingen.models import Instellingsconfiguratie
from voorzieningen.instellingen.services import is_toegestane_url

from .conftest import make_student
from .helpers import doorloop, indienen

NL = {"land": "6030", "straat": "Dorpsstraat", "huisnummer": "1", "postcode": "1234AB", "plaats": "Ergens"}
tekst = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=220)


class TestAddressRules:
    def test_a_complete_dutch_address_is_valid_and_normalised(self):
        adres, fouten = adresregels.valideer({**NL, "postcode": " 1234 ab "})
        assert fouten == {} and adres["postcode"] == "1234AB"

    @pytest.mark.parametrize("veld", adresregels.NL_VERPLICHT)
    def test_dutch_required_fields(self, veld):
        assert veld in adresregels.valideer({**NL, veld: ""})[1]

    def test_address_lines_only_abroad(self):
        assert "regel1" in adresregels.valideer({**NL, "regel1": "x"})[1]
        buitenland = {"land": "5010", "regel1": "Grote Markt 1", "regel2": "2000 Antwerpen"}
        assert adresregels.valideer(buitenland)[1] == {}
        assert "straat" in adresregels.valideer({**buitenland, "straat": "Markt"})[1]
        assert "regel1" in adresregels.valideer({"land": "5010"})[1]

    def test_land_is_required_four_digits_and_checked_against_tabel_34(self):
        assert "land" in adresregels.valideer({**NL, "land": ""})[1]
        assert "land" in adresregels.valideer({**NL, "land": "NL"})[1]
        assert "land" in adresregels.valideer({**NL, "land": "9999"}, {"6030", "5010"})[1]
        assert adresregels.valideer({**NL, "land": "6030"}, {"6030"})[1] == {}

    @pytest.mark.django_db
    def test_codes_come_from_the_imported_table_and_ended_countries_are_refused(self):
        assert adresregels.geldige_landcodes() is None  # not imported: format check only
        Land.objects.create(code="6030", omschrijving="Nederland")
        Land.objects.create(code="5001", omschrijving="Tsjechoslowakije", einde="1993-01-01")
        assert adresregels.geldige_landcodes() == {"6030"}

    @given(st.sampled_from(list(adresregels.MAX_LENGTE)), st.integers(min_value=1, max_value=260))
    def test_lengths(self, veld, lengte):
        land = "6030" if veld not in adresregels.BUITENLAND_VELDEN else "5010"
        basis = NL if land == "6030" else {"land": "5010", "regel1": "Rue 1"}
        fouten = adresregels.valideer({**basis, veld: "x" * lengte})[1]
        te_lang = any("Maximaal" in m for m in fouten.get(veld, []))
        assert te_lang == (lengte > adresregels.MAX_LENGTE[veld])

    @given(st.fixed_dictionaries({veld: tekst for veld in adresregels.VELDEN}))
    def test_any_input_gives_errors_or_an_address_that_keeps_every_rule(self, data):
        adres, fouten = adresregels.valideer(data, {"6030", "5010"})
        if fouten:
            return
        assert adres["land"] in {"6030", "5010"}
        assert all(len(adres[v]) <= m for v, m in adresregels.MAX_LENGTE.items())
        if adres["land"] == "6030":
            assert all(adres[v] for v in adresregels.NL_VERPLICHT)
            assert re.fullmatch(r"[1-9]\d{3}[A-Z]{2}", adres["postcode"])
            assert not any(adres[v] for v in adresregels.BUITENLAND_VELDEN)
        else:
            assert adres["regel1"] and not any(adres[v] for v in adresregels.NL_VELDEN)

    @given(st.from_regex(r"[1-9][0-9]{3} ?[a-zA-Z]{2}", fullmatch=True))
    def test_every_well_formed_postcode_is_accepted(self, postcode):
        assert adresregels.valideer({**NL, "postcode": postcode})[1] == {}


class TestStatusRules:
    def test_final_statuses_only_change_by_correction(self):
        for eind in EINDSTATUSSEN:
            assert all(not is_toegestaan(eind, naar) for naar in Status)
            assert is_toegestaan(eind, Status.OFFERED, correctie=True)

    def test_the_student_may_withdraw_only_before_a_final_status(self):
        assert INTREKBAAR == {Status.SUBMITTED, Status.RECEIVED, Status.OFFERED}
        assert all(Status.WITHDRAWN in OVERGANGEN[s] for s in INTREKBAAR)

    @pytest.mark.django_db
    def test_a_correction_needs_a_reason_and_moves_the_capacity_counter(self, student, cohort, client):
        client.force_login(student)
        indienen(client, doorloop(client, cohort))
        aanmelding = Aanmelding.objects.get()
        sis = Actor.system("sis")
        services.wijzig_status(aanmelding, Status.REJECTED, bron="instelling", actor=sis)
        assert Cohort.objects.get(pk=cohort.pk).aantal_aanmeldingen == 0
        with pytest.raises(services.StatusNietToegestaan):
            services.wijzig_status(aanmelding, Status.OFFERED, bron="instelling", actor=sis)
        with pytest.raises(services.StatusNietToegestaan):
            services.wijzig_status(aanmelding, Status.OFFERED, bron="instelling", actor=sis, correctie=True)
        services.wijzig_status(
            aanmelding, Status.OFFERED, bron="instelling", actor=sis, correctie=True, toelichting="verkeerd afgewezen"
        )
        assert Cohort.objects.get(pk=cohort.pk).aantal_aanmeldingen == 1
        assert aanmelding.statuswijzigingen.last().correctie


class TestKetenId:
    @pytest.mark.django_db
    @settings(max_examples=5, deadline=None)
    @given(st.integers(min_value=1, max_value=40))
    def test_unique_numeric_and_in_the_range_starting_with_9(self, n):
        ids = [services.volgend_keten_id() for _ in range(n)]
        assert len(set(ids)) == n
        assert all(re.fullmatch(r"9\d{9}", i) for i in ids)
        assert [int(i) for i in ids] == sorted(int(i) for i in ids)


class TestReturnUrl:
    DOMEINEN = ["roc-test.nl"]

    @pytest.mark.parametrize(
        "url", ["https://roc-test.nl/x", "https://www.roc-test.nl/a?b=c", "http://sub.roc-test.nl:8443/"]
    )
    def test_allowed(self, url):
        assert is_toegestane_url(url, self.DOMEINEN)

    @pytest.mark.parametrize(
        "url",
        [
            "https://evilroc-test.nl/",
            "https://roc-test.nl.evil.com/",
            "https://user:pw@roc-test.nl/",
            "https://roc-test.nl@evil.com/",
            "ftp://roc-test.nl/",
            "//roc-test.nl/",
            "/relative",
            "https:\\\\evil.com",
            "https://roc-test.nl:99999/",
            "javascript://roc-test.nl/%0aalert(1)",
        ],
    )
    def test_refused(self, url):
        assert not is_toegestane_url(url, self.DOMEINEN)

    @given(st.text(max_size=80))
    def test_nothing_outside_the_domain_is_ever_allowed(self, garbage):
        from urllib.parse import urlsplit

        url = "https://" + garbage
        if is_toegestane_url(url, self.DOMEINEN):
            host = urlsplit(url).hostname
            assert host == "roc-test.nl" or host.endswith(".roc-test.nl")


@pytest.mark.django_db
class TestInteressemelding:
    def test_code_leads_to_a_minimal_form(self, client, cohort):
        instelling = cohort.opleiding.aanbieder.instelling
        Instellingsconfiguratie.objects.create(instelling=instelling, registratiecode="ROC-ZONDER-BSN")
        fout = client.post(reverse("aanmelden:zonder-digid"), {"registratiecode": "raden"})
        assert fout.status_code == 400 and "kennen we niet" in fout.text
        assert client.post(reverse("aanmelden:zonder-digid"), {"registratiecode": "ROC-ZONDER-BSN"}).status_code == 302
        leeg = client.post(reverse("aanmelden:interessemelding"), {})
        assert leeg.status_code == 400 and "Vul je naam in." in leeg.text
        ok = client.post(reverse("aanmelden:interessemelding"), {"naam": "Ali", "email": "ali@example.nl"})
        assert ok.status_code == 200 and "ontvangen" in ok.text
        melding = Interessemelding.objects.get()
        assert melding.instelling == instelling and melding.opleiding is None

    def test_without_a_code_there_is_no_form(self, client):
        assert client.get(reverse("aanmelden:interessemelding"))["Location"] == reverse("aanmelden:zonder-digid")

    def test_guessing_codes_is_rate_limited(self, client):
        for _ in range(10):
            client.post(reverse("aanmelden:zonder-digid"), {"registratiecode": "x"})
        assert (
            "Te veel onjuiste pogingen" in client.post(reverse("aanmelden:zonder-digid"), {"registratiecode": "x"}).text
        )


@pytest.mark.django_db
def test_disclosure_log_shows_what_the_chain_recorded_for_this_student_only(client, student_client, cohort):
    indienen(student_client, doorloop(student_client, cohort))
    aanmelding = Aanmelding.objects.get()
    services.registreer_verstrekking(
        aanmelding,
        Verstrekking.Ontvanger.SIS,
        "ROC Test (koppelpunt 25LX)",
        "Aanmelding met persoonsgegevens",
        "WEB art. 8.1.1",
    )
    page = student_client.get(reverse("aanmelden:verstrekkingen"))
    assert "koppelpunt 25LX" in page.text and "WEB art. 8.1.1" in page.text
    client.force_login(make_student("999990056"))
    assert "koppelpunt 25LX" not in client.get(reverse("aanmelden:verstrekkingen")).text


@pytest.mark.django_db
def test_deleting_the_environment_removes_personal_data_and_keeps_the_aggregates(student, student_client, cohort):
    from django.db.models import Count

    indienen(student_client, doorloop(student_client, cohort))
    aanmelding = Aanmelding.objects.get()
    services.registreer_verstrekking(aanmelding, "sis", "SIS", "aanmelding", "WEB")

    def aggregates():
        return list(Aanmelding.objects.values("instelling", "opleiding", "status").annotate(n=Count("pk")).order_by())

    before = aggregates()
    assert student_client.post(reverse("aanmelden:verwijderen"), {}).status_code == 400  # confirmation needed
    response = student_client.post(reverse("aanmelden:verwijderen"), {"bevestig": "on"})
    assert response.status_code == 200 and "verwijderd" in response.text
    assert aggregates() == before
    aanmelding.refresh_from_db()
    assert aanmelding.gegevens == {} and aanmelding.aanmelder is None and aanmelding.geanonimiseerd_op
    assert not Verstrekking.objects.exists()
    from voorzieningen.identiteit.models import User

    assert not User.objects.filter(bsn="999990019").exists()
    assert "_auth_user_id" not in student_client.session


@pytest.mark.django_db
def test_the_submit_step_trusts_the_live_cohort_not_its_half_minute_copy(client, student, cohort):
    """The catalogue rows are kept per process for 30 s; a cohort closed or freed meanwhile still counts at once."""
    from voorzieningen.catalogus.services import cohort_voor_indienen, vergeet_cohorten

    client.force_login(student)
    concept = doorloop(client, cohort)
    cohort_voor_indienen(cohort.pk)  # the copy: open
    Cohort.objects.filter(pk=cohort.pk).update(status=Cohort.Status.GESLOTEN)
    with pytest.raises(services.CohortGesloten):
        services.dien_in(concept.token, student.aanmelder, Actor.system("test"))
    assert not Aanmelding.objects.exists() and Cohort.objects.get(pk=cohort.pk).aantal_aanmeldingen == 0

    Cohort.objects.filter(pk=cohort.pk).update(status=Cohort.Status.OPEN, capaciteit=1, aantal_aanmeldingen=1)
    vergeet_cohorten()
    cohort_voor_indienen(cohort.pk)  # the copy: full
    Cohort.objects.filter(pk=cohort.pk).update(aantal_aanmeldingen=0)  # a place came free (a withdrawal)
    aanmelding = services.dien_in(concept.token, student.aanmelder, Actor.system("test"))
    assert aanmelding.pk and Cohort.objects.get(pk=cohort.pk).aantal_aanmeldingen == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_of_the_same_draft_and_for_the_last_place(client, student):
    """Two browsers submit the same draft at once, and two students race for the last place."""
    from django.db import close_old_connections

    from voorzieningen.catalogus.tests.factories import CohortFactory

    from .conftest import make_student as maak

    cohort = CohortFactory(capaciteit=2)
    client.force_login(student)
    concept = doorloop(client, cohort)
    anderen = [maak(b) for b in ("999990056", "999990044")]
    concepten = []
    for ander in anderen:
        from django.test import Client

        c = Client()
        c.force_login(ander)
        concepten.append((ander, doorloop(c, cohort)))

    results, errors = [], []

    def submit(aanmelder, token):
        try:
            results.append(services.dien_in(token, aanmelder, Actor.system("test")))
        except services.CohortVol as e:
            errors.append(e)
        finally:
            close_old_connections()

    jobs = [(student.aanmelder, concept.token)] * 3 + [(u.aanmelder, c.token) for u, c in concepten]
    threads = [threading.Thread(target=submit, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Aanmelding.objects.filter(aanmelder=student.aanmelder).count() <= 1
    assert Aanmelding.objects.count() == 2 and len(errors) >= 1
    assert Cohort.objects.get(pk=cohort.pk).aantal_aanmeldingen == 2
