"""Identification: the DigiD stub's test persons and the DUO lookup at login."""

from digid_eherkenning.models.digid import MockDigidUser

from .bsn import TEST_BSNS


def seed_digid_stub() -> int:
    """Offer the test persons in the mock IdP's list (idempotent); returns how many were added."""
    added = 0
    for bsn, description in TEST_BSNS.items():
        _, created = MockDigidUser.objects.get_or_create(bsn=bsn, defaults={"name": f"Testpersoon — {description}"})
        added += created
    return added
