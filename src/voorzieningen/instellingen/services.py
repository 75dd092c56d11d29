"""Return links and the allowed-domain rule that keeps a deeplink's returnUrl from being an open redirect."""

import datetime
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from voorzieningen.core import outbox
from voorzieningen.core.services import Actor, audit_change
from voorzieningen.core.sleutels import hash_van

from .models import Instellingsbeheerder, Instellingsconfiguratie, OpleidingRetourlinks, Uitnodiging

MAX_URL_LENGTH = 500


def host_is_toegestaan(host: str, domeinen: list[str]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in domeinen)


def is_toegestane_url(url: str, domeinen: list[str]) -> bool:
    """Absolute http(s) URL, no credentials, no tricks, and its host within an allowed domain."""
    if not url or len(url) > MAX_URL_LENGTH or any(c in url for c in "\\\r\n\t ") or not url.isprintable():
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 — raises ValueError on a malformed port
    except ValueError:
        return False
    if parts.scheme not in {"https", "http"} or not host or parts.username or parts.password:
        return False
    return host_is_toegestaan(host, domeinen)


@dataclass(frozen=True)
class Retourlinks:
    succes: str = ""
    fout: str = ""


def _configuratie(opleiding) -> Instellingsconfiguratie | None:
    return Instellingsconfiguratie.objects.filter(instelling_id=opleiding.aanbieder.instelling_id).first()


def return_url_toegestaan(opleiding, return_url: str) -> bool:
    configuratie = _configuratie(opleiding)
    return bool(configuratie) and is_toegestane_url(return_url, configuratie.domeinen)


def retourlinks(opleiding, return_url: str = "") -> Retourlinks:
    """The deeplink's returnUrl (when allowed) wins; then the programme's links; then the institution's."""
    configuratie = _configuratie(opleiding)
    if return_url and configuratie and is_toegestane_url(return_url, configuratie.domeinen):
        return Retourlinks(return_url, return_url)
    eigen = OpleidingRetourlinks.objects.filter(opleiding=opleiding).first()
    algemeen = configuratie or Instellingsconfiguratie()
    return Retourlinks(
        (eigen and eigen.retour_url_succes) or algemeen.retour_url_succes,
        (eigen and eigen.retour_url_fout) or algemeen.retour_url_fout,
    )


