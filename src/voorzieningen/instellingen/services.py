"""Return links and the allowed-domain rule that keeps a deeplink's returnUrl from being an open redirect."""

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .models import Instellingsconfiguratie, OpleidingRetourlinks

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
