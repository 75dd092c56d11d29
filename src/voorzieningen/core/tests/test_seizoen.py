"""The season simulator: a small season on the test database keeps every invariant of the chain, and the checker
fails when the chain is broken on purpose (so a PASS means something)."""

import datetime

from django.utils import timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voorzieningen.core import seizoen
from voorzieningen.core.seizoen import controles, plan, taken
from voorzieningen.core.seizoen.omgeving import BASIS, gesimuleerde_omgeving, sessie
from voorzieningen.identiteit import duo
from voorzieningen.identiteit.bsn import is_valid_bsn
from voorzieningen.koppelpunt import routering

pytestmark = pytest.mark.django_db


def _seizoen(studenten: int, **kwargs) -> seizoen.Resultaat:
    regels = []
    inst = seizoen.Instellingen(
        studenten=studenten, scale=0.03, seed=7, processen=1, schooljaar=2027, uitvoer=regels.append, **kwargs
    )
    return seizoen.simuleer(inst)


@pytest.fixture
def zonder_referentiedata(settings):
    """The synthetic country (as in CI without REFERENCE_DATA_DIR): fast and the same everywhere."""
    settings.REFERENCE_DATA_DIR = ""


def test_a_small_season_keeps_every_invariant(zonder_referentiedata):
    echte_klok = timezone.now
    resultaat = _seizoen(80)

    assert [c.regel() for c in resultaat.controles if not c.ok] == []
    assert resultaat.ok and len(resultaat.controles) >= 20
    v = resultaat.verloop
    assert len(v.ca) > 80 and len(v.verwerkt) > 2 * len(v.ca)  # ~1.5 applications, ~2.5 statuses each
    assert v.herhaald > 0 and v.ingetrokken > 0 and v.gebeurtenissen == v.ingetrokken
    # both ways of fetching were driven: one application at a time, and in bulk
    per_stuk = {code for code, _ca in v.opgehaald if taken.haalt_per_stuk(code, resultaat.sleutels)}
    assert per_stuk and {code for code, _ca in v.opgehaald} - per_stuk
    assert v.bulk[resultaat.seizoen.eerste_maart] > 0 and v.bulk[resultaat.seizoen.vijftien_juni] > 0
    # the season's own world is taken down again
    assert timezone.now is echte_klok and duo.client is not None and duo.client().__class__ is duo.DuoSimulator
    regels = seizoen.verslag(resultaat)
    assert any(r.startswith("totaal") for r in regels) and sum(r.startswith("PASS") for r in regels) == len(
        resultaat.controles
    )


def test_the_checker_fails_when_the_chain_is_broken(zonder_referentiedata):
    from voorzieningen.core.models import OutboxBericht
    from voorzieningen.koppelpunt.models import GemeenteSignaal, SimulatorOntvangst
    from voorzieningen.sis.models import Aanlevering

    resultaat = _seizoen(40)
    assert resultaat.ok

    def mislukt() -> set[str]:
        return {c.naam for c in controles.controleer(resultaat) if not c.ok}

    # a message delivered twice to the same recipient
    ontvangst = SimulatorOntvangst.objects.order_by("pk").first()
    SimulatorOntvangst.objects.filter(pk=ontvangst.pk).update(aantal_keer=2)
    assert any(n.startswith("elk gerouteerd bericht precies één keer afgeleverd") for n in mislukt())
    SimulatorOntvangst.objects.filter(pk=ontvangst.pk).update(aantal_keer=1)
    assert resultaat.ok and not mislukt()

    # a delivery that never arrived
    ontvangst.delete()
    assert any(n.startswith("elk gerouteerd bericht precies één keer afgeleverd") for n in mislukt())

    # a dead letter left in the outbox
    OutboxBericht.objects.filter(pk=OutboxBericht.objects.order_by("pk").first().pk).update(status="mislukt")
    assert "outbox leeg aan het eind: niets wachtend, geen dead letters" in mislukt()

    # an application the SIS fetched twice, and one still in a queue
    resultaat.verloop.opgehaald.append(resultaat.verloop.opgehaald[0])
    Aanlevering.objects.filter(pk=Aanlevering.objects.order_by("pk").first().pk).update(bevestigd_op=None)
    namen = mislukt()
    assert "elke aanmelding precies één keer opgehaald, door het koppelpunt van haar aanlevering" in namen
    assert "ophalen in de database: bevestigd, uit de wachtrij, gelogd en ge-audit" in namen

    # a bulk signal too many
    GemeenteSignaal.objects.create(
        gemeentecode="0001", soort=GemeenteSignaal.Soort.NIET_AANGEMELD, peildatum=resultaat.seizoen.eerste_maart,
        pgn="123456782",
    )  # fmt: skip
    assert any(n.startswith("bulksignaal 01-03-2027") for n in mislukt())


