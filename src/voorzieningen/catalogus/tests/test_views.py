"""The public catalogue: search, inactive filter, whitelist mode and access-code cohorts."""

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest
from freezegun import freeze_time

from voorzieningen.catalogus.models import Leertraject, RioType, SyncStatus

from .factories import AanbiederFactory, CohortFactory, InstellingFactory, KwalificatieFactory, OpleidingFactory

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def results(client, **params):
    """The codes of the programmes the result list links to."""
    response = client.get("/", params)
    assert response.status_code == 200
    lijst = response.content.decode().split('<div id="resultaten"', 1)[1]
    return set(re.findall(r'href="/opleidingen/([^/"]+)/"', lijst))


def test_search_by_name_crebo_level_leertraject_and_place(client):
    kapper = OpleidingFactory(
        wervingsnaam="Kapper", kwalificatie=KwalificatieFactory(crebo="25462", niveau=2), niveau=2
    )
    ict = OpleidingFactory(
        wervingsnaam="Software developer", niveau=4, leertraject=Leertraject.BBL, locatie__plaatsnaam="Amersfoort"
    )

    assert results(client, q="kapp") == {kapper.code}
    assert results(client, q="25462") == {kapper.code}
    assert results(client, q="SOFTWARE developer") == {ict.code}
    assert results(client, niveau=4) == {ict.code}
    assert results(client, leertraject="BBL") == {ict.code}
    assert results(client, plaats="amersfoort") == {ict.code}
    assert results(client, q="software", niveau=2) == set()


def test_inactive_programmes_are_filtered_out_by_default(client):
    active = OpleidingFactory()
    inactive = OpleidingFactory(actief=False)
    assert results(client) == {active.code}
    assert results(client, inactief="on") == {active.code, inactive.code}


def test_only_centraal_aanmelden_providers_feed_the_portal(client):
    shown = OpleidingFactory()
    hidden = OpleidingFactory(aanbieder__rio_type=RioType.AANMELDEN)
    assert results(client) == {shown.code}
    assert client.get(f"/opleidingen/{hidden.code}/").status_code == 404


def test_whitelist_mode_shows_only_whitelisted_programmes(client):
    instelling = InstellingFactory(whitelist_actief=True)
    aanbieder = AanbiederFactory(instelling=instelling)
    on_list, off_list = OpleidingFactory(aanbieder=aanbieder), OpleidingFactory(aanbieder=aanbieder)
    other = OpleidingFactory()
    instelling.whitelist.add(on_list)
    # another institution whitelisting a programme does not make it visible for this one
    InstellingFactory(whitelist_actief=True).whitelist.add(off_list)

    assert results(client) == {on_list.code, other.code}
    assert client.get(f"/opleidingen/{off_list.code}/").status_code == 404


def test_invalid_search_input_gives_a_clear_error(client):
    response = client.get("/", {"niveau": "9"})
    assert response.status_code == 200
    assert "Controleer je zoekopdracht" in response.content.decode()
    assert response.context["form"].errors["niveau"]


@freeze_time("2027-01-10")
def test_programme_page_lists_open_cohorts_and_hides_access_code_ones_until_unlocked(client):
    opleiding = OpleidingFactory()
    open_c = CohortFactory(opleiding=opleiding, code="2027-09")
    CohortFactory(opleiding=opleiding, code="2026-09", aanmelden_tot=datetime.date(2026, 8, 31))
    coded = CohortFactory(opleiding=opleiding, code="TALENT", toegangscode="Geheim42")
    url = f"/opleidingen/{opleiding.code}/"

    response = client.get(url)
    assert [c.code for c in response.context["cohorten"]] == [open_c.code]

    wrong = client.post(url, {"toegangscode": "fout"})
    assert wrong.status_code == 400
    assert "hoort niet bij een open cohort" in wrong.content.decode()
    assert 'aria-invalid="true"' in wrong.content.decode()

    unlocked = client.post(url, {"toegangscode": " geheim42 "}, follow=True)
    assert {c.code for c in unlocked.context["cohorten"]} == {open_c.code, coded.code}


