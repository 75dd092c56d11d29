"""Reconciliation of the portal's applications against an institution's SIS export."""

import csv
import datetime
import io
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from voorzieningen.aanmelden.models import Aanmelding
from voorzieningen.aanmelden.statussen import Status
from voorzieningen.aanmelden.tests.factories import AanmeldingFactory
from voorzieningen.catalogus.tests.factories import CohortFactory
from voorzieningen.instellingen import afstemming
from voorzieningen.instellingen.afstemming import CATEGORIEEN, ExportFout, als_csv, lees_export, vergelijk
from voorzieningen.sis.models import Aanlevering, Koppelpunt

NU = timezone.now()
PORTAAL = {"nooit_opgehaald", "ingetrokken", "opgehaald_niet_in_sis", "foutmelding"}
SIS = {"onbekend", "andere_instelling", "geanonimiseerd", "buiten_selectie"}


def export(*regels, kop="caKetenId;ketenId;status", sep=";") -> bytes:
    return "\n".join([kop.replace(";", sep), *(sep.join(map(str, r)) for r in regels)]).encode()


@pytest.fixture
def cohort(db):
    return CohortFactory(opleiding__wervingsnaam="Verzorgende IG")


@pytest.fixture
def instelling(cohort):
    return cohort.opleiding.aanbieder.instelling


@pytest.fixture
def koppelpunt(instelling):
    return Koppelpunt.objects.create(instelling=instelling, code="25LX", geldig_vanaf=NU - datetime.timedelta(days=30))


@pytest.fixture
def maak(cohort, koppelpunt):
    """An application of the institution under test, with its fetch state."""

    def maak(status=Status.SUBMITTED, *, opgehaald=True, fout="", aanlevering=True, anoniem=False, **kwargs):
        kwargs.setdefault("cohort", cohort)
        if anoniem:
            kwargs.update(aanmelder=None, geanonimiseerd_op=NU)
        a = AanmeldingFactory(status=status, **kwargs)
        if aanlevering:
            Aanlevering.objects.create(
                aanmelding=a,
                koppelpunt=koppelpunt,
                opgehaald_op=NU if opgehaald else None,
                bevestigd_op=NU if opgehaald else None,
                foutmelding=fout,
            )
        return a

    return maak


def ids(afstemming_, categorie):
    return {r.ca_keten_id for r in afstemming_.regels[categorie]}


# --- Categories --------------------------------------------------------------------------------------------


