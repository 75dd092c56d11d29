"""Meeting pages: the representative's personal link, and the staff's pages in the admin."""

import datetime
import re

from django.utils import timezone

import pytest

from voorzieningen.cooperatie import av
from voorzieningen.cooperatie.models import Aanwezigheid, Bestuurslid, Stem, Vergadering, Voorstel
from voorzieningen.core.models import AuditLogEntry
from voorzieningen.core.services import Actor

from .factories import (
    AgendapuntFactory,
    BestuurslidFactory,
    CooperatieFactory,
    LidFactory,
    VergaderingFactory,
    VertegenwoordigerFactory,
    VoorstelFactory,
)

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")


@pytest.fixture
def opzet():
    cooperatie = CooperatieFactory()
    leden = [LidFactory(cooperatie=cooperatie, naam=f"ROC {i}") for i in range(3)]
    for lid in leden:
        VertegenwoordigerFactory(lid=lid)
    vergadering = VergaderingFactory(cooperatie=cooperatie)
    punt = AgendapuntFactory(vergadering=vergadering, titel="Begroting", toelichting="De begroting voor 2027.")
    voorstel = VoorstelFactory(vergadering=vergadering, agendapunt=punt, titel="Begroting 2027 vaststellen")
    verstuurd, _z = av.stuur_links(vergadering, actor=ACTOR)
    tokens = {link.lid_id: token for link, token in verstuurd}
    return {
        "cooperatie": cooperatie,
        "leden": leden,
        "vergadering": vergadering,
        "voorstel": voorstel,
        "tokens": tokens,
    }


def _url(token, rest=""):
    return f"/cooperatie/vergadering/{token}/{rest}"


def test_the_meeting_page_shows_agenda_and_the_advance_vote_form(client, opzet):
    token = opzet["tokens"][opzet["leden"][0].pk]
    pagina = client.get(_url(token))
    assert pagina.status_code == 200
    assert "Begroting 2027 vaststellen" in pagina.text and "De begroting voor 2027." in pagina.text
    assert "Vooraf stemmen" in pagina.text and 'type="radio"' in pagina.text
    assert "namens ROC 0" in pagina.text
    assert AuditLogEntry.objects.filter(action="read", reason__startswith="Vertegenwoordiger bekijkt").exists()
    assert "no-cache" in pagina.headers.get("Cache-Control", "") or "max-age=0" in pagina.headers.get(
        "Cache-Control", ""
    )


def test_casting_an_advance_vote_through_the_page(client, opzet):
    token = opzet["tokens"][opzet["leden"][0].pk]
    voorstel = opzet["voorstel"]
    antwoord = client.post(_url(token), {f"voorstel_{voorstel.pk}": "tegen"}, follow=True)
    assert "Uw stemmen zijn opgeslagen: 1 van de 1" in antwoord.text
    stem = Stem.objects.get(voorstel=voorstel, lid=opzet["leden"][0])
    assert (stem.keuze, stem.wijze) == ("tegen", "vooraf")
    assert "tegen (vooraf uitgebracht)" in antwoord.text
    assert re.search(r'value="tegen"[^>]*checked', antwoord.text)  # the form shows the current advance vote


def test_after_the_meeting_opened_the_form_is_gone_and_a_post_is_refused(client, opzet):
    token = opzet["tokens"][opzet["leden"][0].pk]
    av.open_vergadering(opzet["vergadering"], actor=ACTOR)
    pagina = client.get(_url(token))
    assert 'type="radio"' not in pagina.text
    antwoord = client.post(_url(token), {f"voorstel_{opzet['voorstel'].pk}": "voor"}, follow=True)
    assert "de vergadering is begonnen" in antwoord.text
    assert not Stem.objects.exists()


