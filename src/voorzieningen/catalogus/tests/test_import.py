"""Full and mutation imports from RIO open-data files: counts, idempotency, bad rows, atomicity."""

import csv
import datetime
from unittest import mock

import pytest

from voorzieningen.catalogus import services
from voorzieningen.catalogus.generator import generate
from voorzieningen.catalogus.importers.columns import COHORTEN_FILE, OPLEIDINGEN_FILE
from voorzieningen.catalogus.models import AangebodenOpleiding, Cohort, ImportRun, Instelling, SyncStatus

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def dataset():
    return generate(seed=7, scale=0.03, today=TODAY)


def write(directory, opleidingen=None, cohorten=None, extra_columns=()):
    for name, rows in ((OPLEIDINGEN_FILE, opleidingen), (COHORTEN_FILE, cohorten)):
        if rows is None:
            continue
        columns = list(dict.fromkeys([c for row in rows for c in row] + list(extra_columns)))
        with (directory / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, delimiter=";")
            writer.writeheader()
            writer.writerows(rows)
    return directory


@pytest.mark.smoke
def test_full_import_creates_everything_and_is_idempotent(tmp_path, dataset):
    dataset.write(tmp_path)
    run = services.import_directory(tmp_path)

    assert run.uitkomst == ImportRun.Uitkomst.GESLAAGD, run.fouten
    assert run.aantallen["opleidingen.nieuw"] == len(dataset.opleidingen) == AangebodenOpleiding.objects.count()
    assert run.aantallen["cohorten.nieuw"] == len(dataset.cohorten) == Cohort.objects.count()
    assert SyncStatus.objects.get(bron=services.BRON_BESTAND).laatste_volledige_sync == run.klaar_op

    again = services.import_directory(tmp_path)
    changed = {k: v for k, v in again.aantallen.items() if (".nieuw" in k or ".gewijzigd" in k) and v}
    assert changed == {}
    assert again.aantallen["opleidingen.ongewijzigd"] == len(dataset.opleidingen)
    assert AangebodenOpleiding.objects.count() == len(dataset.opleidingen)


def test_import_maps_the_duo_columns(tmp_path, dataset):
    row = dataset.opleidingen[0]
    dataset.write(tmp_path)
    services.import_directory(tmp_path)

    opleiding = AangebodenOpleiding.objects.select_related("aanbieder__instelling", "locatie", "kwalificatie").get(
        code=row["AANGEBODEN_OPLEIDINGCODE"]
    )
    assert opleiding.wervingsnaam == row["EIGENNAAM"]
    assert opleiding.kwalificatie.crebo == row["ERKENDEOPLEIDINGSCODE"]
    assert opleiding.leertraject == row["LEERTRAJECT"]
    assert opleiding.niveau == int(row["MBONIVEAU"][-1])
    assert opleiding.aanbieder.code == row["ONDERWIJSAANBIEDERID"]
    assert opleiding.aanbieder.instelling.brin == row["INSTELLINGSERKENNINGSCODE"]
    assert opleiding.locatie.gemeentecode == row["GEMEENTECODE"]
    assert opleiding.locatie.latitude == pytest.approx(float(row["GPS_LATITUDE"]))


def test_bad_rows_are_reported_and_the_rest_is_imported(tmp_path, dataset):
    opleidingen = [dict(r) for r in dataset.opleidingen[:5]]
    opleidingen[1]["LEERTRAJECT"] = "XYZ"
    opleidingen[3]["ERKENDEOPLEIDINGSCODE"] = "12"
    codes = {r["AANGEBODEN_OPLEIDINGCODE"] for r in opleidingen}
    cohorten = [dict(c) for c in dataset.cohorten if c["AANGEBODEN_OPLEIDINGCODE"] in codes]
    cohorten[0]["BEGIN_AANMELDPERIODE"] = "31-02-2026"
    write(tmp_path, opleidingen, cohorten)

    run = services.import_directory(tmp_path)

    assert run.uitkomst == ImportRun.Uitkomst.MET_FOUTEN
    by_row = {(e["file"], e["row"]): e for e in run.fouten}
    assert by_row[(OPLEIDINGEN_FILE, 3)]["column"] == "LEERTRAJECT"
    assert "onbekend leertraject 'XYZ'" in by_row[(OPLEIDINGEN_FILE, 3)]["message"]
    assert by_row[(OPLEIDINGEN_FILE, 5)]["column"] == "ERKENDEOPLEIDINGSCODE"
    assert by_row[(COHORTEN_FILE, 2)]["column"] == "BEGIN_AANMELDPERIODE"
    assert AangebodenOpleiding.objects.count() == 3
    # cohorts of the refused programmes are refused too, with the reason
    refused = {opleidingen[1]["AANGEBODEN_OPLEIDINGCODE"], opleidingen[3]["AANGEBODEN_OPLEIDINGCODE"]}
    assert any(e["key"] in refused and "onbekende opleiding" in e["message"] for e in run.fouten)


