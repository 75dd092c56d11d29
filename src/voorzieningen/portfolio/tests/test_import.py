"""The import formats for population and enrolments, and the generator that writes them."""

import csv
import datetime

from django.core.management import call_command

import pytest

from voorzieningen.core.models import Gemeente
from voorzieningen.portfolio import generator
from voorzieningen.portfolio.importeren import importeer_bevolking, importeer_inschrijvingen, importeer_map
from voorzieningen.portfolio.models import Bevolking, Inschrijving

from .factories import bied_aan


def schrijf(pad, kolommen, rijen, scheiding=","):
    with pad.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=scheiding)
        writer.writerow(kolommen)
        writer.writerows(rijen)
    return pad


def test_population_import_accepts_cbs_codes_and_semicolons(wereld, tmp_path):
    pad = schrijf(
        tmp_path / "bevolking.csv",
        ["GEMEENTECODE", "LEEFTIJDSCATEGORIE", "JAAR", "AANTAL", "TYPE", "BRON"],
        [
            ["GM0344", "15-19", "2026", "21.000", "Realisatie", "CBS"],
            ["355", "15 - 19", "2031", "3100", "Prognose", ""],
        ],
        scheiding=";",
    )
    resultaat = importeer_bevolking(pad)
    assert resultaat.fouten == []
    assert {(b.gemeente_id, b.jaar, b.aantal, b.prognose, b.bron) for b in Bevolking.objects.all()} == {
        ("0344", 2026, 21000, False, "CBS"),
        ("0355", 2031, 3100, True, "import"),
    }


def test_population_rows_that_cannot_be_read_are_refused_with_their_line(wereld, tmp_path):
    pad = schrijf(
        tmp_path / "bevolking.csv",
        ["GEMEENTECODE", "LEEFTIJDSCATEGORIE", "JAAR", "AANTAL", "TYPE"],
        [
            ["0344", "15-19", "2026", "100", ""],
            ["9999", "15-19", "2026", "100", ""],
            ["abc", "15-19", "2026", "100", ""],
            ["0344", "16-18", "2026", "100", ""],
            ["0344", "20-24", "2026", "-1", ""],
            ["0344", "25-64", "2026", "10", "Schatting"],
        ],
    )
    resultaat = importeer_bevolking(pad)
    assert [f.split(":")[0] for f in resultaat.fouten] == [f"bevolking.csv, regel {n}" for n in (3, 4, 5, 6, 7)]
    assert Bevolking.objects.count() == 1


def test_missing_columns_refuse_the_file(wereld, tmp_path):
    pad = schrijf(tmp_path / "bevolking.csv", ["GEMEENTECODE", "JAAR"], [["0344", "2026"]])
    assert "kolommen ontbreken: LEEFTIJDSCATEGORIE, AANTAL" in importeer_bevolking(pad).fouten[0]


def test_enrolment_import_is_a_full_delivery_per_year_and_idempotent(wereld, tmp_path):
    w = wereld
    opleiding = bied_aan(w.roc_a, w.kok, w.utrecht)
    locatie = opleiding.locatie.code
    kolommen = ["JAAR", "INSTELLINGSCODE", "ONDERWIJSLOCATIECODE", "ERKENDEOPLEIDINGSCODE", "LEERWEG", "AANTAL"]
    pad = schrijf(
        tmp_path / "inschrijvingen.csv",
        kolommen,
        [
            ["2024", "01AA", locatie, "25180", "BOLVT", "40"],
            ["2025", "01AA", locatie, "25180", "BBL", "12"],
            ["2025", "01AA", locatie, "25180", "BOLDT", "3"],
        ],
    )
    eerste = importeer_inschrijvingen(pad)
    assert eerste.fouten == [] and eerste.aantallen["inschrijvingen.nieuw"] == 3
    assert set(Inschrijving.objects.values_list("schooljaar", "leertraject", "aantal", "gemeentecode")) == {
        (2024, "BOL", 40, "0344"),
        (2025, "BBL", 12, "0344"),
        (2025, "BOL_DT", 3, "0344"),
    }
    assert importeer_inschrijvingen(pad).aantallen["inschrijvingen.ongewijzigd"] == 3
    # a new delivery for 2025 only: 2025's BOL_DT row is gone, 2024 untouched
    schrijf(pad, kolommen, [["2025", "01AA", locatie, "25180", "BBL", "14"]])
    derde = importeer_inschrijvingen(pad)
    assert derde.aantallen["inschrijvingen.gewijzigd"] == 1 and derde.aantallen["inschrijvingen.verwijderd"] == 1
    assert set(Inschrijving.objects.values_list("schooljaar", "leertraject", "aantal")) == {
        (2024, "BOL", 40),
        (2025, "BBL", 14),
    }