def test_a_season_refuses_a_database_that_already_has_applications(zonder_referentiedata):
    from voorzieningen.aanmelden.models import Aanmelding
    from voorzieningen.catalogus.tests.factories import CohortFactory

    cohort = CohortFactory()
    o = cohort.opleiding
    Aanmelding.objects.create(
        keten_id="9000000001", indien_token="00000000-0000-0000-0000-000000000001", cohort=cohort, opleiding=o,
        onderwijsaanbieder=o.aanbieder, instelling=o.aanbieder.instelling, crebo="12345", leertraject="BOL",
        ingediend_op=timezone.now(), status_gewijzigd_op=timezone.now(),
    )  # fmt: skip
    with pytest.raises(seizoen.SeizoenFout, match="lege database"):
        _seizoen(5)


def test_the_command_exits_non_zero_on_a_fail(zonder_referentiedata, monkeypatch):
    from django.core.management import CommandError, call_command

    echt = controles.controleer

    def met_fout(resultaat):
        return [*echt(resultaat), controles.Controle("opzettelijk kapot", False, "1 ≠ 2")]

    monkeypatch.setattr(controles, "controleer", met_fout)
    with pytest.raises(CommandError, match="1 controle"):
        call_command("simulate_season", studenten=10, scale=0.03, processen=1, schooljaar=2027, stdout=_Stil())


class _Stil:
    def write(self, tekst):
        pass

    def flush(self):
        pass


# --- the plan's shape ----------------------------------------------------------------------------------------


def _catalogus() -> plan.Catalogus:
    dag = datetime.date
    cohorten = [
        plan.CohortInfo(i, "BOL", 1, 1, f"{i % 5 + 1:04d}", dag(2026, 10, 1), dag(2027, 8, 31), None, True, "")
        for i in range(1, 200)
    ]
    per_gemeente = {}
    for c in cohorten:
        per_gemeente.setdefault(c.gemeentecode, []).append(c)
    return plan.Catalogus(
        cohorten=cohorten,
        per_gemeente=per_gemeente,
        woonplaatsen=[(f"{1000 + i}", f"Plaats {i}") for i in range(5)],
        pc4_gemeente={f"{1000 + i}": f"{i + 1:04d}" for i in range(5)},
        gemeenten=None,
    )


def test_the_plan_has_the_seasonal_rush_and_about_one_and_a_half_applications_per_student():
    s = plan.Seizoen(2027)
    p = plan.maak_plan(_catalogus(), 3000, 1, s, ["25LX"], 300_000_000)
    per_student = len(p.aanmeldingen) / len(p.studenten)
    assert 1.4 < per_student < 1.65
    eerste = [p.aanmeldingen[st.aanmeldingen[0]].dag for st in p.studenten if st.aanmeldingen]
    rush = sum(1 for d in eerste if d.month == 3 and d.day > 15)
    oktober = sum(1 for d in eerste if d.month == 10)
    assert rush > 3 * oktober
    assert all(s.begin <= a.dag <= s.einde for a in p.aanmeldingen)
    for a in p.aanmeldingen:  # a status never goes back in time, and a withdrawn application gets nothing after it
        dagen = [stap.dag for stap in a.stappen]
        assert dagen == sorted(dagen) and all(a.dag <= d <= s.einde for d in dagen)
        if a.intrekking:
            assert all(d < a.intrekking for d in dagen) and a.stappen[-1].status == "RECEIVED"
    assert len({st.bsn for st in p.studenten}) == len(p.studenten)
    assert all(is_valid_bsn(st.bsn) for st in p.studenten) and all(is_valid_bsn(e.pgn) for e in p.extra_beoogden)


