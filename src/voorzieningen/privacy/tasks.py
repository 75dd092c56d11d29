import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task
def retentie() -> str:
    """Daily (beat): warn, then delete what is past its retention period."""
    rapport = services.ruim_op(droog=False)
    logger.info("%s", rapport)
    return str(rapport)


@shared_task
def bewaak_meldtermijnen() -> list[int]:
    """Every quarter of an hour (beat): tell the FG when a breach's 72 hours are running out."""
    from . import datalekken

    return datalekken.bewaak_meldtermijnen()


@shared_task
def dpia_herinneringen() -> list[str]:
    """Daily (beat): remind staff of DPIA reviews that are due."""
    from . import dpia

    return dpia.herinner()
