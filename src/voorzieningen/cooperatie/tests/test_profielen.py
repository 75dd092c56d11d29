"""Two cooperatives, one engine: the PO/VO purchasing cooperative differs only in data."""

import datetime
import io
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError

import pytest

from voorzieningen.cooperatie import av, leden, profielen
from voorzieningen.cooperatie.models import Cooperatie, Kamer, Lid, LidSoort, Orgaan, Stem
from voorzieningen.core.services import Actor

from .factories import ContactpersoonFactory, LidFactory, RaadszetelFactory, VergaderingFactory, VoorstelFactory

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")
CONTACT = [{"naam": "Bea Bestuur", "email": "bea@bestuur.example"}]


@pytest.fixture
def profiel():
    return profielen.richt_profielen_in()


@pytest.fixture
def povo(profiel):
    return profiel[profielen.PO_VO]


def test_seeding_is_idempotent_and_leaves_staff_changes_alone(profiel):
    mbo = profiel[profielen.MBO]
    mbo.min_vergaderingen_per_jaar = 3
    mbo.save()
    profielen.richt_profielen_in()
    assert Cooperatie.objects.count() == 2 and Kamer.objects.count() == 4
    mbo.refresh_from_db()
    assert mbo.min_vergaderingen_per_jaar == 3


def test_the_seeded_profiles_pass_validation(profiel):
    for cooperatie in profiel.values():
        cooperatie.full_clean()
        for kamer in cooperatie.kamers.all():
            kamer.full_clean()


def test_the_profiles_differ_as_data(profiel, povo):
    mbo = profiel[profielen.MBO]
    assert mbo.toegestane_soorten == ["mbo"] and mbo.vereist_mbo_raad_lidmaatschap
    assert (mbo.hoogste_orgaan, mbo.bestuur_omvang, mbo.min_vergaderingen_per_jaar) == (Orgaan.AV, 3, 2)
    assert set(povo.toegestane_soorten) == {"po", "vo", "po_vo"} and not povo.vereist_mbo_raad_lidmaatschap
    assert (povo.opzegtermijn_lid_maanden, povo.opzegtermijn_cooperatie_maanden) == (12, 6)
    assert povo.hoogste_orgaan == Orgaan.LEDENRAAD and povo.raad_omvang == 36
    kamers = list(povo.kamers.all())
    assert [k.naam for k in kamers] == ["PO", "VO", "Combinatie", "Klein"]
    assert sum(k.zetels for k in kamers) == 36


def test_a_publicly_funded_school_board_joins_the_povo_cooperative(povo):
    lid = leden.word_lid(
        povo,
        "Stichting Openbaar Onderwijs",
        soort=LidSoort.PO_VO_BESTUUR,
        publiek_bekostigd=True,
        aanbestedende_dienst=True,
        begindatum=datetime.date(2026, 1, 1),
        contactpersonen=CONTACT,
        actor=ACTOR,
    )
    assert lid.kamer.naam == "Combinatie"


@pytest.mark.parametrize(
    ("feiten", "reden"),
    [
        ({"soort": LidSoort.MBO_INSTELLING}, "mbo-instelling"),
        ({"publiek_bekostigd": False}, "publiek bekostigde"),
        ({"aanbestedende_dienst": False}, "aanbestedende"),
    ],
)
def test_the_povo_cooperative_refuses_with_reasons(povo, feiten, reden):
    with pytest.raises(leden.LidmaatschapGeweigerd) as fout:
        leden.word_lid(
            povo,
            "Organisatie",
            **{"soort": LidSoort.PO_BESTUUR, "publiek_bekostigd": True, "aanbestedende_dienst": True, **feiten},
            begindatum=datetime.date(2026, 1, 1),
            contactpersonen=CONTACT,
            actor=ACTOR,
        )
    assert reden in str(fout.value)


def test_an_mbo_institution_without_mbo_raad_membership_is_refused_by_mbo_but_not_the_rule_of_povo(profiel):
    feiten = {
        "soort": LidSoort.MBO_INSTELLING,
        "publiek_bekostigd": True,
        "mbo_raad_lid": False,
        "aanbestedende_dienst": True,
    }
    assert "MBO Raad" in leden.toelaten(profiel[profielen.MBO], **feiten).redenen[0]
    assert not any("MBO Raad" in r for r in leden.toelaten(profiel[profielen.PO_VO], **feiten).redenen)


