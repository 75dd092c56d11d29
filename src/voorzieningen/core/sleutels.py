"""Secrets handed out once (API keys, invitation links): only a SHA-256 of them is ever stored."""

import hashlib
import secrets


def hash_van(geheim: str) -> str:
    return hashlib.sha256(geheim.encode()).hexdigest()


def nieuwe_sleutel(voorvoegsel: str) -> tuple[str, str]:
    """(prefix, key): the short random prefix is stored in clear so admins can tell keys apart."""
    prefix = secrets.token_hex(4)
    return prefix, f"{voorvoegsel}_{prefix}_{secrets.token_urlsafe(32)}"


def bearer_token(request) -> str:
    """The token of an ``Authorization: Bearer …`` header, or ''."""
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header[:7].lower() == "bearer " else ""
