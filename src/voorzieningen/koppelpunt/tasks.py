from django.utils import timezone

from celery import shared_task

from . import gemeenten


@shared_task
def gemeenten_bulk(datum: str | None = None) -> int:
    """Daily (beat): on 1 March and 15 June the Gemeenten simulator sends its bulk signals."""
    import datetime

    peildatum = datetime.date.fromisoformat(datum) if datum else timezone.localdate()
    if (peildatum.month, peildatum.day) not in gemeenten.BULK:
        return 0
    return gemeenten.bulk(peildatum)
