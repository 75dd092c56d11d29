"""CPU time the hypervisor gave to other guests ("steal", Linux /proc/stat), to read a measured figure by.

This project's machines are virtual and shared; a run while the host was busy elsewhere is slower by about the
share stolen, with the same code. The season and the benchmarks print it next to their figures.
"""

import os
import time

PAD = "/proc/stat"


def _cpu() -> list[int] | None:
    """The machine's CPU counters (user nice system idle iowait irq softirq steal …) in clock ticks."""
    try:
        with open(PAD) as f:
            velden = [int(v) for v in f.readline().split()[1:]]
        return velden if len(velden) >= 8 else None
    except (OSError, ValueError):
        return None


def teller() -> tuple[float, float] | None:
    """(stolen CPU seconds so far, monotonic moment); None where the kernel does not say."""
    velden = _cpu()
    return None if velden is None else (velden[7] / os.sysconf("SC_CLK_TCK"), time.monotonic())


def bezig() -> float | None:
    """CPU seconds the machine worked so far (idle, waiting and stolen time not counted)."""
    velden = _cpu()
    return None if velden is None else (sum(velden[:8]) - velden[3] - velden[4] - velden[7]) / os.sysconf("SC_CLK_TCK")


def sinds(begin: tuple[float, float] | None) -> str:
    """'x s stolen = y % of the machine's CPU time' since ``begin``, or an empty string when unknown."""
    eind = teller() if begin is not None else None
    if eind is None or eind[1] <= begin[1]:
        return ""
    gestolen, wand = eind[0] - begin[0], eind[1] - begin[1]
    kernen = os.cpu_count() or 1
    return f"{gestolen:.0f} s gestolen door de hypervisor = {gestolen / (wand * kernen):.0%} van de CPU-tijd"
