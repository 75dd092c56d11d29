import json
import logging
from pathlib import Path

import pytest

from voorzieningen.core.logging import JsonFormatter, RequestIdFilter
from voorzieningen.core.models import AuditLogEntry
from voorzieningen.core.services import Actor, audit_read, subject_ref

pytestmark = pytest.mark.django_db


@pytest.mark.smoke
def test_health_reports_database(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


def test_health_is_503_when_the_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = "amqp://guest:guest@127.0.0.1:1//"  # nothing listens on port 1
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("error")


def test_audit_read_records_who_what_why_and_a_pseudonym(admin_user, rf):
    request = rf.get("/")
    request.user = admin_user
    entry = audit_read(Actor.from_request(request), admin_user, reason="test", subject="999993653")
    assert entry.actor_id == f"user:{admin_user.pk}"
    assert entry.object_type == "identiteit.User" and entry.object_id == str(admin_user.pk)
    assert entry.subject_ref == subject_ref("999993653") and "999993653" not in entry.subject_ref
    assert AuditLogEntry.objects.count() == 1


def test_request_id_is_echoed_and_generated(client):
    assert client.get("/health", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    generated = client.get("/health", HTTP_X_REQUEST_ID="bad id with spaces")["X-Request-ID"]
    assert len(generated) == 32


def test_json_log_lines():
    record = logging.makeLogRecord({"msg": "import %s", "args": ("klaar",), "levelname": "INFO", "bron": "rio"})
    RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "import klaar" and line["bron"] == "rio" and line["request_id"] == "-"


def test_admin_requires_staff_login(client):
    assert client.get("/admin/").status_code == 302


def test_audit_trail_cannot_be_edited_in_admin(admin_client):
    assert admin_client.get("/admin/core/auditlogentry/add/").status_code == 403


def test_committed_openapi_document_is_up_to_date(tmp_path):
    from django.core.management import call_command

    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(generated))
    committed = Path(__file__).resolve().parents[3] / "openapi.yaml"
    assert committed.read_text() == generated.read_text(), "run `make openapi` and commit src/openapi.yaml"


def test_every_english_translation_is_filled_in():
    import polib

    po = polib.pofile(str(Path(__file__).resolve().parents[2] / "locale/en/LC_MESSAGES/django.po"))
    missing = [e.msgid for e in po if not e.translated() and not e.obsolete]
    assert missing == [], f"untranslated: {missing[:10]}"


def test_health_checks_a_real_broker(client, settings):
    import socket

    with socket.socket() as probe:
        probe.settimeout(1)
        if probe.connect_ex(("127.0.0.1", 6379)) != 0:
            pytest.skip("no Redis on 127.0.0.1:6379")
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["checks"]["broker"] == "ok"


def test_a_per_process_copy_is_read_once_and_again_after_its_time(monkeypatch):
    from voorzieningen.core import procesgeheugen

    klok = [1000.0]
    monkeypatch.setattr(procesgeheugen.time, "monotonic", lambda: klok[0])
    geheugen = procesgeheugen.Procesgeheugen("test", seconden=60, maximum=2)
    gelezen = []

    def laad(waarde):
        gelezen.append(waarde)
        return waarde

    assert geheugen.haal("a", lambda: laad(1)) == 1 and geheugen.haal("a", lambda: laad(2)) == 1
    klok[0] += 61
    assert geheugen.haal("a", lambda: laad(3)) == 3  # too old: read again
    geheugen.vergeet_sleutel("a")
    assert geheugen.haal("a", lambda: laad(4)) == 4
    geheugen.haal("b", lambda: laad(5))
    geheugen.haal("c", lambda: laad(6))  # over the maximum: starts afresh rather than growing
    assert geheugen.haal("a", lambda: laad(7)) == 7 and gelezen == [1, 3, 4, 5, 6, 7]
    procesgeheugen.Procesgeheugen.alle.remove(geheugen)


def test_stolen_cpu_time_is_read_and_said_as_a_share(monkeypatch, tmp_path):
    from types import SimpleNamespace

    from voorzieningen.core import gestolen

    stat = tmp_path / "stat"
    klok = iter([10.0, 110.0])
    monkeypatch.setattr(gestolen, "PAD", str(stat))
    monkeypatch.setattr(gestolen, "time", SimpleNamespace(monotonic=lambda: next(klok)))
    monkeypatch.setattr(gestolen, "os", SimpleNamespace(sysconf=lambda naam: 100, cpu_count=lambda: 2))
    stat.write_text("cpu  100 0 50 900 4 0 7 300 0 0\ncpu0 1 2 3\n")
    begin = gestolen.teller()
    assert begin == (3.0, 10.0)
    assert gestolen.bezig() == 1.57  # user + system + softirq; idle, iowait and steal are not work
    stat.write_text("cpu  200 0 60 990 4 0 7 500 0 0\n")
    assert gestolen.sinds(begin) == "2 s gestolen door de hypervisor = 1% van de CPU-tijd"  # 2 s of 100 s × 2 cores
    assert gestolen.sinds(None) == ""
    monkeypatch.setattr(gestolen, "PAD", str(tmp_path / "geen"))
    assert gestolen.teller() is None  # not Linux: nothing is said