def test_missing_columns_refuse_the_whole_file_and_write_nothing(tmp_path, dataset):
    opleidingen = [{k: v for k, v in r.items() if k != "LEERTRAJECT"} for r in dataset.opleidingen[:3]]
    write(tmp_path, opleidingen, dataset.cohorten[:3])

    run = services.import_directory(tmp_path)

    assert run.uitkomst == ImportRun.Uitkomst.MISLUKT
    assert "verplichte kolommen ontbreken: LEERTRAJECT" in run.melding
    assert AangebodenOpleiding.objects.count() == 0
    assert not SyncStatus.objects.exists()


def test_a_crash_halfway_leaves_nothing_half_written(tmp_path, dataset):
    dataset.write(tmp_path)
    with mock.patch("voorzieningen.catalogus.importers.apply._upsert_cohorten", side_effect=RuntimeError("boom")):
        with pytest.raises(RuntimeError):
            services.import_directory(tmp_path)
    assert AangebodenOpleiding.objects.count() == 0
    assert Instelling.objects.count() == 0
    assert ImportRun.objects.get().uitkomst == ImportRun.Uitkomst.MISLUKT


def test_full_import_deactivates_what_left_the_source(tmp_path, dataset):
    dataset.write(tmp_path)
    services.import_directory(tmp_path)
    gone = dataset.opleidingen[0]["AANGEBODEN_OPLEIDINGCODE"]
    smaller = tmp_path / "smaller"
    smaller.mkdir()
    write(
        smaller,
        dataset.opleidingen[1:],
        [c for c in dataset.cohorten if c["AANGEBODEN_OPLEIDINGCODE"] != gone],
    )

    run = services.import_directory(smaller)

    assert run.aantallen["opleidingen.gedeactiveerd"] == 1
    assert AangebodenOpleiding.objects.get(code=gone).actief is False
    assert not Cohort.objects.filter(opleiding__code=gone, status=Cohort.Status.OPEN).exists()


def test_a_bad_row_in_a_full_import_does_not_deactivate_its_programme(tmp_path, dataset):
    dataset.write(tmp_path)
    services.import_directory(tmp_path)
    rows = [dict(r) for r in dataset.opleidingen]
    rows[0]["LEERTRAJECT"] = "???"
    again = tmp_path / "again"
    again.mkdir()
    write(again, rows, dataset.cohorten)

    run = services.import_directory(again)

    assert run.aantallen.get("opleidingen.gedeactiveerd", 0) == 0
    assert AangebodenOpleiding.objects.get(code=rows[0]["AANGEBODEN_OPLEIDINGCODE"]).actief