def test_every_category_on_a_hand_built_dataset(maak, instelling):
    nooit = maak(opgehaald=False)
    zonder_aanlevering = maak(aanlevering=False)
    ingetrokken = maak(Status.WITHDRAWN)
    ingetrokken_met_fout = maak(Status.WITHDRAWN, fout="onbekende opleiding")
    opgehaald = maak(Status.RECEIVED)
    fout = maak(fout="BSN ontbreekt")
    fout_nooit_opgehaald = maak(opgehaald=False, fout="time-out")
    gelijk = maak(Status.RECEIVED)
    verschil = maak(Status.OFFERED)
    anoniem = maak(Status.RECEIVED, anoniem=True)
    anoniem_niet_in_sis = maak(anoniem=True)  # gone from both: nothing to report
    andere = AanmeldingFactory(status=Status.RECEIVED)
    onbekend = uuid.uuid4()

    inlezing = lees_export(
        export(
            (gelijk.ca_keten_id, gelijk.keten_id, "RECEIVED"),
            (verschil.ca_keten_id, verschil.keten_id, "ENROLLED"),
            (anoniem.ca_keten_id, anoniem.keten_id, "RECEIVED"),
            (andere.ca_keten_id, andere.keten_id, "RECEIVED"),
            (onbekend, "9999999999", "SUBMITTED"),
        )
    )
    assert not inlezing.fouten
    uitkomst = vergelijk(instelling, inlezing)

    assert uitkomst.aantallen == {
        "nooit_opgehaald": 2,
        "ingetrokken": 2,
        "opgehaald_niet_in_sis": 1,
        "foutmelding": 2,
        "onbekend": 1,
        "andere_instelling": 1,
        "geanonimiseerd": 1,
        "buiten_selectie": 0,
        "status_verschilt": 1,
        "status_niet_vergeleken": 0,
        "gelijk": 1,
    }
    assert ids(uitkomst, "nooit_opgehaald") == {str(nooit.ca_keten_id), str(zonder_aanlevering.ca_keten_id)}
    assert ids(uitkomst, "ingetrokken") == {str(ingetrokken.ca_keten_id), str(ingetrokken_met_fout.ca_keten_id)}
    assert ids(uitkomst, "opgehaald_niet_in_sis") == {str(opgehaald.ca_keten_id)}
    assert ids(uitkomst, "foutmelding") == {str(fout.ca_keten_id), str(fout_nooit_opgehaald.ca_keten_id)}
    assert ids(uitkomst, "onbekend") == {str(onbekend)}
    assert ids(uitkomst, "andere_instelling") == {str(andere.ca_keten_id)}
    assert ids(uitkomst, "geanonimiseerd") == {str(anoniem.ca_keten_id)}
    assert uitkomst.regels["gelijk"] == []  # only counted
    assert str(anoniem_niet_in_sis.ca_keten_id) not in {r.ca_keten_id for g in uitkomst.groepen for r in g.regels}
    assert uitkomst.aantal_portaal == 9
    assert uitkomst.aantal_sis == 5
    assert uitkomst.aantal_verschillen == 11

    [r] = uitkomst.regels["status_verschilt"]
    assert (r.ca_keten_id, r.keten_id, r.portaal_status, r.sis_status) == (
        str(verschil.ca_keten_id),
        verschil.keten_id,
        "OFFERED",
        "ENROLLED",
    )
    assert (r.opleiding, r.ingediend_op, r.regel) == ("Verzorgende IG", verschil.ingediend_op, 3)
    assert (r.portaal_status_label, r.sis_status_label) == ("Onderwijsovereenkomst aangeboden", "Ingeschreven")
    [r] = uitkomst.regels["opgehaald_niet_in_sis"]
    assert (r.portaal_status, r.sis_status, r.regel, r.opleiding) == ("RECEIVED", "", None, "Verzorgende IG")
    [r] = uitkomst.regels["geanonimiseerd"]
    assert (r.keten_id, r.portaal_status, r.sis_status) == (anoniem.keten_id, "RECEIVED", "RECEIVED")


def test_another_institutions_application_is_reported_without_its_details(maak, instelling):
    eigen = maak()
    andere = AanmeldingFactory(status=Status.OFFERED, opleiding__wervingsnaam="Geheime opleiding elders")
    inlezing = lees_export(export((andere.ca_keten_id, "", "Ontvangen"), ("", andere.keten_id, "RECEIVED")))
    uitkomst = vergelijk(instelling, inlezing)

    assert uitkomst.aantallen["andere_instelling"] == 2
    eerste, tweede = uitkomst.regels["andere_instelling"]
    # only what the upload held: the missing ketenId / caKetenId is not filled in from the portal
    assert (eerste.ca_keten_id, eerste.keten_id) == (str(andere.ca_keten_id), "")
    assert (tweede.ca_keten_id, tweede.keten_id) == ("", andere.keten_id)
    for r in (eerste, tweede):
        assert (r.portaal_status, r.opleiding, r.ingediend_op) == ("", "", None)
        assert r.sis_status == "RECEIVED"
    assert not uitkomst.meldingen  # no "same application twice" hint about someone else's application
    assert ids(uitkomst, "nooit_opgehaald") | ids(uitkomst, "opgehaald_niet_in_sis") == {str(eigen.ca_keten_id)}

    download = "".join(als_csv(uitkomst))
    assert "Geheime opleiding elders" not in download
    assert "OFFERED" not in download
    assert "Aanmelding van een andere instelling" in download
    assert str(andere.instelling.naam) not in download


