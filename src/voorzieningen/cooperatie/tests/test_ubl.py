"""UBL 2.1 e-invoices (Peppol BIS Billing 3.0 with the Dutch rules), checked by parsing the XML."""

import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voorzieningen.cooperatie import facturatie, ubl
from voorzieningen.cooperatie.dienstverlening import richt_aanbod_in
from voorzieningen.cooperatie.models import Dienst, Factuur, Factuurgegevens, Factuurregel
from voorzieningen.cooperatie.profielen import MBO

from .factories import CooperatieFactory
from .factories_dienst import AfnameFactory, DeelnemertellingFactory, FacturatiegegevensFactory, mbo_lid

pytestmark = pytest.mark.django_db

NS = {"cac": ubl.CAC, "cbc": ubl.CBC, "inv": ubl.NS_INVOICE, "cn": ubl.NS_CREDITNOTE}
DAG = datetime.date(2021, 2, 1)


@pytest.fixture
def factuur():
    cooperatie = CooperatieFactory(code="mbo-ubl")
    richt_aanbod_in(cooperatie, MBO)
    FacturatiegegevensFactory(cooperatie=cooperatie)
    lid = mbo_lid(cooperatie, naam="ROC Oost", brin="25LX")
    for code in ("centraal-aanmelden", "koppelpunt-mbo"):
        AfnameFactory(lid=lid, dienst=Dienst.objects.get(cooperatie=cooperatie, code=code))
    DeelnemertellingFactory(lid=lid, jaar=2019, bol=1234, bbl=567)
    return facturatie.maak_definitief(facturatie.maak_conceptfactuur(lid, 2021), datum=DAG)


def parse(factuur: Factuur) -> ET.Element:
    return ET.fromstring(ubl.factuur_xml(factuur))


def tekst(root, pad: str) -> str:
    element = root.find(pad, NS)
    assert element is not None, pad
    return element.text


def bedrag(root, pad: str) -> Decimal:
    element = root.find(pad, NS)
    assert element is not None, pad
    assert element.get("currencyID") == "EUR", pad
    return Decimal(element.text)


