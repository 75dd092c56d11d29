"""Security headers on every page, and the production profile's cookie and transport settings."""

import json
import os
import subprocess
import sys

import pytest


@pytest.mark.django_db
@pytest.mark.smoke
def test_pages_carry_a_strict_content_security_policy_and_the_other_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_the_stop_page_of_a_deeplink_may_post_on_to_the_schools_site_only(client, settings):
    from django.http import HttpResponse

    from voorzieningen.core.csp import formulier_mag_naar

    response = formulier_mag_naar(HttpResponse(), "https://aanmelden.roc-test.nl/fout?x=1", "http://onveilig.nl/")
    assert response._csp_update == {"form-action": ["https://aanmelden.roc-test.nl"]}
    assert not hasattr(formulier_mag_naar(HttpResponse(), ""), "_csp_update")


def _settings_in(env: dict) -> dict:
    """Import the settings in a fresh interpreter, as a production process would."""
    code = (
        "import json; from voorzieningen.conf import settings as s; print(json.dumps({k: getattr(s, k, None) for k in "
        "['SESSION_COOKIE_SECURE','CSRF_COOKIE_SECURE','SECURE_HSTS_SECONDS','SECURE_HSTS_INCLUDE_SUBDOMAINS',"
        "'SECURE_SSL_REDIRECT','SESSION_COOKIE_NAME','DEBUG','CONTENT_SECURITY_POLICY']}, default=str))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PROFILE", "SECRET_KEY", "DEBUG"}}
    result = subprocess.run([sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_profile_has_secure_cookies_hsts_and_no_debug():
    s = _settings_in(
        {
            "PROFILE": "production",
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "voorzieningen.example",
            "RECEIPT_SIGNING_KEY": "y" * 50,
            "DIGID_MOCK": "false",
            "DATABASE_URL": "postgres://u@localhost/db",
        }
    )
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"] and s["SECURE_SSL_REDIRECT"]
    assert s["SECURE_HSTS_SECONDS"] >= 31536000 and s["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert s["SESSION_COOKIE_NAME"].startswith("__Host-") and s["DEBUG"] is False
    assert "EXCLUDE_URL_PREFIXES" not in s["CONTENT_SECURITY_POLICY"]


def test_production_refuses_to_start_without_secrets_from_the_environment():
    code = "import voorzieningen.conf.settings"
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    result = subprocess.run(
        [sys.executable, "-c", code], env={**clean, "PROFILE": "production"}, capture_output=True, text=True
    )
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_a_demo_of_the_production_profile_may_use_plain_http_and_the_digid_simulator_but_only_when_said():
    basis = {"PROFILE": "production", "SECRET_KEY": "x" * 50, "RECEIPT_SIGNING_KEY": "y" * 50, "DIGID_MOCK": "true"}
    s = _settings_in({**basis, "DEMO": "true"})
    assert s["SESSION_COOKIE_SECURE"] is False and s["SECURE_SSL_REDIRECT"] is None and s["DEBUG"] is False
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "DEMO"}}
    result = subprocess.run(
        [sys.executable, "-c", "import voorzieningen.conf.settings"], env={**clean, **basis}, capture_output=True,
        text=True,
    )  # fmt: skip
    assert result.returncode != 0 and "DIGID_MOCK cannot be on" in result.stderr