def test_matching_on_keten_id_only(maak, instelling):
    a = maak(Status.RECEIVED)
    b = maak(Status.SUBMITTED)
    uitkomst = vergelijk(
        instelling, lees_export(export((a.keten_id, "Ontvangen"), (b.keten_id, "ENROLLED"), kop="ketenId;status"))
    )
    assert uitkomst.aantallen["gelijk"] == 1
    [r] = uitkomst.regels["status_verschilt"]
    assert (r.ca_keten_id, r.keten_id) == (str(b.ca_keten_id), b.keten_id)  # the portal fills in its own ids


def test_ca_keten_id_wins_over_a_contradicting_keten_id(maak, instelling):
    a = maak(Status.RECEIVED)
    b = maak(Status.RECEIVED)
    uitkomst = vergelijk(instelling, lees_export(export((a.ca_keten_id, b.keten_id, "RECEIVED"))))
    assert uitkomst.aantallen["gelijk"] == 1
    assert ids(uitkomst, "opgehaald_niet_in_sis") == {str(b.ca_keten_id)}
    [melding] = uitkomst.meldingen
    assert melding.startswith("regel 2: caKetenId en ketenId horen niet bij dezelfde aanmelding")
    assert str(a.ca_keten_id) in melding


def test_falls_back_to_keten_id_when_the_ca_keten_id_is_unknown(maak, instelling):
    a = maak(Status.RECEIVED)
    uitkomst = vergelijk(instelling, lees_export(export((uuid.uuid4(), a.keten_id, "RECEIVED"))))
    assert uitkomst.aantallen["gelijk"] == 1
    assert len(uitkomst.meldingen) == 1


def test_selection_by_schooljaar_and_date_range(maak, instelling):
    dit_jaar = maak(Status.RECEIVED, schooljaar=2027, ingediend_op=NU - datetime.timedelta(days=2))
    vorig_jaar = maak(Status.RECEIVED, schooljaar=2026)
    niet_in_sis_vorig_jaar = maak(schooljaar=2026)
    inlezing = lees_export(export((dit_jaar.ca_keten_id, "", "RECEIVED"), (vorig_jaar.ca_keten_id, "", "ENROLLED")))

    uitkomst = vergelijk(instelling, inlezing, schooljaar=2027)
    assert uitkomst.aantallen["gelijk"] == 1
    [r] = uitkomst.regels["buiten_selectie"]
    assert (r.ca_keten_id, r.portaal_status, r.sis_status) == (str(vorig_jaar.ca_keten_id), "RECEIVED", "ENROLLED")
    assert str(niet_in_sis_vorig_jaar.ca_keten_id) not in {r.ca_keten_id for g in uitkomst.groepen for r in g.regels}
    assert uitkomst.aantal_portaal == 1

    vandaag = timezone.localdate()
    uitkomst = vergelijk(
        instelling, inlezing, vanaf=vandaag - datetime.timedelta(days=3), tot=vandaag - datetime.timedelta(days=1)
    )
    assert uitkomst.aantallen["gelijk"] == 1 and uitkomst.aantal_portaal == 1
    assert uitkomst.aantallen["buiten_selectie"] == 1
    uitkomst = vergelijk(instelling, inlezing, vanaf=vandaag)  # dates are whole local days
    assert ids(uitkomst, "buiten_selectie") == {str(dit_jaar.ca_keten_id)}
    assert uitkomst.aantal_portaal == 2


# --- Reading -----------------------------------------------------------------------------------------------


