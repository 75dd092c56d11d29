"""Invoices: concept → final (gapless numbers) → sent; immutability; credit notes; participant-count import."""

import datetime
import threading
from decimal import Decimal

from django.db import connection, transaction

import pytest

from voorzieningen.cooperatie import facturatie
from voorzieningen.cooperatie.dienstverlening import richt_aanbod_in
from voorzieningen.cooperatie.models import (
    Deelnemertelling,
    Dienst,
    Factuur,
    Factuurgegevens,
    Factuurregel,
    Factuurteller,
    Onveranderlijk,
)
from voorzieningen.cooperatie.profielen import MBO
from voorzieningen.core.models import AuditLogEntry
from voorzieningen.core.services import Actor
from voorzieningen.core.tests.pdftekst import getoonde_tekst

from .factories import ContactpersoonFactory, CooperatieFactory
from .factories_dienst import AfnameFactory, DeelnemertellingFactory, FacturatiegegevensFactory, mbo_lid

ACTOR = Actor.system("test")
DAG = datetime.date(2021, 2, 1)


@pytest.fixture
def mbo(db):
    cooperatie = CooperatieFactory(code="mbo-facturen")
    richt_aanbod_in(cooperatie, MBO)
    FacturatiegegevensFactory(cooperatie=cooperatie)
    return cooperatie


def nieuw_lid(cooperatie, naam="ROC Test", bol=10000, bbl=2000):
    lid = mbo_lid(cooperatie, naam=naam)
    for code in ("centraal-aanmelden", "koppelpunt-mbo"):
        AfnameFactory(lid=lid, dienst=Dienst.objects.get(cooperatie=cooperatie, code=code))
    DeelnemertellingFactory(lid=lid, jaar=2019, bol=bol, bbl=bbl)
    return lid


@pytest.fixture
def lid(mbo):
    return nieuw_lid(mbo)


# --- Concept ----------------------------------------------------------------------------------------------------------


def test_concept_has_lines_totals_and_no_number(lid):
    factuur = facturatie.maak_conceptfactuur(lid, 2021)

    assert factuur.status == Factuur.Status.CONCEPT and factuur.nummer == "" and factuur.volgnummer is None
    assert factuur.regels.count() == 3
    assert (factuur.totaal_excl, factuur.btw_totaal, factuur.totaal_incl) == (
        Decimal("13690.00"),
        Decimal("2874.90"),
        Decimal("16564.90"),
    )


def test_making_the_concept_again_recalculates_it_instead_of_adding_one(lid):
    eerste = facturatie.maak_conceptfactuur(lid, 2021)
    Deelnemertelling.objects.filter(lid=lid).update(bol=20000)
    tweede = facturatie.maak_conceptfactuur(lid, 2021)

    assert tweede.pk == eerste.pk
    assert Factuur.objects.filter(lid=lid).count() == 1
    assert tweede.totaal_excl == Decimal("850.00") + (Decimal("20700") * Decimal("1.20"))


def test_a_batch_reports_members_it_cannot_invoice_and_invoices_the_others(mbo):
    goed = nieuw_lid(mbo, naam="ROC Goed")
    fout = mbo_lid(mbo, naam="ROC Zonder Telling")
    AfnameFactory(lid=fout, dienst=Dienst.objects.get(cooperatie=mbo, code="centraal-aanmelden"))

    resultaat = facturatie.maak_conceptfacturen(mbo, 2021)

    assert [f.lid for f in resultaat.facturen] == [goed]
    assert len(resultaat.fouten) == 1 and "ROC Zonder Telling" in resultaat.fouten[0]


# --- Final and gapless numbering --------------------------------------------------------------------------------------


def test_finalising_assigns_the_next_number_of_the_years_series(mbo):
    a, b = nieuw_lid(mbo, naam="A"), nieuw_lid(mbo, naam="B")
    fa = facturatie.maak_definitief(facturatie.maak_conceptfactuur(a, 2021), datum=DAG)
    fb = facturatie.maak_definitief(facturatie.maak_conceptfactuur(b, 2021), datum=DAG)

    assert (fa.nummer, fb.nummer) == ("MBOV-2021-00001", "MBOV-2021-00002")
    assert fa.factuurdatum == DAG and fa.vervaldatum == DAG + datetime.timedelta(days=30)
    assert fa.afnemer["naam"] == "A" and fa.leverancier["iban"] == "NL91ABNA0417164300"