def test_mutations_add_change_and_remove(tmp_path, dataset):
    dataset.write(tmp_path)
    services.import_directory(tmp_path)
    changed = dict(dataset.opleidingen[0], EIGENNAAM="Nieuwe wervingsnaam", MUTATIE="WIJZIGEN")
    removed = {"AANGEBODEN_OPLEIDINGCODE": dataset.opleidingen[1]["AANGEBODEN_OPLEIDINGCODE"], "MUTATIE": "VERWIJDEREN"}
    cohort = dataset.cohorten[0]
    new_cohort = dict(cohort, COHORTCODE="EXTRA-1", MUTATIE="TOEVOEGEN")
    gone_cohort = {
        "AANGEBODEN_OPLEIDINGCODE": cohort["AANGEBODEN_OPLEIDINGCODE"],
        "COHORTCODE": cohort["COHORTCODE"],
        "MUTATIE": "VERWIJDEREN",
    }
    mutations = tmp_path / "mutaties"
    mutations.mkdir()
    write(mutations, [changed, removed], [new_cohort, gone_cohort], extra_columns=["EIGENNAAM"])

    run = services.import_directory(mutations, mutation=True)

    assert run.uitkomst == ImportRun.Uitkomst.GESLAAGD, run.fouten
    assert (
        AangebodenOpleiding.objects.get(code=changed["AANGEBODEN_OPLEIDINGCODE"]).wervingsnaam == "Nieuwe wervingsnaam"
    )
    assert AangebodenOpleiding.objects.get(code=removed["AANGEBODEN_OPLEIDINGCODE"]).actief is False
    assert Cohort.objects.filter(opleiding__code=cohort["AANGEBODEN_OPLEIDINGCODE"], code="EXTRA-1").exists()
    assert not Cohort.objects.filter(
        opleiding__code=cohort["AANGEBODEN_OPLEIDINGCODE"], code=cohort["COHORTCODE"]
    ).exists()
    assert run.aantallen["opleidingen.gewijzigd"] == 1
    assert SyncStatus.objects.get(bron=services.BRON_BESTAND).laatste_mutatie_sync == run.klaar_op


def test_removing_a_cohort_with_applications_closes_it_instead(tmp_path, dataset):
    dataset.write(tmp_path)
    services.import_directory(tmp_path)
    cohort_row = dataset.cohorten[0]
    cohort = Cohort.objects.get(opleiding__code=cohort_row["AANGEBODEN_OPLEIDINGCODE"], code=cohort_row["COHORTCODE"])
    Cohort.objects.filter(pk=cohort.pk).update(aantal_aanmeldingen=3)

    run = services.import_mutations(
        [],
        [
            {
                "aangeboden_opleidingcode": cohort_row["AANGEBODEN_OPLEIDINGCODE"],
                "cohortcode": cohort.code,
                "mutatie": "VERWIJDEREN",
            }
        ],
    )

    cohort.refresh_from_db()
    assert run.aantallen["cohorten.gesloten"] == 1
    assert cohort.status == Cohort.Status.GESLOTEN
    assert cohort.aantal_aanmeldingen == 3


def test_mutation_without_mutatie_value_is_refused_per_row(tmp_path, dataset):
    run = services.import_mutations([dict(dataset.opleidingen[0], MUTATIE="")], [])
    assert run.fouten[0]["column"] == "MUTATIE"
    assert run.fouten[0]["message"] == "verplicht veld is leeg"


def test_semicolon_bom_and_dutch_dates_are_accepted(tmp_path, dataset):
    opleiding = dataset.opleidingen[0]
    cohort = dict(dataset.cohorten[0], BEGINDATUM="01-09-2027", BEGIN_AANMELDPERIODE="20261001")
    cohort["AANGEBODEN_OPLEIDINGCODE"] = opleiding["AANGEBODEN_OPLEIDINGCODE"]
    write(tmp_path, [opleiding], [cohort])
    text = (tmp_path / OPLEIDINGEN_FILE).read_text(encoding="utf-8")
    (tmp_path / OPLEIDINGEN_FILE).write_text("\ufeff" + text, encoding="utf-8")

    run = services.import_directory(tmp_path)

    assert run.uitkomst == ImportRun.Uitkomst.GESLAAGD, run.fouten
    c = Cohort.objects.get()
    assert (c.begindatum, c.aanmelden_vanaf) == (datetime.date(2027, 9, 1), datetime.date(2026, 10, 1))


def test_command_line_import_reports_counts_and_errors(tmp_path, dataset, capsys):
    from django.core.management import call_command

    rows = [dict(r) for r in dataset.opleidingen[:2]]
    rows[1]["POSTCODE"] = "12345"
    write(
        tmp_path,
        rows,
        [c for c in dataset.cohorten if c["AANGEBODEN_OPLEIDINGCODE"] == rows[0]["AANGEBODEN_OPLEIDINGCODE"]],
    )
    call_command("import_rio", str(tmp_path))
    out = capsys.readouterr().out
    assert "opleidingen.nieuw: 1" in out
    assert "regel 3, kolom POSTCODE: ongeldige waarde '12345'" in out
