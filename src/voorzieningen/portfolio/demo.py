"""Demo data for portfolio regie, on top of the demo catalogue: figures, registers, and cases on every rung.

``laad_demo_portfolio()`` is idempotent: a second call changes nothing (figures are re-imported identically,
registers and cases are only created when absent). Every name here is fictitious.
"""

import datetime
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from voorzieningen.catalogus.models import Instelling, Kwalificatie
from voorzieningen.core.models import Gemeente

from . import data as portfoliodata
from . import ladder, overleg, stemming
from .analyse import overlap
from .generator import genereer, zorg_voor_gemeenten
from .importeren import importeer_map
from .models import (
    Aanbodmarkering,
    Bijdrage,
    BindendeAfspraak,
    Casus,
    Commissielid,
    Lidmaatschap,
    Regieinstellingen,
    Soort,
    Specialisme,
    Stem,
)

DEMO_MARKER = "[demo]"
VOORZITTER = "Mr. drs. J. (Jet) van Dalen [demo]"
LEDEN = ["Drs. K. Bakker [demo]", "Ir. M. Yilmaz [demo]", "Dr. S. de Groot [demo]", "Drs. P. Jansen [demo]"]


def laad_demo_portfolio(seed: int | None = None, vandaag: datetime.date | None = None) -> dict[str, int]:
    seed = settings.DEMO_DATA_SEED if seed is None else seed
    vandaag = vandaag or timezone.localdate()
    uitkomst = {"gemeenten": zorg_voor_gemeenten(seed)}
    with tempfile.TemporaryDirectory() as tmp:
        genereer(seed, vandaag).write(Path(tmp))
        resultaat = importeer_map(Path(tmp))
    uitkomst.update({k: v for k, v in resultaat.aantallen.items() if k.endswith(".nieuw")})
    Regieinstellingen.huidig()
    with transaction.atomic():
        uitkomst["leden"] = _leden()
        uitkomst["commissie"] = _commissie()
        uitkomst["specialismen"] = _specialismen(portfoliodata.laad(vandaag=vandaag))
    if not Casus.objects.filter(motivering__contains=DEMO_MARKER).exists():
        uitkomst["casussen"] = _casussen(portfoliodata.laad(vandaag=vandaag), vandaag)
    uitkomst["markeringen"] = _markering(portfoliodata.laad(vandaag=vandaag))
    if not BindendeAfspraak.objects.filter(titel__contains=DEMO_MARKER).exists():
        uitkomst["afspraken"] = _afspraken(vandaag)
    return uitkomst


def _leden() -> int:
    bestaand = set(Lidmaatschap.objects.values_list("instelling_id", flat=True))
    nieuw = [
        Lidmaatschap(instelling_id=pk, lid_sinds=datetime.date(2020, 1, 1))
        for pk in Instelling.objects.filter(aanbieders__isnull=False).distinct().values_list("pk", flat=True)
        if pk not in bestaand
    ]
    Lidmaatschap.objects.bulk_create(nieuw)
    return len(nieuw)


def _commissie() -> int:
    nieuw = 0
    _obj, gemaakt = Commissielid.objects.get_or_create(naam=VOORZITTER, defaults={"rol": Commissielid.Rol.VOORZITTER})
    nieuw += gemaakt
    # board members of institutions that are rarely a party first: a committee member may not judge his own case
    instellingen = sorted(Instelling.objects.all(), key=lambda i: (i.aanbieders.exists(), i.brin))[: len(LEDEN)]
    for naam, instelling in zip(LEDEN, instellingen, strict=False):
        _obj, gemaakt = Commissielid.objects.get_or_create(naam=naam, defaults={"instelling": instelling})
        nieuw += gemaakt
    return nieuw


