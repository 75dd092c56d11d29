"""Property-based tests of the portfolio API against the committed OpenAPI document: never a 5xx."""

from pathlib import Path

from django.core.wsgi import get_wsgi_application

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

SCHEMA = schemathesis.openapi.from_path(Path(__file__).resolve().parents[3] / "openapi.yaml")
SCHEMA.app = get_wsgi_application()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def portfolio(wereld):
    from .factories import bied_aan

    bied_aan(wereld.roc_a, wereld.kok, wereld.utrecht)
    bied_aan(wereld.roc_b, wereld.kok, wereld.utrecht)
    return wereld


@pytest.mark.django_db
@SCHEMA.include(path_regex="^/api/portfolio/").parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_portfolio_api(case, portfolio):
    case.call_and_validate(checks=[not_a_server_error])