def test_enrolment_rows_are_checked(wereld, tmp_path):
    w = wereld
    locatie = bied_aan(w.roc_a, w.kok, w.utrecht).locatie.code
    pad = schrijf(
        tmp_path / "inschrijvingen.csv",
        [
            "JAAR",
            "INSTELLINGSCODE",
            "ONDERWIJSLOCATIECODE",
            "GEMEENTENUMMER",
            "ERKENDEOPLEIDINGSCODE",
            "LEERWEG",
            "AANTAL",
        ],
        [
            ["2025", "99ZZ", locatie, "", "25180", "BOL", "1"],  # unknown institution
            ["2025", "01AA", locatie, "", "00000", "BOL", "1"],  # unknown crebo
            ["2025", "01AA", locatie, "", "25180", "EX", "1"],  # not initial education
            ["2025", "01AA", "999X999", "", "25180", "BOL", "1"],  # unknown location without municipality
            ["2025", "01AA", "999X998", "0307", "25180", "BOL", "5"],  # unknown location with municipality: fine
            ["twee", "01AA", locatie, "", "25180", "BOL", "1"],
        ],
    )
    resultaat = importeer_inschrijvingen(pad)
    assert len(resultaat.fouten) == 5
    assert list(Inschrijving.objects.values_list("onderwijslocatiecode", "gemeentecode")) == [("999X998", "0307")]


def test_import_folder_without_files(tmp_path, db):
    assert "geen bevolking.csv" in importeer_map(tmp_path).fouten[0]


def test_the_generator_writes_what_the_importer_reads(wereld, tmp_path):
    w = wereld
    for instelling, kwal, gemeente in (
        (w.roc_a, w.kok, w.utrecht),
        (w.roc_b, w.ict, w.groningen),
        (w.roc_c, w.kok, w.delfzijl),
    ):
        bied_aan(instelling, kwal, gemeente)
        bied_aan(instelling, kwal, gemeente, "BBL", locatie=instelling.aanbieders.first().opleidingen.first().locatie)
    vandaag = datetime.date(2026, 3, 1)
    dataset = generator.genereer(7, vandaag)
    assert dataset.inschrijvingen and dataset.bevolking
    assert {r["BRON"] for r in dataset.bevolking} == {"gegenereerd"}
    jaren = {r["JAAR"] for r in dataset.inschrijvingen}
    assert max(jaren) == 2025 and min(jaren) >= 2021
    assert {r["JAAR"] for r in dataset.bevolking} == set(range(2022, 2037))
    assert generator.genereer(7, vandaag).inschrijvingen == dataset.inschrijvingen  # the seed decides
    dataset.write(tmp_path)
    resultaat = importeer_map(tmp_path)
    assert resultaat.fouten == []
    assert Bevolking.objects.count() == len(dataset.bevolking) == Gemeente.objects.count() * 6 * 15
    assert Inschrijving.objects.count() == len(dataset.inschrijvingen)
    assert importeer_map(tmp_path).aantallen["inschrijvingen.nieuw"] == 0


def test_shrink_regions_lose_young_people_in_the_generated_projection(wereld):
    dataset = generator.genereer(3, datetime.date(2026, 3, 1))

    def jongeren(code, jaar):
        return next(
            int(r["AANTAL"])
            for r in dataset.bevolking
            if r["GEMEENTECODE"] == code and r["JAAR"] == jaar and r["LEEFTIJDSCATEGORIE"] == "15-19"
        )

    assert jongeren("1979", 2031) < jongeren("1979", 2026) * 0.95  # Delfzijl en omgeving: a shrink region


def test_synthetic_municipalities_without_reference_data(db, settings, tmp_path):
    settings.REFERENCE_DATA_DIR = str(tmp_path / "bestaat-niet")
    assert generator.zorg_voor_gemeenten(1) == 342
    assert Gemeente.objects.filter(latitude__isnull=False).count() == 342
    assert generator.zorg_voor_gemeenten(1) == 0  # idempotent


def test_commands(wereld, tmp_path, capsys):
    bied_aan(wereld.roc_a, wereld.kok, wereld.utrecht)
    call_command("generate_portfolio", "--seed", "2", "--today", "2026-03-01", "--out", str(tmp_path))
    call_command("import_portfolio", str(tmp_path))
    uit = capsys.readouterr().out
    assert "bevolkingscijfers" in uit and "inschrijvingen.nieuw" in uit
    with pytest.raises(Exception, match="bestaat niet"):
        call_command("import_portfolio", str(tmp_path / "nergens"))