def test_the_result_page_explains_the_rule(client, opzet):
    leden, voorstel = opzet["leden"], opzet["voorstel"]
    av.open_vergadering(opzet["vergadering"], actor=ACTOR)
    av.registreer_stem(voorstel, leden[0], "voor", actor=ACTOR)
    av.registreer_stem(voorstel, leden[1], "voor", actor=ACTOR)
    av.registreer_stem(voorstel, leden[2], "tegen", actor=ACTOR)
    av.sluit_stemming(voorstel, actor=ACTOR)
    token = opzet["tokens"][leden[0].pk]
    assert client.get(_url(token)).text.count("aangenomen") >= 1
    pagina = client.get(_url(token, f"uitslag/{voorstel.pk}/"))
    assert pagina.status_code == 200
    assert "Het voorstel is aangenomen" in pagina.text
    assert '<dd class="utrecht-data-list__item-value" id="voor">2</dd>' in pagina.text
    assert '<dd class="utrecht-data-list__item-value" id="tegen">1</dd>' in pagina.text
    assert "Zo wordt besloten" in pagina.text and "ten minste 2/3 van de deelnemende leden" in pagina.text
    assert "Er geldt geen quorum" in pagina.text


def test_an_open_proposal_has_no_result_page_and_another_cooperatives_is_hidden(client, opzet):
    token = opzet["tokens"][opzet["leden"][0].pk]
    assert client.get(_url(token, f"uitslag/{opzet['voorstel'].pk}/")).status_code == 404
    vreemd = VoorstelFactory(status=Voorstel.Status.GESLOTEN, uitslag=Voorstel.Uitslag.AANGENOMEN)
    assert client.get(_url(token, f"uitslag/{vreemd.pk}/")).status_code == 404


def test_decisions_list_and_published_minutes(client, opzet):
    vergadering, voorstel, leden = opzet["vergadering"], opzet["voorstel"], opzet["leden"]
    av.open_vergadering(vergadering, actor=ACTOR)
    av.registreer_stem(voorstel, leden[0], "voor", actor=ACTOR)
    av.sluit_stemming(voorstel, actor=ACTOR)
    av.sluit_vergadering(vergadering, actor=ACTOR)
    token = opzet["tokens"][leden[1].pk]
    lijst = client.get(_url(token, "besluitenlijst/"))
    assert "Begroting 2027 vaststellen" in lijst.text and "Er zijn nog geen notulen gepubliceerd" in lijst.text
    assert client.get(_url(token, f"notulen/{vergadering.pk}/")).status_code == 404
    vergadering.notulen = "De vergadering stemt in met de begroting."
    vergadering.save()
    av.publiceer_notulen(vergadering, actor=ACTOR)
    notulen = client.get(_url(token, f"notulen/{vergadering.pk}/"))
    assert notulen.status_code == 200 and "stemt in met de begroting" in notulen.text
    assert "1 voor, 0 tegen, 0 onthouding" in notulen.text


def test_unknown_link_and_former_member(client, opzet):
    assert client.get(_url("onzin")).status_code == 404
    lid = opzet["leden"][2]
    lid.einddatum = timezone.localdate() - datetime.timedelta(days=1)
    lid.begindatum = datetime.date(2020, 1, 1)
    lid.save()
    vergadering = opzet["vergadering"]
    vergadering.aanvang = timezone.now() + datetime.timedelta(days=30)
    vergadering.save()
    pagina = client.get(_url(opzet["tokens"][lid.pk]))
    assert pagina.status_code == 410 and "geen lid meer" in pagina.text


# --- staff ---------------------------------------------------------------------------------------------------


