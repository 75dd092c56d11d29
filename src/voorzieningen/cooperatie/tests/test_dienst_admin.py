"""The staff admin for invoices, contracts and service management: pages render and call the services."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from voorzieningen.cooperatie import facturatie
from voorzieningen.cooperatie.dienstverlening import richt_aanbod_in
from voorzieningen.cooperatie.models import (
    Afname,
    Begrotingspost,
    Contract,
    Deelnemertelling,
    Dienst,
    Factuur,
    Jaarplan,
    Verstoring,
    Wijzigingsverzoek,
)
from voorzieningen.cooperatie.profielen import MBO, PO_VO
from voorzieningen.core.models import AuditLogEntry

from .factories import ContactpersoonFactory, CooperatieFactory, LidFactory, PoVoCooperatieFactory
from .factories_dienst import (
    AfnameFactory,
    ContractFactory,
    DeelnemertellingFactory,
    FacturatiegegevensFactory,
    mbo_lid,
)

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def mbo():
    cooperatie = CooperatieFactory(code="mbo-admin")
    richt_aanbod_in(cooperatie, MBO)
    FacturatiegegevensFactory(cooperatie=cooperatie)
    return cooperatie


@pytest.fixture
def lid(mbo):
    lid = mbo_lid(mbo, naam="ROC Admin", brin="25LX")
    AfnameFactory(lid=lid, dienst=Dienst.objects.get(cooperatie=mbo, code="centraal-aanmelden"))
    DeelnemertellingFactory(lid=lid, jaar=2019)
    return lid


@pytest.mark.parametrize(
    "model",
    [
        "dienst",
        "afname",
        "tarief",
        "deelnemertelling",
        "facturatiegegevens",
        "factuurgegevens",
        "factuur",
        "leverancier",
        "contract",
        "verstoring",
        "probleem",
        "wijzigingsverzoek",
        "jaarplan",
    ],
)
def test_changelists_render(admin_client, lid, model):
    assert admin_client.get(reverse(f"admin:cooperatie_{model}_changelist")).status_code == 200


@pytest.mark.parametrize(
    "model", ["dienst", "afname", "tarief", "leverancier", "contract", "verstoring", "wijzigingsverzoek", "jaarplan"]
)
def test_add_forms_render(admin_client, model):
    assert admin_client.get(reverse(f"admin:cooperatie_{model}_add")).status_code == 200


# --- Invoices ---------------------------------------------------------------------------------------------------------


def test_concept_invoices_for_a_year_from_the_admin(admin_client, mbo, lid):
    LidFactory(cooperatie=mbo, naam="ROC Zonder Gegevens")  # only the basis package: invoiced as well
    url = reverse("admin:cooperatie_factuur_concepten")
    assert admin_client.get(url).status_code == 200

    antwoord = admin_client.post(url, {"cooperatie": mbo.pk, "jaar": 2021}, follow=True)

    assert antwoord.status_code == 200
    assert Factuur.objects.filter(status="concept").count() == 2
    assert "2 conceptfacturen gemaakt" in antwoord.text


def test_finalise_and_send_actions(admin_client, lid, outbox_direct, mailoutbox):
    concept = facturatie.maak_conceptfactuur(lid, 2021)
    changelist = reverse("admin:cooperatie_factuur_changelist")

    admin_client.post(changelist, {"action": "versturen", "_selected_action": [concept.pk]})

    concept.refresh_from_db()
    assert concept.is_definitief and concept.verzonden_op is not None
    assert len(mailoutbox) == 1


def test_a_final_invoice_shows_downloads_and_only_the_payment_date_is_editable(admin_client, lid):
    factuur = facturatie.maak_definitief(facturatie.maak_conceptfactuur(lid, 2021), datum=D(2021, 2, 1))
    url = reverse("admin:cooperatie_factuur_change", args=[factuur.pk])

    pagina = admin_client.get(url)
    assert reverse("admin:cooperatie_factuur_pdf", args=[factuur.pk]) in pagina.text
    assert reverse("admin:cooperatie_factuur_ubl", args=[factuur.pk]) in pagina.text
    assert 'name="betaald_op"' in pagina.text and 'name="omschrijving"' not in pagina.text
    assert AuditLogEntry.objects.filter(object_id=str(factuur.pk), action="read").exists()

    regels = factuur.regels.count()
    admin_client.post(
        url,
        {"betaald_op": "2021-02-20", "regels-TOTAL_FORMS": regels, "regels-INITIAL_FORMS": regels, "_save": "1"},
    )
    factuur.refresh_from_db()
    assert factuur.betaald_op == D(2021, 2, 20)
    assert (
        admin_client.post(reverse("admin:cooperatie_factuur_delete", args=[factuur.pk]), {"post": "yes"}).status_code
        == 403
    )


def test_pdf_and_ubl_downloads(admin_client, lid):
    factuur = facturatie.maak_definitief(facturatie.maak_conceptfactuur(lid, 2021), datum=D(2021, 2, 1))

    pdf = admin_client.get(reverse("admin:cooperatie_factuur_pdf", args=[factuur.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert f'filename="factuur-{factuur.nummer}.pdf"' in pdf["Content-Disposition"]
    xml = admin_client.get(reverse("admin:cooperatie_factuur_ubl", args=[factuur.pk]))
    assert xml["Content-Type"] == "application/xml" and b"<cbc:InvoiceTypeCode>380" in xml.content


def test_ubl_of_a_concept_explains_why_not(admin_client, lid):
    concept = facturatie.maak_conceptfactuur(lid, 2021)
    antwoord = admin_client.get(reverse("admin:cooperatie_factuur_ubl", args=[concept.pk]), follow=True)
    assert "maak haar eerst definitief" in antwoord.text


def test_credit_note_from_the_admin(admin_client, lid):
    factuur = facturatie.maak_definitief(facturatie.maak_conceptfactuur(lid, 2021), datum=D(2021, 2, 1))
    url = reverse("admin:cooperatie_factuur_creditnota", args=[factuur.pk])
    assert admin_client.post(url, {"reden": ""}).status_code == 200  # form error

    antwoord = admin_client.post(url, {"reden": "Telling was onjuist"})

    creditnota = Factuur.objects.get(soort="creditnota")
    assert antwoord.url == reverse("admin:cooperatie_factuur_change", args=[creditnota.pk])
    assert creditnota.origineel == factuur and creditnota.totaal_incl == -factuur.totaal_incl


def test_import_counts_from_the_admin(admin_client, mbo, lid):
    url = reverse("admin:cooperatie_deelnemertelling_import")
    fout = SimpleUploadedFile("tellingen.csv", b"brin;jaar;bol;bbl\n25LX;2020;x;1\n", content_type="text/csv")
    pagina = admin_client.post(url, {"cooperatie": mbo.pk, "bestand": fout})
    assert pagina.status_code == 200
    assert "Regel 2: BOL ‘x’ is geen geheel getal van 0 of meer." in pagina.text
    assert not Deelnemertelling.objects.filter(jaar=2020).exists()

    goed = SimpleUploadedFile("tellingen.csv", b"brin;jaar;bol;bbl\n25LX;2020;7;1\n", content_type="text/csv")
    antwoord = admin_client.post(url, {"cooperatie": mbo.pk, "bestand": goed})
    assert antwoord.status_code == 302
    assert Deelnemertelling.objects.get(lid=lid, jaar=2020).bron == "tellingen.csv"


# --- Afnames ----------------------------------------------------------------------------------------------------------


def test_afname_in_the_admin_brings_along_what_is_mandatory_and_shows_rule_errors(admin_client):
    povo = PoVoCooperatieFactory(code=PO_VO)
    richt_aanbod_in(povo)
    bestuur = LidFactory(cooperatie=povo, begindatum=D(2021, 1, 1))
    connectiviteit = Dienst.objects.get(cooperatie=povo, code="externe-connectiviteit")
    url = reverse("admin:cooperatie_afname_add")

    antwoord = admin_client.post(
        url,
        {"lid": bestuur.pk, "dienst": connectiviteit.pk, "begindatum": "2021-03-01", "specificatie": ""},
        follow=True,
    )
    assert "‘Informatiebeveiligingsdiensten’ is verplicht en is meegenomen" in antwoord.text
    beveiliging = Afname.objects.get(lid=bestuur, dienst__code="informatiebeveiliging")

    antwoord = admin_client.post(
        reverse("admin:cooperatie_afname_change", args=[beveiliging.pk]),
        {"lid": bestuur.pk, "dienst": beveiliging.dienst_id, "begindatum": "2021-03-01", "einddatum": "2021-12-31"},
    )
    assert antwoord.status_code == 200  # the form comes back with the rule's reason
    assert "moet ook ‘Informatiebeveiligingsdiensten’ afnemen" in antwoord.text


# --- Contracts --------------------------------------------------------------------------------------------------------


def test_contract_extension_and_av_report(admin_client, mbo):
    contract = ContractFactory(cooperatie=mbo, ingangsdatum=D(2020, 1, 1), onderwerp="CAMBO ontwikkeling en beheer")
    pagina = admin_client.get(reverse("admin:cooperatie_contract_change", args=[contract.pk]))
    assert reverse("admin:cooperatie_contract_verlengen", args=[contract.pk]) in pagina.text

    admin_client.post(
        reverse("admin:cooperatie_contract_verlengen", args=[contract.pk]),
        {"besloten_op": "2023-05-01", "besluit": "AV mei 2023"},
    )
    assert Contract.objects.get(pk=contract.pk).einddatum == D(2025, 12, 31)

    rapport = admin_client.get(reverse("admin:cooperatie_contract_avrapport"), {"cooperatie": mbo.pk, "jaar": 2023})
    assert rapport.status_code == 200
    assert "CAMBO ontwikkeling en beheer" in rapport.text and "jaarlijkse toetsing 2023 ontbreekt" in rapport.text


def test_a_yearly_check_entered_inline_records_who_did_it(admin_client, admin_user, mbo):
    contract = ContractFactory(cooperatie=mbo)
    url = reverse("admin:cooperatie_contract_change", args=[contract.pk])
    data = {
        "cooperatie": mbo.pk,
        "leverancier": contract.leverancier_id,
        "onderwerp": contract.onderwerp,
        "kenmerk": "",
        "eisen": "",
        "ingangsdatum": "2020-01-01",
        "looptijd_jaren": 4,
        "max_verlengingen": 2,
        "verlenging_jaren": 2,
        "afwijking_motivering": "",
        "opzegtermijn_maanden": 6,
        "herinnering_maanden": 6,
        "verlengingen-TOTAL_FORMS": 0,
        "verlengingen-INITIAL_FORMS": 0,
        "toetsingen-TOTAL_FORMS": 1,
        "toetsingen-INITIAL_FORMS": 0,
        "toetsingen-0-jaar": 2021,
        "toetsingen-0-uitgevoerd_op": "2021-06-01",
        "toetsingen-0-uitkomst": "voldoet",
        "toetsingen-0-bevindingen": "Beschikbaarheid 99,9%",
        "toetsingen-0-maatregelen": "",
        "_save": "1",
    }
    antwoord = admin_client.post(url, data)
    assert antwoord.status_code == 302, antwoord.text[:2000]
    assert contract.toetsingen.get().uitgevoerd_door == admin_user


# --- Service management -----------------------------------------------------------------------------------------------


def test_disruption_reported_and_updated_in_the_admin(admin_client, mbo, outbox_direct, mailoutbox):
    cambo = Dienst.objects.get(cooperatie=mbo, code="centraal-aanmelden")
    lid = LidFactory(cooperatie=mbo)
    AfnameFactory(lid=lid, dienst=cambo)
    ContactpersoonFactory(lid=lid)

    admin_client.post(
        reverse("admin:cooperatie_verstoring_add"),
        {
            "cooperatie": mbo.pk,
            "titel": "Storing CAMBO",
            "omschrijving": "Portal traag",
            "dienst": cambo.pk,
            "prioriteit": "P2",
            "impact": "midden",
            "begonnen_op_0": "2021-03-01",
            "begonnen_op_1": "09:00",
            "mailen": "on",
            "updates-TOTAL_FORMS": 0,
            "updates-INITIAL_FORMS": 0,
        },
    )
    verstoring = Verstoring.objects.get()
    assert len(mailoutbox) == 1 and verstoring.updates.count() == 1

    wijzig = reverse("admin:cooperatie_verstoring_change", args=[verstoring.pk])
    assert admin_client.get(wijzig).status_code == 200
    antwoord = admin_client.post(
        wijzig,
        {
            "cooperatie": mbo.pk,
            "titel": "Storing CAMBO",
            "omschrijving": "Portal traag",
            "dienst": cambo.pk,
            "prioriteit": "P2",
            "impact": "midden",
            "begonnen_op_0": "2021-03-01",
            "begonnen_op_1": "09:00",
            "update_status": "opgelost",
            "update_bericht": "Opgelost door de leverancier.",
            "mailen": "on",
            "updates-TOTAL_FORMS": 1,
            "updates-INITIAL_FORMS": 1,
            "updates-0-id": verstoring.updates.get().pk,
            "updates-0-verstoring": verstoring.pk,
        },
    )
    assert antwoord.status_code == 302, antwoord.text[:3000]
    verstoring.refresh_from_db()
    assert verstoring.status == "opgelost" and len(mailoutbox) == 2


def test_change_request_submitted_and_escalated_in_the_admin(admin_client, mbo):
    admin_client.post(
        reverse("admin:cooperatie_wijzigingsverzoek_add"),
        {
            "cooperatie": mbo.pk,
            "titel": "Nieuwe koppeling",
            "omschrijving": "Koppeling met het SIS",
            "indiener_naam": "Piet",
            "indiener_email": "piet@roc.example",
            "impact_motivering": "",
            "stappen-TOTAL_FORMS": 0,
            "stappen-INITIAL_FORMS": 0,
        },
    )
    verzoek = Wijzigingsverzoek.objects.get()
    assert verzoek.route == "expertgroep"

    url = reverse("admin:cooperatie_wijzigingsverzoek_behandelen", args=[verzoek.pk])
    assert "Escaleren" in admin_client.get(url).text
    admin_client.post(url, {"actie": "escaleren", "aspecten": ["privacy"], "motivering": "Nieuwe persoonsgegevens"})
    verzoek.refresh_from_db()
    assert (verzoek.route, verzoek.status, verzoek.impact_privacy) == ("werkgroep", "bij_werkgroep", True)
    assert AuditLogEntry.objects.filter(object_type="cooperatie.Wijzigingsverzoek", action="create").exists()


def test_annual_plan_approval_in_the_admin(admin_client, mbo):
    jaarplan = Jaarplan.objects.create(cooperatie=mbo, jaar=2022, titel="Jaarplan 2022")
    Begrotingspost.objects.create(jaarplan=jaarplan, omschrijving="Beheer", bedrag=Decimal("1000"))
    changelist = reverse("admin:cooperatie_jaarplan_changelist")
    admin_client.post(changelist, {"action": "voorleggen", "_selected_action": [jaarplan.pk]})
    jaarplan.refresh_from_db()
    assert jaarplan.status == "voorgelegd"

    pagina = admin_client.get(reverse("admin:cooperatie_jaarplan_change", args=[jaarplan.pk]))
    url = reverse("admin:cooperatie_jaarplan_goedkeuren", args=[jaarplan.pk])
    assert url in pagina.text
    admin_client.post(url, {"datum": "2021-12-08", "besluit": "AV 8-12-2021, besluit 4"})
    jaarplan.refresh_from_db()
    assert jaarplan.status == "goedgekeurd" and jaarplan.av_besluit == "AV 8-12-2021, besluit 4"


def test_the_admin_will_not_delete_an_afname_a_rule_depends_on(admin_client):
    from voorzieningen.cooperatie import dienstverlening

    povo = PoVoCooperatieFactory(code=PO_VO)
    richt_aanbod_in(povo)
    bestuur = LidFactory(cooperatie=povo, begindatum=D(2021, 1, 1))
    dienstverlening.neem_af(bestuur, Dienst.objects.get(cooperatie=povo, code="externe-connectiviteit"), D(2021, 3, 1))
    beveiliging = Afname.objects.get(lid=bestuur, dienst__code="informatiebeveiliging")
    url = reverse("admin:cooperatie_afname_delete", args=[beveiliging.pk])

    pagina = admin_client.get(url)
    assert "moet ook ‘Informatiebeveiligingsdiensten’ afnemen" in pagina.text
    admin_client.post(url, {"post": "yes"})
    assert Afname.objects.filter(pk=beveiliging.pk).exists()