def test_a_new_year_starts_a_new_series(mbo):
    a, b = nieuw_lid(mbo, naam="A"), nieuw_lid(mbo, naam="B")
    facturatie.maak_definitief(facturatie.maak_conceptfactuur(a, 2021), datum=datetime.date(2021, 12, 31))
    volgend = facturatie.maak_definitief(facturatie.maak_conceptfactuur(b, 2021), datum=datetime.date(2022, 1, 3))
    assert volgend.nummer == "MBOV-2022-00001"


def test_each_cooperative_has_its_own_series(mbo, lid):
    ander = CooperatieFactory(code="ander")
    richt_aanbod_in(ander, MBO)
    FacturatiegegevensFactory(cooperatie=ander, nummer_voorvoegsel="")
    lid_ander = nieuw_lid(ander)
    facturatie.maak_definitief(facturatie.maak_conceptfactuur(lid, 2021), datum=DAG)
    assert facturatie.maak_definitief(facturatie.maak_conceptfactuur(lid_ander, 2021), datum=DAG).nummer == "2021-00001"


def test_a_rolled_back_finalisation_leaves_no_gap(mbo):
    a, b = nieuw_lid(mbo, naam="A"), nieuw_lid(mbo, naam="B")
    concept_a = facturatie.maak_conceptfactuur(a, 2021)
    concept_b = facturatie.maak_conceptfactuur(b, 2021)

    with pytest.raises(RuntimeError), transaction.atomic():
        assert facturatie.maak_definitief(concept_a, datum=DAG).nummer == "MBOV-2021-00001"
        raise RuntimeError("the e-mail could not be queued, say")

    concept_a.refresh_from_db()
    assert concept_a.status == Factuur.Status.CONCEPT and concept_a.nummer == ""
    assert facturatie.maak_definitief(concept_b, datum=DAG).nummer == "MBOV-2021-00001"
    assert facturatie.maak_definitief(concept_a, datum=DAG).nummer == "MBOV-2021-00002"


def test_finalising_fails_cleanly_without_a_number_when_member_details_are_missing(mbo, lid):
    concept = facturatie.maak_conceptfactuur(lid, 2021)
    Factuurgegevens.objects.filter(lid=lid).delete()

    with pytest.raises(facturatie.FacturatieFout, match="factuurgegevens"):
        facturatie.maak_definitief(concept, datum=DAG)
    assert not Factuurteller.objects.filter(laatste__gt=0).exists()


def test_an_empty_or_final_invoice_cannot_be_finalised(lid):
    concept = facturatie.maak_conceptfactuur(lid, 2021)
    definitief = facturatie.maak_definitief(concept, datum=DAG)
    with pytest.raises(facturatie.FacturatieFout, match="al definitief"):
        facturatie.maak_definitief(definitief)
    leeg = Factuur.objects.create(cooperatie=lid.cooperatie, lid=lid, jaar=2022)
    with pytest.raises(facturatie.FacturatieFout, match="zonder regels"):
        facturatie.maak_definitief(leeg)


def test_a_concept_can_not_carry_a_number_at_database_level(lid):
    from django.db import IntegrityError

    concept = facturatie.maak_conceptfactuur(lid, 2021)
    with pytest.raises(IntegrityError), transaction.atomic():
        Factuur.objects.filter(pk=concept.pk).update(nummer="X-1")