def test_notice_periods_member_one_year_cooperative_six_months(povo):
    lid = LidFactory(cooperatie=povo, soort=LidSoort.PO_BESTUUR)
    assert leden.vroegste_einddatum(lid, Lid.OpgezegdDoor.LID, datetime.date(2026, 9, 1)) == datetime.date(2027, 8, 31)
    assert leden.vroegste_einddatum(lid, Lid.OpgezegdDoor.COOPERATIE, datetime.date(2026, 9, 1)) == datetime.date(
        2027, 2, 28
    )


def test_a_chamber_takes_members_of_its_kinds_only(povo):
    po = povo.kamers.get(code="po")
    klein = povo.kamers.get(code="klein")
    lid = LidFactory(cooperatie=povo, soort=LidSoort.VO_BESTUUR, kamer=po)
    with pytest.raises(ValidationError, match="hoort niet in deze kamer"):
        lid.full_clean()
    lid.kamer = klein  # 'klein' takes any kind: staff place small boards there
    lid.full_clean()


def test_a_chamber_has_a_limited_number_of_seats(povo):
    kamer = povo.kamers.get(code="po")
    kamer.zetels = 2
    kamer.save()
    RaadszetelFactory.create_batch(2, kamer=kamer)
    lid = LidFactory(cooperatie=povo, soort=LidSoort.PO_BESTUUR, kamer=kamer)
    with pytest.raises(ValidationError, match="Alle 2 zetels"):
        leden.wijs_zetel_toe(lid, ContactpersoonFactory(lid=lid), datetime.date(2026, 1, 1), actor=ACTOR)
    leden.beeindig_zetel(kamer.zetels_bezet.first(), datetime.date(2025, 12, 31), actor=ACTOR)
    zetel = leden.wijs_zetel_toe(lid, ContactpersoonFactory(lid=lid), datetime.date(2026, 1, 1), actor=ACTOR)
    assert zetel.kamer == kamer
    assert dict((k.code, n) for k, n in leden.raad_bezetting(povo, datetime.date(2026, 2, 1)))["po"] == 2


def test_one_seat_per_member_and_only_in_its_own_chamber(povo):
    zetel = RaadszetelFactory(kamer=povo.kamers.get(code="po"))
    with pytest.raises(ValidationError):
        leden.wijs_zetel_toe(zetel.lid, ContactpersoonFactory(lid=zetel.lid), datetime.date(2026, 1, 1), actor=ACTOR)
    vo_lid = LidFactory(cooperatie=povo, soort=LidSoort.VO_BESTUUR, kamer=povo.kamers.get(code="vo"))
    with pytest.raises(ValidationError, match="contactpersoon van dit lid"):
        leden.wijs_zetel_toe(vo_lid, ContactpersoonFactory(), datetime.date(2026, 1, 1), actor=ACTOR)
    zonder_kamer = LidFactory(cooperatie=povo, soort=LidSoort.VO_BESTUUR)
    with pytest.raises(ValidationError, match="kamer"):
        leden.wijs_zetel_toe(
            zonder_kamer, ContactpersoonFactory(lid=zonder_kamer), datetime.date(2026, 1, 1), actor=ACTOR
        )


