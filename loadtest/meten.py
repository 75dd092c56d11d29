"""What the load test measures besides locust's own statistics: exact p50/p99 over all page views and all
submits together (locust only has them per request name), the rates against the targets of issue 10, and
where the machine's CPU went (the platform, its PostgreSQL backends, locust itself, everything else)."""

import math
import os
import time
from collections import defaultdict

DOELEN = {"indienen_per_s": 100, "paginas_per_s": 650, "indienen_p99_ms": 150, "paginas_p99_ms": 300}
BIND = os.environ.get("LOADTEST_BIND", "127.0.0.1:8000")  # the platform's processes carry BIND in their environment
DATABASE = os.environ.get("LOADTEST_DB", "voorzieningen_prod")
TICK = os.sysconf("SC_CLK_TCK")

tijden: dict[str, list[float]] = defaultdict(list)
fouten: dict[str, int] = defaultdict(int)  # every failure, the shed pages included
afgewezen: dict[str, int] = defaultdict(int)  # of which: the platform's friendly 503 under overload
in_wachtrij = 0
zonder_concept = 0
_begin: dict = {}


def soort(naam: str) -> str:
    if naam == "indienen":
        return "indienen"
    return "pagina"


def verzoek(naam: str, duur_ms: float, fout) -> None:
    tijden[naam].append(duur_ms)
    if fout:
        fouten[naam] += 1
        if str(fout).startswith("503 (overbelast"):
            afgewezen[naam] += 1


def _cpu_machine() -> tuple[int, int]:
    with open("/proc/stat") as f:
        velden = [int(x) for x in f.readline().split()[1:]]
    rust = velden[3] + velden[4]  # idle + iowait
    return sum(velden) - rust, sum(velden)


def _groep(pid: str) -> str | None:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    if cmd.startswith("postgres:") and f" {DATABASE} " in cmd:  # e.g. 'postgres: 15/main: postgres <db> ...'
        return "postgresql (deze database)"
    if "locust" in cmd:
        return "locust (de belasting zelf)"
    if "gunicorn" in cmd or "voorzieningen-web" in cmd or "celery" in cmd:
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                omgeving = f.read().split(b"\0")
        except OSError:
            return None
        if f"BIND={BIND}".encode() in omgeving:
            return "celery (worker, beat)" if "celery" in cmd else "gunicorn (web)"
    return None


def _cpu_processen() -> dict[str, dict[str, int]]:
    """CPU ticks per group, per pid (processes come and go: gunicorn recycles its workers)."""
    uit: dict[str, dict[str, int]] = defaultdict(dict)
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        groep = _groep(pid)
        if groep is None:
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                velden = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        uit[groep][pid] = int(velden[11]) + int(velden[12])  # utime + stime
    return uit


_laatst: dict[str, dict[str, int]] = defaultdict(dict)


def begin() -> None:
    _begin.update(tijd=time.monotonic(), machine=_cpu_machine(), processen=_cpu_processen())


def bemonster() -> None:
    """Every few seconds: a process that ends during the test (a database connection past its CONN_MAX_AGE,
    a recycled web worker) keeps the CPU time it had at its last sample."""
    for groep, per_pid in _cpu_processen().items():
        _laatst[groep].update(per_pid)


def _percentiel(waarden: list[float], q: float) -> float:
    if not waarden:
        return math.nan
    geordend = sorted(waarden)
    return geordend[min(len(geordend) - 1, math.ceil(q * len(geordend)) - 1)]


