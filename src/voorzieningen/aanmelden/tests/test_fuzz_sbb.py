"""Bad input at scale for the SBB client: whatever SBB answers, the wizard gets accredited companies or
``SbbUnavailable`` (which it shows as 'try again later'), never an exception of the parsing itself."""

import json

import pytest
import requests_mock as rm
from hypothesis import given, settings
from hypothesis import strategies as st

from voorzieningen.aanmelden.sbb import Leerbedrijf, SbbHttpClient, SbbUnavailable

pytestmark = pytest.mark.fuzz
PARSERS = settings.get_profile("parsers")
BASE = "https://sbb.test/api"

json_waarde = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda kinderen: st.lists(kinderen, max_size=3) | st.dictionaries(st.text(max_size=8), kinderen, max_size=3),
    max_leaves=10,
)
VELDEN = ("id", "kvk", "naam", "straat", "huisnummer", "postcode", "plaats", "crebos")
bijna_een_bedrijf = st.dictionaries(st.sampled_from(VELDEN), json_waarde, min_size=6).map(
    lambda d: {**d, "crebos": d.get("crebos", ["25180"])}
)
antwoord = st.one_of(
    json_waarde,
    st.fixed_dictionaries({"leerbedrijven": st.one_of(json_waarde, st.lists(bijna_een_bedrijf, max_size=3))}),
    bijna_een_bedrijf,
)


@PARSERS
@given(antwoord, st.sampled_from([200, 200, 404, 500]), st.booleans())
def test_any_answer_gives_accredited_companies_or_unavailable(body, status, als_tekst):
    client = SbbHttpClient(BASE, timeout=1)
    inhoud = json.dumps(body) if not als_tekst else str(body)
    with rm.Mocker() as m:
        m.get(f"{BASE}/leerbedrijven", text=inhoud, status_code=status)
        m.get(f"{BASE}/leerbedrijven/L1", text=inhoud, status_code=status)
        for vraag in (lambda: client.leerbedrijven("25180"), lambda: client.leerbedrijf("25180", "L1")):
            try:
                gevonden = vraag()
            except SbbUnavailable as exc:
                assert str(exc)
                continue
            for bedrijf in gevonden if isinstance(gevonden, list) else [gevonden] if gevonden else []:
                assert isinstance(bedrijf, Leerbedrijf) and bedrijf.is_erkend_voor("25180")
                assert all(isinstance(getattr(bedrijf, v), str) for v in VELDEN[:-1])


@PARSERS
@given(
    st.builds(
        Leerbedrijf,
        *[st.text(max_size=20)] * 7,
        crebos=st.lists(st.from_regex(r"[0-9]{5}", fullmatch=True), max_size=3).map(lambda c: (*c, "25180")),
    )
)
def test_a_company_reads_back_from_its_json(bedrijf):
    assert Leerbedrijf.from_dict(json.loads(json.dumps(bedrijf.as_dict()))) == bedrijf
