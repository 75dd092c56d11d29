from celery import shared_task

from . import ladder


@shared_task
def bewaak_termijnen():
    """Daily: overdue binding rulings (reminded weekly) and response periods that have passed (told once)."""
    return ladder.herinner_termijnen()
