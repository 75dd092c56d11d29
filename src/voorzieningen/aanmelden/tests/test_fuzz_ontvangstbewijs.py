"""Bad input at scale for the receipt check: a pasted code is anything a visitor's clipboard holds.

Whatever is pasted, ``controleer`` answers with the receipt or ``OngeldigBewijs`` (formaat or handtekening),
the public page with a Dutch message and a 400, never a server error; a code the platform signed reads back
to the same receipt whatever the fields hold, also after a PDF viewer broke it over lines.
"""

import base64
import string

from django.urls import reverse

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voorzieningen.aanmelden.ontvangstbewijs import (
    PREFIX,
    Bewijs,
    OngeldigBewijs,
    code_uit_pdf,
    controleer,
    onderteken,
    velden,
)

pytestmark = pytest.mark.fuzz
PARSERS = settings.get_profile("parsers")
HTTP = settings(PARSERS, max_examples=max(10, PARSERS.max_examples // 3))  # a request each: fewer

B64URL = string.ascii_letters + string.digits + "-_"
# Codes that get past the prefix: two base64url-looking parts, or any text after the prefix.
bijna_een_code = st.one_of(
    st.builds(lambda a, b: f"{PREFIX}{a}.{b}", st.text(B64URL, max_size=120), st.text(B64URL, max_size=120)),
    st.builds(lambda rest: PREFIX + rest, st.text(max_size=200)),
    st.builds(
        lambda payload, sig: f"{PREFIX}{base64.urlsafe_b64encode(payload).decode()}.{sig}",
        st.binary(max_size=80),
        st.text(B64URL, min_size=86, max_size=86),
    ),
)


def _bewijs_of_fout(code):
    try:
        return controleer(code)
    except OngeldigBewijs as exc:
        assert exc.code in {"formaat", "handtekening"} and exc.bericht
        return None


@PARSERS
@given(st.one_of(st.text(max_size=300), bijna_een_code))
def test_any_pasted_text_is_a_receipt_or_a_reason(code):
    assert _bewijs_of_fout(code) is None  # nothing but the platform's own signature makes a receipt


veld = st.text(max_size=60)
bewijs = st.builds(Bewijs, veld, veld, veld, veld, veld, veld, veld, veld, veld)


@PARSERS
@given(bewijs, st.lists(st.sampled_from([" ", "\n", "\r\n", "\u00ad", "\u200b"]), max_size=6), st.randoms())
def test_a_signed_receipt_reads_back_after_copy_noise(b, ruis, rnd):
    code = onderteken(b)
    tekens = list(code)
    for teken in ruis:  # a PDF viewer or mail client breaks the code and slips in soft hyphens
        tekens.insert(rnd.randrange(len(tekens) + 1), teken)
    assert controleer("".join(tekens)) == b


@PARSERS
@given(bewijs)
def test_the_fields_of_any_signed_receipt_can_be_shown(b):
    """The page and PDF read the submission time and start date from the receipt: any text there is shown."""
    assert len(velden(controleer(onderteken(b)))) == 6


@pytest.mark.parametrize("ingediend_op", ["0001-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00"])
def test_a_time_at_the_edge_of_the_calendar_is_shown_as_written(ingediend_op):
    b = Bewijs("a", "b", "c", "d", "e", "f", "g", "0001-01-01", ingediend_op)
    assert ingediend_op in velden(b)[-1][1]


@PARSERS
@given(st.binary(max_size=300), st.one_of(st.just(b""), bijna_een_code.map(str.encode)))
def test_any_pdf_bytes_give_a_code_or_none(data, code):
    gevonden = code_uit_pdf(data + b"/Keywords (" + code + b")")
    assert gevonden is None or gevonden.startswith(PREFIX)


@pytest.mark.django_db
@HTTP
@given(st.one_of(st.text(max_size=200), bijna_een_code))
def test_the_public_page_answers_400_with_a_dutch_reason(client, code):
    response = client.post(reverse("aanmelden:ontvangstbewijs-controleren"), {"code": code})
    assert response.status_code == 400
    assert "ontvangstbewijs" in response.content.decode().lower()
