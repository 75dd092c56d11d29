"""The start/stop consultation: who is concerned, what may be announced, who may respond, closing and withdrawing."""

import datetime

import pytest

from voorzieningen.identiteit.models import User
from voorzieningen.instellingen.models import Instellingsbeheerder
from voorzieningen.portfolio import data as portfoliodata
from voorzieningen.portfolio import overleg
from voorzieningen.portfolio.models import Betrokkene, Bijdrage, Casus, Escalatiestap, Soort, Specialisme, Trede
from voorzieningen.portfolio.overleg import Aankondiging, OverlegFout

from .factories import bied_aan

VANDAAG = datetime.date(2026, 3, 1)


def beheerder(instelling, email):
    user = User.objects.create_user(username=email, email=email, password="x" * 16)
    Instellingsbeheerder.objects.create(user=user, instelling=instelling)
    return user


def aankondiging(w, soort=Soort.STOP, kwal=None, gemeente=None, **extra):
    return Aankondiging(
        soort=soort,
        kwalificatie=kwal or w.kok,
        gemeente=gemeente or w.utrecht,
        beoogde_ingang=extra.pop("beoogde_ingang", datetime.date(2027, 8, 1)),
        motivering=extra.pop("motivering", "Te weinig studenten."),
        **extra,
    )


@pytest.fixture
def stop(wereld):
    """ROC A stops cooking in Utrecht; ROC B offers it in Zeist (8 km), ROC C has a location in the region."""
    w = wereld
    bied_aan(w.roc_a, w.kok, w.utrecht)
    bied_aan(w.roc_b, w.kok, w.zeist)
    bied_aan(w.roc_c, w.ict, w.amersfoort)
    return w


def test_who_is_concerned(stop):
    w = stop
    bied_aan(w.roc_c, w.kok, w.groningen)  # far away: not for a regional programme
    data = portfoliodata.laad(vandaag=VANDAAG)
    betrokken = overleg.betrokken_instellingen(data, w.roc_a.pk, w.kok.pk, w.utrecht.code)
    assert betrokken == {w.roc_b.pk: ["regio", "opleiding"], w.roc_c.pk: ["regio"]}


def test_same_programme_across_a_corop_border_within_the_norm(wereld):
    w = wereld
    bied_aan(w.roc_a, w.ict, w.groningen)
    bied_aan(w.roc_b, w.ict, w.delfzijl)  # 27 km, other COROP region, within the level-4 norm
    data = portfoliodata.laad(vandaag=VANDAAG)
    assert overleg.betrokken_instellingen(data, w.roc_a.pk, w.ict.pk, w.groningen.code) == {w.roc_b.pk: ["opleiding"]}


def test_specialist_programme_concerns_the_whole_country(stop):
    w = stop
    bied_aan(w.roc_c, w.kok, w.groningen)
    Specialisme.objects.create(kwalificatie=w.kok, onderbouwing="Landelijke arbeidsmarkt")
    data = portfoliodata.laad(vandaag=VANDAAG)
    betrokken = overleg.betrokken_instellingen(data, w.roc_a.pk, w.kok.pk, w.utrecht.code)
    assert betrokken[w.roc_c.pk] == ["regio", "sector"]


def test_the_partner_is_concerned(stop):
    data = portfoliodata.laad(vandaag=VANDAAG)
    betrokken = overleg.betrokken_instellingen(data, stop.roc_a.pk, stop.kok.pk, stop.groningen.code, stop.roc_c.pk)
    assert betrokken == {stop.roc_c.pk: ["partner"]}


def test_announcing_opens_the_dialogue_records_impact_and_mails_the_concerned(stop, outbox_direct, mailoutbox):
    w = stop
    beheerder(w.roc_b, "b@roc.example")
    casus = overleg.kondig_aan(w.roc_a, aankondiging(w), vandaag=VANDAAG)
    assert casus.status == Casus.Status.OPEN
    assert casus.reactie_uiterlijk == VANDAAG + datetime.timedelta(days=42)
    assert [(s.trede, s.gestart_op) for s in casus.stappen.all()] == [(Trede.DIALOOG, VANDAAG)]
    assert set(casus.betrokkenen.values_list("instelling__naam", flat=True)) == {"ROC B", "ROC C"}
    assert casus.betrokkenen.get(instelling=w.roc_b).genotificeerd_op is not None
    assert casus.betrokkenen.get(instelling=w.roc_c).genotificeerd_op is None  # no admin to mail
    assert casus.impact["kwalificaties"][0]["crebo"] == "25180"
    aan = sorted(m.to[0] for m in mailoutbox)
    assert aan == ["b@roc.example", "portfolioregie@mbovoorzieningen.example"]
    mail = next(m for m in mailoutbox if m.to == ["b@roc.example"])
    assert casus.nummer in mail.subject and f"/portfolio/instelling/casus/{casus.pk}/" in mail.body