@pytest.mark.django_db(transaction=True)
def test_concurrent_finalisations_neither_skip_nor_duplicate_a_number():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises all writers anyway")
    cooperatie = CooperatieFactory(code="mbo-parallel")
    richt_aanbod_in(cooperatie, MBO)
    FacturatiegegevensFactory(cooperatie=cooperatie)
    concepten = [facturatie.maak_conceptfactuur(nieuw_lid(cooperatie, naam=f"Lid {i}"), 2021) for i in range(6)]
    start = threading.Barrier(len(concepten))
    fouten = []

    def maak(concept):
        try:
            start.wait()
            facturatie.maak_definitief(concept, datum=DAG)
        except Exception as exc:  # noqa: BLE001 — reported below
            fouten.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=maak, args=(c,)) for c in concepten]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert fouten == []
    assert sorted(Factuur.objects.values_list("volgnummer", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert Factuurteller.objects.get(cooperatie=cooperatie, jaar=2021).laatste == 6


# --- Immutability -----------------------------------------------------------------------------------------------------


@pytest.fixture
def definitief(lid):
    return facturatie.maak_definitief(facturatie.maak_conceptfactuur(lid, 2021), datum=DAG)


def test_a_final_invoice_refuses_changes_to_what_was_invoiced(definitief):
    definitief.totaal_incl = Decimal("1.00")
    with pytest.raises(Onveranderlijk, match="creditnota"):
        definitief.save()
    with pytest.raises(Onveranderlijk):
        Factuur.objects.filter(pk=definitief.pk).update(omschrijving="stiekem")
    definitief.refresh_from_db()
    assert definitief.totaal_incl == Decimal("16564.90")


def test_a_final_invoice_cannot_be_deleted(definitief):
    with pytest.raises(Onveranderlijk):
        definitief.delete()
    with pytest.raises(Onveranderlijk):
        Factuur.objects.filter(pk=definitief.pk).delete()
    assert Factuur.objects.filter(pk=definitief.pk).exists()


def test_the_lines_of_a_final_invoice_cannot_change(definitief):
    regel = definitief.regels.first()
    regel.eenheidsprijs = Decimal("1")
    with pytest.raises(Onveranderlijk):
        regel.save()
    with pytest.raises(Onveranderlijk):
        regel.delete()
    with pytest.raises(Onveranderlijk):
        Factuurregel.objects.filter(factuur=definitief).update(omschrijving="x")
    with pytest.raises(Onveranderlijk):
        Factuurregel.objects.create(
            factuur=definitief,
            volgorde=9,
            omschrijving="extra",
            aantal=1,
            eenheidsprijs=1,
            btw_percentage=21,
        )


def test_payment_and_sending_can_still_be_recorded(definitief):
    definitief.betaald_op = datetime.date(2021, 2, 20)
    definitief.save()
    definitief.refresh_from_db()
    assert definitief.betaald_op == datetime.date(2021, 2, 20)


def test_a_concept_can_be_deleted(lid):
    concept = facturatie.maak_conceptfactuur(lid, 2021)
    concept.delete()
    assert not Factuur.objects.exists()


def test_a_second_invoice_for_the_same_year_needs_a_credit_note_first(definitief, lid):
    with pytest.raises(facturatie.FacturatieFout, match="creditnota"):
        facturatie.maak_conceptfactuur(lid, 2021)


# --- Credit notes -----------------------------------------------------------------------------------------------------


def test_credit_note_negates_every_line_and_refers_to_the_original(definitief):
    creditnota = facturatie.maak_creditnota(definitief, reden="Verkeerde telling")

    assert creditnota.soort == Factuur.Soort.CREDITNOTA and creditnota.origineel == definitief
    assert creditnota.status == Factuur.Status.CONCEPT and creditnota.nummer == ""
    assert [(r.aantal, r.bedrag) for r in creditnota.regels.all()] == [
        (-r.aantal, -r.bedrag) for r in definitief.regels.all()
    ]
    assert (creditnota.totaal_excl, creditnota.btw_totaal, creditnota.totaal_incl) == (
        -definitief.totaal_excl,
        -definitief.btw_totaal,
        -definitief.totaal_incl,
    )
    assert definitief.nummer in creditnota.omschrijving and "Verkeerde telling" in creditnota.omschrijving


def test_credit_note_gets_its_own_number_from_the_same_series(definitief):
    creditnota = facturatie.maak_definitief(facturatie.maak_creditnota(definitief, reden="fout"), datum=DAG)
    assert creditnota.nummer == "MBOV-2021-00002"
    assert creditnota.vervaldatum is None


def test_an_invoice_is_credited_once_and_only_a_final_invoice(definitief, lid):
    facturatie.maak_creditnota(definitief, reden="fout")
    with pytest.raises(facturatie.FacturatieFout, match="bestaat al"):
        facturatie.maak_creditnota(definitief, reden="nog eens")
    concept = Factuur.objects.create(cooperatie=lid.cooperatie, lid=lid, jaar=2022)
    with pytest.raises(facturatie.FacturatieFout, match="definitieve factuur"):
        facturatie.maak_creditnota(concept, reden="x")


def test_credit_note_needs_a_reason(definitief):
    with pytest.raises(facturatie.FacturatieFout, match="waarom"):
        facturatie.maak_creditnota(definitief, reden="  ")


def test_after_a_final_credit_note_the_year_can_be_invoiced_again(definitief, lid):
    creditnota = facturatie.maak_creditnota(definitief, reden="fout")
    with pytest.raises(facturatie.FacturatieFout):
        facturatie.maak_conceptfactuur(lid, 2021)  # the credit note is only a concept yet
    facturatie.maak_definitief(creditnota, datum=DAG)

    nieuw = facturatie.maak_definitief(facturatie.maak_conceptfactuur(lid, 2021), datum=DAG)
    assert nieuw.nummer == "MBOV-2021-00003"


# --- Sending ----------------------------------------------------------------------------------------------------------


def test_sending_finalises_and_mails_pdf_and_ubl_to_the_invoice_address(lid, outbox_direct, mailoutbox):
    concept = facturatie.maak_conceptfactuur(lid, 2021)
    factuur = facturatie.verstuur(concept, actor=ACTOR)

    assert factuur.is_definitief and factuur.verzonden_op is not None
    [mail] = mailoutbox
    assert mail.to == [Factuurgegevens.objects.get(lid=lid).email]
    assert factuur.nummer in mail.subject and "€ 16.564,90" in mail.body
    namen = [naam for naam, _inhoud, _type in mail.attachments]
    assert namen == [f"factuur-{factuur.nummer}.pdf", f"factuur-{factuur.nummer}.xml"]
    assert mail.attachments[0][1][:5] == b"%PDF-"
    assert b"<cbc:ID>" + factuur.nummer.encode() + b"</cbc:ID>" in mail.attachments[1][1]


def test_without_an_invoice_address_the_contacts_for_invoices_get_it(lid, outbox_direct, mailoutbox):
    Factuurgegevens.objects.filter(lid=lid).update(email="")
    fin = ContactpersoonFactory(lid=lid, financieel=True)
    ContactpersoonFactory(lid=lid, financieel=False)

    facturatie.verstuur(facturatie.maak_conceptfactuur(lid, 2021), actor=ACTOR)

    assert [m.to for m in mailoutbox] == [[fin.email]]
    assert AuditLogEntry.objects.filter(object_id=str(fin.pk), action=AuditLogEntry.Action.READ).exists()


def test_without_any_recipient_nothing_is_sent_and_no_number_is_used(lid, outbox_direct, mailoutbox):
    Factuurgegevens.objects.filter(lid=lid).update(email="")
    concept = facturatie.maak_conceptfactuur(lid, 2021)

    with pytest.raises(facturatie.FacturatieFout, match="geen e-mailadres"):
        facturatie.verstuur(concept, actor=ACTOR)
    concept.refresh_from_db()
    assert concept.status == Factuur.Status.CONCEPT and mailoutbox == []


def test_sending_twice_needs_an_explicit_resend(lid, outbox_direct, mailoutbox):
    factuur = facturatie.verstuur(facturatie.maak_conceptfactuur(lid, 2021), actor=ACTOR)
    with pytest.raises(facturatie.FacturatieFout, match="al verstuurd"):
        facturatie.verstuur(factuur, actor=ACTOR)
    facturatie.verstuur(factuur, actor=ACTOR, opnieuw=True)
    assert len(mailoutbox) == 2


def test_the_pdf_shows_number_lines_and_totals(definitief):
    from voorzieningen.cooperatie import pdf

    inhoud = pdf.factuur_pdf(definitief)
    assert inhoud.startswith(b"%PDF-")
    tekst = _pdf_tekst(inhoud)
    for verwacht in ("MBOV-2021-00001", "12.840,00", "16.564,90", "Btw 21% over", "NL91ABNA0417164300"):
        assert verwacht in tekst, verwacht


def test_a_concept_pdf_says_it_is_no_invoice(lid):
    from voorzieningen.cooperatie import pdf

    assert "CONCEPT" in _pdf_tekst(pdf.factuur_pdf(facturatie.maak_conceptfactuur(lid, 2021)))


def _pdf_tekst(inhoud: bytes) -> str:
    return " ".join(getoonde_tekst(inhoud))


# --- Participant-count import -----------------------------------------------------------------------------------------


def test_import_creates_and_is_idempotent(mbo):
    a = mbo_lid(mbo, naam="A", brin="25LX")
    b = mbo_lid(mbo, naam="B", brin="30AB")
    csv = "brin;jaar;bol;bbl\n25LX;2019;10000;2000\n30ab;2019;500;10\n"

    eerste = facturatie.importeer_deelnemertellingen(mbo, csv.encode("utf-8-sig"), bron="cfi-2019.csv")
    tweede = facturatie.importeer_deelnemertellingen(mbo, csv, bron="cfi-2019.csv")

    assert (eerste.aangemaakt, eerste.bijgewerkt, eerste.fouten) == (2, 0, [])
    assert (tweede.aangemaakt, tweede.bijgewerkt, tweede.ongewijzigd) == (0, 0, 2)
    assert Deelnemertelling.objects.get(lid=a, jaar=2019).bol == 10000
    assert Deelnemertelling.objects.get(lid=b, jaar=2019).bron == "cfi-2019.csv"


def test_import_updates_a_changed_count_and_accepts_commas(mbo):
    lid = mbo_lid(mbo, brin="25LX")
    facturatie.importeer_deelnemertellingen(mbo, "brin,jaar,bol,bbl\n25LX,2019,1,1\n")
    resultaat = facturatie.importeer_deelnemertellingen(mbo, "lid,jaar,bol,bbl\n25LX,2019,2,1\n")
    assert resultaat.bijgewerkt == 1 and Deelnemertelling.objects.get(lid=lid).bol == 2


def test_import_reports_every_error_with_its_line_and_stores_nothing(mbo):
    mbo_lid(mbo, brin="25LX")
    andere = CooperatieFactory(code="andere")
    mbo_lid(andere, brin="99ZZ")
    csv = (
        "brin;jaar;bol;bbl\n"
        "25LX;2019;10000;2000\n"  # 2: fine on its own
        "99ZZ;2019;1;1\n"  # 3: member of another cooperative
        "25LX;twintig;1;1\n"  # 4: no year
        "25LX;2018;1.000;-3\n"  # 5: thousands separator, negative
        "25LX;2019;5;5\n"  # 6: duplicate of line 2
        "25LX;2019\n"  # 7: too few fields
    )
    resultaat = facturatie.importeer_deelnemertellingen(mbo, csv)

    assert resultaat.fouten == [
        f"Regel 3: ‘99ZZ’ is geen BRIN of bestuurcode van een lid van {mbo}.",
        "Regel 4: ‘twintig’ is geen jaartal.",
        "Regel 5: BOL ‘1.000’ is geen geheel getal van 0 of meer.",
        "Regel 5: BBL ‘-3’ is geen geheel getal van 0 of meer.",
        "Regel 6: ROC Test, 2019 staat ook al op regel 2.",
        "Regel 7: 2 velden, verwacht 4.",
    ]
    assert not Deelnemertelling.objects.exists()


def test_import_rejects_a_file_without_the_columns(mbo):
    resultaat = facturatie.importeer_deelnemertellingen(mbo, "instelling;aantal\nX;1\n")
    assert resultaat.fouten == ["Regel 1: de kolom(men) brin, jaar, bol, bbl ontbreken; verwacht: brin;jaar;bol;bbl."]
    assert facturatie.importeer_deelnemertellingen(mbo, b"\xff\xfe").fouten[0].startswith("Het bestand is geen UTF-8")


def test_import_matches_a_school_board_by_its_bestuurcode(db):
    from voorzieningen.catalogus.models import Onderwijsbestuur

    from .factories import LidFactory

    povo = CooperatieFactory(code="povo-import")
    bestuur = Onderwijsbestuur.objects.create(code="123B456", naam="Stichting Scholen")
    lid = LidFactory(cooperatie=povo, bestuur=bestuur)
    resultaat = facturatie.importeer_deelnemertellingen(povo, "brin;jaar;bol;bbl\n123b456;2023;800;0\n")
    assert resultaat.aangemaakt == 1 and Deelnemertelling.objects.get(lid=lid).bol == 800


def test_an_invoice_reads_the_count_as_imported(mbo):
    lid = mbo_lid(mbo, brin="25LX")
    AfnameFactory(lid=lid, dienst=Dienst.objects.get(cooperatie=mbo, code="centraal-aanmelden"))
    facturatie.importeer_deelnemertellingen(mbo, "brin;jaar;bol;bbl\n25LX;2019;100;100\n")
    factuur = facturatie.maak_conceptfactuur(lid, 2021)
    # 850 + (100 + 35) × 1,20 = 850 + 162 = 1.012,00
    assert factuur.totaal_excl == Decimal("1012.00")
