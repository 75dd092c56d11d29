import hmac
import logging

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return "not configured (tasks run in-process)"
    from kombu import Connection

    with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1)
    return "ok"


@never_cache
def health(request):
    """Liveness and readiness for load balancers: 200 when the database (and broker, if any) answer."""
    checks, healthy = _health_checks()
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)


def _health_checks() -> tuple[dict, bool]:
    checks, healthy = {}, True
    for name, check in (("database", _check_database), ("broker", _check_broker)):
        try:
            checks[name] = check()
        except Exception as exc:  # a health check reports every failure, whatever its kind
            logger.warning("health check %s failed: %s", name, exc)
            checks[name] = f"error: {exc.__class__.__name__}"
            healthy = False
    return checks, healthy


@never_cache
def metrics(request):
    """Prometheus exposition; with ``METRICS_TOKEN`` set only for a scraper that sends it as Bearer token."""
    from voorzieningen.core import metrics as m
    from voorzieningen.core.sleutels import bearer_token

    if settings.METRICS_TOKEN and not hmac.compare_digest(bearer_token(request), settings.METRICS_TOKEN):
        return HttpResponse(status=401, headers={"WWW-Authenticate": "Bearer"})
    return HttpResponse(m.exposition(), content_type="text/plain; version=0.0.4; charset=utf-8")


@never_cache
def status(request):
    """Public status page: are the parts up, and do we meet our service-level objectives."""
    from voorzieningen.core import metrics as m

    checks, healthy = _health_checks()
    context = {"checks": checks, "healthy": healthy, "doelstellingen": m.doelstellingen()}
    return render(request, "core/status.html", context, status=200 if healthy else 503)
