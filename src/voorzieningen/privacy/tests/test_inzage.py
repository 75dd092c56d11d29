"""Right of access: a student downloads everything held about him — and only his own."""

import json

from django.urls import reverse

import pytest

from voorzieningen.aanmelden.tests.conftest import make_student
from voorzieningen.aanmelden.tests.helpers import doorloop, indienen
from voorzieningen.core.models import AuditLogEntry

pytestmark = pytest.mark.django_db


def test_a_student_downloads_all_his_data_as_json_and_as_a_page(student_client, cohort, outbox_direct):
    concept = doorloop(student_client, cohort)
    indienen(student_client, concept)
    response = student_client.get(reverse("aanmelden:mijn-gegevens"), {"formaat": "json"})
    assert response["Content-Disposition"].startswith("attachment") and response["Cache-Control"] == "no-store"
    gegevens = json.loads(response.content)
    assert gegevens["persoon"]["bsn"] == "999990019" and gegevens["vooropleidingen"]
    [aanmelding] = gegevens["aanmeldingen"]
    assert aanmelding["statushistorie"][0]["status"] == "SUBMITTED" and aanmelding["gegevensVoorDeSchool"]
    assert gegevens["contact"]["email"]
    pagina = student_client.get(reverse("aanmelden:mijn-gegevens"))
    assert pagina.status_code == 200 and aanmelding["ketenId"] in pagina.text
    pdf = student_client.get(reverse("aanmelden:mijn-gegevens"), {"formaat": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    tekst = _pdf_tekst(pdf.content)
    for waarde in ("999990019", aanmelding["ketenId"], aanmelding["crebo"], gegevens["contact"]["email"]):
        assert waarde in tekst, waarde
    assert AuditLogEntry.objects.filter(action="export", reason__contains="inzageverzoek").count() == 3


def _pdf_tekst(inhoud: bytes) -> str:
    """The text drawn in the PDF's (deflated) content streams."""
    import re
    import zlib

    delen = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", inhoud, re.S):
        try:
            delen.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            delen.append(stream.decode("latin-1"))
    return "".join(re.findall(r"\((.*?)\) ?Tj", "".join(delen)))


def test_another_student_sees_only_his_own(client, student_client, cohort, outbox_direct):
    indienen(student_client, doorloop(student_client, cohort))
    client.logout()
    client.force_login(make_student("999990056"))
    gegevens = json.loads(client.get(reverse("aanmelden:mijn-gegevens"), {"formaat": "json"}).content)
    assert gegevens["aanmeldingen"] == [] and gegevens["persoon"].get("bsn") != "999990019"


def test_without_login_no_data(client):
    assert client.get(reverse("aanmelden:mijn-gegevens")).status_code == 302


def test_the_pdf_rows_show_every_value_as_written():
    from voorzieningen.privacy.inzage import _regels

    assert list(_regels({"a": 1, "b": True, "c": [0, {"x": None}], "d": {}})) == [
        ("a", "1"),
        ("b", "ja"),
        ("c [1]", "0"),
        ("c [2].x", "—"),
        ("d", "—"),
    ]
