"""Forked worker processes, like the benchmarks', each with its own database connection; or none (in-process).

The processes are forked once, after the plan is drawn, so each holds it; the runner sends each one its share of
a step and waits for all before the next step (a barrier), so a day's submissions precede that night's fetch.
With one process everything runs in the calling process: that is what the tests use (an in-memory SQLite
database or a test transaction cannot be shared with a child process).
"""

import multiprocessing
import queue as queue_module
import time
import traceback

from . import taken


class WerkerFout(RuntimeError):
    pass


def _werker(index: int, inbox, uitbox) -> None:
    from django.db import connections

    while True:
        opdracht = inbox.get()
        if opdracht is None:
            break
        soort, payload = opdracht
        try:
            resultaat, duur = taken.voer_uit(soort, payload)
            uitbox.put((index, "ok", resultaat, duur))
        except BaseException:  # noqa: BLE001 — reported to the runner, which stops the season
            uitbox.put((index, "fout", traceback.format_exc(), 0.0))
    connections.close_all()


class Werkers:
    def __init__(self, aantal: int):
        self.aantal = max(1, aantal)
        self.processen = []
        self.vervangen: list[tuple[str, int, int, int | None]] = []  # (step, index, dead pid, exit code)
        if self.aantal == 1:
            return
        from django.db import connections

        connections.close_all()  # a child must never share the parent's connection
        self.ctx = multiprocessing.get_context("fork")
        self.uitbox = self.ctx.Queue()
        self.inboxen = [self.ctx.Queue() for _ in range(self.aantal)]
        for i in range(self.aantal):
            self.processen.append(self._start(i))

    def _start(self, i: int):
        p = self.ctx.Process(target=_werker, args=(i, self.inboxen[i], self.uitbox), daemon=True)
        p.start()
        return p

    def _vervang(self, i: int, soort: str) -> None:
        """A process died (killed): fork a new one in its place, with a fresh inbox."""
        from django.db import connections

        dood = self.processen[i]
        dood.join(timeout=1)
        self.vervangen.append((soort, i, dood.pid, dood.exitcode))
        connections.close_all()  # the runner's connection must not be inherited
        self.inboxen[i] = self.ctx.Queue()
        self.processen[i] = self._start(i)

    def voer_uit(self, soort: str, delen: dict[int, object], opnieuw=None) -> tuple[list, float]:
        """Run ``soort`` with ``delen[i]`` in process i (only those given); returns the results and the summed
        busy time of the processes. A process that dies is replaced; with ``opnieuw`` (payload → payload) its share
        is done again by the new process (only for steps that may be redone: the deliveries), else the season
        stops."""
        if not delen:
            return [], 0.0
        if self.aantal == 1:
            resultaten, bezig = [], 0.0
            for payload in delen.values():
                resultaat, duur = taken.voer_uit(soort, payload)
                resultaten.append(resultaat)
                bezig += duur
            return resultaten, bezig
        for i, payload in delen.items():
            self.inboxen[i].put((soort, payload))
        open_ = dict(delen)
        resultaten, bezig = [], 0.0
        while open_:
            try:
                index, uitkomst, resultaat, duur = self.uitbox.get(timeout=1)
            except queue_module.Empty:
                for i, p in enumerate(self.processen):
                    if p.is_alive():
                        continue
                    if i in open_ and opnieuw is None:
                        raise WerkerFout(
                            f"werkproces {p.pid} gestopt tijdens '{soort}' (exitcode {p.exitcode})"
                        ) from None
                    self._vervang(i, soort)
                    if i in open_:
                        open_[i] = opnieuw(open_[i])
                        self.inboxen[i].put((soort, open_[i]))
                continue
            if uitkomst != "ok":
                raise WerkerFout(f"werkproces {index} faalde in '{soort}':\n{resultaat}")
            open_.pop(index, None)
            resultaten.append(resultaat)
            bezig += duur
        return resultaten, bezig

    def stop(self) -> None:
        for inbox in getattr(self, "inboxen", []):
            inbox.put(None)
        deadline = time.monotonic() + 30
        for p in self.processen:
            p.join(timeout=max(0.1, deadline - time.monotonic()))
            if p.is_alive():
                p.terminate()
                p.join()
        self.processen = []
