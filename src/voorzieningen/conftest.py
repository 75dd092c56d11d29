import json
import os
import shutil
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _locmem_cache(settings):
    from django.core.cache import cache

    from voorzieningen.core.procesgeheugen import Procesgeheugen

    cache.clear()
    Procesgeheugen.vergeet_alle()  # per-process copies (cohorts, reference rows): ids repeat across tests on SQLite
    yield
    cache.clear()
    Procesgeheugen.vergeet_alle()


@pytest.fixture(autouse=True)
def _standaardtaal():
    """A request through LocaleMiddleware leaves its language active in the thread (Django does not reset it after
    the response): a test that asked a page in English must not make the next test's messages English."""
    yield
    from django.utils import translation

    translation.deactivate()


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def chromium_path():
    """Debian's Chromium; browser tests skip without it, except in CI where they must run."""
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        if os.environ.get("CI"):
            pytest.fail("CI needs Debian's chromium for the browser tests (apt-get install chromium)")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    return path


@pytest.fixture
def browser_page(chromium_path, live_server):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop runs beside the live server's DB access
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        page = browser.new_page(locale="nl-NL")
        page.set_default_timeout(15000)
        # Every browser test also proves the pages run under the Content Security Policy: a refused inline
        # script or style shows up as a console message, and fails the test.
        refused = []
        page.on("console", lambda m: "Content Security Policy" in m.text and refused.append(f"{page.url}: {m.text}"))
        yield page
        browser.close()
        assert refused == [], "\n".join(refused)


@pytest.fixture
def outbox_direct(monkeypatch):
    """Deliver outbox messages at once: the test transaction never commits, so on_commit would never fire."""
    from voorzieningen.core import outbox

    monkeypatch.setattr(outbox, "_after_commit", lambda func: func())


def verifieer_2fa(client, user):
    """Log in as after password + TOTP: a confirmed TOTP device whose id is in the session (django-otp)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=user, name="default", defaults={"confirmed": True})
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def admin_client(admin_user):
    """Staff in the admin have passed 2FA (maykin-2fa enforces it)."""
    from django.test import Client

    return verifieer_2fa(Client(), admin_user)


@pytest.fixture
def axe(browser_page):
    """Run axe-core (WCAG 2.1 A/AA rules) on the current page; fail on any violation."""
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("axe-core is missing: run `npm ci` (the Makefile does this when npm is available)")
        pytest.skip("axe-core from npm is not installed (npm ci)")
    # An init script comes in through DevTools, so it needs no hole in the Content Security Policy.
    browser_page.add_init_script(AXE.read_text())
    checked = []

    def check():
        result = browser_page.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        )
        violations = [
            {"id": v["id"], "help": v["help"], "nodes": [n["html"][:160] for n in v["nodes"][:3]]}
            for v in result["violations"]
        ]
        assert violations == [], f"{browser_page.url}: {json.dumps(violations, indent=1, ensure_ascii=False)}"
        checked.append(browser_page.url)

    check.checked = checked
    return check


# --- Hypothesis profiles for the parser tests (test_fuzz_*.py): modest in the suite, many more with `make fuzz`. ---
from hypothesis import HealthCheck  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

hypothesis_settings.register_profile(
    "parsers",
    max_examples=int(os.environ.get("FUZZ_PARSER_EXAMPLES", "1000" if os.environ.get("FUZZ") == "1" else "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
