"""Bad input at scale: schemathesis over every operation of the committed OpenAPI document (``make fuzz``).

Skipped in the normal suite (it takes minutes); ``make fuzz`` sets FUZZ=1. Every operation gets FUZZ_EXAMPLES
generated cases (positive and negative data), on top of schemathesis' deterministic coverage cases (boundaries,
missing and wrongly typed values), and a stateful run follows the links between the operations. Each request
goes to the WSGI application in-process, against a small world: a koppelpunt with a key and an application in
its queue, a sender of the Koppelpunt MBO with a key, staff with a password, and a portfolio.

Most cases carry valid credentials and real identifiers, so they get past authentication and the lookups into
the serializers and services; a fixed share of them (chosen from the case itself, so a failing case replays)
goes without, with a wrong key, or with an unknown identifier.
"""

import base64
import contextlib
import copy
import datetime
import hashlib
import os
from collections import Counter, defaultdict
from pathlib import Path

from django.core.wsgi import get_wsgi_application
from django.db import transaction
from django.utils import timezone

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

FUZZ = os.environ.get("FUZZ") == "1"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "600"))
STATEFUL_EXAMPLES = int(os.environ.get("FUZZ_STATEFUL_EXAMPLES", "100"))
MINIMUM = int(os.environ.get("FUZZ_MIN_CASES", "0"))

pytestmark = [
    pytest.mark.fuzz,
    pytest.mark.skipif(not FUZZ, reason="bad input at scale runs with `make fuzz` (FUZZ=1)"),
]

DOCUMENT = Path(__file__).resolve().parents[3] / "openapi.yaml"
SCHEMA = schemathesis.openapi.from_path(DOCUMENT)
SCHEMA.app = get_wsgi_application()
# Both explicitly: data that fits the document, and data that breaks it (wrong types, missing fields, bad formats).
SCHEMA.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
# No 5xx; every status code, content type and body as the document says (errors: problem+json).
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
PASSWORD = "fuzz-wachtwoord-1"
BEKEND_IN_PORTFOLIO = {"crebo": "25180", "gemeente": "0344", "instelling": "71XA", "partner": "72XB"}


class Teller:
    """Cases per operation and the status codes they got: proof of the total, and of how deep the cases reach."""

    cases = 0
    per_operatie: dict[str, Counter] = defaultdict(Counter)


def tel(label: str, status: int) -> None:
    Teller.cases += 1
    Teller.per_operatie[label][status] += 1


@pytest.fixture(scope="module", autouse=True)
def _totaal(request):
    yield
    regels = [
        f"  {sum(codes.values()):>6}  {label}  ({', '.join(f'{c}: {n}' for c, n in sorted(codes.items()))})"
        for label, codes in sorted(Teller.per_operatie.items())
    ]
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print("\n".join(["", f"schemathesis: {Teller.cases} cases in total", *regels]))
    if MINIMUM and Teller.cases < MINIMUM:
        pytest.fail(f"only {Teller.cases} cases, fewer than the {MINIMUM} asked for")


