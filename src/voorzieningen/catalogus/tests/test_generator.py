import datetime

from voorzieningen.catalogus.generator import generate


def test_national_dataset_has_the_national_shape():
    data = generate(seed=1, scale=1.0, today=datetime.date(2026, 11, 23))
    institutions = {r["INSTELLINGSERKENNINGSCODE"] for r in data.opleidingen}
    providers = {r["ONDERWIJSAANBIEDERID"] for r in data.opleidingen}
    locations = {r["ONDERWIJSLOCATIECODE"] for r in data.opleidingen}
    gemeenten = {r["GEMEENTECODE"] for r in data.opleidingen}
    qualifications = {r["ERKENDEOPLEIDINGSCODE"] for r in data.opleidingen}
    assert len(institutions) == 60
    assert 85 <= len(providers) <= 95
    assert 550 <= len(locations) <= 700
    assert len(gemeenten) >= 250  # spread over the country, not one region
    assert 400 <= len(qualifications) <= 500
    assert 11000 <= len(data.opleidingen) <= 13500
    assert 22000 <= len(data.cohorten) <= 29000
    assert len({r["AANGEBODEN_OPLEIDINGCODE"] for r in data.opleidingen}) == len(data.opleidingen)


def test_same_seed_same_dataset_other_seed_other_dataset():
    today = datetime.date(2026, 11, 23)
    assert generate(5, 0.02, today).opleidingen == generate(5, 0.02, today).opleidingen
    assert generate(5, 0.02, today).opleidingen != generate(6, 0.02, today).opleidingen


def test_uses_real_reference_data_when_present(settings):
    from voorzieningen.catalogus import reference

    if not reference.data_dir():
        import pytest

        pytest.skip("REFERENCE_DATA_DIR not present")
    real = dict(reference.crebo_kwalificaties())
    row = generate(2, 0.02, datetime.date(2026, 11, 23)).opleidingen[0]
    assert real[row["ERKENDEOPLEIDINGSCODE"]] == row["OPLEIDINGSEENHEID_NAAM"]
    assert row["INSTELLINGSERKENNINGSCODE"] in dict(reference.mbo_instellingen())


def test_synthetic_stand_ins_without_reference_data(settings):
    settings.REFERENCE_DATA_DIR = ""
    data = generate(2, 0.05, datetime.date(2026, 11, 23))
    assert data.opleidingen and all(r["GEMEENTECODE"] for r in data.opleidingen)
