"""The FG's search screen on the audit trail: by person (pseudonym), actor, object, period; export; retention."""

import csv
import datetime
import io

from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

import pytest
from freezegun import freeze_time

from voorzieningen.conftest import verifieer_2fa
from voorzieningen.core.models import AuditLogEntry
from voorzieningen.core.services import Actor, audit_change, audit_read
from voorzieningen.identiteit.models import User
from voorzieningen.privacy import audittrail, services

pytestmark = pytest.mark.django_db
URL = "/privacy/fg/audittrail/"


@pytest.fixture
def fg():
    user = User.objects.create_user("fg", email="fg@coop.example", password="x" * 16, is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_auditlogentry"))
    return verifieer_2fa(Client(), user)


@pytest.fixture
def trail():
    medewerker = User.objects.create_user("medewerker", email="m@roc.example", is_staff=True)
    with freeze_time("2026-03-02 10:00"):
        audit_read(
            Actor.for_user(medewerker),
            object_type="aanmelden.Aanmelding",
            object_id="11",
            reason="Beheerder bekijkt aanmelding",
            subject="111222333",
        )
    with freeze_time("2026-05-10 10:00"):
        audit_read(
            Actor.system("sis:roc-a"),
            object_type="aanmelden.Aanmelding",
            object_id="11",
            reason="SIS haalt aanmelding op",
            subject="111222333",
        )
        audit_change(
            Actor.system("sis:roc-a"),
            object_type="aanmelden.Aanmelding",
            object_id="12",
            reason="Status",
            subject="999888777",
        )
    return medewerker


def _regels(response):
    return [r for r in response.context["page"].object_list] if response.context["page"] else []


def test_search_by_person_finds_only_that_persons_lines_and_never_stores_the_bsn(fg, trail):
    response = fg.get(URL, {"bsn": "111222333"})
    assert response.status_code == 200
    assert [e.reason for e in _regels(response)] == ["SIS haalt aanmelding op", "Beheerder bekijkt aanmelding"]
    zoekregel = AuditLogEntry.objects.filter(reason="FG doorzoekt audittrail").get()
    assert zoekregel.actor_id == f"user:{User.objects.get(username='fg').pk}"
    assert "111222333" not in str(zoekregel.extra) and zoekregel.extra["zoekvraag"]["betrokkene"]


def test_search_by_actor_name_object_and_period(fg, trail):
    assert [e.object_id for e in _regels(fg.get(URL, {"actor": "m@roc.example"}))] == ["11"]
    assert len(_regels(fg.get(URL, {"actor": "sis:roc-a"}))) == 2
    assert [e.reason for e in _regels(fg.get(URL, {"object_type": "aanmelden.Aanmelding", "object_id": "12"}))] == [
        "Status"
    ]
    in_maart = _regels(fg.get(URL, {"van": "2026-03-01", "tot": "2026-03-02"}))
    assert [e.reason for e in in_maart] == ["Beheerder bekijkt aanmelding"]  # 'tot' includes the whole day
    assert _regels(fg.get(URL, {"van": "2026-03-03", "tot": "2026-05-09"})) == []


def test_bad_criteria_are_explained_in_dutch(fg, trail):
    response = fg.get(URL, {"bsn": "12ab", "van": "2026-05-01", "tot": "2026-04-01"})
    assert response.status_code == 200 and response.context["page"] is None
    assert "Een BSN bestaat uit 9 cijfers." in response.text
    assert "De einddatum ligt vóór de begindatum." in response.text


def test_export_is_csv_of_the_filtered_lines_and_is_itself_logged(fg, trail):
    response = fg.get(URL, {"actor": "sis:roc-a", "formaat": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "tijdstip" and len(rows) == 3 and {r[2] for r in rows[1:]} == {"sis:roc-a"}
    assert AuditLogEntry.objects.filter(action="export", reason="FG exporteert audittrail").count() == 1


def test_only_staff_with_the_fg_permission_after_2fa(trail, admin_user):
    gewone_medewerker = User.objects.create_user("staf", password="x" * 16, is_staff=True)
    assert verifieer_2fa(Client(), gewone_medewerker).get(URL).status_code == 403
    zonder_2fa = Client()
    zonder_2fa.force_login(admin_user)
    assert zonder_2fa.get(URL).status_code == 302  # to the two-factor login
    assert Client().get(URL).status_code == 302


def test_the_trail_keeps_its_own_retention_period(settings):
    settings.AUDIT_BEWAARTERMIJN_DAGEN = 730
    nu = timezone.make_aware(datetime.datetime(2028, 6, 1, 3, 15))
    with freeze_time(nu - datetime.timedelta(days=731)):
        audit_read(Actor.system("x"), object_type="a", reason="oud")
    with freeze_time(nu - datetime.timedelta(days=729)):
        audit_read(Actor.system("x"), object_type="a", reason="jong")
    droog = services.ruim_op(droog=True, nu=nu)
    assert droog.auditregels == 1 and AuditLogEntry.objects.count() == 2
    assert "1 audit-logregel(s)" in str(droog)
    services.ruim_op(droog=False, nu=nu)
    assert list(AuditLogEntry.objects.values_list("reason", flat=True)) == ["jong"]
    assert audittrail.ruim_op(nu, droog=False) == 0