def test_the_plan_is_the_same_for_the_same_seed():
    s = plan.Seizoen(2027)
    a = plan.maak_plan(_catalogus(), 200, 5, s, ["25LX"], 300_000_000)
    b = plan.maak_plan(_catalogus(), 200, 5, s, ["25LX"], 300_000_000)
    assert [(x.cohort_id, x.moment, [(y.dag, y.status) for y in x.stappen]) for x in a.aanmeldingen] == [
        (x.cohort_id, x.moment, [(y.dag, y.status) for y in x.stappen]) for x in b.aanmeldingen
    ]


# --- the oracle agrees with the routing table -----------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    ilt=st.sampled_from(["0141", "0200", "0101", "2520", ""]),
    brin=st.sampled_from(["12AB", "", " "]),
    leertraject=st.sampled_from(["BOL", "BBL", "ODT"]),
    land=st.sampled_from(["6030", "5010"]),
    pc4=st.sampled_from(["1000", "1001", "1002", "9999"]),
    startkwalificatie=st.booleans(),
    leeftijd_dagen=st.integers(min_value=15 * 365, max_value=26 * 365),
    handmatig=st.booleans(),
)
def test_the_oracle_agrees_with_the_routing_table(ilt, brin, leertraject, land, pc4, startkwalificatie,
                                                  leeftijd_dagen, handmatig):  # fmt: skip
    dag = datetime.date(2027, 3, 20)
    pc4_gemeente = {"1000": "0344", "1001": "1999", "1002": "0999"}  # 1999 = RNI; 0999 is not a current one
    gemeenten = frozenset({"0344", "1999"})
    opleiding = duo.Vooropleiding(brin, "school", ilt, "x", "x", False, startkwalificatie, None) if ilt else None
    adres = duo.Adres(land=land, postcode=f"{pc4}AB" if land == "6030" else "")
    student = plan.Student(
        nr=1, bsn="123456782", voornamen="A", voorvoegsel="", achternaam="B",
        geboortedatum=dag - datetime.timedelta(days=leeftijd_dagen), adres=adres,
        handmatig_adres={"land": "6030", "postcode": f"{pc4}CD"} if handmatig else None,
        vooropleidingen=[opleiding] if opleiding else [], email="a@example.nl", telefoon="0612345678", ouder={},
    )  # fmt: skip
    ilt_lijst = frozenset({"0141", "0200"})
    verwacht = controles.verwachte_ontvangers(student, leertraject, dag, ilt_lijst, pc4_gemeente, gemeenten)

    adres_gebruikt = student.woonadres
    nl = adres_gebruikt.get("land") == "6030"
    besluit = routering.routeer(
        routering.Bericht(
            leertraject=leertraject,
            ilt_code=opleiding.ilt_code if opleiding else "",
            brin_vo=opleiding.brin if opleiding else "",
            gemeentecode=pc4_gemeente.get(adres_gebruikt["postcode"][:4], "") if nl else "",
            startkwalificatie=startkwalificatie and bool(opleiding),
            geboortedatum=student.geboortedatum,
            berichtdatum=dag,
        ),
        routering.Context(ilt_codes=ilt_lijst, gemeenten=gemeenten),
    )
    assert verwacht.vo == (routering.VO in besluit.ontvangers)
    assert bool(verwacht.gemeente) == (routering.GEMEENTEN in besluit.ontvangers)


# --- HTTP without sockets ---------------------------------------------------------------------------------------


def test_requests_to_the_simulated_host_go_through_the_whole_django_stack():
    from voorzieningen.koppelpunt.models import SimulatorOntvangst

    with gesimuleerde_omgeving({}, timezone.now()):
        response = sessie().post(f"{BASIS}/simulators/koppelpunt-vo/berichten", json={"berichtId": "x-1"})
        assert response.status_code == 201 and response.json() == {"ontvangen": True, "dubbel": False}
        assert response.headers["X-Request-ID"]  # the middleware ran
        response = sessie().get(
            f"{BASIS}/api/sis/v1/koppelpunten/ONBEKEND/aanmeldingen", headers={"Authorization": "Bearer x"}
        )
        assert response.status_code == 404 and response.json()["code"] == "geen_actieve_school"
    assert SimulatorOntvangst.objects.filter(ontvanger="VO", bericht_id="x-1").exists()
    with pytest.raises(Exception):  # noqa: B017 — outside a season the host does not exist
        sessie().get(f"{BASIS}/health", timeout=2)
