from voorzieningen.conf.celery import app

from . import outbox


@app.task(acks_late=True, ignore_result=True)
def deliver_outbox(pk: int) -> str:
    return outbox.lever(pk)


@app.task(acks_late=True, ignore_result=True)
def deliver_outbox_partij(pks: list[int]) -> dict[int, str]:
    """What a bulk call placed, delivered a batch per transaction (``outbox.verzamel``)."""
    return outbox.lever_partij(pks)


@app.task(acks_late=True, ignore_result=True)
def deliver_due_outbox() -> int:
    """Beat: every minute, retry what is due."""
    return outbox.lever_openstaande()
