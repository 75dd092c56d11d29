"""DPIAs per provision: which one is current, when the next review is due, and reminders before it is."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from voorzieningen.core import outbox

from .models import DPIA, Voorziening


@dataclass(frozen=True)
class Stand:
    voorziening: str
    naam: str
    dpia: DPIA | None
    status: str  # 'ontbreekt' | 'actueel' | 'binnenkort' | 'verlopen'

    @property
    def status_tekst(self) -> str:
        return {
            "ontbreekt": _("Geen DPIA vastgelegd"),
            "actueel": _("Actueel"),
            "binnenkort": _("Herziening binnenkort"),
            "verlopen": _("Herziening verlopen"),
        }[self.status]


def overzicht(vandaag: datetime.date | None = None) -> list[Stand]:
    """Per provision its most recent DPIA and whether it is still current."""
    vandaag = vandaag or timezone.localdate()
    grens = vandaag + datetime.timedelta(days=settings.DPIA_HERINNERING_DAGEN)
    standen = []
    for waarde, naam in Voorziening.choices:
        dpia = DPIA.objects.filter(voorziening=waarde).order_by("-uitgevoerd_op", "-pk").first()
        if dpia is None:
            status = "ontbreekt"
        elif dpia.volgende_herziening < vandaag:
            status = "verlopen"
        elif dpia.volgende_herziening <= grens:
            status = "binnenkort"
        else:
            status = "actueel"
        standen.append(Stand(waarde, str(naam), dpia, status))
    return standen


def herinner(vandaag: datetime.date | None = None) -> list[str]:
    """E-mail the responsible staff member and the FG once per review date that comes near or has passed, and the
    FG once a month for a provision without any DPIA."""
    vandaag = vandaag or timezone.localdate()
    verstuurd = []
    for stand in overzicht(vandaag):
        if stand.status == "ontbreekt":
            outbox.plaats(
                "email",
                f"dpia-ontbreekt:{stand.voorziening}:{vandaag:%Y-%m}",
                {
                    "aan": settings.FG_EMAIL,
                    "onderwerp": _("Geen DPIA voor %(voorziening)s") % {"voorziening": stand.naam},
                    "tekst": _("Voor %(voorziening)s is geen DPIA vastgelegd. Leg de DPIA vast in het beheer.")
                    % {"voorziening": stand.naam},
                },
            )
            verstuurd.append(stand.voorziening)
        elif (
            stand.status in ("binnenkort", "verlopen") and stand.dpia.herinnering_voor != stand.dpia.volgende_herziening
        ):
            dpia = stand.dpia
            tekst = _("De DPIA '%(titel)s' van %(voorziening)s moet uiterlijk %(datum)s worden herzien.\n\n%(url)s") % {
                "titel": dpia.titel,
                "voorziening": stand.naam,
                "datum": dpia.volgende_herziening.strftime("%d-%m-%Y"),
                "url": f"{settings.PUBLIC_BASE_URL}/admin/privacy/dpia/{dpia.pk}/change/",
            }
            for aan in {dpia.verantwoordelijke.email, settings.FG_EMAIL} - {""}:
                outbox.plaats(
                    "email",
                    f"dpia-herziening:{dpia.pk}:{dpia.volgende_herziening}:{aan}",
                    {
                        "aan": aan,
                        "onderwerp": _("Herziening DPIA %(voorziening)s") % {"voorziening": stand.naam},
                        "tekst": tekst,
                    },
                )
            DPIA.objects.filter(pk=dpia.pk).update(herinnering_voor=dpia.volgende_herziening)
            verstuurd.append(stand.voorziening)
    return verstuurd
