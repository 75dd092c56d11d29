"""Pages: the analyses render with their explanation and pass the strict CSP; institutions act only for
themselves; staff run the ladder in the admin."""

import datetime
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

import pytest

from voorzieningen.conftest import verifieer_2fa
from voorzieningen.portfolio import ladder, overleg
from voorzieningen.portfolio.models import BindendeAfspraak, Casus, Regieinstellingen, Stapdocument, Trede

from .factories import InstellingFactory, LidmaatschapFactory, bevolking, bied_aan, schrijf_in
from .test_overleg import aankondiging, beheerder

INGANG = (datetime.date.today() + datetime.timedelta(days=300)).isoformat()
PAGINAS = {
    "portfolio:start": "De criteria",
    "portfolio:kaart": "Hoe komt deze kaart tot stand?",
    "portfolio:overlap": "Hoe wordt overlap bepaald?",
    "portfolio:bereikbaarheid": "Hoe wordt bereikbaarheid berekend?",
    "portfolio:signalen": "Wanneer is iets een signaal?",
    "portfolio:impact": "Hoe wordt de impact berekend?",
}


def zonder_inline_code(html: str) -> None:
    """The strict CSP refuses inline styles and scripts: none may be on the page."""
    assert " style=" not in html and "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


@pytest.fixture
def portfolio(wereld):
    w = wereld
    a = bied_aan(w.roc_a, w.kok, w.utrecht)
    b = bied_aan(w.roc_b, w.kok, w.utrecht)
    bied_aan(w.roc_b, w.ict, w.groningen)
    schrijf_in(a, 2025, 60)
    schrijf_in(b, 2025, 3)  # a small number: shown as '< 5'
    bevolking(w.utrecht, 2026, 2000)
    return w


@pytest.mark.parametrize(("naam", "uitleg"), PAGINAS.items())
def test_the_analysis_pages_render_with_their_explanation(client, portfolio, naam, uitleg):
    response = client.get(reverse(naam))
    assert response.status_code == 200
    html = response.content.decode()
    assert uitleg in html
    zonder_inline_code(html)


def test_the_map_draws_the_country_and_the_offerings(client, portfolio):
    html = client.get(reverse("portfolio:kaart")).content.decode()
    assert html.count('class="pf-gemeente"') == 5  # every municipality as a background dot
    assert html.count('class="pf-stip"') == 4  # three locations with offerings, and the legend
    assert "&lt; 5" in html  # 3 students at ROC B: suppressed
    assert re.search(r'cx="\d+\.\d"', html)  # coordinates with a decimal point, never a comma


def test_a_filter_with_an_unknown_crebo_says_so(client, portfolio):
    html = client.get(reverse("portfolio:kaart"), {"crebo": "12345"}).content.decode()
    assert "Crebo 12345 is niet bekend." in html


def test_overlap_and_accessibility_follow_the_filter(client, portfolio):
    html = client.get(reverse("portfolio:overlap"), {"modus": "gemeente"}).content.decode()
    assert "25180 Kok" in html and "ROC A" in html
    html = client.get(reverse("portfolio:bereikbaarheid"), {"crebo": "25180"}).content.decode()
    assert "Groningen" in html and "norm 45" in html


def test_the_impact_page_computes_on_request(client, portfolio):
    w = portfolio
    response = client.get(
        reverse("portfolio:impact"),
        {"soort": "stop", "instelling": w.roc_a.pk, "crebo": "25180", "gemeente": w.utrecht.pk},
    )
    html = response.content.decode()
    assert "Uitkomst" in html and "Overlap vooraf" in html
    html = client.get(
        reverse("portfolio:impact"),
        {"soort": "uitruilen", "instelling": w.roc_a.pk, "crebo": "25180", "gemeente": w.utrecht.pk},
    ).content.decode()
    assert "Kies de partnerinstelling." in html


# --- institution admins -------------------------------------------------------------------------------------


@pytest.fixture
def beheer_a(portfolio):
    return verifieer_2fa(Client(), beheerder(portfolio.roc_a, "a@roc.example"))


@pytest.fixture
def beheer_b(portfolio):
    return verifieer_2fa(Client(), beheerder(portfolio.roc_b, "b@roc.example"))


@pytest.fixture
def casus(portfolio, outbox_direct):
    ingang = datetime.date.today() + datetime.timedelta(days=300)
    return overleg.kondig_aan(portfolio.roc_a, aankondiging(portfolio, beoogde_ingang=ingang))


