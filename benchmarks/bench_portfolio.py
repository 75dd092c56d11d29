"""Portfolio regie: overlap and accessibility over the whole generated national portfolio (target < 1 s each).

Each figure includes loading the snapshot from the database (one query per table), as a page or API call does.
"""

import statistics
import tempfile
import time
from pathlib import Path


def _tijden(func, keer: int = 5) -> tuple[float, float, object]:
    uitkomst = None
    tijden = []
    for _ in range(keer):
        started = time.perf_counter()
        uitkomst = func()
        tijden.append(time.perf_counter() - started)
    return statistics.median(tijden), max(tijden), uitkomst


def run() -> None:
    from voorzieningen.catalogus import services
    from voorzieningen.catalogus.generator import generate
    from voorzieningen.catalogus.models import AangebodenOpleiding
    from voorzieningen.portfolio import analyse, signalen
    from voorzieningen.portfolio import data as portfoliodata
    from voorzieningen.portfolio.generator import genereer, zorg_voor_gemeenten
    from voorzieningen.portfolio.impact import impact, wijzigingen_van
    from voorzieningen.portfolio.importeren import importeer_map

    if AangebodenOpleiding.objects.count() < 5000:  # run on its own (--only portfolio): load the national catalogue
        with tempfile.TemporaryDirectory() as tmp:
            generate(seed=1, scale=1.0).write(Path(tmp))
            services.import_directory(Path(tmp))
    zorg_voor_gemeenten(1)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        dataset = genereer(1)
        dataset.write(Path(tmp))
        resultaat = importeer_map(Path(tmp))
    assert not resultaat.fouten, resultaat.fouten[:3]
    print(
        f"[portfolio] generated and imported {len(dataset.bevolking)} population figures and "
        f"{len(dataset.inschrijvingen)} enrolment rows in {time.perf_counter() - started:.1f} s"
    )

    mediaan, hoogst, data = _tijden(portfoliodata.laad)
    print(
        f"[portfolio] snapshot: {len(data.gemeenten)} gemeenten, {len(data.locaties)} locaties, "
        f"{len(data.per_kwalificatie)} kwalificaties, {len(data.aanbod)} keer aangeboden: "
        f"p50 {mediaan * 1000:.0f} ms, max {hoogst * 1000:.0f} ms"
    )
    for modus in ("gemeente", "corop", "straal"):
        mediaan, hoogst, uitkomst = _tijden(lambda modus=modus: analyse.overlap(portfoliodata.laad(), modus, 15))
        print(
            f"[portfolio] overlap per {modus:<8} (load + compute): {len(uitkomst.gevallen)} gevallen, "
            f"p50 {mediaan * 1000:.0f} ms, max {hoogst * 1000:.0f} ms (target: < 1 s)"
        )
    mediaan, hoogst, bereik = _tijden(lambda: analyse.bereikbaarheid(portfoliodata.laad()))
    paren = len(bereik.per_gemeente) * len(bereik.kwalificaties)
    print(
        f"[portfolio] accessibility, every gemeente × every kwalificatie ({paren:,} pairs, load + compute): "
        f"{len(bereik.onbedekt)} gemeenten missing something, p50 {mediaan * 1000:.0f} ms, "
        f"max {hoogst * 1000:.0f} ms (target: < 1 s)"
    )
    crebo = bereik.kwalificaties[len(bereik.kwalificaties) // 2].crebo
    mediaan, hoogst, _ = _tijden(lambda: analyse.bereikbaarheid(portfoliodata.laad(), portfoliodata.Selectie(crebo)))
    print(f"[portfolio] accessibility of one crebo: p50 {mediaan * 1000:.0f} ms, max {hoogst * 1000:.0f} ms")
    mediaan, hoogst, vroeg = _tijden(lambda: signalen.vroegsignalering(portfoliodata.laad()), keer=3)
    print(
        f"[portfolio] early warning ({len(vroeg.signalen)} signals): p50 {mediaan * 1000:.0f} ms, "
        f"max {hoogst * 1000:.0f} ms"
    )
    a = data.aanbod[0]
    stop = wijzigingen_van("stop", a.instelling_id, a.kwalificatie_id, data.locaties[a.locatie_idx].gemeentecode)
    mediaan, hoogst, _ = _tijden(lambda: impact(portfoliodata.laad(), stop))
    print(f"[portfolio] impact of a stop: p50 {mediaan * 1000:.0f} ms, max {hoogst * 1000:.0f} ms")
