from voorzieningen.conf.celery import app

from . import services


@app.task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=60, max_retries=5)
def full_sync() -> int:
    """Nightly full synchronisation with RIO (beat: rio-full-sync-nightly)."""
    return services.sync_from_api().pk


@app.task(acks_late=True)
def apply_mutations(opleidingen: list[dict], cohorten: list[dict]) -> int:
    return services.import_mutations(opleidingen, cohorten).pk
