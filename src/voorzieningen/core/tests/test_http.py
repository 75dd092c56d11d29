"""The outbox's HTTP session: kept per process and thread, never shared across a fork."""

import threading

from voorzieningen.core import http


def test_one_session_per_thread_and_a_new_one_after_a_fork(monkeypatch):
    http.vergeet()
    eerste = http.sessie()
    assert http.sessie() is eerste and eerste.trust_env  # proxies and CA bundles from the environment, as requests
    andere = []
    t = threading.Thread(target=lambda: andere.append(http.sessie()))
    t.start()
    t.join()
    assert andere[0] is not eerste
    monkeypatch.setattr(http.os, "getpid", lambda: -1)  # as in a worker forked from this process
    assert http.sessie() is not eerste
    monkeypatch.setattr(http, "LEES_OMGEVING", False)
    http.vergeet()
    assert http.sessie().trust_env is False
    http.vergeet()