def test_institution_pages_need_a_verified_admin(client, portfolio, admin_client):
    response = client.get(reverse("portfolio:casussen"))
    assert response.status_code == 302 and "/beheer/inloggen/" in response["Location"]
    assert admin_client.get(reverse("portfolio:casussen")).status_code == 403  # staff are no institution admin


def test_announcing_through_the_form(beheer_a, portfolio, outbox_direct):
    w = portfolio
    url = reverse("portfolio:aankondigen")
    assert beheer_a.get(url).status_code == 200
    response = beheer_a.post(
        url,
        {
            "soort": "start",
            "crebo": "25180",
            "gemeente": w.utrecht.pk,
            "beoogde_ingang": INGANG,
            "motivering": "Meer vraag",
        },
    )
    assert "biedt 25180 Kok al aan in Utrecht" in response.content.decode()
    response = beheer_a.post(
        url,
        {
            "soort": "stop",
            "crebo": "25180",
            "gemeente": w.utrecht.pk,
            "beoogde_ingang": INGANG,
            "motivering": "Te weinig studenten",
        },
    )
    casus = Casus.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("portfolio:casus", args=[casus.pk])
    assert casus.instelling == w.roc_a and casus.aangemaakt_door.email == "a@roc.example"


def test_an_institution_announces_only_for_itself(beheer_a, portfolio, outbox_direct):
    """There is no field to choose the institution: a posted one is ignored."""
    w = portfolio
    beheer_a.post(
        reverse("portfolio:aankondigen"),
        {
            "soort": "stop",
            "crebo": "25604",
            "gemeente": w.groningen.pk,
            "beoogde_ingang": INGANG,
            "motivering": "x",
            "instelling": w.roc_b.pk,
        },
    )
    assert not Casus.objects.exists()  # ROC A does not offer 25604 in Groningen; ROC B's offering is not A's


def test_a_case_is_visible_to_its_parties_only(casus, beheer_a, beheer_b, portfolio):
    url = reverse("portfolio:casus", args=[casus.pk])
    assert beheer_a.get(url).status_code == 200
    html = beheer_b.get(url).content.decode()
    assert "Reactie plaatsen" in html
    zonder_inline_code(html)
    buitenstaander = InstellingFactory(naam="ROC Elders")
    elders = verifieer_2fa(Client(), beheerder(buitenstaander, "x@roc.example"))
    assert elders.get(url).status_code == 404
    assert elders.post(url, {"actie": "bericht", "bericht-tekst": "hallo"}).status_code == 404


def test_responding_and_the_announcer_cannot_respond_to_itself(casus, beheer_a, beheer_b):
    url = reverse("portfolio:casus", args=[casus.pk])
    response = beheer_b.post(url, {"actie": "reactie", "reactie-standpunt": "bezwaar", "reactie-tekst": "Te ver"})
    assert response.status_code == 302
    assert casus.bijdragen.get().standpunt == "bezwaar"
    response = beheer_a.post(url, {"actie": "reactie", "reactie-standpunt": "geen_bezwaar", "reactie-tekst": "ok"})
    assert "niet betrokken" in response.content.decode()
    response = beheer_a.post(url, {"actie": "sluiten"}, follow=True)
    assert "reactietermijn loopt nog" in response.content.decode()
    response = beheer_a.post(url, {"actie": "bericht", "bericht-tekst": ""})
    assert response.status_code == 200 and "Dit veld is vereist." in response.content.decode()


def test_withdrawing_and_asking_for_escalation_through_the_page(casus, beheer_a, beheer_b):
    url = reverse("portfolio:casus", args=[casus.pk])
    beheer_b.post(url, {"actie": "verzoek", "verzoek-tekst": "We komen er niet uit"})
    assert casus.bijdragen.filter(soort="verzoek").count() == 1
    beheer_a.post(url, {"actie": "intrekken", "intrekken-tekst": "Toch niet"})
    casus.refresh_from_db()
    assert casus.status == Casus.Status.INGETROKKEN


def test_case_list(casus, beheer_a, beheer_b):
    for client in (beheer_a, beheer_b):
        assert casus.nummer in client.get(reverse("portfolio:casussen")).content.decode()


# --- documents ----------------------------------------------------------------------------------------------------