def test_bom_semicolon_aliases_and_dutch_labels(maak, instelling):
    a = maak(Status.OFFERED)
    b = maak(Status.ENROLLED)
    c = maak(Status.RECEIVED)
    d = maak(Status.SUBMITTED)
    tekst = (
        "\ufeff CA keten id ;Keten_ID;Naam;Aanmeldstatus\r\n"
        f"{a.ca_keten_id};{a.keten_id};Zoë;Onderwijsovereenkomst aangeboden\r\n"
        f"{b.ca_keten_id};{b.keten_id};Ünal;ingeschreven\r\n"
        f"{c.ca_keten_id};{c.keten_id};Bram; ONTVANGEN \r\n"
        f'"{str(d.ca_keten_id).upper()}";="{d.keten_id}";"de Vries; Jan";submitted\r\n'
        ";;;\r\n"
    )
    inlezing = lees_export(tekst.encode("utf-8"))
    assert (inlezing.codering, inlezing.scheidingsteken) == ("utf-8-sig", ";")
    assert inlezing.kolommen == {"ca_keten_id": "CA keten id", "keten_id": "Keten_ID", "status": "Aanmeldstatus"}
    assert not inlezing.fouten and not inlezing.waarschuwingen
    assert inlezing.aantal_regels == 4
    assert [r.status for r in inlezing.regels] == ["OFFERED", "ENROLLED", "RECEIVED", "SUBMITTED"]
    uitkomst = vergelijk(instelling, inlezing)
    assert uitkomst.aantallen["gelijk"] == 4 and uitkomst.aantal_verschillen == 0


@pytest.mark.parametrize("codering", ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])
@pytest.mark.parametrize("sep", [";", ",", "\t"])
def test_encodings_and_delimiters(maak, instelling, codering, sep):
    a = maak(Status.REJECTED)
    tekst = sep.join(["ketenId", "achternaam", "status"]) + "\n" + sep.join([a.keten_id, "Ørsted-Müller", "Afgewezen"])
    inlezing = lees_export(tekst.encode(codering))
    assert inlezing.scheidingsteken == sep
    assert not inlezing.fouten
    assert vergelijk(instelling, inlezing).aantallen["gelijk"] == 1


def test_bad_rows_are_listed_with_line_numbers_while_good_rows_are_compared(maak, instelling):
    goed = maak(Status.RECEIVED)
    verschil = maak(Status.RECEIVED)
    status_kapot = maak(Status.RECEIVED)
    ontbreekt = maak(Status.RECEIVED)
    tekst = "\n".join(
        [
            "caKetenId;ketenId;status",  # 1
            f"{goed.ca_keten_id};{goed.keten_id};RECEIVED",  # 2
            "abc;;RECEIVED",  # 3
            "",  # 4
            ";12345;RECEIVED",  # 5
            ";;Ontvangen",  # 6
            f"{status_kapot.ca_keten_id};;Misschien",  # 7
            f"{ontbreekt.ca_keten_id};;",  # 8
            f"{uuid.uuid4()};9x;Ingediend",  # 9
            f"{verschil.ca_keten_id};{verschil.keten_id};Ingetrokken",  # 10
        ]
    )
    inlezing = lees_export(tekst.encode())
    assert [str(f) for f in inlezing.fouten] == [
        "regel 3: caKetenId 'abc' is geen geldige UUID",
        "regel 5: ketenId '12345' is geen geldig ketenId (10 cijfers, beginnend met 9)",
        "regel 6: geen caKetenId of ketenId",
        "regel 7: status 'Misschien' is onbekend",
        "regel 8: status ontbreekt",
        "regel 9: ketenId '9x' is geen geldig ketenId (10 cijfers, beginnend met 9)",
    ]
    assert [f.regel for f in inlezing.fouten] == [3, 5, 6, 7, 8, 9]
    assert inlezing.aantal_regels == 8  # the empty line 4 is not a row
    assert [r.regel for r in inlezing.regels] == [2, 7, 8, 10]

    uitkomst = vergelijk(instelling, inlezing)
    assert uitkomst.aantallen["gelijk"] == 1
    assert ids(uitkomst, "status_verschilt") == {str(verschil.ca_keten_id)}
    # a row with an unreadable status still proves the application is in the SIS
    assert ids(uitkomst, "status_niet_vergeleken") == {str(status_kapot.ca_keten_id), str(ontbreekt.ca_keten_id)}
    assert uitkomst.aantallen["opgehaald_niet_in_sis"] == 0


def test_a_long_bad_value_is_shortened_in_the_message():
    inlezing = lees_export(export(("x" * 500, "", "RECEIVED")))
    [fout] = inlezing.fouten
    assert len(fout.melding) < 120 and fout.melding.endswith("…' is geen geldige UUID")