def _specialismen(data) -> int:
    nieuw = 0
    zeldzaam = [
        k for k in data.aangeboden_kwalificaties() if len({a.instelling_id for a in data.per_kwalificatie[k.pk]}) == 1
    ]
    for kwal in zeldzaam[:3]:
        _obj, gemaakt = Specialisme.objects.get_or_create(
            kwalificatie_id=kwal.pk,
            defaults={"onderbouwing": f"Opleidt voor een landelijke arbeidsmarkt met weinig werkgevers. {DEMO_MARKER}"},
        )
        nieuw += gemaakt
    return nieuw


def _markering(data) -> int:
    if Aanbodmarkering.objects.filter(onderbouwing__contains=DEMO_MARKER).exists():
        return 0
    gevallen = overlap(data, "gemeente").gevallen or overlap(data, "corop").gevallen
    if not gevallen:
        return 0
    g = gevallen[-1]
    d = g.deelnemers[-1]
    Aanbodmarkering.objects.create(
        instelling_id=d.instelling_id,
        kwalificatie_id=g.kwalificatie.pk,
        gemeente_id=d.locaties[0].gemeentecode,
        soort=Aanbodmarkering.Soort.ONDERSCHEIDEND,
        onderbouwing=f"Leidt op vanuit een duidelijk levensbeschouwelijk profiel. {DEMO_MARKER}",
    )
    return 1


def _aankondiging(soort, kwal_pk, gemeentecode, ingang, tekst, **extra):
    return overleg.Aankondiging(
        soort=soort,
        kwalificatie=Kwalificatie.objects.get(pk=kwal_pk),
        gemeente=Gemeente.objects.get(code=gemeentecode),
        beoogde_ingang=ingang,
        motivering=f"{tekst} {DEMO_MARKER}",
        **extra,
    )