def test_in_a_council_meeting_only_seated_members_vote_through_their_council_member(povo, outbox_direct, mailoutbox):
    po = povo.kamers.get(code="po")
    zetels = RaadszetelFactory.create_batch(3, kamer=po)
    zonder_zetel = LidFactory(cooperatie=povo, soort=LidSoort.PO_BESTUUR, kamer=po)
    ContactpersoonFactory(lid=zonder_zetel, av_vertegenwoordiger=True)
    vergadering = VergaderingFactory(cooperatie=povo, orgaan=Orgaan.LEDENRAAD)
    voorstel = VoorstelFactory(vergadering=vergadering)
    assert set(av.stemgerechtigde_leden(vergadering)) == {z.lid for z in zetels}
    verstuurd, _zonder = av.stuur_links(vergadering, actor=ACTOR)
    assert {link.contactpersoon for link, _t in verstuurd} == {z.contactpersoon for z in zetels}
    av.open_vergadering(vergadering, actor=ACTOR)
    with pytest.raises(av.StemmingFout, match="geen stemrecht"):
        av.registreer_stem(voorstel, zonder_zetel, Stem.Keuze.VOOR, actor=ACTOR)
    av.registreer_stem(voorstel, zetels[0].lid, Stem.Keuze.VOOR, actor=ACTOR)
    av.registreer_stem(voorstel, zetels[1].lid, Stem.Keuze.VOOR, actor=ACTOR)
    av.registreer_stem(voorstel, zetels[2].lid, Stem.Keuze.TEGEN, actor=ACTOR)
    uitslag = av.sluit_stemming(voorstel, actor=ACTOR)
    assert uitslag.uitslag == "aangenomen" and not uitslag.consensus  # exactly 2/3


def test_a_general_assembly_of_the_povo_cooperative_gives_every_member_a_vote(povo):
    zetel = RaadszetelFactory(kamer=povo.kamers.get(code="po"))
    zonder_zetel = LidFactory(cooperatie=povo, soort=LidSoort.PO_BESTUUR)
    vergadering = VergaderingFactory(cooperatie=povo, orgaan=Orgaan.AV)
    assert set(av.stemgerechtigde_leden(vergadering)) == {zetel.lid, zonder_zetel}


@pytest.mark.parametrize(
    ("velden", "fout"),
    [
        ({"drempel_teller": 1, "drempel_noemer": 2}, "groter zijn dan de helft"),
        ({"drempel_teller": 4, "drempel_noemer": 3}, "tussen 0 en 1"),
        ({"drempel_teller": 0}, "tussen 0 en 1"),
        ({"quorum_teller": 3, "quorum_noemer": 2}, "quorum"),
        ({"toegestane_soorten": ["hbo"]}, "bekende soorten"),
        ({"hoogste_orgaan": Orgaan.LEDENRAAD, "raad_omvang": None}, "zetels"),
        ({"bestuur_omvang": 0}, "ten minste één"),
    ],
)
def test_configuration_is_validated(profiel, velden, fout):
    cooperatie = profiel[profielen.MBO]
    for naam, waarde in velden.items():
        setattr(cooperatie, naam, waarde)
    with pytest.raises(ValidationError, match=fout):
        cooperatie.full_clean()


def test_the_demo_loads_twice_and_prints_a_working_link(client, outbox_direct):
    from django.core.management import call_command

    regels = []
    profielen.laad_demo(regels.append)
    profielen.laad_demo(regels.append)
    call_command("cooperatie_aanbod", stdout=io.StringIO())  # the production set-up on top changes no members
    assert Lid.objects.filter(cooperatie__code=profielen.MBO).count() == 3
    assert Lid.objects.filter(cooperatie__code=profielen.PO_VO).count() == 1
    assert Cooperatie.objects.get(code=profielen.MBO).vergaderingen.count() == 1
    assert Cooperatie.objects.get(code=profielen.MBO).diensten.filter(code="centraal-aanmelden").exists()
    link = [r for r in regels if "stem vooraf" in r][-1].split(" via ")[1]
    assert client.get(urlsplit(link).path).status_code == 200


def test_a_former_council_member_can_be_removed_once_the_seat_ended(povo):
    zetel = RaadszetelFactory(kamer=povo.kamers.get(code="po"))
    ContactpersoonFactory(lid=zetel.lid)
    leden.beeindig_zetel(zetel, datetime.date(2025, 12, 31), actor=ACTOR)
    with pytest.raises(ValidationError, match="al beëindigd"):
        leden.beeindig_zetel(zetel, datetime.date(2026, 1, 31), actor=ACTOR)
    leden.verwijder_contactpersoon(zetel.contactpersoon, actor=ACTOR)
    zetel.refresh_from_db()
    assert zetel.contactpersoon is None and zetel.lid.raadszetels.count() == 1