def samenvatting() -> str:
    duur = time.monotonic() - _begin["tijd"]
    regels = [
        f"Duur: {duur:.0f} s",
        "",
        f"{'soort verzoek':34} {'aantal':>8} {'per s':>8} {'p50 ms':>8} {'p99 ms':>8} {'fouten':>7}",
    ]
    per_soort: dict[str, list[float]] = defaultdict(list)
    for naam in sorted(tijden):
        t = tijden[naam]
        per_soort[soort(naam)].extend(t)
        regels.append(
            f"{naam:34} {len(t):8d} {len(t) / duur:8.1f} {_percentiel(t, 0.5):8.0f} {_percentiel(t, 0.99):8.0f} "
            f"{fouten[naam]:7d}"
        )
    regels.append("")
    for s in ("indienen", "pagina"):
        t = per_soort[s]
        regels.append(
            f"{'ALLE ' + s.upper():34} {len(t):8d} {len(t) / duur:8.1f} {_percentiel(t, 0.5):8.0f} "
            f"{_percentiel(t, 0.99):8.0f} {sum(fouten[n] for n in tijden if soort(n) == s):7d}"
        )
    # what stays served under overload (core.overbelasting): everything but the catalogue
    essentieel = [x for n, t in tijden.items() if soort(n) == "pagina" and not n.startswith("catalogus") for x in t]
    regels.append(
        f"{'  waarvan essentiële pagina':34} {len(essentieel):8d} {len(essentieel) / duur:8.1f} "
        f"{_percentiel(essentieel, 0.5):8.0f} {_percentiel(essentieel, 0.99):8.0f} "
        f"{sum(fouten[n] for n in tijden if soort(n) == 'pagina' and not n.startswith('catalogus')):7d}"
    )
    inloggen = len(tijden.get("inloggen: digid acs", []))
    regels.append(f"Inloggen (DigiD acs): {inloggen / duur:.1f} per s")
    regels.append(
        f"Fouten: {sum(fouten.values())}, waarvan {sum(afgewezen.values())} pagina's bewust afgewezen wegens drukte "
        f"(503 met Retry-After) en {sum(fouten.values()) - sum(afgewezen.values())} andere"
    )
    regels.append(f"Ingediend via de wachtrij (202): {in_wachtrij}; bezoeken zonder concept meer: {zonder_concept}")
    regels += ["", "Doelen van issue 10:"]
    ind, pag = per_soort["indienen"], per_soort["pagina"]
    totaal_fouten = sum(fouten.values())
    for tekst, gemeten, doel, beter in (
        ("indienen per s", len(ind) / duur, DOELEN["indienen_per_s"], "hoger"),
        ("pagina's per s", len(pag) / duur, DOELEN["paginas_per_s"], "hoger"),
        ("indienen p99 (ms)", _percentiel(ind, 0.99), DOELEN["indienen_p99_ms"], "lager"),
        ("pagina's p99 (ms)", _percentiel(pag, 0.99), DOELEN["paginas_p99_ms"], "lager"),
        ("fouten", totaal_fouten, 0, "lager"),
    ):
        gehaald = gemeten >= doel if beter == "hoger" else gemeten <= doel
        teken = "≥" if beter == "hoger" else "≤"
        oordeel = "gehaald" if gehaald else "NIET gehaald"
        regels.append(f"  {tekst:22} gemeten {gemeten:9.1f}  doel {teken} {doel:<6} {oordeel}")
    regels += ["", f"CPU (machine met {os.cpu_count()} kernen):"]
    bezet, alles = (a - b for a, b in zip(_cpu_machine(), _begin["machine"], strict=True))
    regels.append(f"  machine bezet: {100 * bezet / alles:.0f}%")
    bemonster()
    nu = _laatst
    beschikbaar = duur * TICK * os.cpu_count()
    totaal = platform = 0
    for groep in sorted(nu):
        ticks = sum(t - _begin["processen"].get(groep, {}).get(pid, 0) for pid, t in nu[groep].items())
        totaal += ticks
        platform += 0 if groep.startswith("locust") else ticks
        regels.append(f"  {groep:30} {100 * ticks / beschikbaar:5.0f}% van de machine")
    regels.append(f"  {'al het andere op de machine':30} {100 * (bezet - totaal) / alles:5.0f}% van de machine")
    verzoeken = sum(len(t) for t in tijden.values())
    if verzoeken:  # what a request costs the platform (web, worker, its database), whatever else ran
        per_verzoek = platform / TICK / verzoeken
        nodig = (DOELEN["indienen_per_s"] + DOELEN["paginas_per_s"]) * per_verzoek
        regels.append(
            f"  CPU van het platform per verzoek: {1000 * per_verzoek:.1f} ms; voor de doelen "
            f"({DOELEN['indienen_per_s'] + DOELEN['paginas_per_s']} verzoeken/s) zijn dat {nodig:.1f} kernen, "
            f"zonder marge"
        )
    return "\n".join(regels) + "\n"
