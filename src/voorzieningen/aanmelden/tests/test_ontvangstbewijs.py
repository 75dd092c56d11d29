"""Signed application receipts: the code, key handling, the PDF, the command and the public page."""

import base64
import io
import os
import shutil
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import NoReverseMatch, include, path, reverse

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from voorzieningen.aanmelden import ontvangstbewijs, views_ontvangstbewijs
from voorzieningen.aanmelden.ontvangstbewijs import (
    Bewijs,
    OngeldigBewijs,
    code_uit_pdf,
    controleer,
    delen,
    onderteken,
    payload_bytes,
    pdf,
    publieke_sleutel_b64,
    publieke_sleutel_pem,
)
from voorzieningen.core.tests.pdftekst import getoonde_tekst

# Fallback URLconf for the view tests while urls.py does not mount the views yet; the real project
# URLconf is included because base.html links to its pages.
urlpatterns = [
    path(
        "ontvangstbewijs/",
        include(
            (
                [
                    path("controleren/", views_ontvangstbewijs.controleren, name="ontvangstbewijs-controleren"),
                    path("sleutel/", views_ontvangstbewijs.sleutel, name="ontvangstbewijs-sleutel"),
                ],
                "aanmelden",
            )
        ),
    ),
    path("", include("voorzieningen.conf.urls")),
]

SEED = bytes(range(32))
SEED_B64 = base64.b64encode(SEED).decode()
OTHER_SEED_B64 = base64.b64encode(bytes(range(100, 132))).decode()
CONTROLE_URL = "https://aanmelden.example/ontvangstbewijs/controleren/"
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
HYPOTHESIS = hypothesis_settings(
    deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@pytest.fixture(autouse=True)
def _key(settings):
    settings.RECEIPT_SIGNING_KEY = SEED_B64
    settings.RECEIPT_PREVIOUS_PUBLIC_KEYS = []


def make(**changes) -> Bewijs:
    fields = {
        "ca_keten_id": "3f1c2b9e-8a47-4d2b-9c11-5e7f0a6b2d34",
        "keten_id": "900000123456",
        "instelling": "ROC Midden Nederland",
        "brin": "25PZ",
        "opleiding": "Software developer",
        "crebo": "25604",
        "cohort": "2026-08",
        "begindatum": "2026-08-31",
        "ingediend_op": "2026-03-31T21:59:58.123456Z",
    }
    return Bewijs(**{**fields, **changes})


def error_code(code: str) -> str:
    with pytest.raises(OngeldigBewijs) as info:
        controleer(code)
    return info.value.code


# --- The code -------------------------------------------------------------------------------------


def test_round_trip_and_copy_noise():
    bewijs = make()
    code = onderteken(bewijs)

    assert code.startswith("MBO1.") and code.count(".") == 2
    assert controleer(code) == bewijs
    # copied from a PDF: wrapped lines, indentation, a soft hyphen and a zero-width space
    noisy = "\n  ".join(code[i : i + 60] for i in range(0, len(code), 60))
    assert controleer(f"  {noisy[:30]}\u00ad{noisy[30:70]}\u200b{noisy[70:]}\r\n") == bewijs


def test_payload_is_canonical_json_of_the_fields():
    bewijs = make(instelling="ROC Łódź")
    payload, _signature = delen(onderteken(bewijs))

    assert payload == payload_bytes(bewijs)
    assert payload.startswith(b'{"begindatum":"2026-08-31","brin":"25PZ","ca_keten_id"')
    assert "Łódź".encode() in payload  # ensure_ascii=False


@pytest.mark.parametrize("part", [0, 1], ids=["payload", "signature"])
def test_one_changed_character_breaks_the_signature(part):
    code = onderteken(make())
    head, *parts = code.split(".")
    target = parts[part]
    position = len(target) // 2
    parts[part] = target[:position] + ("B" if target[position] != "B" else "C") + target[position + 1 :]

    assert error_code(".".join([head, *parts])) == "handtekening"


@HYPOTHESIS
@given(data=st.data())
def test_any_single_character_change_is_a_signature_error(data):
    code = onderteken(make())
    start = len("MBO1.")
    position = data.draw(st.integers(start, len(code) - 1).filter(lambda i: code[i] != "."))
    replacement = data.draw(st.sampled_from(ALPHABET).filter(lambda c: c != code[position]))

    assert error_code(code[:position] + replacement + code[position + 1 :]) == "handtekening"


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "   ",
        "hallo",
        "MBO1.",
        "MBO1.abc",
        "MBO1.abc.def.ghi",
        "MBO2.abc.def",
        "MBO1..abc",
        "MBO1.ab!c.def",
        "MBO1.a.def",  # impossible base64 length
        "x" * 50_000,
    ],
)
def test_garbage_is_a_format_error(garbage):
    assert error_code(garbage) == "formaat"


