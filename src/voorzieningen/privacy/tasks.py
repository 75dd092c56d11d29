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