def test_documents_only_for_staff_and_parties(casus, beheer_b, admin_client, client, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    stap = casus.stappen.get()
    document = ladder.voeg_document_toe(stap, "Verslag", SimpleUploadedFile("verslag.pdf", b"%PDF-1.4"))
    link = ladder.voeg_document_toe(stap, "Advies", url="https://example.nl/advies.pdf")
    url = reverse("portfolio:document", args=[document.pk])
    assert b"".join(admin_client.get(url).streaming_content) == b"%PDF-1.4"
    assert b"".join(beheer_b.get(url).streaming_content) == b"%PDF-1.4"
    assert client.get(url).status_code == 404
    elders = verifieer_2fa(Client(), beheerder(InstellingFactory(), "x@roc.example"))
    assert elders.get(url).status_code == 404
    assert admin_client.get(reverse("portfolio:document", args=[link.pk]))["Location"] == link.url
    assert Stapdocument.objects.count() == 2


# --- staff ----------------------------------------------------------------------------------------------------------


def test_the_dashboard_is_for_staff(casus, admin_client, client):
    response = admin_client.get(reverse("portfolio:regie"))
    assert response.status_code == 200 and casus.nummer in response.content.decode()
    assert client.get(reverse("portfolio:regie")).status_code == 302  # to the admin login


def test_the_ladder_page_runs_the_services(casus, admin_client):
    url = reverse("admin:portfolio_casus_ladder", args=[casus.pk])
    assert admin_client.get(url).status_code == 200
    vandaag = datetime.date.today().isoformat()
    admin_client.post(url, {"actie": "afronden", "afronden-uitkomst": "geen_vergelijk", "afronden-datum": vandaag})
    assert ladder.huidige_stap(casus).is_afgerond
    response = admin_client.post(url, {"actie": "evaluatie_start", "evaluatie_start-datum": vandaag})
    assert "escaleer naar de volgende trede" in response.content.decode()  # the service's Dutch refusal
    admin_client.post(url, {"actie": "escaleren", "escaleren-datum": vandaag})
    assert ladder.huidige_stap(casus).trede == Trede.ADVIES
    admin_client.post(url, {"actie": "bericht", "bericht-tekst": "Gesprek gepland"})
    assert casus.bijdragen.filter(soort="regie").exists()
    assert "Gesprek gepland" in admin_client.get(url).content.decode()


def test_the_case_admin_lists_and_links_the_ladder(casus, admin_client):
    html = admin_client.get(reverse("admin:portfolio_casus_changelist")).content.decode()
    assert casus.nummer in html and reverse("admin:portfolio_casus_ladder", args=[casus.pk]) in html
    assert admin_client.get(reverse("admin:portfolio_casus_change", args=[casus.pk])).status_code == 200


def test_settings_are_one_row(admin_client, db):
    response = admin_client.get(reverse("admin:portfolio_regieinstellingen_changelist"))
    assert response.status_code == 302
    assert admin_client.get(response["Location"]).status_code == 200
    assert Regieinstellingen.objects.count() == 1


def test_binding_agreement_vote_through_the_admin_actions(admin_client, db):
    leden = [LidmaatschapFactory().instelling for _ in range(3)]
    afspraak = BindendeAfspraak.objects.create(titel="Afspraak", tekst="…", stemdatum=datetime.date(2026, 6, 1))
    changelist = reverse("admin:portfolio_bindendeafspraak_changelist")
    admin_client.post(changelist, {"action": "open_stemming", "_selected_action": [afspraak.pk]})
    afspraak.refresh_from_db()
    assert afspraak.status == "in_stemming"
    change = reverse("admin:portfolio_bindendeafspraak_change", args=[afspraak.pk])
    assert "Aangenomen bij ten minste 2/3" in admin_client.get(change).content.decode()
    data = {
        "stemmen-TOTAL_FORMS": "2",
        "stemmen-INITIAL_FORMS": "0",
        "stemmen-MIN_NUM_FORMS": "0",
        "stemmen-MAX_NUM_FORMS": "1000",
        "stemmen-0-instelling": leden[0].pk,
        "stemmen-0-keuze": "voor",
        "stemmen-1-instelling": InstellingFactory().pk,
        "stemmen-1-keuze": "voor",
        "_save": "Opslaan",
    }
    response = admin_client.post(change, data, follow=True)
    assert "geen lid van de vereniging" in response.content.decode()
    assert afspraak.stemmen.count() == 1
    admin_client.post(changelist, {"action": "sluit_stemming", "_selected_action": [afspraak.pk]})
    afspraak.refresh_from_db()
    assert afspraak.status == "verworpen"  # 1 of 3 members for: below 2/3 of all members


@pytest.mark.parametrize("naam", PAGINAS)
def test_the_pages_render_on_an_empty_database(client, db, naam):
    assert client.get(reverse(naam)).status_code == 200


@pytest.mark.parametrize("naam", ["gemeenten", "aanbod", "overlap", "bereikbaarheid", "signalen"])
def test_the_api_answers_on_an_empty_database(client, db, naam):
    assert client.get(reverse(f"api-portfolio-{naam}")).status_code == 200
