"""The processing register (verwerkingsregister, AVG art. 30) as data: a page, a JSON document and a test.

Every model field that holds personal data must be named by one processing here; a test fails otherwise, so a
new field cannot slip in without a purpose, legal basis and retention period.
"""

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Verwerking:
    sleutel: str
    naam: str
    doel: str
    grondslag: str
    categorieen: tuple[str, ...]
    betrokkenen: str
    ontvangers: tuple[str, ...]
    bewaartermijn: str
    velden: tuple[str, ...]  # "app_label.Model.field"

    def as_dict(self) -> dict:
        return asdict(self)


VERWERKINGEN: tuple[Verwerking, ...] = (
    Verwerking(
        sleutel="centraal-aanmelden",
        naam="Centraal Aanmelden: aanmelden bij een mbo-opleiding",
        doel="De aankomend student meldt zich aan bij een opleiding; de gekozen instelling ontvangt de aanmelding.",
        grondslag="Wettelijke verplichting en publieke taak: WEB art. 8.1.7a (aanmelding), Wet aanmelddatum en "
        "toelatingsrecht mbo",
        categorieen=(
            "BSN",
            "naam, geboortedatum, geboorteland/-plaats",
            "adres",
            "contactgegevens",
            "ouders/verzorgers",
            "vooropleiding (DUO)",
            "leerbedrijf (BBL)",
            "aanmeldstatus",
        ),
        betrokkenen="Aankomende studenten en hun ouders/verzorgers",
        ontvangers=("De gekozen mbo-instelling (SIS)", "Koppelpunt MBO"),
        bewaartermijn="Eén jaar na de laatste aanmelding (waarschuwing 30 dagen vooraf); lege profielen na drie "
        "maanden; direct bij verwijderen door de student. Aanmeldingen blijven daarna alleen anoniem bestaan.",
        velden=(
            "identiteit.User.bsn",
            "identiteit.User.username",
            "aanmelden.Aanmelder.persoon",
            "aanmelden.Aanmelder.vooropleidingen",
            "aanmelden.Aanmelder.adres_geheim",
            "aanmelden.Aanmelder.handmatig_adres",
            "aanmelden.Aanmelder.email",
            "aanmelden.Aanmelder.telefoon",
            "aanmelden.Ouder.naam",
            "aanmelden.Ouder.email",
            "aanmelden.Ouder.telefoon",
            "aanmelden.Concept.leerbedrijf",
            "aanmelden.Concept.kenmerken",
            "aanmelden.Aanmelding.gegevens",
            "aanmelden.Aanmelding.leerbedrijf",
            "aanmelden.Aanmelding.kenmerken",
            "aanmelden.Aanmelding.ontvangstbewijs",
            "aanmelden.StatusWijziging.toelichting",
            "aanmelden.Verstrekking.gegevens",
            "sis.Aanlevering.foutmelding",
            "sis.SisLogregel.detail",
        ),
    ),
    Verwerking(
        sleutel="interessemelding",
        naam="Interesse melden zonder BSN",
        doel="Wie (nog) geen BSN heeft, laat de instelling weten dat hij interesse heeft; de instelling neemt "
        "contact op.",
        grondslag="Toestemming (AVG art. 6 lid 1a)",
        categorieen=("naam", "contactgegevens", "geboortedatum", "vooropleiding (zelf opgegeven)"),
        betrokkenen="Aankomende studenten zonder BSN",
        ontvangers=("De gekozen mbo-instelling",),
        bewaartermijn="Eén jaar na de melding",
        velden=(
            "aanmelden.Interessemelding.naam",
            "aanmelden.Interessemelding.email",
            "aanmelden.Interessemelding.telefoon",
            "aanmelden.Interessemelding.geboortedatum",
            "aanmelden.Interessemelding.vooropleiding",
        ),
    ),
    Verwerking(
        sleutel="vva",
        naam="Koppelpunt MBO (Voorziening Vroegtijdig Aanmelden)",
        doel="Aanmeldstatussen doorgeven aan Koppelpunt VO en Koppelpunt Gemeenten om voortijdig schoolverlaten te "
        "voorkomen.",
        grondslag="Wettelijke verplichting: WEB art. 8.0.3",
        categorieen=("PGN (BSN)", "postcode", "gemeente", "aanmeld-id en -status", "leeftijd, startkwalificatie"),
        betrokkenen="Aankomende studenten",
        ontvangers=("Koppelpunt VO (latende school)", "Koppelpunt Gemeenten (woongemeente/RMC)", "Centraal Aanmelden"),
        bewaartermijn="Alleen tijdelijk: de inhoud verdwijnt zodra elke ontvanger heeft bevestigd; het log "
        "(bericht-id, afzender, ontvangers) blijft.",
        velden=("core.OutboxBericht.payload", "core.OutboxBericht.groep"),
    ),
    Verwerking(
        sleutel="beheeraccounts",
        naam="Accounts van instellingsbeheerders en medewerkers van de coöperatie",
        doel="Persoonlijke toegang tot het beheer, zodat elke inzage en wijziging herleidbaar is.",
        grondslag="Gerechtvaardigd belang en AVG art. 32 (beveiliging)",
        categorieen=("naam", "e-mailadres", "inlogpogingen (IP-adres)"),
        betrokkenen="Medewerkers van instellingen en van de coöperatie",
        ontvangers=("Geen",),
        bewaartermijn="Zolang het account actief is; uitnodigingen 7 dagen geldig",
        velden=(
            "identiteit.User.first_name",
            "identiteit.User.last_name",
            "identiteit.User.email",
            "instellingen.Uitnodiging.naam",
            "instellingen.Uitnodiging.email",
        ),
    ),
    Verwerking(
        sleutel="audittrail",
        naam="Audit trail",
        doel="Verantwoording: wie welke persoonsgegevens inzag of wijzigde, en wanneer.",
        grondslag="AVG art. 5 lid 2 en art. 32 (verantwoordingsplicht, beveiliging)",
        categorieen=("pseudoniem van de betrokkene (gehashte BSN)", "gebruikers-id van de actor"),
        betrokkenen="Studenten, beheerders, medewerkers",
        ontvangers=("Functionaris gegevensbescherming",),
        bewaartermijn="Twee jaar",
        velden=("core.AuditLogEntry.subject_ref", "core.AuditLogEntry.actor_id"),
    ),
    Verwerking(
        sleutel="cooperatie-leden",
        naam="Ledenadministratie en algemene ledenvergadering van de coöperatie",
        doel="Contactpersonen van leden registreren en jaarlijks bevestigen; vergaderen en stemmen in de AV.",
        grondslag="Gerechtvaardigd belang (AVG art. 6 lid 1f) en de statuten van de coöperatie",
        categorieen=("naam", "functie", "zakelijk e-mailadres en telefoonnummer", "stemgedrag namens het lid"),
        betrokkenen="Contactpersonen en vertegenwoordigers van leden, bestuursleden",
        ontvangers=("Medewerkers van de coöperatie", "Leden (notulen en besluitenlijst)"),
        bewaartermijn="Zolang de persoon contactpersoon is, daarna één jaar; notulen en besluiten blijvend",
        velden=(
            "cooperatie.Contactpersoon.naam",
            "cooperatie.Contactpersoon.functie",
            "cooperatie.Contactpersoon.email",
            "cooperatie.Contactpersoon.telefoon",
            "cooperatie.Bevestiging.opmerking",
            "cooperatie.Bestuurslid.naam",
            "cooperatie.Agendapunt.toelichting",
            "cooperatie.Voorstel.toelichting",
            "cooperatie.Voorstel.kandidaat_naam",
            "cooperatie.Vergadering.notulen",
            "cooperatie.Stem.keuze",
        ),
    ),
    Verwerking(
        sleutel="cooperatie-dienstverlening",
        naam="Facturatie, contracten en servicemanagement van de coöperatie",
        doel="Leden factureren, leverancierscontracten beheren, verstoringen en wijzigingsverzoeken afhandelen.",
        grondslag="Uitvoering van de overeenkomst met leden en leveranciers (AVG art. 6 lid 1b), fiscale "
        "bewaarplicht (AWR art. 52)",
        categorieen=("naam", "zakelijk e-mailadres en telefoonnummer"),
        betrokkenen="Contactpersonen van leden en leveranciers, melders van verstoringen en wijzigingen",
        ontvangers=("Medewerkers van de coöperatie", "Expertgroep en werkgroep doorontwikkeling"),
        bewaartermijn="Facturen zeven jaar (fiscale bewaarplicht); meldingen twee jaar na afsluiten",
        velden=(
            "cooperatie.Facturatiegegevens.email",
            "cooperatie.Factuurgegevens.ter_attentie_van",
            "cooperatie.Factuurgegevens.email",
            "cooperatie.Factuur.afnemer",
            "cooperatie.Factuur.verzonden_aan",
            "cooperatie.Leverancier.naam",
            "cooperatie.Leverancier.contactpersoon",
            "cooperatie.Leverancier.email",
            "cooperatie.Leverancier.telefoon",
            "cooperatie.Wijzigingsverzoek.indiener_naam",
            "cooperatie.Wijzigingsverzoek.indiener_email",
        ),
    ),
    Verwerking(
        sleutel="simulatoren",
        naam="Simulatoren van ketenpartners (ontwikkeling en test)",
        doel="Koppelpunt VO/Gemeenten nabootsen om de keten te testen; alleen testgegevens.",
        grondslag="Niet van toepassing: uitsluitend fictieve testpersonen",
        categorieen=("fictieve PGN en postcodes",),
        betrokkenen="Geen (testpersonen)",
        ontvangers=("Geen",),
        bewaartermijn="Tot de testomgeving wordt opgeruimd",
        velden=(
            "koppelpunt.SimulatorOntvangst.payload",
            "koppelpunt.BeoogdeMboGanger.pgn",
            "koppelpunt.BeoogdeMboGanger.postcode",
            "koppelpunt.BeoogdeMboGanger.reden",
            "koppelpunt.GemeenteSignaal.pgn",
            "koppelpunt.GemeenteSignaal.postcode",
            "koppelpunt.GemeenteSignaal.reden",
        ),
    ),
    Verwerking(
        sleutel="portfolio",
        naam="Portfolioregie: start/stop-overleg, escalatieladder en arbitrage",
        doel="Instellingen overleggen over het opleidingenaanbod; bij een geschil wordt vastgelegd wie in de "
        "arbitragecommissie zat, en wie namens een instelling een bijdrage of document plaatste.",
        grondslag="Gerechtvaardigd belang (AVG art. 6 lid 1f) en de afspraken in de vereniging (MBO Raad) over "
        "regie op het opleidingenportfolio",
        categorieen=(
            "naam en instelling van leden van de commissie governance en van de onafhankelijk voorzitter",
            "gebruikersaccount van wie een aankondiging, bijdrage of document plaatste",
        ),
        betrokkenen="Bestuurders in de commissie governance, onafhankelijk voorzitters, beheerders van instellingen",
        ontvangers=("De partijen in de casus", "Medewerkers van de portfolioregie"),
        bewaartermijn="Zolang de casus bewaard wordt (verantwoording en de lerende aanpak); commissieleden zolang zij "
        "lid zijn en daarna zolang een casus waarin zij oordeelden bewaard wordt",
        velden=(
            "portfolio.Commissielid.naam",
            "portfolio.Casus.aangemaakt_door",
            "portfolio.Bijdrage.auteur",
            "portfolio.Stapdocument.toegevoegd_door",
            "portfolio.BindendeAfspraak.vastgesteld_door",
        ),
    ),
)

# Field names that hold data about a person wherever they appear (the test checks every model for them).
PERSOONSVELDEN = frozenset(
    {
        "bsn",
        "pgn",
        "persoon",
        "email",
        "telefoon",
        "geboortedatum",
        "first_name",
        "last_name",
        "handmatig_adres",
        "adres_geheim",
        "vooropleidingen",
        "vooropleiding",
        "gegevens",
        "payload",
        "leerbedrijf",
        "kenmerken",
        "subject_ref",
        "foutmelding",
        "toelichting",
        "reden",
        "ontvangstbewijs",
    }
)


def gedekte_velden() -> set[str]:
    return {veld for v in VERWERKINGEN for veld in v.velden}