def controleer_sommen(root, regelnaam: str, hoeveelheid: str) -> None:
    """The EN 16931 sum rules (BR-CO-10/13/14/15/16/17) on the document as it stands."""
    regels = root.findall(f"cac:{regelnaam}", NS)
    assert regels
    regelsom = sum(Decimal(r.find("cbc:LineExtensionAmount", NS).text) for r in regels)
    for regel in regels:
        aantal = Decimal(regel.find(f"cbc:{hoeveelheid}", NS).text)
        prijs = Decimal(regel.find("cac:Price/cbc:PriceAmount", NS).text)
        assert prijs >= 0  # BR-27
        assert Decimal(regel.find("cbc:LineExtensionAmount", NS).text) == facturatie.rond_af(aantal * prijs)
    assert bedrag(root, "cac:LegalMonetaryTotal/cbc:LineExtensionAmount") == regelsom
    assert bedrag(root, "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount") == regelsom
    subtotalen = root.findall("cac:TaxTotal/cac:TaxSubtotal", NS)
    assert sum(Decimal(s.find("cbc:TaxableAmount", NS).text) for s in subtotalen) == regelsom
    for sub in subtotalen:
        grondslag = Decimal(sub.find("cbc:TaxableAmount", NS).text)
        percentage = Decimal(sub.find("cac:TaxCategory/cbc:Percent", NS).text)
        assert Decimal(sub.find("cbc:TaxAmount", NS).text) == facturatie.rond_af(grondslag * percentage / 100)
    btw = bedrag(root, "cac:TaxTotal/cbc:TaxAmount")
    assert btw == sum(Decimal(s.find("cbc:TaxAmount", NS).text) for s in subtotalen)
    assert bedrag(root, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount") == regelsom + btw
    assert bedrag(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == regelsom + btw


def test_invoice_header_follows_peppol_bis_3(factuur):
    root = parse(factuur)

    assert root.tag == f"{{{ubl.NS_INVOICE}}}Invoice"
    assert tekst(root, "cbc:CustomizationID") == (
        "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
    )
    assert tekst(root, "cbc:ProfileID") == "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
    assert tekst(root, "cbc:ID") == "MBOV-2021-00001"
    assert tekst(root, "cbc:IssueDate") == "2021-02-01"
    assert tekst(root, "cbc:DueDate") == "2021-03-03"
    assert tekst(root, "cbc:InvoiceTypeCode") == "380"
    assert tekst(root, "cbc:DocumentCurrencyCode") == "EUR"
    assert tekst(root, "cbc:BuyerReference") == "25LX"  # no own reference: the BRIN
    assert tekst(root, "cac:InvoicePeriod/cbc:StartDate") == "2021-01-01"


def test_the_default_namespace_is_the_document_type(factuur):
    xml = ubl.factuur_xml(factuur).decode()
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<Invoice ')
    starttag = xml[: xml.index(">", xml.index("<Invoice"))]
    assert 'xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"' in starttag
    assert 'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"' in xml
    assert 'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"' in xml


def test_element_order_of_the_header(factuur):
    """UBL is a sequence schema: the order of the top-level elements matters."""
    namen = [kind.tag.split("}")[1] for kind in parse(factuur)]
    volgorde = [
        "CustomizationID",
        "ProfileID",
        "ID",
        "IssueDate",
        "DueDate",
        "InvoiceTypeCode",
        "DocumentCurrencyCode",
        "BuyerReference",
        "InvoicePeriod",
        "AccountingSupplierParty",
        "AccountingCustomerParty",
        "PaymentMeans",
        "PaymentTerms",
        "TaxTotal",
        "LegalMonetaryTotal",
        "InvoiceLine",
    ]
    assert [n for n in namen if n in volgorde] == sorted([n for n in namen if n in volgorde], key=volgorde.index)


def test_parties_meet_the_dutch_rules(factuur):
    root = parse(factuur)
    leverancier = root.find("cac:AccountingSupplierParty/cac:Party", NS)
    afnemer = root.find("cac:AccountingCustomerParty/cac:Party", NS)

    assert leverancier.find("cbc:EndpointID", NS).get("schemeID") == "0106"
    assert tekst(leverancier, "cac:PartyLegalEntity/cbc:CompanyID") == "76543210"  # NL-R-003: KvK
    assert leverancier.find("cac:PartyLegalEntity/cbc:CompanyID", NS).get("schemeID") == "0106"
    assert tekst(leverancier, "cac:PartyTaxScheme/cbc:CompanyID") == "NL123456789B01"  # BR-S-02
    for partij in (leverancier, afnemer):  # NL-R-002 / NL-R-004: street, city, postcode
        for veld in ("StreetName", "CityName", "PostalZone"):
            assert tekst(partij, f"cac:PostalAddress/cbc:{veld}")
        assert tekst(partij, "cac:PostalAddress/cac:Country/cbc:IdentificationCode") == "NL"
    assert tekst(afnemer, "cac:PartyName/cbc:Name") == "ROC Oost"
    assert afnemer.find("cac:PartyLegalEntity/cbc:CompanyID", NS).get("schemeID") == "0106"  # NL-R-005


def test_an_oin_is_used_as_the_customers_identifier_when_known():
    cooperatie = CooperatieFactory(code="mbo-oin")
    richt_aanbod_in(cooperatie, MBO)
    FacturatiegegevensFactory(cooperatie=cooperatie)
    lid = mbo_lid(cooperatie)
    Factuurgegevens.objects.filter(lid=lid).update(oin="00000001234567890000", kvk_nummer="", referentie="PO-77")
    factuur = facturatie.maak_definitief(facturatie.maak_conceptfactuur(lid, 2021), datum=DAG)

    afnemer = parse(factuur).find("cac:AccountingCustomerParty/cac:Party", NS)
    assert afnemer.find("cbc:EndpointID", NS).get("schemeID") == "0190"
    assert tekst(afnemer, "cac:PartyLegalEntity/cbc:CompanyID") == "00000001234567890000"
    assert tekst(parse(factuur), "cbc:BuyerReference") == "PO-77"


def test_payment_means_is_a_sepa_transfer_to_the_iban(factuur):
    root = parse(factuur)
    assert tekst(root, "cac:PaymentMeans/cbc:PaymentMeansCode") == "58"  # NL-R-007
    assert tekst(root, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID") == "NL91ABNA0417164300"  # NL-R-008
    assert tekst(root, "cac:PaymentMeans/cbc:PaymentID") == factuur.nummer


def test_sums_equal_the_lines_and_the_stored_totals(factuur):
    root = parse(factuur)
    controleer_sommen(root, "InvoiceLine", "InvoicedQuantity")
    assert bedrag(root, "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount") == factuur.totaal_excl
    assert bedrag(root, "cac:TaxTotal/cbc:TaxAmount") == factuur.btw_totaal == Decimal("539.48")
    assert bedrag(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == factuur.totaal_incl


def test_lines_carry_quantity_unit_price_and_tax_category(factuur):
    regels = parse(factuur).findall("cac:InvoiceLine", NS)
    ca = regels[1]
    assert ca.find("cbc:InvoicedQuantity", NS).text == "1432.45"
    assert ca.find("cbc:InvoicedQuantity", NS).get("unitCode") == "C62"
    assert ca.find("cac:Price/cbc:PriceAmount", NS).text == "1.2"
    assert tekst(ca, "cbc:LineExtensionAmount") == "1718.94"
    assert tekst(ca, "cac:Item/cbc:Name").startswith("Voorziening Centraal Aanmelden")
    assert tekst(ca, "cac:Item/cac:ClassifiedTaxCategory/cbc:ID") == "S"
    assert tekst(ca, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent") == "21"
    assert tekst(ca, "cac:Item/cac:ClassifiedTaxCategory/cac:TaxScheme/cbc:ID") == "VAT"


def test_credit_note_is_a_creditnote_document_with_positive_amounts_and_a_reference(factuur):
    creditnota = facturatie.maak_definitief(facturatie.maak_creditnota(factuur, reden="fout"), datum=DAG)
    root = parse(creditnota)

    assert root.tag == f"{{{ubl.NS_CREDITNOTE}}}CreditNote"
    assert tekst(root, "cbc:CreditNoteTypeCode") == "381"
    assert root.find("cbc:DueDate", NS) is None  # not part of a UBL 2.1 CreditNote
    assert tekst(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID") == factuur.nummer  # NL-R-001
    assert root.find("cac:PaymentMeans", NS) is None  # the member does not pay a credit note
    controleer_sommen(root, "CreditNoteLine", "CreditedQuantity")
    assert bedrag(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == factuur.totaal_incl  # positive
    assert root.find("cac:CreditNoteLine/cbc:CreditedQuantity", NS).text == "1"


def test_a_concept_has_no_e_invoice(factuur):
    concept = Factuur.objects.create(cooperatie=factuur.cooperatie, lid=factuur.lid, jaar=2022)
    with pytest.raises(facturatie.FacturatieFout, match="definitief"):
        ubl.factuur_xml(concept)


bedragen = st.decimals(min_value=Decimal("0"), max_value=Decimal("5000"), places=4)
aantallen = st.decimals(min_value=Decimal("0"), max_value=Decimal("20000"), places=2)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    regels=st.lists(
        st.tuples(aantallen, bedragen, st.sampled_from([Decimal("21"), Decimal("9"), Decimal("0")])),
        min_size=1,
        max_size=6,
    )
)
def test_any_lines_give_consistent_totals_in_invoice_and_credit_note(factuur, regels):
    concept = Factuur.objects.create(cooperatie=factuur.cooperatie, lid=factuur.lid, jaar=2030 + len(regels))
    for volgorde, (aantal, prijs, btw) in enumerate(regels, start=1):
        Factuurregel.objects.create(
            factuur=concept, volgorde=volgorde, omschrijving="x", aantal=aantal, eenheidsprijs=prijs, btw_percentage=btw
        )
    definitief = facturatie.maak_definitief(concept, datum=DAG)
    controleer_sommen(parse(definitief), "InvoiceLine", "InvoicedQuantity")
    creditnota = facturatie.maak_definitief(facturatie.maak_creditnota(definitief, reden="test"), datum=DAG)
    controleer_sommen(parse(creditnota), "CreditNoteLine", "CreditedQuantity")
    assert (
        Decimal(parse(creditnota).find("cac:LegalMonetaryTotal/cbc:PayableAmount", NS).text) == definitief.totaal_incl
    )