@pytest.mark.parametrize(
    ("wijziging", "veld"),
    [
        ({"beoogde_ingang": VANDAAG}, "beoogde_ingang"),  # an announcement precedes the fact
        ({"motivering": "  "}, "motivering"),
        ({"soort": Soort.UITRUILEN}, "partner"),  # exchange needs a partner
        ({"soort": Soort.AFSCHALEN}, "capaciteit_wijziging"),
        ({"soort": Soort.AFSCHALEN, "capaciteit_wijziging": 10}, "capaciteit_wijziging"),  # scale down is negative
        ({"soort": Soort.UITBREIDEN, "capaciteit_wijziging": -10}, "capaciteit_wijziging"),
        ({"soort": Soort.START}, "kwalificatie"),  # ROC A already offers it in Utrecht
        ({"gemeente": "zeist"}, "kwalificatie"),  # ROC A does not offer it in Zeist: nothing to stop
    ],
)
def test_announcement_rules(stop, wijziging, veld):
    w = stop
    if wijziging.get("gemeente") == "zeist":
        wijziging["gemeente"] = w.zeist
    fouten = overleg.controleer(w.roc_a, aankondiging(w, **wijziging), VANDAAG)
    assert veld in fouten
    with pytest.raises(OverlegFout):
        overleg.kondig_aan(w.roc_a, aankondiging(w, **wijziging), vandaag=VANDAAG)


def test_a_partner_must_be_another_institution_and_only_for_exchange_or_joint(stop):
    w = stop
    assert "partner" in overleg.controleer(w.roc_a, aankondiging(w, soort=Soort.SAMEN, partner=w.roc_a), VANDAAG)
    assert "partner" in overleg.controleer(w.roc_a, aankondiging(w, partner=w.roc_b), VANDAAG)
    assert "ruil_kwalificatie" in overleg.controleer(w.roc_a, aankondiging(w, ruil_kwalificatie=w.ict), VANDAAG)
    assert overleg.controleer(w.roc_a, aankondiging(w, soort=Soort.UITRUILEN, partner=w.roc_b), VANDAAG) == {}


def test_only_the_concerned_respond_and_the_latest_position_counts(stop, outbox_direct, mailoutbox):
    w = stop
    beheerder(w.roc_a, "a@roc.example")
    casus = overleg.kondig_aan(w.roc_a, aankondiging(w), vandaag=VANDAAG)
    with pytest.raises(OverlegFout, match="niet betrokken"):
        overleg.reageer(casus, w.roc_a, Bijdrage.Standpunt.BEZWAAR, "eigen casus")
    with pytest.raises(OverlegFout, match="standpunt"):
        overleg.reageer(casus, w.roc_b, "onzin", "tekst")
    with pytest.raises(OverlegFout, match="Licht"):
        overleg.reageer(casus, w.roc_b, Bijdrage.Standpunt.BEZWAAR, " ")
    overleg.reageer(casus, w.roc_b, Bijdrage.Standpunt.BEZWAAR, "Te lange reistijd")
    assert overleg.openstaande_bezwaren(casus) == [w.roc_b]
    assert any(m.to == ["a@roc.example"] and "Reactie" in m.subject for m in mailoutbox)
    overleg.reageer(casus, w.roc_b, Bijdrage.Standpunt.GEEN_BEZWAAR, "Opgelost: wij nemen de studenten over")
    assert overleg.openstaande_bezwaren(casus) == []


def test_messages_only_from_parties(stop, outbox_direct):
    w = stop
    casus = overleg.kondig_aan(w.roc_a, aankondiging(w), vandaag=VANDAAG)
    from .factories import InstellingFactory

    with pytest.raises(OverlegFout, match="geen partij"):
        overleg.plaats_bericht(casus, InstellingFactory(), "hallo")
    overleg.plaats_bericht(casus, w.roc_a, "Wij lichten het graag toe")
    overleg.plaats_bericht(casus, w.roc_c, "Wij denken mee")
    assert casus.bijdragen.filter(soort="bericht").count() == 2


