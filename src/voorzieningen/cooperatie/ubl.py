"""UBL 2.1 Invoice and CreditNote following Peppol BIS Billing 3.0, including its Dutch rules (NLCIUS, NL-R-*).

What the Dutch rules ask and where it comes from: the supplier's and the customer's address (street, city,
postcode) and their KvK number or OIN as legal entity id (scheme 0106/0190) come from the frozen party snapshot
of the final invoice; a credit note refers to the invoice it corrects (BillingReference); an invoice names a SEPA
credit transfer (code 58) to the cooperative's IBAN. Amounts are the stored ones, so the XML totals equal the
PDF's: VAT per rate (``facturatie.totalen``), the same rule the receiver applies (BR-CO-17).

A credit note states positive amounts: the document type says it is a credit. Our credit-note lines are stored
negative (so they net out against the invoice), and are negated here.
"""

import xml.etree.ElementTree as ET
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from .facturatie import FacturatieFout, totalen
from .models import Factuur

NS_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CREDITNOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
KVK_SCHEMA = "0106"
OIN_SCHEMA = "0190"
EENHEID = "C62"  # 'one': a contribution, a weighted participant
SEPA_OVERBOEKING = "58"

ET.register_namespace("cac", CAC)
ET.register_namespace("cbc", CBC)


def bedrag(waarde: Decimal) -> str:
    return f"{Decimal(waarde):.2f}"


def getal(waarde: Decimal) -> str:
    """A quantity or price without exponent or trailing zeros (1.2000 → 1.2, 1E+1 → 10)."""
    return format(Decimal(waarde).normalize(), "f")


def _cbc(ouder, naam: str, tekst=None, **attributen) -> ET.Element:
    element = ET.SubElement(ouder, f"{{{CBC}}}{naam}", {k: str(v) for k, v in attributen.items()})
    if tekst is not None:
        element.text = str(tekst)
    return element


def _cac(ouder, naam: str) -> ET.Element:
    return ET.SubElement(ouder, f"{{{CAC}}}{naam}")


def btw_categorie(percentage: Decimal) -> str:
    """S (standard rate) for a positive rate, Z (zero rated) for 0%."""
    return "S" if Decimal(percentage) > 0 else "Z"


def _belastingcategorie(ouder, naam: str, percentage: Decimal) -> None:
    categorie = _cac(ouder, naam)
    _cbc(categorie, "ID", btw_categorie(percentage))
    _cbc(categorie, "Percent", getal(percentage))
    _cbc(_cac(categorie, "TaxScheme"), "ID", "VAT")


def _adres(ouder, partij: dict) -> None:
    adres = _cac(ouder, "PostalAddress")
    _cbc(adres, "StreetName", partij["straat"])
    _cbc(adres, "CityName", partij["plaats"])
    _cbc(adres, "PostalZone", partij["postcode"])
    _cbc(_cac(adres, "Country"), "IdentificationCode", partij.get("land") or "NL")


def _leverancier(ouder, partij: dict) -> None:
    party = _cac(_cac(ouder, "AccountingSupplierParty"), "Party")
    _cbc(party, "EndpointID", partij["kvk"], schemeID=KVK_SCHEMA)
    _cbc(_cac(party, "PartyName"), "Name", partij["naam"])
    _adres(party, partij)
    belasting = _cac(party, "PartyTaxScheme")
    _cbc(belasting, "CompanyID", partij["btw"])
    _cbc(_cac(belasting, "TaxScheme"), "ID", "VAT")
    entiteit = _cac(party, "PartyLegalEntity")
    _cbc(entiteit, "RegistrationName", partij["naam"])
    _cbc(entiteit, "CompanyID", partij["kvk"], schemeID=KVK_SCHEMA)
    if partij.get("email"):
        _cbc(_cac(party, "Contact"), "ElectronicMail", partij["email"])


def _afnemer(ouder, partij: dict) -> None:
    schema, nummer = (OIN_SCHEMA, partij["oin"]) if partij.get("oin") else (KVK_SCHEMA, partij["kvk"])
    party = _cac(_cac(ouder, "AccountingCustomerParty"), "Party")
    _cbc(party, "EndpointID", nummer, schemeID=schema)
    _cbc(_cac(party, "PartyName"), "Name", partij["naam"])
    _adres(party, partij)
    if partij.get("btw"):
        belasting = _cac(party, "PartyTaxScheme")
        _cbc(belasting, "CompanyID", partij["btw"])
        _cbc(_cac(belasting, "TaxScheme"), "ID", "VAT")
    entiteit = _cac(party, "PartyLegalEntity")
    _cbc(entiteit, "RegistrationName", partij["naam"])
    _cbc(entiteit, "CompanyID", nummer, schemeID=schema)
    if partij.get("tav"):
        _cbc(_cac(party, "Contact"), "Name", partij["tav"])


def _betaaltermijn(dagen: int, nummer: str) -> str:
    with translation.override("nl"):  # a fiscal document: always Dutch, like the PDF
        return _("Betaling binnen %(dagen)d dagen onder vermelding van %(nummer)s") % {"dagen": dagen, "nummer": nummer}