@pytest.mark.parametrize(
    "inhoud",
    [
        b"naam;status\nJan;RECEIVED\n",
        b"id;status\n9100000001;RECEIVED\n",
        b"9100000001;RECEIVED\n9100000002;RECEIVED\n",
    ],
)
def test_a_file_without_an_id_column_gets_one_clear_error(inhoud):
    with pytest.raises(ExportFout) as exc:
        lees_export(inhoud)
    [melding] = exc.value.messages
    assert melding.startswith("Geen kolom caKetenId of ketenId gevonden.")
    assert "Gevonden: " + inhoud.decode().split("\n")[0].replace(";", ", ") in melding


@pytest.mark.parametrize(
    "inhoud,begin",
    [
        (b"", "Het bestand is leeg."),
        (b" \r\n\r\n", "Het bestand is leeg."),
        (b"PK\x03\x04rest of a zip", "Dit is een Excel-bestand."),
        (b"\xd0\xcf\x11\xe0old excel", "Dit is een Excel-bestand."),
    ],
)
def test_unusable_files(inhoud, begin):
    with pytest.raises(ExportFout) as exc:
        lees_export(inhoud)
    assert exc.value.messages[0].startswith(begin)


def test_size_limits(monkeypatch):
    monkeypatch.setattr(afstemming, "MAX_BYTES", 1000)
    with pytest.raises(ExportFout, match="groter dan"):
        lees_export(b"ketenId\n" + b"9100000001\n" * 200)
    with pytest.raises(ExportFout, match="groter dan"):
        lees_export(io.BytesIO(b"ketenId\n" + b"9100000001\n" * 200))

    monkeypatch.setattr(afstemming, "MAX_BYTES", 10 * 1024 * 1024)
    monkeypatch.setattr(afstemming, "MAX_REGELS", 3)
    assert lees_export(b"ketenId\n9100000001\n9100000002\n9100000003\n").aantal_regels == 3
    with pytest.raises(ExportFout) as exc:
        lees_export(b"ketenId\n9100000001\n9100000002\n9100000003\n9100000004\n")
    assert exc.value.messages == ["Het bestand heeft meer dan 3 regels. Splits de export, bijvoorbeeld per schooljaar."]


def test_duplicates_in_the_upload(maak, instelling):
    a = maak(Status.RECEIVED)
    b = maak(Status.RECEIVED)
    inlezing = lees_export(
        export(
            (a.ca_keten_id, "", "RECEIVED"),  # 2
            (b.ca_keten_id, b.keten_id, "RECEIVED"),  # 3
            (a.ca_keten_id, "", "ENROLLED"),  # 4: same caKetenId, only line 2 counts
            (uuid.uuid4(), b.keten_id, "RECEIVED"),  # 5: same ketenId as line 3
            (a.ca_keten_id, "", "RECEIVED"),  # 6
        )
    )
    assert [(d.kolom, d.waarde, d.regels) for d in inlezing.dubbelen] == [
        ("caKetenId", str(a.ca_keten_id), (2, 4, 6)),
        ("ketenId", b.keten_id, (3, 5)),
    ]
    assert inlezing.dubbelen[0].melding == (
        f"caKetenId {a.ca_keten_id} komt 3 keer voor (regels 2, 4, 6); alleen regel 2 is vergeleken."
    )
    assert [r.regel for r in inlezing.regels] == [2, 3]
    uitkomst = vergelijk(instelling, inlezing)
    assert uitkomst.aantallen["gelijk"] == 2 and uitkomst.aantal_verschillen == 0


def test_two_rows_naming_the_same_application_by_different_ids(maak, instelling):
    a = maak(Status.RECEIVED)
    uitkomst = vergelijk(instelling, lees_export(export((a.ca_keten_id, "", "RECEIVED"), ("", a.keten_id, "ENROLLED"))))
    assert uitkomst.aantallen["gelijk"] == 1 and uitkomst.aantal_verschillen == 0
    assert uitkomst.meldingen == ["regel 3: dezelfde aanmelding als regel 2; alleen regel 2 is vergeleken."]