def test_closing_without_objection_only_after_the_period(stop, outbox_direct):
    w = stop
    casus = overleg.kondig_aan(w.roc_a, aankondiging(w), vandaag=VANDAAG)
    overleg.reageer(casus, w.roc_b, Bijdrage.Standpunt.BEZWAAR, "Nee")
    with pytest.raises(OverlegFout, match="aankondigende instelling"):
        overleg.sluit_zonder_bezwaar(casus, w.roc_b, vandaag=VANDAAG + datetime.timedelta(days=60))
    with pytest.raises(OverlegFout, match="reactietermijn loopt nog"):
        overleg.sluit_zonder_bezwaar(casus, w.roc_a, vandaag=casus.reactie_uiterlijk)
    with pytest.raises(OverlegFout, match="bezwaar van ROC B"):
        overleg.sluit_zonder_bezwaar(casus, w.roc_a, vandaag=casus.reactie_uiterlijk + datetime.timedelta(days=1))
    overleg.reageer(casus, w.roc_b, Bijdrage.Standpunt.SAMENWERKING, "Laten we samen uitvoeren")
    overleg.sluit_zonder_bezwaar(casus, w.roc_a, vandaag=casus.reactie_uiterlijk + datetime.timedelta(days=1))
    casus.refresh_from_db()
    assert casus.status == Casus.Status.AFGEROND and casus.uitkomst == Casus.Uitkomst.DOORGAAN
    assert casus.stappen.get().uitkomst == Escalatiestap.Uitkomst.VERGELIJK
    with pytest.raises(OverlegFout, match="afgerond"):
        overleg.reageer(casus, w.roc_b, Bijdrage.Standpunt.BEZWAAR, "Te laat")


def test_closing_is_not_possible_once_escalated(stop, outbox_direct):
    from voorzieningen.portfolio import ladder

    w = stop
    casus = overleg.kondig_aan(w.roc_a, aankondiging(w), vandaag=VANDAAG)
    ladder.rond_stap_af(casus.stappen.get(), "geen_vergelijk", "", VANDAAG, vandaag=VANDAAG)
    ladder.escaleer(casus, VANDAAG, vandaag=VANDAAG)
    with pytest.raises(OverlegFout, match="geëscaleerd"):
        overleg.sluit_zonder_bezwaar(casus, w.roc_a, vandaag=VANDAAG + datetime.timedelta(days=60))


def test_withdrawing_until_a_ruling(stop, outbox_direct):
    w = stop
    casus = overleg.kondig_aan(w.roc_a, aankondiging(w), vandaag=VANDAAG)
    with pytest.raises(OverlegFout, match="aankondigende"):
        overleg.trek_in(casus, w.roc_b)
    overleg.trek_in(casus, w.roc_a, "Toch niet", vandaag=VANDAAG)
    casus.refresh_from_db()
    assert casus.status == Casus.Status.INGETROKKEN and casus.uitkomst == Casus.Uitkomst.AFGEZIEN
    assert casus.stappen.get().afgerond_op == VANDAAG
    with pytest.raises(OverlegFout):
        overleg.trek_in(casus, w.roc_a)


def test_withdrawing_is_refused_after_a_binding_ruling(stop):
    w = stop
    casus = overleg.kondig_aan(w.roc_a, aankondiging(w), vandaag=VANDAAG)
    Escalatiestap.objects.create(
        casus=casus, trede=Trede.ARBITRAGE, gestart_op=VANDAAG, afgerond_op=VANDAAG, uitkomst="uitspraak"
    )
    with pytest.raises(OverlegFout, match="bindende uitspraak"):
        overleg.trek_in(casus, w.roc_a)


def test_asking_for_escalation_reaches_the_staff(stop, outbox_direct, mailoutbox):
    w = stop
    casus = overleg.kondig_aan(w.roc_a, aankondiging(w), vandaag=VANDAAG)
    mailoutbox.clear()
    with pytest.raises(OverlegFout, match="Licht"):
        overleg.vraag_escalatie(casus, w.roc_b, "")
    overleg.vraag_escalatie(casus, w.roc_b, "We komen er niet uit")
    assert [m.to for m in mailoutbox] == [["portfolioregie@mbovoorzieningen.example"]]


def test_the_cases_of_an_institution(stop):
    w = stop
    casus = overleg.kondig_aan(w.roc_a, aankondiging(w), vandaag=VANDAAG)
    assert list(overleg.casussen_van(w.roc_a)) == [casus]
    assert list(overleg.casussen_van(w.roc_b)) == [casus]
    from .factories import InstellingFactory

    assert list(overleg.casussen_van(InstellingFactory())) == []
    assert Betrokkene.objects.filter(casus=casus).count() == 2