@freeze_time("2027-01-10")
def test_access_code_guessing_is_limited(client):
    opleiding = OpleidingFactory()
    CohortFactory(opleiding=opleiding, toegangscode="JUIST")
    url = f"/opleidingen/{opleiding.code}/"
    for _ in range(10):
        client.post(url, {"toegangscode": "gok"})
    response = client.post(url, {"toegangscode": "JUIST"})
    assert "Te veel onjuiste pogingen" in response.content.decode()
    assert len(response.context["cohorten"]) == 0


def test_last_sync_date_is_shown(client):
    SyncStatus.objects.create(
        bron="rio-api", laatste_volledige_sync=datetime.datetime(2026, 11, 20, 2, 30, tzinfo=datetime.UTC)
    )
    content = client.get("/").content.decode()
    assert "bijgewerkt uit RIO op 20 november 2026" in content


def test_htmx_request_gets_only_the_results_fragment(client):
    OpleidingFactory(wervingsnaam="Kok")
    response = client.get("/", {"q": "kok"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "1 opleiding gevonden" in body


def test_english_translation(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert 'lang="en"' in body
    assert "Find your mbo programme" in body


def test_no_results_says_so(client):
    body = client.get("/", {"q": "bestaatniet"}).content.decode()
    assert "0 opleidingen gevonden" in body
    assert "Geen opleidingen gevonden" in body


def test_dutch_by_default_even_for_an_english_browser(client):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="nl"' in body and "Vind je mbo-opleiding" in body


def test_a_result_list_is_served_from_the_cache_until_the_catalogue_changes(client):
    """The same search again costs no catalogue query; a saved programme, a whitelist change or an import shows at
    the next search, not a minute later."""
    kok = OpleidingFactory(wervingsnaam="Kok")
    assert results(client, q="kok") == {kok.code}
    with CaptureQueriesContext(connection) as gezien:
        assert results(client, q="kok") == {kok.code}
    assert not [q for q in gezien.captured_queries if "catalogus_aangebodenopleiding" in q["sql"]]

    tweede = OpleidingFactory(wervingsnaam="Kok gespecialiseerd")  # post_save of the programme
    assert results(client, q="kok") == {kok.code, tweede.code}

    instelling = tweede.aanbieder.instelling
    instelling.whitelist_actief = True
    instelling.save()
    assert results(client, q="kok") == {kok.code}
    instelling.whitelist.add(tweede)  # m2m_changed
    assert results(client, q="kok") == {kok.code, tweede.code}

    from voorzieningen.catalogus import services

    type(tweede).objects.filter(pk=tweede.pk).update(actief=False)  # as a bulk import writes: no signal
    assert results(client, q="kok") == {kok.code, tweede.code}  # the cached list, until the import says so
    services.catalogus_gewijzigd()  # what run_import does after applying a batch
    assert results(client, q="kok") == {kok.code}


def test_a_cached_result_list_is_per_language_and_per_page(client):
    for i in range(25):
        OpleidingFactory(wervingsnaam=f"Opleiding {i:02d}")
    eerste, tweede = results(client), results(client, pagina=2)
    assert len(eerste) == 20 and len(tweede) == 5 and not eerste & tweede
    assert "25 opleidingen gevonden" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "25 programmes found" in client.get("/").content.decode()
    assert "25 programmes found" in client.get("/", HTTP_HX_REQUEST="true").content.decode()


def test_a_broken_cache_costs_the_saving_not_the_page(client, monkeypatch):
    from django.core.cache import cache

    kok = OpleidingFactory(wervingsnaam="Kok")

    def kapot(*args, **kwargs):
        raise ConnectionError("redis weg")

    for naam in ("get", "set", "get_or_set"):
        monkeypatch.setattr(cache, naam, kapot)
    assert results(client, q="kok") == {kok.code}
    tweede = OpleidingFactory(wervingsnaam="Kok gespecialiseerd")  # saving still works: the signal cannot fail it
    assert results(client, q="kok") == {kok.code, tweede.code}