@pytest.fixture
def _keep_the_test_connection():
    """Django closes 'old' connections at the end of each request; in a test that would close the
    connection holding the test's transaction (Django's own test client switches this off the same way,
    and on again after each request: so this comes after the world is built with it)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def omgeving(db, client, outbox_direct):
    """The world every case runs against; returns the credentials and the identifiers worth hitting."""
    from voorzieningen.aanmelden.models import Aanmelding
    from voorzieningen.aanmelden.tests.conftest import make_student
    from voorzieningen.aanmelden.tests.helpers import doorloop, indienen
    from voorzieningen.catalogus.tests.factories import CohortFactory
    from voorzieningen.identiteit.models import User
    from voorzieningen.koppelpunt import services as koppelpunt
    from voorzieningen.portfolio.models import Regieinstellingen
    from voorzieningen.portfolio.tests.factories import (
        GemeenteFactory,
        InstellingFactory,
        KwalificatieFactory,
        bied_aan,
        schrijf_in,
    )
    from voorzieningen.sis import services as sis
    from voorzieningen.sis.models import Gebeurtenis, Koppelpunt

    cohort = CohortFactory()
    k1 = Koppelpunt.objects.create(
        instelling=cohort.opleiding.aanbieder.instelling,
        code="K1",
        standaard=True,
        geldig_vanaf=timezone.now() - datetime.timedelta(days=1),
    )
    ander = CohortFactory()
    k2 = Koppelpunt.objects.create(
        instelling=ander.opleiding.aanbieder.instelling,
        code="K2",
        standaard=True,
        geldig_vanaf=timezone.now() - datetime.timedelta(days=1),
    )
    client.force_login(make_student("999990019"))
    indienen(client, doorloop(client, cohort))
    client.logout()
    aanmelding = Aanmelding.objects.get()
    gebeurtenis = Gebeurtenis.objects.create(
        koppelpunt=k1, aanmelding=aanmelding, soort=Gebeurtenis.Soort.INGETROKKEN, tijdstip=timezone.now()
    )
    afzender, afzendersleutel = koppelpunt.maak_afzender("SIS ROC Fuzz", cohort.opleiding.aanbieder.instelling)
    koppelpunt.maak_afzender("Tweede afzender")
    User.objects.create_user(username="fuzzbeheer", password=PASSWORD, is_staff=True, is_superuser=True)

    Regieinstellingen.huidig()
    utrecht = GemeenteFactory(code="0344", naam="Utrecht", latitude=52.0907, longitude=5.1214)
    GemeenteFactory(code="0307", naam="Amersfoort", latitude=52.1561, longitude=5.3878)
    roc_a = InstellingFactory(naam="ROC Fuzz A", brin="71XA")
    roc_b = InstellingFactory(naam="ROC Fuzz B", brin="72XB")
    kok = KwalificatieFactory(crebo="25180", naam="Kok", niveau=2, sector="Voedsel, groen en gastvrijheid")
    schrijf_in(bied_aan(roc_a, kok, utrecht), timezone.localdate().year - 1, 12)
    bied_aan(roc_b, kok, utrecht)

    return {
        "sis": sis.maak_sleutel(k1),
        "sis_ander": sis.maak_sleutel(k2),
        "afzender": afzendersleutel,
        "basic": "Basic " + base64.b64encode(f"fuzzbeheer:{PASSWORD}".encode()).decode(),
        "ca_keten_id": str(aanmelding.ca_keten_id),
        "gebeurtenis_id": gebeurtenis.pk,
        "opleiding": cohort.opleiding.code,
        "bericht_id": "fuzz-1",
        "afzender_obj": afzender,
    }


@contextlib.contextmanager
def zelfde_begin():
    """Every case (every stateful scenario) starts from the same world: a failure replays, and a case that
    acknowledges the only application does not empty the queue for all cases after it."""
    begin = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(begin)


def _lot(case) -> int:
    """0–99, fixed by the case's content: the same case always gets the same credentials and identifiers."""
    sleutel = repr((case.operation.label, case.path_parameters, case.query, case.body)).encode()
    return int.from_bytes(hashlib.sha256(sleutel).digest()[:4], "big") % 100


def bereid_voor(case, omgeving) -> None:
    """Credentials and real identifiers for most cases; the rest stays as generated, or gets a wrong key."""
    lot = _lot(case)
    pad = case.path_parameters if case.path_parameters is not None else {}
    headers = dict(case.headers or {})
    path = case.operation.path
    if path.startswith("/api/sis/"):
        if lot < 90 and "koppelpuntcode" in pad:
            pad["koppelpuntcode"] = "K1"
        if lot < 50 and "ca_keten_id" in pad:
            pad["ca_keten_id"] = omgeving["ca_keten_id"]
        if lot < 50 and "gebeurtenis_id" in pad:
            pad["gebeurtenis_id"] = omgeving["gebeurtenis_id"]
        sleutel = omgeving["sis"] if lot < 85 else omgeving["sis_ander"] if lot < 90 else None
        if sleutel:
            headers["Authorization"] = f"Bearer {sleutel}"
        elif lot < 95:
            headers["Authorization"] = "Bearer onzin"
        if lot < 50 and isinstance(case.body, dict) and path.endswith("/statusberichten"):
            case.body["caKetenId"] = omgeving["ca_keten_id"]
    elif path.startswith("/api/koppelpunt/"):
        if lot < 40 and "bericht_id" in pad:
            pad["bericht_id"] = omgeving["bericht_id"]
        if isinstance(case.body, dict) and lot < 60:
            case.body["pgn"] = "999990019"  # random digits rarely pass the 11-proof: most bodies would stop there
            if lot < 30:
                case.body["aanmeldId"] = omgeving["ca_keten_id"]
        if lot < 90:
            headers["Authorization"] = f"Bearer {omgeving['afzender']}"
        elif lot < 95:
            headers["Authorization"] = "Bearer " + "x" * 250
    elif path == "/api/catalogus/v1/mutaties":
        # Never a generated (wrong) password: five of them lock the address out (django-axes) for the rest.
        headers.pop("Authorization", None)
        if lot < 95:
            headers["Authorization"] = omgeving["basic"]
    elif path.startswith("/api/catalogus/") and "code" in pad and lot < 40:
        pad["code"] = omgeving["opleiding"]
    elif path.startswith("/api/portfolio/") and isinstance(case.query, dict) and lot < 50:
        for naam, waarde in BEKEND_IN_PORTFOLIO.items():  # unknown codes end at 'niet bekend': reach the analysis
            if naam in case.query:
                case.query[naam] = waarde
    case.headers = headers