def test_staff_open_record_attendance_vote_and_close(admin_client, opzet):
    vergadering, voorstel, leden = opzet["vergadering"], opzet["voorstel"], opzet["leden"]
    av.stem_vooraf(av.link_voor(opzet["tokens"][leden[0].pk]), {voorstel.pk: "voor"})
    url = f"/admin/cooperatie/vergadering/{vergadering.pk}/afhandelen/"
    pagina = admin_client.get(url)
    assert pagina.status_code == 200 and "Vergadering openen" in pagina.text
    rapport = "/admin/cooperatie/contract/av-rapport/"
    rapport += f"?cooperatie={vergadering.cooperatie_id}&amp;jaar={vergadering.jaar}"
    assert rapport in pagina.text  # the contracts and their yearly check, for this assembly
    admin_client.post(url, {"actie": "open"})
    vergadering.refresh_from_db()
    assert vergadering.status == Vergadering.Status.GEOPEND
    admin_client.post(url, {"actie": "aanwezigheid", "aanwezig": [str(leden[1].pk), str(leden[2].pk)]})
    assert set(Aanwezigheid.objects.values_list("lid", flat=True)) == {leden[1].pk, leden[2].pk}

    stemming = f"/admin/cooperatie/voorstel/{voorstel.pk}/stemming/"
    pagina = admin_client.get(stemming)
    assert "voor (vooraf uitgebracht)" in pagina.text and "Tussenstand: 1 voor" in pagina.text
    admin_client.post(
        stemming,
        {
            f"lid_{leden[0].pk}": "voor",
            f"lid_{leden[1].pk}": "voor",
            f"lid_{leden[2].pk}": "onthouding",
            "actie": "sluiten",
        },
    )
    voorstel.refresh_from_db()
    assert (voorstel.uitslag, voorstel.consensus, voorstel.voor, voorstel.onthouding) == ("aangenomen", True, 2, 1)
    assert Stem.objects.get(lid=leden[0]).wijze == "vooraf"  # unchanged in the form: the advance vote stays
    assert "bij consensus" in admin_client.get(stemming).text

    admin_client.post(url, {"actie": "sluit"})
    vergadering.refresh_from_db()
    assert vergadering.status == Vergadering.Status.GESLOTEN


def test_staff_see_the_error_when_closing_too_early(admin_client, opzet):
    vergadering = opzet["vergadering"]
    av.open_vergadering(vergadering, actor=ACTOR)
    antwoord = admin_client.post(
        f"/admin/cooperatie/vergadering/{vergadering.pk}/afhandelen/", {"actie": "sluit"}, follow=True
    )
    assert "Sluit eerst de stemming over: Begroting 2027 vaststellen" in antwoord.text


def test_the_voting_page_refuses_votes_before_the_meeting_opened(admin_client, opzet):
    voorstel, leden = opzet["voorstel"], opzet["leden"]
    pagina = admin_client.get(f"/admin/cooperatie/voorstel/{voorstel.pk}/stemming/")
    assert "pas als de vergadering is geopend" in pagina.text
    admin_client.post(f"/admin/cooperatie/voorstel/{voorstel.pk}/stemming/", {f"lid_{leden[0].pk}": "voor"})
    assert not Stem.objects.exists()


def test_the_changelist_warns_about_the_years_plan(admin_client, opzet):
    pagina = admin_client.get("/admin/cooperatie/vergadering/", follow=True)
    assert pagina.status_code == 200
    jaar = timezone.localdate().year
    if opzet["vergadering"].jaar == jaar:
        assert f"voor {jaar} staan 1 vergaderingen" in pagina.text
    else:
        assert f"voor {jaar} staan 0 vergaderingen" in pagina.text