def _casussen(data, vandaag: datetime.date) -> int:
    """A stop in dialogue with responses; a start that went to arbitration with an overdue ruling; a closed case."""
    gevallen = [g for g in overlap(data, "corop").gevallen if len(g.deelnemers) >= 2]
    if not gevallen:
        return 0
    instellingen = {
        i.pk: i for i in Instelling.objects.filter(pk__in={d.instelling_id for g in gevallen for d in g.deelnemers})
    }
    aantal = 0

    # 1. a stop, in dialogue: one objection, one 'no objection'
    g = gevallen[0]
    eerste, tweede = g.deelnemers[0], g.deelnemers[1]
    casus = overleg.kondig_aan(
        instellingen[eerste.instelling_id],
        _aankondiging(
            Soort.STOP,
            g.kwalificatie.pk,
            eerste.locaties[0].gemeentecode,
            vandaag + datetime.timedelta(days=300),
            "Te weinig studenten om de opleiding kwalitatief goed te blijven geven.",
        ),
        vandaag=vandaag - datetime.timedelta(days=10),
    )
    overleg.reageer(
        casus,
        instellingen[tweede.instelling_id],
        Bijdrage.Standpunt.GEEN_BEZWAAR,
        "Wij kunnen de studenten opvangen op onze locatie.",
    )
    ander = casus.betrokkenen.exclude(instelling_id=tweede.instelling_id).first()
    if ander is not None:
        overleg.reageer(
            casus,
            ander.instelling,
            Bijdrage.Standpunt.BEZWAAR,
            "Voor studenten uit ons gebied wordt de reistijd te lang.",
        )
    aantal += 1

    # 2. a start that went all the way to arbitration; the ruling is overdue
    if len(gevallen) < 3:
        return aantal
    g = gevallen[1]
    bestaand = g.deelnemers[0]
    starter = next((i for pk, i in instellingen.items() if pk not in g.instelling_ids), None)
    begin = vandaag - datetime.timedelta(days=240)
    gemeentecode = bestaand.locaties[0].gemeentecode
    if starter is not None and not overleg.biedt_aan(starter.pk, g.kwalificatie.pk, gemeentecode):
        casus = overleg.kondig_aan(
            starter,
            _aankondiging(
                Soort.START,
                g.kwalificatie.pk,
                gemeentecode,
                vandaag + datetime.timedelta(days=200),
                "Werkgevers in de regio vragen om meer vakmensen.",
            ),
            vandaag=begin,
        )
        overleg.reageer(
            casus,
            instellingen[bestaand.instelling_id],
            Bijdrage.Standpunt.BEZWAAR,
            "Dit leidt tot overlap: wij bieden deze opleiding al aan en hebben plaats.",
        )
        dag = begin
        for trede_besluit, interventie in (
            ("", ""),
            ("De commissie adviseert samen uit te voeren in plaats van te starten.", ""),
            (
                "Het bestuur heeft een bemiddelaar aangesteld; de bemiddeling leidde niet tot een vergelijk.",
                "bemiddelaar",
            ),
        ):
            stap = ladder.huidige_stap(casus)
            dag += datetime.timedelta(days=30)
            ladder.rond_stap_af(stap, "geen_vergelijk", trede_besluit, dag, interventie, vandaag=vandaag)
            dag += datetime.timedelta(days=5)
            ladder.escaleer(casus, dag, vandaag=vandaag)
        arbitrage = ladder.huidige_stap(casus)
        vrij = [
            lid
            for lid in Commissielid.objects.filter(rol=Commissielid.Rol.LID, actief=True)
            if lid.instelling_id not in ladder.partijen(casus)
        ]
        voorzitter = Commissielid.objects.filter(rol=Commissielid.Rol.VOORZITTER, actief=True).first()
        if voorzitter is not None and len(vrij) >= ladder.MIN_COMMISSIELEDEN:
            ladder.stel_commissie_samen(arbitrage, voorzitter, vrij[: ladder.MIN_COMMISSIELEDEN])
            dag += datetime.timedelta(days=40)
            ladder.doe_uitspraak(
                arbitrage,
                "De start gaat niet door. Beide instellingen voeren de opleiding vanaf volgend schooljaar samen uit "
                "op de bestaande locatie.",
                dag,
                uitvoeren_voor=vandaag - datetime.timedelta(days=7),
                vandaag=vandaag,
            )
        aantal += 1

    # 3. a closed case: an expansion nobody objected to
    g = gevallen[2]
    d = g.deelnemers[0]
    begin = vandaag - datetime.timedelta(days=90)
    casus = overleg.kondig_aan(
        instellingen[d.instelling_id],
        _aankondiging(
            Soort.UITBREIDEN,
            g.kwalificatie.pk,
            d.locaties[0].gemeentecode,
            vandaag + datetime.timedelta(days=120),
            "Wachtlijst van twee jaar; de arbeidsmarkt vraagt meer.",
            capaciteit_wijziging=24,
        ),
        vandaag=begin,
    )
    overleg.sluit_zonder_bezwaar(casus, casus.instelling, vandaag=begin + datetime.timedelta(days=60))
    return aantal + 1


def _afspraken(vandaag: datetime.date) -> int:
    leden = list(Lidmaatschap.objects.select_related("instelling").order_by("instelling__brin"))
    aangenomen = BindendeAfspraak.objects.create(
        titel=f"Geen actieve werving buiten de eigen regio {DEMO_MARKER}",
        tekst="Scholen werven studenten uit een andere regio niet actief alleen voor de eigen instelling.",
        stemdatum=vandaag - datetime.timedelta(days=30),
    )
    stemming.open_stemming(aangenomen)
    for i, lid in enumerate(leden):
        keuze = Stem.Keuze.VOOR if i % 10 < 8 else Stem.Keuze.TEGEN if i % 10 == 8 else Stem.Keuze.ONTHOUDING
        stemming.registreer_stem(aangenomen, lid.instelling, keuze)
    stemming.sluit_stemming(aangenomen)
    BindendeAfspraak.objects.create(
        titel=f"Arbitragereglement portfolioregie {DEMO_MARKER}",
        tekst="De route, de stappen en de waarborgen van de arbitrage zoals in het reglement beschreven.",
        stemdatum=vandaag + datetime.timedelta(days=60),
    )
    return 2