def test_tolerated_oddities(maak, instelling):
    a = maak(Status.RECEIVED)
    b = maak(Status.RECEIVED)
    tekst = (
        "Export aanmeldingen ROC Test, 1-2-2027\n"
        "\n"
        '"ketenId","Status"\n'
        f"{a.keten_id}.0,RECEIVED\n"
        f"'{b.keten_id},Ontvangen door de school\n"
    )
    inlezing = lees_export(SimpleUploadedFile("export.csv", tekst.encode("cp1252")))
    assert not inlezing.fouten
    assert [r.regel for r in inlezing.regels] == [4, 5]
    assert vergelijk(instelling, inlezing).aantallen["gelijk"] == 2


def test_an_uploaded_file_already_read_is_read_from_the_start(maak, instelling):
    a = maak(Status.RECEIVED)
    bestand = SimpleUploadedFile("export.csv", export((a.ca_keten_id, a.keten_id, "RECEIVED")))
    bestand.read()
    assert vergelijk(instelling, lees_export(bestand)).aantallen["gelijk"] == 1


def test_without_status_column_applications_are_compared_but_not_their_status(maak, instelling):
    a = maak(Status.RECEIVED)
    inlezing = lees_export(f"caKetenId\n{a.ca_keten_id}\n".encode())
    assert not inlezing.heeft_status
    assert inlezing.waarschuwingen == [
        "Geen kolom status gevonden: de aanmeldingen worden vergeleken, de statussen niet."
    ]
    uitkomst = vergelijk(instelling, inlezing)
    assert ids(uitkomst, "status_niet_vergeleken") == {str(a.ca_keten_id)}


@hypothesis_settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_reading_never_fails_with_anything_but_an_export_error(inhoud):
    try:
        inlezing = lees_export(inhoud)
    except ExportFout as exc:
        assert exc.messages
        return
    for r in inlezing.regels:
        assert r.ca_keten_id is not None or r.keten_id is not None
        assert r.status is None or r.status in Status.values


# --- Download ----------------------------------------------------------------------------------------------


def test_csv_download(maak, instelling, cohort):
    formule = CohortFactory(
        opleiding__aanbieder=cohort.opleiding.aanbieder, opleiding__wervingsnaam='=HYPERLINK("http://x")'
    )
    a = maak(Status.OFFERED, cohort=formule)
    nooit = maak(opgehaald=False)
    inlezing = lees_export(
        export((a.ca_keten_id, a.keten_id, "ENROLLED"), ("zzz", "", "RECEIVED"), (a.ca_keten_id, "", "OFFERED"))
    )
    uitkomst = vergelijk(instelling, inlezing)

    regels = list(als_csv(uitkomst))
    assert all(r.endswith("\r\n") for r in regels)
    assert regels[0].startswith("\ufeffcategorie;toelichting;caKetenId;ketenId;status portal;status SIS;")
    rijen = list(csv.reader(io.StringIO("".join(regels).removeprefix("\ufeff")), delimiter=";"))
    assert len(rijen) == 1 + 2 + 1 + 1  # header, two differences, one bad row, one duplicate
    per_ca = {r[2]: r for r in rijen[1:] if r[2] and r[0] != "Dubbel in de export"}
    verschil = per_ca[str(a.ca_keten_id)]
    assert verschil[:2] == [str(CATEGORIEEN["status_verschilt"].label), str(CATEGORIEEN["status_verschilt"].uitleg)]
    assert verschil[3:6] == [a.keten_id, "OFFERED", "ENROLLED"]
    assert verschil[6] == '\'=HYPERLINK("http://x")'  # no formula in Excel
    assert verschil[8] == "2"
    assert per_ca[str(nooit.ca_keten_id)][0] == "Nooit opgehaald door de SIS"
    assert ["Fout in de export", "regel 3: caKetenId 'zzz' is geen geldige UUID"] in [r[:2] for r in rijen]
    assert [r[0] for r in rijen].count("Dubbel in de export") == 1
    assert list(als_csv(uitkomst, delimiter=",", bom=False))[0].startswith("categorie,toelichting,")