def test_truncated_code_is_a_format_error():
    code = onderteken(make())
    assert error_code(code[:-2]) == "formaat"
    assert error_code(code[: len(code) // 2]) == "formaat"


@HYPOTHESIS
@given(st.text(max_size=300).filter(lambda s: not "".join(s.split()).startswith("MBO1.")))
def test_arbitrary_text_is_a_format_error(text):
    assert error_code(text) == "formaat"


def _signed(payload: bytes) -> str:
    signature = Ed25519PrivateKey.from_private_bytes(SEED).sign(payload)
    enc = ontvangstbewijs._b64url
    return f"MBO1.{enc(payload)}.{enc(signature)}"


@pytest.mark.parametrize(
    "payload",
    [b"not json", b"\xff\xfe", b"[1, 2]", b'{"ca_keten_id": "x"}', payload_bytes(make())[:-1] + b',"extra":"x"}'],
)
def test_well_signed_but_malformed_payload_is_a_format_error(payload):
    assert error_code(_signed(payload)) == "formaat"


def test_from_dict_rejects_missing_extra_and_non_string_fields():
    good = make().as_dict()
    assert Bewijs.from_dict(good) == make()
    for bad in ({k: v for k, v in good.items() if k != "brin"}, {**good, "extra": "x"}, {**good, "crebo": 25604}, []):
        with pytest.raises(OngeldigBewijs) as info:
            Bewijs.from_dict(bad)
        assert info.value.code == "formaat"


@HYPOTHESIS
@given(st.lists(st.text(max_size=80), min_size=9, max_size=9))
def test_round_trip_of_arbitrary_text(values):
    bewijs = Bewijs(*values)
    assert controleer(onderteken(bewijs)) == bewijs


# --- Keys -----------------------------------------------------------------------------------------


def test_key_rotation_needs_the_previous_public_key(settings):
    old_code = onderteken(make())
    old_public = publieke_sleutel_b64()

    settings.RECEIPT_SIGNING_KEY = OTHER_SEED_B64
    assert publieke_sleutel_b64() != old_public
    assert error_code(old_code) == "handtekening"

    settings.RECEIPT_PREVIOUS_PUBLIC_KEYS = [old_public]
    assert controleer(old_code) == make()
    assert controleer(onderteken(make(keten_id="900000000001"))).keten_id == "900000000001"

    settings.RECEIPT_PREVIOUS_PUBLIC_KEYS = f"  , {old_public} "  # the comma-separated string form
    assert controleer(old_code) == make()


def test_empty_key_is_derived_from_secret_key_with_hkdf(settings):
    settings.RECEIPT_SIGNING_KEY = ""
    settings.SECRET_KEY = "een-geheim"
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"ontvangstbewijs-ed25519").derive(b"een-geheim")
    expected = Ed25519PrivateKey.from_private_bytes(seed).public_key()
    raw = expected.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert publieke_sleutel_b64() == base64.b64encode(raw).decode()
    code = onderteken(make())

    settings.SECRET_KEY = "een-ander-geheim"
    assert error_code(code) == "handtekening"


@pytest.mark.parametrize("value", ["geen base64!", base64.b64encode(b"te kort").decode()])
def test_broken_signing_key_is_a_key_error(settings, value):
    settings.RECEIPT_SIGNING_KEY = value
    with pytest.raises(OngeldigBewijs) as info:
        onderteken(make())
    assert info.value.code == "sleutel"


def test_broken_previous_key_is_a_key_error(settings):
    code = onderteken(make())
    settings.RECEIPT_PREVIOUS_PUBLIC_KEYS = ["kapot"]
    assert error_code(code) == "sleutel"


def test_production_refuses_the_derived_key(settings):
    settings.RECEIPT_SIGNING_KEY = ""
    settings.IS_PRODUCTION = True
    with pytest.raises(OngeldigBewijs) as info:
        onderteken(make())
    assert info.value.code == "sleutel"


def test_production_settings_require_a_signing_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECEIPT_")}
    env.update(PROFILE="production", SECRET_KEY="x" * 50, VAR_DIR=str(tmp_path))
    script = "import voorzieningen.conf.settings"
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "RECEIPT_SIGNING_KEY must be set" in result.stderr


def test_public_key_pem_matches_the_signing_key():
    key = serialization.load_pem_public_key(publieke_sleutel_pem().encode())
    payload, signature = delen(onderteken(make()))
    key.verify(signature, payload)  # raises when it does not match


def _openssl_rawin() -> str | None:
    openssl = shutil.which("openssl") or ("/usr/bin/openssl" if os.path.exists("/usr/bin/openssl") else None)
    if not openssl:
        return None
    help_text = subprocess.run([openssl, "pkeyutl", "-help"], capture_output=True, text=True).stderr
    return openssl if "-rawin" in help_text else None


def test_openssl_verifies_the_signature(tmp_path):
    openssl = _openssl_rawin()
    if openssl is None:
        pytest.skip("openssl with pkeyutl -rawin (OpenSSL 3) is not installed")
    payload, signature = delen(onderteken(make(instelling="ROC Łódź")))
    (tmp_path / "pub.pem").write_text(publieke_sleutel_pem())
    (tmp_path / "payload.bin").write_bytes(payload)
    (tmp_path / "sig.bin").write_bytes(signature)
    command = [openssl, "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin"]
    command += ["-in", "payload.bin", "-sigfile", "sig.bin"]

    ok = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr

    (tmp_path / "payload.bin").write_bytes(payload.replace(b"25PZ", b"25PY"))
    assert subprocess.run(command, cwd=tmp_path, capture_output=True).returncode != 0


# --- PDF ------------------------------------------------------------------------------------------


def test_pdf_holds_the_code_and_is_deterministic():
    bewijs = make()
    code = onderteken(bewijs)
    document = pdf(bewijs, code, CONTROLE_URL)

    assert isinstance(document, bytes) and document.startswith(b"%PDF")
    assert code_uit_pdf(document) == code
    assert b"/Title (Ontvangstbewijs aanmelding 3f1c2b9e-8a47-4d2b-9c11-5e7f0a6b2d34)" in document
    assert b"/CreationDate (D:20260331215958Z" in document
    assert pdf(bewijs, code, CONTROLE_URL) == document


def test_pdf_survives_names_outside_latin_1():
    bewijs = make(instelling="ROC Łódź — 日本語 🎓", opleiding="Ελληνικά\tкириллица\x00", ingediend_op="onzin")
    code = onderteken(bewijs)
    document = pdf(bewijs, code, CONTROLE_URL)
    assert document.startswith(b"%PDF")
    assert code_uit_pdf(document) == code
    assert ontvangstbewijs.pdf_tekst("Łódź — “ok” €") == "Lódz — “ok” €"


@hypothesis_settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(st.lists(st.text(max_size=120), min_size=9, max_size=9))
def test_pdf_never_crashes_on_arbitrary_text(values):
    bewijs = Bewijs(*values)
    code = onderteken(bewijs)
    assert code_uit_pdf(pdf(bewijs, code, CONTROLE_URL)) == code


def test_pdf_shows_every_label_and_value_and_no_line_is_wider_than_its_column():
    from fpdf import FPDF

    lang = "Stichting Regionaal Opleidingencentrum " * 4
    bewijs = make(instelling=lang.strip(), opleiding="Medewerker-ICT-support-en-netwerkbeheer-" * 5)
    document = pdf(bewijs, onderteken(bewijs), CONTROLE_URL)
    getoond = getoonde_tekst(document)
    alles = " ".join(getoond)
    for label, waarde in ontvangstbewijs.velden(bewijs):
        assert label in getoond  # labels fit on one line
        # wrapped values: their characters in order, only the breaks differ
        assert "".join(waarde.split()) in "".join(alles.split()), label
    assert "Dit bewijs is digitaal ondertekend" in alles and CONTROLE_URL in getoond
    doc = FPDF(unit="mm", format="A4")
    doc.set_font("Helvetica", size=10)
    kolom = ontvangstbewijs.KOLOMMEN[1] - 2 * ontvangstbewijs.CEL_MARGE - 2 * doc.c_margin
    waarden = {"".join(w.split()) for _, w in ontvangstbewijs.velden(bewijs)}
    for regel in getoond:
        if any("".join(regel.split()) in w for w in waarden) and len(regel) > 1:
            assert doc.get_string_width(regel) <= kolom + 1e-6, regel


@given(
    st.text(st.characters(codec="cp1252", exclude_categories=["Cc", "Cs"]), max_size=300),
    st.floats(min_value=5, max_value=170),
)
def test_word_wrap_keeps_every_character_and_keeps_lines_within_the_width(tekst, breedte):
    from fpdf import FPDF

    doc = FPDF(unit="mm", format="A4")
    doc.core_fonts_encoding = ontvangstbewijs.PDF_ENCODING
    doc.set_font("Helvetica", size=10)
    meet = ontvangstbewijs.meter(doc)
    regels = ontvangstbewijs.regels_van(tekst, breedte, meet)
    assert "".join("".join(regels).split()) == "".join(tekst.split())
    for regel in regels:
        assert len(regel) <= 1 or meet(regel) <= breedte + 1e-6, regel
        assert regel == regel.strip() and "  " not in regel


@given(st.text(st.characters(codec="cp1252", exclude_categories=["Cc", "Cs"]), max_size=80))
def test_the_width_from_the_font_table_is_fpdfs_own(tekst):
    from fpdf import FPDF

    doc = FPDF(unit="mm", format="A4")
    doc.core_fonts_encoding = ontvangstbewijs.PDF_ENCODING
    for familie, stijl, grootte in [("Helvetica", "", 10), ("Helvetica", "B", 10), ("Helvetica", "B", 18)]:
        doc.set_font(familie, style=stijl, size=grootte)
        assert abs(ontvangstbewijs.meter(doc)(tekst) - doc.get_string_width(tekst)) < 1e-6


def test_submission_time_is_shown_in_dutch_local_time():
    regels = dict(ontvangstbewijs.velden(make(ingediend_op="2026-03-31T22:00:00Z")))
    assert regels["Ingediend op"].startswith("1 april 2026, 00:00:00 (Nederlandse tijd)")
    assert "2026-03-31T22:00:00Z (UTC)" in regels["Ingediend op"]
    winter = dict(ontvangstbewijs.velden(make(ingediend_op="2026-01-15T09:30:00+00:00")))
    assert winter["Ingediend op"].startswith("15 januari 2026, 10:30:00")


# --- Command --------------------------------------------------------------------------------------


def run(*args, **kwargs) -> str:
    out = io.StringIO()
    call_command("verify_receipt", *args, stdout=out, **kwargs)
    return out.getvalue()


def test_command_prints_the_fields_of_a_valid_code():
    output = run(onderteken(make()))
    assert "Ontvangstbewijs geldig" in output
    assert "Aanmeldnummer (caKetenId): 3f1c2b9e-8a47-4d2b-9c11-5e7f0a6b2d34" in output
    assert "ketenId: 900000123456" in output
    assert "Instelling: ROC Midden Nederland (BRIN 25PZ)" in output
    assert "Opleiding: Software developer (crebo 25604)" in output


def test_command_reads_text_files_pdfs_and_stdin(tmp_path):
    bewijs = make()
    code = onderteken(bewijs)
    text_file = tmp_path / "code.txt"
    text_file.write_text("\n".join(code[i : i + 64] for i in range(0, len(code), 64)) + "\n")
    pdf_file = tmp_path / "ontvangstbewijs.pdf"
    pdf_file.write_bytes(pdf(bewijs, code, CONTROLE_URL))

    assert "Ontvangstbewijs geldig" in run("--file", str(text_file))
    assert "Ontvangstbewijs geldig" in run("--file", str(pdf_file))
    assert "Ontvangstbewijs geldig" in run("--file", "-", stdin=io.StringIO(code))


def test_command_rejects_bad_input():
    code = onderteken(make())
    with pytest.raises(CommandError, match="NIET geldig.*handtekening"):
        run(code[:20] + ("A" if code[20] != "A" else "B") + code[21:])
    with pytest.raises(CommandError, match="NIET geldig.*begint altijd met MBO1"):
        run("hallo")
    with pytest.raises(CommandError, match="geen code van een ontvangstbewijs"):
        run("--file", "-", stdin=io.BytesIO(b"%PDF-1.4 zonder code"))
    with pytest.raises(CommandError, match="niet lezen"):
        run("--file", "/bestaat/niet.txt")
    with pytest.raises(CommandError):
        run()


def test_command_prints_the_public_key():
    assert run("--public-key").strip() == publieke_sleutel_pem().strip()


def test_command_exit_codes(tmp_path):
    """Through the real entry point, as documented: exit 0 for a valid code and 1 for an invalid one."""
    code = onderteken(make())
    env = {**os.environ, "RECEIPT_SIGNING_KEY": SEED_B64, "RECEIPT_PREVIOUS_PUBLIC_KEYS": "", "VAR_DIR": str(tmp_path)}
    base = [sys.executable, "-m", "voorzieningen", "verify-receipt"]

    valid = subprocess.run([*base, code], env=env, capture_output=True, text=True, timeout=120)
    assert valid.returncode == 0, valid.stderr
    assert "900000123456" in valid.stdout

    invalid = subprocess.run([*base, code[:-3] + "AAA"], env=env, capture_output=True, text=True, timeout=120)
    assert invalid.returncode == 1
    assert "NIET geldig" in invalid.stderr


# --- Public page ----------------------------------------------------------------------------------

URL = "/ontvangstbewijs/controleren/"


@pytest.fixture
def page(client):
    try:
        mounted = reverse("aanmelden:ontvangstbewijs-controleren") == URL
    except NoReverseMatch:
        mounted = False
    if mounted:
        yield client
    else:
        with override_settings(ROOT_URLCONF=__name__):
            yield client


@pytest.mark.django_db
def test_page_shows_the_form(page):
    response = page.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Code van het ontvangstbewijs" in html
    assert 'name="code"' in html and "utrecht-textarea" in html
    assert 'href="/ontvangstbewijs/sleutel/"' in html


@pytest.mark.django_db
def test_page_shows_the_fields_of_a_valid_code(page):
    code = onderteken(make(instelling="ROC <Midden> & Co"))
    for response in (page.post(URL, {"code": code}), page.get(URL, {"code": code})):
        assert response.status_code == 200
        html = response.content.decode()
        assert "Dit ontvangstbewijs is echt" in html
        assert "3f1c2b9e-8a47-4d2b-9c11-5e7f0a6b2d34" in html
        assert "ROC &lt;Midden&gt; &amp; Co (BRIN 25PZ)" in html
        assert "31 maart 2026, 23:59:58" in html


@pytest.mark.django_db
def test_page_tells_format_and_signature_errors_apart(page):
    code = onderteken(make())
    tampered = code[:30] + ("A" if code[30] != "A" else "B") + code[31:]

    response = page.post(URL, {"code": tampered})
    assert response.status_code == 400
    assert "Dit ontvangstbewijs is niet echt" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert 'aria-describedby="id_code_error id_code_helptext"' in response.content.decode()

    response = page.post(URL, {"code": "geen code"})
    assert response.status_code == 400
    assert "Dit is geen leesbare code" in response.content.decode()

    response = page.post(URL, {"code": ""})
    assert response.status_code == 400
    assert "Plak de code van het ontvangstbewijs." in response.content.decode()


@pytest.mark.django_db
def test_page_does_not_blame_the_visitor_for_our_key_configuration(page, settings):
    settings.RECEIPT_PREVIOUS_PUBLIC_KEYS = ["kapot"]
    with pytest.raises(OngeldigBewijs) as info:  # a 500 that gets logged, not a 400 about the code
        page.post(URL, {"code": onderteken(make())})
    assert info.value.code == "sleutel"


@pytest.mark.django_db
def test_key_page_serves_the_pem(page):
    response = page.get("/ontvangstbewijs/sleutel/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == publieke_sleutel_pem()


def test_views_work_through_request_factory(rf):
    """The view must not depend on a mounted URL for its own form."""
    request = rf.get(URL, {"code": "onzin"})
    assert views_ontvangstbewijs.controleren(request).status_code == 400
