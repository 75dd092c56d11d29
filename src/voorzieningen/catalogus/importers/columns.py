"""The accepted import columns. README.md ("Catalogue import format") documents the same list.

``mbo_opleidingsaanbod.csv`` uses DUO's published column names (data set "MBO Opleidingsaanbod");
the columns marked *extension* are not in DUO's file: in RIO they come from the related registrations
(organisatorische eenheden, erkenningen, onderwijslocaties) and the importer needs them to link the offer
to an institution and a place.
"""

OPLEIDING_REQUIRED = [
    "AANGEBODEN_OPLEIDINGCODE",
    "ERKENDEOPLEIDINGSCODE",
    "OPLEIDINGSEENHEID_NAAM",
    "ONDERWIJSAANBIEDERID",
    "NAAM",
    "LEERTRAJECT",
    "EIGENNAAM",
    "INSTELLINGSERKENNINGSCODE",  # extension: BRIN of the institution
]
OPLEIDING_OPTIONAL = [
    "ONDERWIJSLOCATIECODE",
    "ONDERWIJSBESTUURID",
    "MBONIVEAU",
    "OPLEIDINGSEENHEID_NIVEAU",
    "DOMEIN",
    "STRAATNAAM",
    "HUISNUMMER",
    "HUISNUMMERTOEVOEGING",
    "POSTCODE",
    "PLAATSNAAM",
    "WEBSITE",
    "INSTELLINGSNAAM",  # extension
    "ONDERWIJSAANBIEDER_TYPE",  # extension: CENTRAAL_AANMELDEN_MBO (default), AANMELDEN, ALGEMEEN
    "GEMEENTECODE",  # extension: CBS/BRP gemeentecode of the location
    "GPS_LATITUDE",  # extension
    "GPS_LONGITUDE",  # extension
    "ACTIEF",  # extension: J (default) or N
]
COHORT_REQUIRED = [
    "AANGEBODEN_OPLEIDINGCODE",
    "COHORTCODE",
    "BEGINDATUM",
    "BEGIN_AANMELDPERIODE",
]
COHORT_OPTIONAL = [
    "COHORTSTATUS",  # O (default) or G
    "EINDE_AANMELDPERIODE",
    "EINDDATUM",
    "TOEGANGSCODE_COHORT",
    "DEELNEMERSPLAATSEN",
]
MUTATIE = "MUTATIE"  # mutation files only: TOEVOEGEN, WIJZIGEN or VERWIJDEREN

OPLEIDINGEN_FILE = "mbo_opleidingsaanbod.csv"
COHORTEN_FILE = "mbo_opleidingsaanbod_cohorten.csv"
