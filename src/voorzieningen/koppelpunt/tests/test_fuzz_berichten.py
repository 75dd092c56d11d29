"""Bad input at scale for the Koppelpunt MBO messages: the aanmeldstatusbericht a SIS sends (the serializer the
API parses it with), and what the Koppelpunt VO and Gemeenten receivers (the simulators) take in.

Any body is a valid message or field errors; the receivers answer 400 with a reason for what they cannot store,
never a server error; a valid message is read as it was sent.
"""

import datetime
import json

from django.test import Client

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voorzieningen.identiteit.bsn import is_valid_bsn
from voorzieningen.koppelpunt.api.serializers import VvaStatusberichtSerializer
from voorzieningen.koppelpunt.models import BeoogdeMboGanger, GemeenteSignaal, SimulatorOntvangst
from voorzieningen.koppelpunt.services import WETTELIJKE_STATUSSEN

pytestmark = pytest.mark.fuzz
PARSERS = settings.get_profile("parsers")
HTTP = settings(PARSERS, max_examples=max(10, PARSERS.max_examples // 3))  # a request each: fewer

VELDEN = list(VvaStatusberichtSerializer().fields)
json_waarde = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda kinderen: st.lists(kinderen, max_size=3) | st.dictionaries(st.text(max_size=10), kinderen, max_size=3),
    max_leaves=10,
)
bericht = st.dictionaries(st.one_of(st.sampled_from(VELDEN), st.text(max_size=10)), json_waarde, max_size=16)


@PARSERS
@given(bericht)
def test_any_message_is_valid_or_names_its_fields(data):
    serializer = VvaStatusberichtSerializer(data=data)
    if serializer.is_valid():
        d = serializer.validated_data
        assert d["status"] in WETTELIJKE_STATUSSEN
        assert len(d["pgn"]) == 9 and d["pgn"].isascii() and d["pgn"].isdigit()
        assert d["pgn"].startswith("10") or is_valid_bsn(d["pgn"])
    else:
        assert serializer.errors and all(isinstance(k, str) for k in serializer.errors)


geldig = st.fixed_dictionaries(
    {
        "berichtId": st.text(st.characters(codec="ascii", categories=["L", "N"]), min_size=1, max_size=100),
        "aanmeldId": st.one_of(st.uuids().map(str), st.from_regex(r"9[0-9]{9}", fullmatch=True)),
        "status": st.sampled_from(sorted(set(WETTELIJKE_STATUSSEN) - {"WITHDRAWN"})),
        "pgn": st.sampled_from(["999990019", "999990020", "1012345678"[:9]]),
        "postcode": st.from_regex(r"[1-9][0-9]{3} ?[A-Za-z]{2}", fullmatch=True),
        "gemeentecode": st.from_regex(r"[0-9]{4}", fullmatch=True),
        "geboortedatum": st.dates(datetime.date(1990, 1, 1), datetime.date(2015, 12, 31)).map(str),
        "startkwalificatie": st.booleans(),
        "leertraject": st.sampled_from(["BOL", "BBL", "bol"]),
    }
)


@PARSERS
@given(geldig)
def test_a_valid_message_is_read_as_sent(data):
    serializer = VvaStatusberichtSerializer(data=data)
    assert serializer.is_valid(), serializer.errors
    d = serializer.validated_data
    assert (d["berichtId"], d["aanmeldId"], d["status"], d["pgn"]) == (
        data["berichtId"],
        data["aanmeldId"],
        data["status"],
        data["pgn"],
    )
    assert d["geboortedatum"].isoformat() == data["geboortedatum"]
    assert d["postcode"] == data["postcode"] and d["gemeentecode"] == data["gemeentecode"]


@pytest.mark.parametrize("pgn", ["٩٩٩٩٩٠٠١٩", "１０１２３４５６７", "²²²²²²²²²"])
def test_a_pgn_is_nine_ascii_digits(pgn):
    data = {
        "berichtId": "m-1",
        "aanmeldId": "9100000001",
        "status": "RECEIVED",
        "pgn": pgn,
        "geboortedatum": "2010-05-01",
        "startkwalificatie": False,
        "leertraject": "BOL",
    }
    serializer = VvaStatusberichtSerializer(data=data)
    assert not serializer.is_valid() and "pgn" in serializer.errors


# --- The receivers -----------------------------------------------------------------------------------------

ontvanger_bericht = st.one_of(
    json_waarde,
    st.fixed_dictionaries(
        {"berichtId": json_waarde, "aanmeldId": json_waarde, "status": json_waarde},
        optional={"pgn": json_waarde, "postcode": json_waarde, "reden": json_waarde},
    ),
    st.fixed_dictionaries(
        {
            "berichtId": st.text(max_size=210),
            "aanmeldId": st.text(max_size=40),
            "status": st.sampled_from(["ENROLLED", "WITHDRAWN", "x" * 11]),
        },
        optional={"pgn": st.text(max_size=10), "postcode": st.text(max_size=8), "reden": st.text(max_size=5)},
    ),
)


def _post(client, url, body):
    inhoud = body if isinstance(body, bytes) else json.dumps(body)
    return client.post(url, inhoud, content_type="application/json")


@pytest.mark.django_db
@HTTP
@given(
    body=st.one_of(ontvanger_bericht, st.binary(max_size=60)),
    pad=st.sampled_from(["koppelpunt-vo/berichten", "koppelpunt-gemeenten/0344/berichten"]),
)
def test_the_receivers_store_a_message_or_refuse_it_with_a_reason(body, pad):
    response = _post(Client(), f"/simulators/{pad}", body)
    assert response.status_code in (200, 201, 400), response.content[:300]
    if response.status_code == 400:
        assert response.json()["fout"]


@pytest.mark.django_db
@HTTP
@given(
    body=st.one_of(
        json_waarde,
        st.lists(
            st.fixed_dictionaries(
                {"pgn": st.text(max_size=10), "gemeentecode": st.text(max_size=5)},
                optional={"postcode": st.text(max_size=9), "brinVo": st.text(max_size=7), "beoogd": json_waarde},
            ),
            max_size=3,
        ),
    )
)
def test_the_list_of_intended_students_is_stored_or_refused_with_a_reason(body):
    response = _post(Client(), "/simulators/koppelpunt-gemeenten/beoogde-mbo-gangers", body)
    assert response.status_code in (200, 400), response.content[:300]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "pad,body",
    [
        ("koppelpunt-gemeenten/0344/berichten", {"berichtId": "m-1"}),  # no aanmeldId: KeyError
        ("koppelpunt-gemeenten/0344/berichten", {"berichtId": "m-1", "aanmeldId": "a" * 37, "status": "ENROLLED"}),
        ("koppelpunt-vo/berichten", {"berichtId": "m\x00-1"}),  # PostgreSQL stores no NUL
        ("koppelpunt-vo/berichten", {"berichtId": "m-1", "toelichting": "a\x00b"}),
        ("koppelpunt-gemeenten/beoogde-mbo-gangers", [["999990019"]]),  # a row that is no object
        ("koppelpunt-gemeenten/beoogde-mbo-gangers", [{"pgn": "9999900190", "gemeentecode": "0344"}]),
    ],
)
def test_what_a_receiver_cannot_store_is_a_400_with_the_field(client, pad, body):
    response = _post(client, f"/simulators/{pad}", body)
    assert response.status_code == 400 and response.json()["fout"]
    assert not SimulatorOntvangst.objects.exists() and not BeoogdeMboGanger.objects.exists()
    assert not GemeenteSignaal.objects.exists()


@pytest.mark.django_db
def test_a_municipality_code_in_the_address_is_four_digits(client):
    response = _post(client, "/simulators/koppelpunt-gemeenten/" + "1" * 25 + "/berichten", {"berichtId": "m-1"})
    assert response.status_code == 404 and "4 cijfers" in response.json()["fout"]
