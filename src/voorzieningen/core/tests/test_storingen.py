"""Faults in a season, in the normal suite (one process, in-process, on the test database): receivers down for
days and answering 502 after taking a message, responses lost after the server processed the request, SIS
requests that never arrive, and every message delivered by 'two workers' and twice — and every invariant still
holds. The adapted delivery check fails on a duplicate no fault explains, and on a lost message.

The faults that need forked processes and a real server (a worker killed mid-delivery, a PostgreSQL restart) and
the real Celery/broker scenarios are in ``test_chaos.py`` (``make chaos``)."""

import pytest

from voorzieningen.core import seizoen
from voorzieningen.core.seizoen import controles, storingen
from voorzieningen.core.seizoen.storingen import Storing

pytestmark = pytest.mark.django_db

# a small season (the synthetic country at scale 0.03) has its traffic in the rush before 1 April
FOUTEN = [
    Storing("onbereikbaar", "03-14", "vo", dagen=3),
    Storing("onbereikbaar", "03-15", "gemeenten", dagen=2),
    Storing("dubbel", "03-18", "vo", dagen=3),
    Storing("dubbel", "03-19", "gemeenten", dagen=3),
    Storing("antwoord-kwijt", "03-20", "status", dagen=6, aantal=2),
    Storing("antwoord-kwijt", "03-20", "bevestiging", dagen=6, aantal=2),
    Storing("antwoord-kwijt", "03-22", "aflevering", dagen=6, aantal=2),
    Storing("time-out", "03-24", dagen=3, aantal=2),
    Storing("dubbel-afleveren", "03-27", dagen=3),
    Storing("werker-gedood", "03-28"),  # needs two processes: reported as not injected
]


@pytest.fixture
def zonder_referentiedata(settings):
    settings.REFERENCE_DATA_DIR = ""


def _seizoen(studenten: int, fouten) -> tuple[seizoen.Resultaat, list[str]]:
    regels = []
    inst = seizoen.Instellingen(
        studenten=studenten, scale=0.03, seed=7, processen=1, schooljaar=2027, uitvoer=regels.append,
        storingen=list(fouten),
    )  # fmt: skip
    return seizoen.simuleer(inst), regels


def _naam(resultaat, begin: str) -> str:
    return next(c.regel() for c in resultaat.controles if c.naam.startswith(begin))


def test_a_season_with_faults_keeps_every_invariant_and_the_faults_really_happened(zonder_referentiedata):
    from voorzieningen.core import services
    from voorzieningen.koppelpunt.models import SimulatorOntvangst

    resultaat, uitvoer = _seizoen(120, FOUTEN)

    assert [c.regel() for c in resultaat.controles if not c.ok] == []
    g = resultaat.storingen.gebeurtenissen
    # every fault really happened, and the actors really retried
    assert g["ontvanger-503"] > 0 and g["ontvanger-502"] > 0
    assert g["antwoord-kwijt-status"] > 0 and g["antwoord-kwijt-bevestiging"] > 0
    assert g["antwoord-kwijt-aflevering"] > 0 and g["time-out"] > 0
    assert g["sis-opnieuw"] >= g["antwoord-kwijt-status"] + g["antwoord-kwijt-bevestiging"] + g["time-out"]
    # delivered twice in a row (a Celery task redelivered): the second call finds it delivered and skips it
    paren = [r["detail"].split(": ")[1] for r in resultaat.storingen.regels if r["soort"] == "dubbel-afleveren"]
    assert paren and "afgeleverd / overgeslagen" in paren
    assert all(p.split(" / ")[1] == "overgeslagen" for p in paren if p.startswith("afgeleverd"))
    # the receivers saw messages again and kept one receipt each: exactly the explained ones
    dubbel = {(o, b): k for o, b, k in SimulatorOntvangst.objects.filter(aantal_keer__gt=1).values_list(
        "ontvanger", "bericht_id", "aantal_keer")}  # fmt: skip
    assert dubbel and g["ontvanger-dedup"] == sum(k - 1 for k in dubbel.values())
    assert all(k - 1 <= resultaat.storingen.verklaard[sleutel] for sleutel, k in dubbel.items())
    assert "door storingen opnieuw gezien en ontdubbeld" in _naam(resultaat, "elk gerouteerd bericht")
    # the receivers are back to normal; the kill could not be injected with one process, and says so
    assert services.simulator_mode("koppelpunt-vo") == services.simulator_mode("koppelpunt-gemeenten") == "normaal"
    assert any("werker-gedood" in r and "niet ingezet" in r for r in uitvoer)
    assert resultaat.verloop.niet_ingezet and not resultaat.verloop.werkers_vervangen
    # the summary names every fault with what it caused
    verslag = seizoen.verslag(resultaat)
    assert any(r.startswith("Storingen (") for r in verslag)
    assert any("onbereikbaar vo" in r and "kregen 503" in r for r in verslag)


