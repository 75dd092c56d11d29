"""The escalation ladder: a step follows only the one before, with dates, decisions, a committee and deadlines."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from voorzieningen.portfolio import ladder, overleg
from voorzieningen.portfolio.ladder import LadderFout
from voorzieningen.portfolio.models import Casus, Commissielid, Escalatiestap, Soort, Trede

from .factories import CommissielidFactory, InstellingFactory, bied_aan
from .test_overleg import aankondiging, beheerder

BEGIN = datetime.date(2026, 1, 5)
VANDAAG = datetime.date(2026, 12, 1)


def dag(n: int) -> datetime.date:
    return BEGIN + datetime.timedelta(days=n)


@pytest.fixture
def casus(wereld, outbox_direct):
    w = wereld
    bied_aan(w.roc_a, w.kok, w.utrecht)
    bied_aan(w.roc_b, w.kok, w.zeist)
    return overleg.kondig_aan(w.roc_a, aankondiging(w, beoogde_ingang=datetime.date(2027, 8, 1)), vandaag=BEGIN)


def naar_arbitrage(casus) -> Escalatiestap:
    besluiten = {
        Trede.DIALOOG: ("", ""),
        Trede.ADVIES: ("Advies: samen uitvoeren", ""),
        Trede.SIGNAAL: ("Bemiddelaar aangesteld", "bemiddelaar"),
    }
    for i, trede in enumerate((Trede.DIALOOG, Trede.ADVIES, Trede.SIGNAAL)):
        stap = ladder.huidige_stap(casus)
        assert stap.trede == trede
        ladder.rond_stap_af(
            stap, "geen_vergelijk", *besluiten[trede][:1], dag(10 * i + 5), besluiten[trede][1], vandaag=VANDAAG
        )
        ladder.escaleer(casus, dag(10 * i + 6), vandaag=VANDAAG)
    return ladder.huidige_stap(casus)


@pytest.fixture
def commissie(db):
    voorzitter = Commissielid.objects.create(naam="Onafhankelijk", rol=Commissielid.Rol.VOORZITTER)
    return voorzitter, [CommissielidFactory(), CommissielidFactory()]


def test_the_whole_ladder_in_order(casus, commissie, mailoutbox):
    beheerder(casus.instelling, "a@roc.example")
    arbitrage = naar_arbitrage(casus)
    assert arbitrage.trede == Trede.ARBITRAGE and arbitrage.gestart_op == dag(26)
    ladder.stel_commissie_samen(arbitrage, commissie[0], commissie[1])
    ladder.doe_uitspraak(arbitrage, "Samen uitvoeren vanaf 2027", dag(60), vandaag=VANDAAG)
    arbitrage.refresh_from_db()
    assert arbitrage.uitkomst == "uitspraak" and arbitrage.uitvoeren_voor == dag(60 + 90)
    casus.refresh_from_db()
    assert casus.uitkomst == Casus.Uitkomst.UITSPRAAK and casus.is_open
    with pytest.raises(LadderFout, match="nog niet uitgevoerd"):
        ladder.start_evaluatie(casus, dag(70), vandaag=VANDAAG)
    ladder.registreer_uitvoering(arbitrage, dag(100), "Gestart met gezamenlijke opleiding", vandaag=VANDAAG)
    evaluatie = ladder.start_evaluatie(casus, dag(110), vandaag=VANDAAG)
    ladder.rond_evaluatie_af(evaluatie, "Eerder het gesprek aangaan", dag(120), vandaag=VANDAAG)
    casus.refresh_from_db()
    assert casus.status == Casus.Status.AFGEROND and casus.uitkomst == Casus.Uitkomst.UITSPRAAK
    assert casus.afgesloten_op == dag(120)
    assert [s.trede for s in casus.stappen.all()] == [1, 2, 3, 4, 5]
    assert any("bindende uitspraak" in m.subject for m in mailoutbox)


def test_a_step_only_follows_a_completed_one(casus):
    with pytest.raises(LadderFout, match="een trede kan alleen volgen op de vorige"):
        ladder.escaleer(casus, dag(1), vandaag=VANDAAG)


def test_no_escalation_after_a_settlement(casus):
    ladder.rond_stap_af(ladder.huidige_stap(casus), "vergelijk", "Afgesproken", dag(3), vandaag=VANDAAG)
    with pytest.raises(LadderFout, match="vergelijk bereikt"):
        ladder.escaleer(casus, dag(4), vandaag=VANDAAG)


def test_nothing_above_arbitration(casus, commissie):
    arbitrage = naar_arbitrage(casus)
    ladder.stel_commissie_samen(arbitrage, commissie[0], commissie[1])
    ladder.doe_uitspraak(arbitrage, "Uitspraak", dag(40), vandaag=VANDAAG)
    with pytest.raises(LadderFout, match="Na de arbitrage"):
        ladder.escaleer(casus, dag(41), vandaag=VANDAAG)


@pytest.mark.parametrize(
    ("trede", "uitkomst", "besluit", "interventie", "fout"),
    [
        (Trede.DIALOOG, "uitspraak", "", "", "vergelijk"),
        (Trede.ADVIES, "geen_vergelijk", "", "", "advies"),
        (Trede.SIGNAAL, "geen_vergelijk", "", "gesprek", "antwoord van het bestuur"),
        (Trede.SIGNAAL, "geen_vergelijk", "Gesprek gevoerd", "", "interventie"),
        (Trede.DIALOOG, "vergelijk", "", "gesprek", "alleen bij het signaal"),
    ],
)
def test_completing_a_step_needs_its_decision(casus, trede, uitkomst, besluit, interventie, fout):
    n = 0
    while ladder.huidige_stap(casus).trede < trede:
        n += 2
        ladder.rond_stap_af(ladder.huidige_stap(casus), "geen_vergelijk", "Besluit", dag(n), vandaag=VANDAAG)
        ladder.escaleer(casus, dag(n + 1), vandaag=VANDAAG)
    with pytest.raises(LadderFout, match=fout):
        ladder.rond_stap_af(ladder.huidige_stap(casus), uitkomst, besluit, dag(n + 2), interventie, vandaag=VANDAAG)


def test_dates_are_not_in_the_future_nor_before_the_start(casus):
    stap = ladder.huidige_stap(casus)
    with pytest.raises(LadderFout, match="toekomst"):
        ladder.rond_stap_af(stap, "geen_vergelijk", "", VANDAAG + datetime.timedelta(days=1), vandaag=VANDAAG)
    with pytest.raises(LadderFout, match="vóór"):
        ladder.rond_stap_af(stap, "geen_vergelijk", "", BEGIN - datetime.timedelta(days=1), vandaag=VANDAAG)
    ladder.rond_stap_af(stap, "geen_vergelijk", "", dag(5), vandaag=VANDAAG)
    with pytest.raises(LadderFout, match="vóór"):
        ladder.escaleer(casus, dag(4), vandaag=VANDAAG)
    with pytest.raises(LadderFout, match="al afgerond"):
        ladder.rond_stap_af(stap, "geen_vergelijk", "", dag(5), vandaag=VANDAAG)


def test_arbitration_and_evaluation_are_closed_their_own_way(casus, commissie):
    arbitrage = naar_arbitrage(casus)
    with pytest.raises(LadderFout, match="uitspraak"):
        ladder.rond_stap_af(arbitrage, "vergelijk", "", dag(30), vandaag=VANDAAG)


def test_the_committee_needs_an_independent_chair_and_two_members_without_a_stake(casus, commissie, wereld):
    voorzitter, leden = commissie
    arbitrage = naar_arbitrage(casus)
    with pytest.raises(LadderFout, match="ten minste 2"):
        ladder.stel_commissie_samen(arbitrage, voorzitter, leden[:1])
    with pytest.raises(LadderFout, match="onafhankelijk voorzitter"):
        ladder.stel_commissie_samen(arbitrage, leden[0], leden)
    with pytest.raises(LadderFout, match="actieve leden"):
        ladder.stel_commissie_samen(arbitrage, voorzitter, [*leden, voorzitter])
    partij = CommissielidFactory(naam="Bestuurder ROC B", instelling=wereld.roc_b)  # ROC B is concerned
    with pytest.raises(LadderFout, match="Bestuurder ROC B is bestuurder van een partij"):
        ladder.stel_commissie_samen(arbitrage, voorzitter, [*leden, partij])
    aankondiger = CommissielidFactory(naam="Bestuurder ROC A", instelling=wereld.roc_a)
    with pytest.raises(LadderFout, match="Bestuurder ROC A"):
        ladder.stel_commissie_samen(arbitrage, voorzitter, [leden[0], aankondiger])
    inactief = CommissielidFactory(actief=False)
    with pytest.raises(LadderFout, match="actieve"):
        ladder.stel_commissie_samen(arbitrage, voorzitter, [*leden, inactief])
    ladder.stel_commissie_samen(arbitrage, voorzitter, leden)
    assert set(arbitrage.commissieleden.all()) == set(leden)


def test_a_committee_only_on_arbitration(casus, commissie):
    with pytest.raises(LadderFout, match="trede arbitrage"):
        ladder.stel_commissie_samen(ladder.huidige_stap(casus), commissie[0], commissie[1])


def test_a_ruling_needs_a_committee_a_text_and_a_later_deadline(casus, commissie):
    arbitrage = naar_arbitrage(casus)
    with pytest.raises(LadderFout, match="samen"):
        ladder.doe_uitspraak(arbitrage, "Uitspraak", dag(40), vandaag=VANDAAG)
    ladder.stel_commissie_samen(arbitrage, *commissie)
    with pytest.raises(LadderFout, match="Leg de uitspraak vast"):
        ladder.doe_uitspraak(arbitrage, " ", dag(40), vandaag=VANDAAG)
    with pytest.raises(LadderFout, match="na de datum"):
        ladder.doe_uitspraak(arbitrage, "Uitspraak", dag(40), uitvoeren_voor=dag(40), vandaag=VANDAAG)
    ladder.doe_uitspraak(arbitrage, "Uitspraak", dag(40), uitvoeren_voor=dag(41), vandaag=VANDAAG)
    with pytest.raises(LadderFout, match="al gedaan"):
        ladder.doe_uitspraak(arbitrage, "Nog een", dag(42), vandaag=VANDAAG)
    with pytest.raises(LadderFout, match="niet meer wijzigen"):
        ladder.stel_commissie_samen(arbitrage, *commissie)


def test_overdue_rulings(casus, commissie, mailoutbox):
    beheerder(casus.instelling, "a@roc.example")
    arbitrage = naar_arbitrage(casus)
    ladder.stel_commissie_samen(arbitrage, *commissie)
    ladder.doe_uitspraak(arbitrage, "Uitspraak", dag(40), uitvoeren_voor=dag(50), vandaag=VANDAAG)
    arbitrage.refresh_from_db()
    assert not arbitrage.is_te_laat(dag(50)) and arbitrage.is_te_laat(dag(51))
    assert list(ladder.te_late_uitspraken(dag(50))) == []
    assert list(ladder.te_late_uitspraken(dag(51))) == [arbitrage]
    assert ladder.dashboard(dag(51))["te_laat"] == [arbitrage]
    mailoutbox.clear()
    assert ladder.herinner_termijnen(dag(51))["te_laat"] == 1
    assert ladder.herinner_termijnen(dag(52))["te_laat"] == 1  # same week: no second mail
    herinneringen = [m for m in mailoutbox if "niet op tijd" in m.subject]
    assert sorted(m.to[0] for m in herinneringen) == ["a@roc.example", "portfolioregie@mbovoorzieningen.example"]
    ladder.herinner_termijnen(dag(51 + 7))  # a week later: reminded again
    assert len([m for m in mailoutbox if "niet op tijd" in m.subject]) == 4
    with pytest.raises(LadderFout, match="vóór"):
        ladder.registreer_uitvoering(arbitrage, dag(39), "Gedaan", vandaag=VANDAAG)
    ladder.registreer_uitvoering(arbitrage, dag(60), "Gedaan", vandaag=VANDAAG)
    assert list(ladder.te_late_uitspraken(dag(61))) == []  # carried out late, but carried out
    with pytest.raises(LadderFout, match="al vastgelegd"):
        ladder.registreer_uitvoering(arbitrage, dag(61), "Nogmaals", vandaag=VANDAAG)


def test_execution_only_of_a_ruling(casus):
    with pytest.raises(LadderFout, match="geen uitspraak"):
        ladder.registreer_uitvoering(ladder.huidige_stap(casus), dag(1), "x", vandaag=VANDAAG)


def test_evaluation_follows_a_settlement_or_an_executed_ruling(casus):
    stap = ladder.huidige_stap(casus)
    with pytest.raises(LadderFout, match="afgeronde trede"):
        ladder.start_evaluatie(casus, dag(1), vandaag=VANDAAG)
    ladder.rond_stap_af(stap, "geen_vergelijk", "", dag(2), vandaag=VANDAAG)
    with pytest.raises(LadderFout, match="escaleer"):
        ladder.start_evaluatie(casus, dag(3), vandaag=VANDAAG)
    ladder.escaleer(casus, dag(3), vandaag=VANDAAG)
    ladder.rond_stap_af(ladder.huidige_stap(casus), "vergelijk", "Advies opgevolgd", dag(10), vandaag=VANDAAG)
    evaluatie = ladder.start_evaluatie(casus, dag(12), vandaag=VANDAAG)
    with pytest.raises(LadderFout, match="al gestart"):
        ladder.start_evaluatie(casus, dag(12), vandaag=VANDAAG)
    with pytest.raises(LadderFout, match="leerpunten"):
        ladder.rond_evaluatie_af(evaluatie, "", dag(13), "aangepast", vandaag=VANDAAG)
    with pytest.raises(LadderFout, match="uitkomst"):
        ladder.rond_evaluatie_af(evaluatie, "Leerpunt", dag(13), "uitspraak", vandaag=VANDAAG)  # no arbitration
    ladder.rond_evaluatie_af(evaluatie, "Leerpunt", dag(13), "aangepast", "Samen", vandaag=VANDAAG)
    casus.refresh_from_db()
    assert casus.status == Casus.Status.AFGEROND and casus.uitkomst == Casus.Uitkomst.AANGEPAST
    with pytest.raises(LadderFout, match="afgerond"):
        ladder.escaleer(casus, dag(14), vandaag=VANDAAG)


def test_closing_without_evaluation_after_a_settlement_but_not_after_arbitration(casus, commissie):
    with pytest.raises(LadderFout, match="na een vergelijk"):
        ladder.sluit_casus(casus, "doorgaan", "Afgesproken", dag(1), vandaag=VANDAAG)
    arbitrage = naar_arbitrage(casus)
    ladder.stel_commissie_samen(arbitrage, *commissie)
    ladder.doe_uitspraak(arbitrage, "Uitspraak", dag(40), vandaag=VANDAAG)
    with pytest.raises(LadderFout, match="gezamenlijke evaluatie"):
        ladder.sluit_casus(casus, "doorgaan", "Afgesproken", dag(41), vandaag=VANDAAG)


def test_closing_after_a_settlement(casus):
    ladder.rond_stap_af(ladder.huidige_stap(casus), "vergelijk", "Uitruil afgesproken", dag(5), vandaag=VANDAAG)
    with pytest.raises(LadderFout, match="uitkomst"):
        ladder.sluit_casus(casus, "uitspraak", "x", dag(6), vandaag=VANDAAG)
    with pytest.raises(LadderFout, match="Licht"):
        ladder.sluit_casus(casus, "aangepast", " ", dag(6), vandaag=VANDAAG)
    ladder.sluit_casus(casus, "aangepast", "ROC B neemt de opleiding over", dag(6), vandaag=VANDAAG)
    casus.refresh_from_db()
    assert casus.status == Casus.Status.AFGEROND and casus.uitkomst_motivering == "ROC B neemt de opleiding over"


def test_documents_are_a_file_or_a_link(casus, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    stap = ladder.huidige_stap(casus)
    with pytest.raises(LadderFout, match="titel"):
        ladder.voeg_document_toe(stap, " ", url="https://example.nl/advies.pdf")
    with pytest.raises(LadderFout, match="niet allebei"):
        ladder.voeg_document_toe(stap, "Advies")
    with pytest.raises(LadderFout, match="niet allebei"):
        ladder.voeg_document_toe(stap, "Advies", SimpleUploadedFile("a.pdf", b"%PDF"), "https://example.nl/a.pdf")
    with pytest.raises(LadderFout, match="soort bestand"):
        ladder.voeg_document_toe(stap, "Script", SimpleUploadedFile("a.exe", b"MZ"))
    link = ladder.voeg_document_toe(stap, "Advies", url="https://example.nl/advies.pdf")
    bestand = ladder.voeg_document_toe(stap, "Verslag", SimpleUploadedFile("verslag gesprek.pdf", b"%PDF-1.4"))
    assert link.url and not link.bestand
    assert bestand.bestand.read() == b"%PDF-1.4"
    assert str(tmp_path) in bestand.bestand.path  # private storage, not MEDIA


def test_staff_add_a_concerned_institution_and_write_to_the_parties(casus, mailoutbox):
    nieuw = InstellingFactory(naam="ROC Nieuw")
    beheerder(nieuw, "n@roc.example")
    ladder.voeg_betrokkene_toe(casus, nieuw)
    assert casus.betrokkenen.get(instelling=nieuw).redenen == ["toegevoegd"]
    assert any(m.to == ["n@roc.example"] for m in mailoutbox)
    with pytest.raises(LadderFout, match="al betrokken"):
        ladder.voeg_betrokkene_toe(casus, nieuw)
    with pytest.raises(LadderFout, match="al partij"):
        ladder.voeg_betrokkene_toe(casus, casus.instelling)
    ladder.regiebericht(casus, "Wij plannen een gesprek")
    assert casus.bijdragen.filter(soort="regie", instelling__isnull=True).count() == 1


def test_dashboard_counts_open_cases_per_step_and_requests(casus, wereld):
    overleg.vraag_escalatie(casus, wereld.roc_b, "Graag advies")
    overzicht = ladder.dashboard(casus.reactie_uiterlijk + datetime.timedelta(days=1))
    per_trede = dict(overzicht["per_trede"])
    assert per_trede[Trede.DIALOOG] == [casus] and per_trede[Trede.ADVIES] == []
    assert [v.instelling for v in overzicht["verzoeken"]] == [wereld.roc_b]
    assert overzicht["termijn_verlopen"] == [casus]
    ladder.rond_stap_af(ladder.huidige_stap(casus), "geen_vergelijk", "", dag(5), vandaag=VANDAAG)
    ladder.escaleer(casus, dag(6), vandaag=VANDAAG)
    overzicht = ladder.dashboard(VANDAAG)
    assert dict(overzicht["per_trede"])[Trede.ADVIES] == [casus]


def test_the_announcer_is_told_once_when_the_period_has_passed(casus, mailoutbox):
    beheerder(casus.instelling, "a@roc.example")
    mailoutbox.clear()
    assert ladder.herinner_termijnen(casus.reactie_uiterlijk)["termijn_verstreken"] == 0
    assert ladder.herinner_termijnen(casus.reactie_uiterlijk + datetime.timedelta(days=1))["termijn_verstreken"] == 1
    ladder.herinner_termijnen(casus.reactie_uiterlijk + datetime.timedelta(days=2))
    assert [m.to for m in mailoutbox] == [["a@roc.example"]]


def test_the_task_runs_the_service(casus):
    from voorzieningen.portfolio.tasks import bewaak_termijnen

    assert bewaak_termijnen() == ladder.herinner_termijnen()


def test_exchange_announcement_names_the_partner_as_party(wereld, outbox_direct):
    w = wereld
    bied_aan(w.roc_a, w.kok, w.groningen)
    casus = overleg.kondig_aan(
        w.roc_a, aankondiging(w, soort=Soort.UITRUILEN, gemeente=w.groningen, partner=w.roc_c), vandaag=BEGIN
    )
    assert w.roc_c.pk in ladder.partijen(casus)
    assert casus.betrokkenen.get(instelling=w.roc_c).redenen == ["partner"]


def test_showing_the_committee_is_in_the_audit_trail(casus, commissie, admin_client):
    from django.urls import reverse

    from voorzieningen.core.models import AuditLogEntry

    arbitrage = naar_arbitrage(casus)
    ladder.stel_commissie_samen(arbitrage, *commissie)
    admin_client.get(reverse("admin:portfolio_casus_ladder", args=[casus.pk]))
    regel = AuditLogEntry.objects.get(object_type="portfolio.Commissielid")
    assert regel.action == "read" and sorted(regel.extra["ids"]) == sorted(
        str(c.pk) for c in [commissie[0], *commissie[1]]
    )
