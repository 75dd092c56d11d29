from celery import shared_task

from . import wachtrij


@shared_task(acks_late=True)
def verwerk_wachtrij() -> dict:
    """Submits queued under overload; started by each queued submit and every 15 seconds by beat."""
    uitkomsten = wachtrij.verwerk()
    return dict(uitkomsten, opgeruimd=wachtrij.ruim_op())
