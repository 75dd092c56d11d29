"""One HTTP session per process (and thread) for what the outbox delivers to other systems.

``requests.post`` builds a session, its connection pools and a new TCP (and TLS) connection for every call; a
season delivers millions of messages to a handful of receivers (Koppelpunt VO, the municipalities, SIS webhooks).
A kept session reuses the open connection to a receiver (keep-alive). urllib3 checks a pooled connection before
reusing it; one the receiver closed meanwhile fails that attempt, and the outbox retries it as any failure.
"""

import os
import threading

import requests

# Proxies and CA bundles from the environment (HTTPS_PROXY, REQUESTS_CA_BUNDLE), as requests reads them; the season
# simulator switches this off for its in-process receivers (reading the environment was 3 % of a season).
LEES_OMGEVING = True

_lokaal = threading.local()


def sessie() -> requests.Session:
    """This process's and thread's session; a forked worker makes its own (sockets are never shared)."""
    gevonden = getattr(_lokaal, "sessie", None)
    if gevonden is None or _lokaal.pid != os.getpid():
        gevonden = requests.Session()
        gevonden.trust_env = LEES_OMGEVING
        _lokaal.sessie, _lokaal.pid = gevonden, os.getpid()
    return gevonden


def vergeet() -> None:
    """Drop this thread's session (after :data:`LEES_OMGEVING` changed)."""
    gevonden = getattr(_lokaal, "sessie", None)
    if gevonden is not None:
        gevonden.close()
    _lokaal.sessie = None
