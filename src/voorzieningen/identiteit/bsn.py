"""The burgerservicenummer and its 11-proof."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

BSN_RE = re.compile(r"[0-9]{9}")  # not \d: that takes Arabic-Indic and other Unicode digits

# The DigiD stub's test persons (valid 11-proof numbers in the test range 9999xxxxx), as in the DigiD
# pre-production environment. Only the first has prior education at DUO.
TEST_BSNS = {
    "999990019": "met vooropleiding",
    "999990020": "geheim adres (indicatie 7)",
    "999990032": "jonger dan 18",
    "999990044": "woont in het buitenland",
    "999990056": "18+, zonder vooropleiding",
}


def is_valid_bsn(value: str) -> bool:
    """9 digits, not all zero, and 9·d1 + 8·d2 + … + 2·d8 − d9 divisible by 11."""
    if not isinstance(value, str) or not BSN_RE.fullmatch(value) or value == "000000000":
        return False
    total = sum(int(digit) * weight for digit, weight in zip(value[:8], range(9, 1, -1), strict=True))
    return (total - int(value[8])) % 11 == 0


def validate_bsn(value: str) -> None:
    if not is_valid_bsn(value):
        raise ValidationError(_("Dit is geen geldig burgerservicenummer (9 cijfers, elfproef)."), code="invalid_bsn")
