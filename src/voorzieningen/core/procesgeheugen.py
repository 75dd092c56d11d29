"""Per-process copies of rows that change rarely but are read on every hot call (routing a status, submitting).

A shared cache (Redis) would still cost a round trip and an unpickle per read; these copies cost nothing after
the first read and are at most ``seconden`` old. Use them only where a stale answer is harmless or checked again
(reference tables, the portal's own sender records), never for authorisation. Tests forget them all between tests
(ids repeat); code that changes the rows calls :meth:`Procesgeheugen.vergeet`.
"""

import time
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")


class Procesgeheugen:
    alle: list["Procesgeheugen"] = []

    def __init__(self, naam: str, seconden: float, maximum: int = 20_000):
        self.naam, self.seconden, self.maximum = naam, seconden, maximum
        self._rijen: dict[Hashable, tuple[float, object]] = {}
        Procesgeheugen.alle.append(self)

    def haal(self, sleutel: Hashable, laad: Callable[[], T]) -> T:
        nu = time.monotonic()
        gevonden = self._rijen.get(sleutel)
        if gevonden is None or gevonden[0] < nu:
            if len(self._rijen) >= self.maximum:
                self._rijen.clear()
            gevonden = self._rijen[sleutel] = (nu + self.seconden, laad())
        return gevonden[1]

    def vergeet_sleutel(self, sleutel: Hashable) -> None:
        self._rijen.pop(sleutel, None)

    def vergeet(self) -> None:
        self._rijen.clear()

    @classmethod
    def vergeet_alle(cls) -> None:
        for geheugen in cls.alle:
            geheugen.vergeet()
