"""Periodic jobs of the cooperative; each calls a service."""

from celery import shared_task


@shared_task
def herinner_bevestigingen() -> int:
    """Daily: remind contact persons who have not confirmed their details in an open round."""
    from . import leden

    return leden.herinner()


@shared_task
def contractherinneringen() -> str:
    """Daily: remind staff of coming contract renewal decisions and of missing yearly compliance checks."""
    from . import contracten

    resultaat = contracten.stuur_herinneringen()
    return f"{len(resultaat.besluiten)} besluiten, {len(resultaat.toetsingen)} toetsingen, {resultaat.mails} e-mails"