# --- Scale ---------------------------------------------------------------------------------------------------


def test_no_query_per_row(instelling, cohort, django_assert_max_num_queries):
    eigen = AanmeldingFactory.build_batch(1200, cohort=cohort, aanmelder=None, status=Status.RECEIVED)
    Aanmelding.objects.bulk_create(eigen)
    regels = [(a.ca_keten_id, a.keten_id, "RECEIVED") for a in eigen[:1000]]
    regels += [(uuid.uuid4(), "", "RECEIVED") for _ in range(1000)]
    regels += [("", str(9800000000 + i), "RECEIVED") for i in range(1000)]
    inlezing = lees_export(export(*regels))
    # one for the selection, chunks of 900 for the 1000 unknown caKetenIds and the 1000 unknown ketenIds
    with django_assert_max_num_queries(5):
        uitkomst = vergelijk(instelling, inlezing)
    assert uitkomst.aantallen["gelijk"] == 1000
    assert uitkomst.aantallen["onbekend"] == 2000
    assert uitkomst.aantallen["nooit_opgehaald"] == 200


# --- Property ------------------------------------------------------------------------------------------------

LABELS = {
    "SUBMITTED": ["Ingediend", "submitted"],
    "RECEIVED": ["Ontvangen", "received", "ontvangen door de school"],
    "OFFERED": ["Aangeboden", "Onderwijsovereenkomst aangeboden"],
    "REJECTED": ["Afgewezen"],
    "ENROLLED": ["Ingeschreven", "enrolled"],
    "WITHDRAWN": ["Ingetrokken"],
}


@pytest.fixture
def pool(maak):
    return [
        maak(Status.SUBMITTED, opgehaald=False),
        maak(Status.RECEIVED),
        maak(Status.OFFERED, fout="fout"),
        maak(Status.ENROLLED),
        maak(Status.REJECTED, aanlevering=False),
        maak(Status.WITHDRAWN),
        maak(Status.RECEIVED, anoniem=True),
    ]


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=st.data())
def test_exporting_any_subset_with_true_statuses_shows_only_the_missing_ones(pool, instelling, data):
    """Read-only, so the fixture's applications can be shared by all examples."""
    gekozen = data.draw(st.permutations(pool))[: data.draw(st.integers(0, len(pool)))]
    sep = data.draw(st.sampled_from([";", ",", "\t"]))
    codering = data.draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    regels = []
    for a in gekozen:
        welke = data.draw(st.sampled_from(["ca", "keten", "beide"]))
        status = data.draw(st.sampled_from([a.status, a.status.lower(), *LABELS[a.status]]))
        regels.append(
            sep.join(
                [
                    str(a.ca_keten_id) if welke != "keten" else "",
                    a.keten_id if welke != "ca" else "",
                    "Zoë",
                    status,
                ]
            )
        )
    tekst = "\n".join([sep.join(["caKetenId", "ketenId", "naam", "status"]), *regels])
    uitkomst = vergelijk(instelling, lees_export(tekst.encode(codering)))

    anoniem = {str(a.ca_keten_id) for a in pool if a.geanonimiseerd_op}
    gekozen_ids = {str(a.ca_keten_id) for a in gekozen}
    ontbrekend = {str(a.ca_keten_id) for a in pool} - gekozen_ids - anoniem
    assert uitkomst.aantallen["gelijk"] == len(gekozen_ids - anoniem)
    assert ids(uitkomst, "geanonimiseerd") == gekozen_ids & anoniem
    assert not uitkomst.inlezing.fouten and not uitkomst.meldingen
    assert all(not uitkomst.regels[k] for k in ("onbekend", "andere_instelling", "buiten_selectie"))
    assert not uitkomst.regels["status_verschilt"] and not uitkomst.regels["status_niet_vergeleken"]
    assert set().union(*(ids(uitkomst, k) for k in PORTAAL)) == ontbrekend
    assert sum(uitkomst.aantallen[k] for k in PORTAAL) == len(ontbrekend)