@pytest.fixture
def wereld(omgeving, _bekend_bericht, _keep_the_test_connection):
    return omgeving


@pytest.fixture
def _bekend_bericht(omgeving):
    """A message of this sender already routed, so reading it back can succeed."""
    from voorzieningen.koppelpunt import services as koppelpunt

    koppelpunt.ontvang(
        omgeving["afzender_obj"],
        koppelpunt.Statusbericht(
            bericht_id="fuzz-1",
            aanmeld_id=omgeving["ca_keten_id"],
            status="RECEIVED",
            pgn="999990019",
            postcode="3511AB",
            gemeentecode="0344",
            geboortedatum=datetime.date(2010, 5, 1),
            startkwalificatie=False,
            ilt_code="",
            brin_vo="",
            leertraject="BOL",
            vavo=False,
            reden="",
            brin_mbo="",
            tijdstip=None,
        ),
    )


@pytest.mark.django_db
@SCHEMA.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), print_blob=True)
def test_elke_operatie(case, wereld):
    bereid_voor(case, wereld)
    with zelfde_begin():
        response = case.call()
    tel(case.operation.label, response.status_code)
    case.validate_response(response, checks=CHECKS)


def _met_links(document: dict) -> dict:
    """The document plus the OpenAPI links a SIS follows (the queue names the caKetenId the detail, the
    acknowledgement, the error report and the status message need), so the stateful run walks those chains too;
    the links schemathesis infers by itself (a routed message and its read-back, an event and its acknowledgement)
    come on top."""
    document = copy.deepcopy(document)
    paden = document["paths"]
    basis = "/api/sis/v1/koppelpunten/{koppelpuntcode}"
    uit_wachtrij = {
        "koppelpuntcode": "$request.path.koppelpuntcode",
        "ca_keten_id": "$response.body#/results/0/caKetenId",
    }
    wachtrij = paden[f"{basis}/aanmeldingen"]["get"]["responses"]["200"]
    wachtrij["links"] = {
        "Ophalen": {"operationId": "aanmelding_ophalen", "parameters": uit_wachtrij},
        "Bevestigen": {"operationId": "ophalen_bevestigen", "parameters": uit_wachtrij},
        "Foutmelden": {"operationId": "verwerkingsfout_melden", "parameters": uit_wachtrij},
    }
    aanmelding = paden[f"{basis}/aanmeldingen/{{ca_keten_id}}"]["get"]["responses"]["200"]
    aanmelding["links"] = {
        "StatusMelden": {
            "operationId": "statusbericht_versturen",
            "parameters": {"koppelpuntcode": "$request.path.koppelpuntcode"},
            "requestBody": {"caKetenId": "$response.body#/caKetenId"},
        }
    }
    return document


@pytest.mark.django_db
def test_toestanden(wereld):
    """Stateful: chains of calls along the links, each response feeding the next request."""
    document = yaml.safe_load(DOCUMENT.read_text())
    schema = schemathesis.openapi.from_dict(_met_links(document))
    schema.app = SCHEMA.app
    omgeving = wereld

    class Toestanden(schema.as_state_machine()):
        def setup(self):
            self.begin = transaction.savepoint()

        def teardown(self):
            transaction.savepoint_rollback(self.begin)

        def before_call(self, case):
            bereid_voor(case, omgeving)

        def after_call(self, response, case):
            tel(f"stateful: {case.operation.label}", response.status_code)

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

    Toestanden.run(
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=10,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
    )