def factuur_xml(factuur: Factuur) -> bytes:
    """The final invoice or credit note as UBL 2.1 (UTF-8 bytes)."""
    if not factuur.is_definitief:
        raise FacturatieFout(
            _("Een conceptfactuur heeft nog geen nummer; maak haar eerst definitief voor een e-factuur (UBL).")
        )
    credit = factuur.soort == Factuur.Soort.CREDITNOTA
    teken = Decimal(-1) if credit else Decimal(1)
    naam = "CreditNote" if credit else "Invoice"
    ns = NS_CREDITNOTE if credit else NS_INVOICE
    regels = list(factuur.regels.all())
    som = totalen(regels)
    leverancier, afnemer = factuur.leverancier, factuur.afnemer

    # The root is written unqualified with its own xmlns, so the document has the usual default namespace
    # (ElementTree's default_namespace option refuses the unqualified schemeID/currencyID attributes).
    root = ET.Element(naam, {"xmlns": ns})
    _cbc(root, "CustomizationID", CUSTOMIZATION_ID)
    _cbc(root, "ProfileID", PROFILE_ID)
    _cbc(root, "ID", factuur.nummer)
    _cbc(root, "IssueDate", factuur.factuurdatum.isoformat())
    if not credit:
        _cbc(root, "DueDate", factuur.vervaldatum.isoformat())
    _cbc(root, "CreditNoteTypeCode" if credit else "InvoiceTypeCode", "381" if credit else "380")
    if factuur.omschrijving:
        _cbc(root, "Note", factuur.omschrijving)
    _cbc(root, "DocumentCurrencyCode", "EUR")
    _cbc(root, "BuyerReference", afnemer["referentie"])
    periode = _cac(root, "InvoicePeriod")
    _cbc(periode, "StartDate", f"{factuur.jaar}-01-01")
    _cbc(periode, "EndDate", f"{factuur.jaar}-12-31")
    if credit:
        origineel = factuur.origineel
        referentie = _cac(_cac(root, "BillingReference"), "InvoiceDocumentReference")
        _cbc(referentie, "ID", origineel.nummer)
        _cbc(referentie, "IssueDate", origineel.factuurdatum.isoformat())
    _leverancier(root, leverancier)
    _afnemer(root, afnemer)
    if not credit:
        betaling = _cac(root, "PaymentMeans")
        _cbc(betaling, "PaymentMeansCode", SEPA_OVERBOEKING, name="SEPA credit transfer")
        _cbc(betaling, "PaymentID", factuur.nummer)
        rekening = _cac(betaling, "PayeeFinancialAccount")
        _cbc(rekening, "ID", leverancier["iban"])
        _cbc(rekening, "Name", leverancier["naam"])
        if leverancier.get("bic"):
            _cbc(_cac(rekening, "FinancialInstitutionBranch"), "ID", leverancier["bic"])
        _cbc(
            _cac(root, "PaymentTerms"),
            "Note",
            _betaaltermijn(leverancier["betaaltermijn_dagen"], factuur.nummer),
        )
    else:
        with translation.override("nl"):
            notitie = _("Creditering van factuur %(nummer)s") % {"nummer": factuur.origineel.nummer}
        _cbc(_cac(root, "PaymentTerms"), "Note", notitie)

    belasting = _cac(root, "TaxTotal")
    _cbc(belasting, "TaxAmount", bedrag(teken * som.btw), currencyID="EUR")
    for groep in som.groepen:
        sub = _cac(belasting, "TaxSubtotal")
        _cbc(sub, "TaxableAmount", bedrag(teken * groep.grondslag), currencyID="EUR")
        _cbc(sub, "TaxAmount", bedrag(teken * groep.btw), currencyID="EUR")
        _belastingcategorie(sub, "TaxCategory", groep.percentage)

    totaal = _cac(root, "LegalMonetaryTotal")
    _cbc(totaal, "LineExtensionAmount", bedrag(teken * som.excl), currencyID="EUR")
    _cbc(totaal, "TaxExclusiveAmount", bedrag(teken * som.excl), currencyID="EUR")
    _cbc(totaal, "TaxInclusiveAmount", bedrag(teken * som.incl), currencyID="EUR")
    _cbc(totaal, "PayableAmount", bedrag(teken * som.incl), currencyID="EUR")

    for regel in regels:
        lijn = _cac(root, "CreditNoteLine" if credit else "InvoiceLine")
        _cbc(lijn, "ID", regel.volgorde)
        _cbc(lijn, "CreditedQuantity" if credit else "InvoicedQuantity", getal(teken * regel.aantal), unitCode=EENHEID)
        _cbc(lijn, "LineExtensionAmount", bedrag(teken * regel.bedrag), currencyID="EUR")
        item = _cac(lijn, "Item")
        if regel.berekening:
            _cbc(item, "Description", regel.berekening)
        _cbc(item, "Name", regel.omschrijving)
        if regel.dienst_id:
            _cbc(_cac(item, "SellersItemIdentification"), "ID", regel.dienst.code)
        _belastingcategorie(item, "ClassifiedTaxCategory", regel.btw_percentage)
        _cbc(_cac(lijn, "Price"), "PriceAmount", getal(regel.eenheidsprijs), currencyID="EUR")

    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode").encode()
