"""Property-based tests against the committed OpenAPI document: no request, however malformed, gives a 5xx."""

import datetime
from pathlib import Path

from django.core.wsgi import get_wsgi_application
from django.utils import timezone

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

SCHEMA = schemathesis.openapi.from_path(Path(__file__).resolve().parents[3] / "openapi.yaml")
SCHEMA.app = get_wsgi_application()
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Django closes 'old' connections at the end of each request; in a test that would close the
    connection holding the test's transaction (Django's own test client switches this off the same way)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def koppelpunt_sleutel(db):
    from voorzieningen.catalogus.tests.factories import InstellingFactory
    from voorzieningen.sis import services
    from voorzieningen.sis.models import Koppelpunt

    koppelpunt = Koppelpunt.objects.get_or_create(
        code="K1",
        defaults={
            "instelling": InstellingFactory(),
            "standaard": True,
            "geldig_vanaf": timezone.now() - datetime.timedelta(days=1),
        },
    )[0]
    return services.maak_sleutel(koppelpunt)


@pytest.mark.django_db
@SCHEMA.include(path_regex="^/api/sis/").parametrize()
@SETTINGS
def test_sis_api(case, koppelpunt_sleutel):
    if "koppelpuntcode" in (case.path_parameters or {}) and case.path_parameters["koppelpuntcode"] != "":
        case.path_parameters["koppelpuntcode"] = "K1"  # reach past the koppelpunt check into the bodies
    case.call_and_validate(headers={"Authorization": f"Bearer {koppelpunt_sleutel}"}, checks=[not_a_server_error])


@pytest.mark.django_db
@SCHEMA.include(path_regex="^/api/catalogus/", method="GET").parametrize()
@SETTINGS
def test_catalogus_api(case):
    case.call_and_validate(checks=[not_a_server_error])
