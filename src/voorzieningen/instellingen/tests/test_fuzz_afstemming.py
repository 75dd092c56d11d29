"""Bad input at scale for the reconciliation upload: any bytes or text are an ``Inlezing`` or an ``ExportFout``.

An upload is whatever an admin's Excel or SIS produced, so the parser is tried on arbitrary bytes, on text in
the three delimiters with a right header over garbage rows, and on valid exports that must read back exactly.
"""

import csv
import io
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voorzieningen.aanmelden.statussen import Status
from voorzieningen.instellingen.afstemming import STATUS_TEKSTEN, ExportFout, Inlezing, lees_export, status_uit_tekst

pytestmark = pytest.mark.fuzz
PARSERS = settings.get_profile("parsers")


def _controleer(inlezing: Inlezing) -> None:
    assert inlezing.scheidingsteken in {";", "\t", ","}
    assert len(inlezing.regels) + len(inlezing.fouten) <= inlezing.aantal_regels + len(inlezing.fouten)
    for regel in inlezing.regels:
        assert regel.ca_keten_id is not None or regel.keten_id is not None
        assert regel.status is None or regel.status in Status.values
    for fout in inlezing.fouten:
        assert str(fout).startswith("regel ")


@PARSERS
@given(st.one_of(st.binary(max_size=400), st.text(max_size=400)))
def test_any_upload_is_read_or_refused_with_a_reason(inhoud):
    try:
        inlezing = lees_export(inhoud)
    except ExportFout as exc:
        assert exc.messages and all(exc.messages)
    else:
        _controleer(inlezing)


cel = st.one_of(
    st.text(max_size=15),
    st.uuids().map(str),
    st.from_regex(r"9[0-9]{9}", fullmatch=True),
    st.sampled_from(sorted(STATUS_TEKSTEN)),
    st.just('="9100000001"'),
)


@PARSERS
@given(
    st.lists(st.lists(cel, max_size=5), max_size=8),
    st.sampled_from([";", "\t", ","]),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
    st.sampled_from(["\r\n", "\n"]),
)
def test_garbage_rows_under_a_right_header_are_row_errors(rijen, delimiter, codering, einde):
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator=einde)
    writer.writerow(["caKetenId", "ketenId", "status"])
    writer.writerows(rijen)
    try:
        inhoud = out.getvalue().encode(codering)
    except UnicodeEncodeError:
        inhoud = out.getvalue().encode("utf-8")
    try:
        inlezing = lees_export(inhoud)
    except ExportFout as exc:  # e.g. a cell that made csv give up
        assert exc.messages
    else:
        _controleer(inlezing)


geldige_rij = st.tuples(
    st.one_of(st.none(), st.uuids()),
    st.one_of(st.none(), st.from_regex(r"9[0-9]{9}", fullmatch=True)),
    st.sampled_from(sorted(STATUS_TEKSTEN)),
).filter(lambda r: r[0] is not None or r[1] is not None)


@PARSERS
@given(
    st.lists(geldige_rij, min_size=1, max_size=8, unique_by=(lambda r: r[0] or uuid.uuid4(), lambda r: r[1] or "-")),
    st.sampled_from([";", "\t", ","]),
)
def test_a_valid_export_reads_back_exactly(rijen, delimiter):
    regels = [delimiter.join(["caKetenId", "ketenId", "status"])]
    regels += [delimiter.join([str(c or ""), k or "", s]) for c, k, s in rijen]
    inlezing = lees_export(("\r\n".join(regels) + "\r\n").encode())
    assert inlezing.fouten == [] and inlezing.dubbelen == []
    assert [(r.ca_keten_id, r.keten_id, r.status) for r in inlezing.regels] == [
        (c, k, status_uit_tekst(s)) for c, k, s in rijen
    ]
    assert [r.regel for r in inlezing.regels] == list(range(2, len(rijen) + 2))


def test_an_unreadable_first_line_without_an_id_column_is_an_export_error():
    """The search for the header gives up on every delimiter; the message quoting the first line must too."""
    with pytest.raises(ExportFout):
        lees_export(b"naam;" + b"x" * 200_000 + b"\nabc\n")
