"""E-mail about cases, through the outbox: to an institution's admins, and to the portfolio regie staff.

An institution is reached through its personal admin accounts (at most two); the cooperative's member contacts
live in another part of the system and are not used here. The idempotency key makes a repeated call harmless.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from voorzieningen.core import outbox

from .models import Casus, Regieinstellingen


def casuslink(casus: Casus) -> str:
    return settings.PUBLIC_BASE_URL + reverse("portfolio:casus", args=[casus.pk])


def regielink(casus: Casus) -> str:
    return settings.PUBLIC_BASE_URL + reverse("admin:portfolio_casus_ladder", args=[casus.pk])


def adressen_van(instelling_id: int) -> list[str]:
    from voorzieningen.instellingen.models import Instellingsbeheerder

    return sorted(
        set(
            Instellingsbeheerder.objects.filter(instelling_id=instelling_id, user__is_active=True)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )


def aan_instelling(instelling_id: int, sleutel: str, onderwerp: str, tekst: str, casus: Casus) -> int:
    """Mail every active admin of the institution; returns how many were mailed (0: nobody to mail)."""
    adressen = adressen_van(instelling_id)
    for adres in adressen:
        outbox.plaats(
            "email",
            f"portfolio:{sleutel}:{instelling_id}:{adres}",
            {
                "aan": adres,
                "onderwerp": onderwerp,
                "tekst": render_to_string(
                    "portfolio/email/casus.txt", {"tekst": tekst, "casus": casus, "link": casuslink(casus)}
                ),
            },
        )
    return len(adressen)


def aan_regie(sleutel: str, onderwerp: str, tekst: str, casus: Casus) -> None:
    outbox.plaats(
        "email",
        f"portfolio:{sleutel}:regie",
        {
            "aan": Regieinstellingen.huidig().email_regie,
            "onderwerp": onderwerp,
            "tekst": render_to_string(
                "portfolio/email/casus.txt", {"tekst": tekst, "casus": casus, "link": regielink(casus)}
            ),
        },
    )
