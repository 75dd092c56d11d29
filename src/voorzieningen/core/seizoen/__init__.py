"""National season simulator (``voorzieningen simulate-season``).

A generated national catalogue is imported; a synthetic population logs in (DigiD account, DUO data), fills in
the wizard and submits through the aanmelden services with the real seasonal shape; every institution's SIS
fetches its queue and posts status messages through the real SIS API; the portal and Koppelpunt MBO route them
and the outbox workers deliver them to the Koppelpunt VO and Gemeenten simulators; the municipalities' bulk
signals run on 1 March and 15 June. At the end the invariants of the chain are checked and every phase is timed.
See docs/seizoen.md.
"""

from .simulatie import DOEL_SECONDEN, Instellingen, Resultaat, SeizoenFout, simuleer
from .verslag import SEIZOENSWERK, verslag


def verslag_seizoenswerk() -> set[str]:
    """The phases that are the season itself (not catalogue import, setup, planning or checks)."""
    return set(SEIZOENSWERK)


__all__ = ["DOEL_SECONDEN", "Instellingen", "Resultaat", "SeizoenFout", "simuleer", "verslag", "verslag_seizoenswerk"]
