"""The demo data: every part of portfolio regie has something to show, and loading twice changes nothing."""

import datetime

from voorzieningen.catalogus.tests.factories import InstellingFactory
from voorzieningen.portfolio import ladder
from voorzieningen.portfolio.demo import laad_demo_portfolio
from voorzieningen.portfolio.models import (
    Bevolking,
    BindendeAfspraak,
    Casus,
    Commissielid,
    Inschrijving,
    Lidmaatschap,
    Specialisme,
    Trede,
)

from .factories import bied_aan


def test_demo_is_complete_and_idempotent(wereld, outbox_direct, settings, tmp_path):
    settings.REFERENCE_DATA_DIR = str(tmp_path / "geen")
    w = wereld
    for instelling in (w.roc_a, w.roc_b):
        bied_aan(instelling, w.kok, w.utrecht)
        bied_aan(instelling, w.ict, w.utrecht)
        bied_aan(instelling, w.ict, w.groningen)
    bied_aan(w.roc_c, w.ict, w.groningen)
    InstellingFactory(naam="ROC Zonder aanbod 1")
    InstellingFactory(naam="ROC Zonder aanbod 2")
    vandaag = datetime.date(2026, 3, 1)
    eerste = laad_demo_portfolio(seed=5, vandaag=vandaag)
    assert eerste["casussen"] == 3 and eerste["afspraken"] == 2
    aantallen = [
        m.objects.count()
        for m in (Bevolking, Inschrijving, Casus, Commissielid, Lidmaatschap, Specialisme, BindendeAfspraak)
    ]
    tweede = laad_demo_portfolio(seed=5, vandaag=vandaag)
    assert "casussen" not in tweede and tweede["leden"] == 0 and tweede["commissie"] == 0
    assert aantallen == [
        m.objects.count()
        for m in (Bevolking, Inschrijving, Casus, Commissielid, Lidmaatschap, Specialisme, BindendeAfspraak)
    ]
    treden = sorted(ladder.huidige_stap(c).trede for c in Casus.objects.all())
    assert treden == [Trede.DIALOOG, Trede.DIALOOG, Trede.ARBITRAGE]
    assert len(ladder.te_late_uitspraken(vandaag)) == 1
    assert BindendeAfspraak.objects.filter(status="aangenomen").count() == 1
