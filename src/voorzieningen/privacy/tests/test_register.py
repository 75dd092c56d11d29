"""The processing register covers every personal-data field the models store, and names only real fields."""

import json

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

import pytest

from voorzieningen.privacy.register import PERSOONSVELDEN, VERWERKINGEN, gedekte_velden


def _project_modellen():
    return [m for m in apps.get_models() if m.__module__.startswith("voorzieningen.")]


def test_every_personal_data_field_is_covered_by_a_processing():
    gedekt = gedekte_velden()
    ontbreekt = []
    for model in _project_modellen():
        namen = {f.name for f in model._meta.concrete_fields}
        persoonlijk = namen & PERSOONSVELDEN
        if persoonlijk:  # a model about persons: its name fields are personal too
            persoonlijk |= {n for n in namen if n == "naam" or n.endswith("_naam")}
        ontbreekt += [
            f"{model._meta.label}.{n}" for n in sorted(persoonlijk) if f"{model._meta.label}.{n}" not in gedekt
        ]
    assert ontbreekt == [], "personal-data fields without a processing in privacy/register.py"


def test_the_register_names_only_existing_fields_and_is_complete():
    for verwerking in VERWERKINGEN:
        assert verwerking.doel and verwerking.grondslag and verwerking.bewaartermijn and verwerking.ontvangers
        for veld in verwerking.velden:
            app_label, model_naam, naam = veld.split(".")
            model = apps.get_model(app_label, model_naam)
            try:
                model._meta.get_field(naam)
            except FieldDoesNotExist:
                pytest.fail(f"{veld} in the register does not exist")


@pytest.mark.django_db
def test_the_register_is_served_as_page_and_json(client):
    pagina = client.get("/privacy/verwerkingsregister/")
    assert pagina.status_code == 200 and "WEB art. 8.0.3" in pagina.text
    data = json.loads(client.get("/privacy/verwerkingsregister.json").content)
    assert {v["sleutel"] for v in data["verwerkingen"]} == {v.sleutel for v in VERWERKINGEN}
