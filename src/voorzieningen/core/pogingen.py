"""Failed attempts at guessing a code (access code, registratiecode), limited per visitor per hour."""

from django.core.cache import cache
from django.utils.translation import gettext as _

MAX_POGINGEN = 10
VENSTER = 3600


def sessie_sleutel(request, soort: str) -> str:
    """Per browser session (created when missing), for visitors who are not logged in."""
    if not request.session.session_key:
        request.session.save()
    return f"pogingen:{soort}:{request.session.session_key}"


def geblokkeerd(sleutel: str) -> bool:
    return cache.get(sleutel, 0) >= MAX_POGINGEN


def mislukt(sleutel: str) -> None:
    cache.set(sleutel, cache.get(sleutel, 0) + 1, VENSTER)


def melding() -> str:
    return _("Te veel onjuiste pogingen. Probeer het over een uur opnieuw.")