def test_the_adapted_delivery_check_fails_on_an_unexplained_duplicate_and_on_a_lost_message(zonder_referentiedata):
    from voorzieningen.koppelpunt.models import SimulatorOntvangst

    resultaat, _ = _seizoen(40, [Storing("antwoord-kwijt", "03-20", "aflevering", dagen=10, aantal=3)])
    assert resultaat.ok
    naam = "elk gerouteerd bericht precies één keer afgeleverd"

    def mislukt() -> bool:
        return any(not c.ok and c.naam.startswith(naam) for c in controles.controleer(resultaat))

    uitgelegd = resultaat.storingen.verklaard
    gezien = SimulatorOntvangst.objects.filter(aantal_keer__gt=1)
    assert gezien.exists() and all(uitgelegd[(o.ontvanger, o.bericht_id)] for o in gezien)

    # a duplicate where a fault happened is accepted only as often as explained: once more is a FAIL
    verklaarde = gezien.first()
    SimulatorOntvangst.objects.filter(pk=verklaarde.pk).update(aantal_keer=verklaarde.aantal_keer + 1)
    assert mislukt()
    SimulatorOntvangst.objects.filter(pk=verklaarde.pk).update(aantal_keer=verklaarde.aantal_keer)
    assert not mislukt()

    # a duplicate of a message no fault touched
    onverklaard = (
        SimulatorOntvangst.objects.filter(aantal_keer=1).exclude(bericht_id__in=[b for _o, b in uitgelegd]).first()
    )
    SimulatorOntvangst.objects.filter(pk=onverklaard.pk).update(aantal_keer=2)
    assert mislukt()
    SimulatorOntvangst.objects.filter(pk=onverklaard.pk).update(aantal_keer=1)
    assert not mislukt()

    # a message lost (never received), also one that a fault touched
    verklaarde.delete()
    assert mislukt()


def test_faults_are_read_from_the_command_line():
    assert storingen.lees("onbereikbaar:vo@03-16+2, werker-gedood@03-27*2,postgres:afleveren@03-30") == [
        Storing("onbereikbaar", "03-16", "vo", dagen=2),
        Storing("werker-gedood", "03-27", aantal=2),
        Storing("postgres", "03-30", "afleveren"),
    ]
    assert storingen.lees("chaos") == storingen.STANDAARD
    for fout in ("onbereikbaar@03-16", "brand@03-01", "dubbel:vo@13-40", "postgres:sis-ophalen@03-01"):
        with pytest.raises(ValueError):
            storingen.lees(fout)


def test_a_worker_killed_inside_a_batch_explains_what_the_batch_will_deliver_again(tmp_path, monkeypatch):
    """Killed after the receiver's answer on the third message of a batch: the redo delivers the whole batch
    again, so the two receipts answered before it and the e-mails already sent in it are explained too — and no
    more (a receipt of an earlier, committed batch is not)."""
    from voorzieningen.core.seizoen.omgeving import TellendePost

    gedood = []
    monkeypatch.setattr(storingen, "LOGMAP", str(tmp_path))
    monkeypatch.setattr(storingen.os, "kill", lambda pid, sig: gedood.append(sig))
    monkeypatch.setattr(TellendePost, "verstuurd", 40)
    storingen.begin_taak(storingen.Actief())
    storingen.PROCES.in_partij.append(("VO", "vorige-partij"))  # committed with its own batch
    storingen.begin_partij(TellendePost.verstuurd)
    TellendePost.verstuurd += 2  # two e-mails of this batch handed to the mail server
    storingen.PROCES.in_partij += [("VO", "a"), ("0344", "b"), ("VO", "c")]
    storingen._gedood("VO", "c")

    overzicht = storingen.Overzicht.uit_log(storingen.lees_log(str(tmp_path)), [])
    assert gedood and overzicht.verklaard == {("VO", "a"): 1, ("0344", "b"): 1, ("VO", "c"): 1}
    assert overzicht.verklaarde_mails == 2