def test_staff_add_a_meeting_with_agenda_and_proposal_and_get_the_warning(admin_client):
    cooperatie = CooperatieFactory()
    antwoord = admin_client.post(
        "/admin/cooperatie/vergadering/add/",
        {
            "cooperatie": cooperatie.pk,
            "orgaan": "av",
            "soort": "regulier",
            "aanvang_0": "2031-03-01",
            "aanvang_1": "14:00",
            "locatie": "Utrecht",
            "agendapunten-TOTAL_FORMS": "1",
            "agendapunten-INITIAL_FORMS": "0",
            "agendapunten-0-volgnummer": "1",
            "agendapunten-0-titel": "Opening",
            "voorstellen-TOTAL_FORMS": "1",
            "voorstellen-INITIAL_FORMS": "0",
            "voorstellen-0-volgnummer": "1",
            "voorstellen-0-titel": "Jaarplan 2032",
            "voorstellen-0-soort": "besluit",
        },
        follow=True,
    )
    assert antwoord.status_code == 200
    vergadering = Vergadering.objects.get(cooperatie=cooperatie)
    assert vergadering.agendapunten.count() == 1 and vergadering.voorstellen.get().titel == "Jaarplan 2032"
    assert "voor 2031 staan 1 vergaderingen" in antwoord.text


def test_an_appointment_of_a_non_representative_is_refused_in_the_admin(admin_client, opzet):
    vergadering = opzet["vergadering"]
    from .factories import ContactpersoonFactory

    geen = ContactpersoonFactory(lid=opzet["leden"][0])
    voorstel = opzet["voorstel"]
    data = {
        "cooperatie": vergadering.cooperatie_id,
        "orgaan": "av",
        "soort": "regulier",
        "aanvang_0": timezone.localtime(vergadering.aanvang).strftime("%Y-%m-%d"),
        "aanvang_1": "14:00",
        "locatie": "Utrecht",
        "notulen": "",
        "agendapunten-TOTAL_FORMS": "0",
        "agendapunten-INITIAL_FORMS": "0",
        "voorstellen-TOTAL_FORMS": "2",
        "voorstellen-INITIAL_FORMS": "1",
        "voorstellen-0-id": voorstel.pk,
        "voorstellen-0-vergadering": vergadering.pk,
        "voorstellen-0-volgnummer": "1",
        "voorstellen-0-titel": voorstel.titel,
        "voorstellen-0-soort": "besluit",
        "voorstellen-1-volgnummer": "2",
        "voorstellen-1-titel": "Benoeming",
        "voorstellen-1-soort": "benoeming",
        "voorstellen-1-kandidaat": geen.pk,
    }
    antwoord = admin_client.post(f"/admin/cooperatie/vergadering/{vergadering.pk}/change/", data)
    assert antwoord.status_code == 200 and "geen vertegenwoordiger" in antwoord.text
    assert vergadering.voorstellen.count() == 1


def test_staff_record_the_chair_election(admin_client):
    cooperatie = CooperatieFactory()
    a, b, c = BestuurslidFactory.create_batch(3, cooperatie=cooperatie)
    url = f"/admin/cooperatie/bestuurslid/voorzitter/{cooperatie.pk}/"
    assert "ten minste 2 stemmen" in admin_client.get(url).text
    geen = admin_client.post(url, {"datum": "2026-05-01", f"stem_{a.pk}": a.pk, f"stem_{b.pk}": b.pk})
    assert "Geen meerderheid" in geen.text
    admin_client.post(url, {"datum": "2026-05-01", f"stem_{a.pk}": c.pk, f"stem_{b.pk}": c.pk, f"stem_{c.pk}": a.pk})
    assert Bestuurslid.objects.get(voorzitter=True) == c
    assert "Voorzitter kiezen" in admin_client.get("/admin/cooperatie/bestuurslid/").text


def test_staff_send_links_from_the_meeting_page(admin_client, outbox_direct, mailoutbox):
    cooperatie = CooperatieFactory()
    VertegenwoordigerFactory(lid=LidFactory(cooperatie=cooperatie))
    LidFactory(cooperatie=cooperatie, naam="ROC Zonder")
    vergadering = VergaderingFactory(cooperatie=cooperatie)
    antwoord = admin_client.post(
        f"/admin/cooperatie/vergadering/{vergadering.pk}/afhandelen/", {"actie": "links"}, follow=True
    )
    assert "1 links verstuurd" in antwoord.text and "ROC Zonder" in antwoord.text
    assert len(mailoutbox) == 1