def met_kenmerken(url: str, kenmerken: dict[str, str]) -> str:
    """Append the deeplink's identifying attributes (and outcome) to a return link."""
    if not url:
        return ""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(kenmerken.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


def vind_instelling_met_registratiecode(code: str):
    code = code.strip()
    if not code:
        return None
    configuratie = Instellingsconfiguratie.objects.select_related("instelling").filter(registratiecode=code).first()
    return configuratie.instelling if configuratie else None


# --- admin accounts: at most two personal accounts, by invitation -------------------------------------


class TeveelBeheerders(Exception):
    """A third account (or invitation) for an institution."""

    code = "max_beheerders"

    def __init__(self):
        super().__init__(
            _(
                "Een instelling heeft ten hoogste twee persoonlijke beheeraccounts. De AVG eist dat van elke inzage "
                "en wijziging van persoonsgegevens vast te stellen is wie die deed; meer of gedeelde accounts maken "
                "dat onnavolgbaar. Trek eerst een bestaand account of een openstaande uitnodiging in."
            )
        )


class UitnodigingOngeldig(Exception):
    pass


def _open_uitnodigingen(instelling):
    return Uitnodiging.objects.filter(
        instelling=instelling, gebruikt_op__isnull=True, ingetrokken_op__isnull=True, verloopt_op__gt=timezone.now()
    )


def plaatsen_bezet(instelling) -> int:
    """Active admin accounts plus open invitations: both hold one of the two places."""
    actief = Instellingsbeheerder.objects.filter(instelling=instelling, user__is_active=True).count()
    return actief + _open_uitnodigingen(instelling).count()


def uitnodigingslink(token: str) -> str:
    return settings.PUBLIC_BASE_URL + reverse("beheer:uitnodiging", args=[token])


def nodig_uit(
    instelling, naam: str, email: str, door, *, vervangt: Uitnodiging | None = None
) -> tuple[Uitnodiging, str]:
    """Invite a person; the link (shown to nobody else) goes by e-mail through the outbox."""
    from voorzieningen.catalogus.models import Instelling

    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        Instelling.objects.select_for_update().get(pk=instelling.pk)  # serialise the two places
        if vervangt is not None:
            Uitnodiging.objects.filter(pk=vervangt.pk, ingetrokken_op__isnull=True).update(
                ingetrokken_op=timezone.now()
            )
        if plaatsen_bezet(instelling) >= settings.BEHEER_MAX_ACCOUNTS:
            raise TeveelBeheerders()
        uitnodiging = Uitnodiging.objects.create(
            instelling=instelling,
            naam=naam,
            email=email.strip().lower(),
            token_hash=hash_van(token),
            aangemaakt_door=door if getattr(door, "pk", None) else None,
            verloopt_op=timezone.now() + datetime.timedelta(days=settings.BEHEER_UITNODIGING_DAGEN),
        )
        context = {"uitnodiging": uitnodiging, "link": uitnodigingslink(token), "instelling": instelling}
        outbox.plaats(
            "email",
            f"uitnodiging:{uitnodiging.pk}",
            {
                "aan": uitnodiging.email,
                "onderwerp": str(_("Uitnodiging: beheeraccount voor %(naam)s") % {"naam": instelling.naam}),
                "tekst": render_to_string("instellingen/email/uitnodiging.txt", context),
            },
        )
        audit_change(Actor.for_user(door), uitnodiging, reason="Uitnodiging beheeraccount verstuurd")
    return uitnodiging, token


def uitnodiging_voor(token: str) -> Uitnodiging | None:
    if not token or len(token) > 100:
        return None
    return Uitnodiging.objects.select_related("instelling").filter(token_hash=hash_van(token)).first()


def is_bruikbaar(uitnodiging: Uitnodiging) -> bool:
    return (
        uitnodiging.gebruikt_op is None
        and uitnodiging.ingetrokken_op is None
        and uitnodiging.verloopt_op > timezone.now()
    )


def accepteer(uitnodiging: Uitnodiging, wachtwoord: str):
    """Create the personal account; 2FA is set up right after (the environment needs it)."""
    from voorzieningen.catalogus.models import Instelling
    from voorzieningen.identiteit.models import User

    with transaction.atomic():
        Instelling.objects.select_for_update().get(pk=uitnodiging.instelling_id)
        uitnodiging = Uitnodiging.objects.select_for_update().get(pk=uitnodiging.pk)
        if not is_bruikbaar(uitnodiging):
            raise UitnodigingOngeldig(_("Deze uitnodiging is verlopen, ingetrokken of al gebruikt."))
        actief = Instellingsbeheerder.objects.filter(instelling_id=uitnodiging.instelling_id, user__is_active=True)
        if actief.count() >= settings.BEHEER_MAX_ACCOUNTS:
            raise TeveelBeheerders()
        if User.objects.filter(username=uitnodiging.email).exists():
            raise UitnodigingOngeldig(
                _("Er bestaat al een account met dit e-mailadres. Neem contact op met de servicedesk.")
            )
        voornaam, _sep, achternaam = uitnodiging.naam.partition(" ")
        user = User(username=uitnodiging.email, email=uitnodiging.email, first_name=voornaam, last_name=achternaam)
        user.set_password(wachtwoord)
        user.save()
        beheerder = Instellingsbeheerder.objects.create(user=user, instelling_id=uitnodiging.instelling_id)
        uitnodiging.gebruikt_op = timezone.now()
        uitnodiging.save(update_fields=["gebruikt_op"])
        audit_change(Actor.for_user(user), beheerder, reason="Beheeraccount aangemaakt via uitnodiging", created=True)
    return user


def vraag_nieuwe_link(uitnodiging: Uitnodiging) -> None:
    """The invitee asks for a new link; the service desk gets the request (once a day at most)."""
    nu = timezone.now()
    if uitnodiging.nieuwe_link_gevraagd_op and nu - uitnodiging.nieuwe_link_gevraagd_op < datetime.timedelta(days=1):
        return
    with transaction.atomic():
        uitnodiging.nieuwe_link_gevraagd_op = nu
        uitnodiging.save(update_fields=["nieuwe_link_gevraagd_op"])
        outbox.plaats(
            "email",
            f"uitnodiging-verzoek:{uitnodiging.pk}:{nu.date().isoformat()}",
            {
                "aan": settings.SERVICEDESK_EMAIL,
                "onderwerp": f"Nieuwe uitnodigingslink gevraagd: {uitnodiging.email} ({uitnodiging.instelling.brin})",
                "tekst": render_to_string("instellingen/email/nieuwe_link.txt", {"uitnodiging": uitnodiging}),
            },
        )


def beheerder_van(user):
    """The institution admin behind a user, or None (staff and students are not)."""
    if not user.is_authenticated or not user.is_active:
        return None
    try:
        return user.instellingsbeheerder
    except Instellingsbeheerder.DoesNotExist:
        return None


def trek_account_in(beheerder: Instellingsbeheerder, door) -> None:
    """Close an account: the place is free again, the audit trail keeps who it was."""
    with transaction.atomic():
        user = beheerder.user
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_change(Actor.for_user(door), beheerder, reason="Beheeraccount ingetrokken")
