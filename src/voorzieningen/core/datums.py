"""Date rules used by several apps."""


def leeftijd(geboortedatum, op) -> int:
    """Age in whole years on ``op`` (someone born on 29 February turns a year older on 1 March)."""
    return op.year - geboortedatum.year - ((op.month, op.day) < (geboortedatum.month, geboortedatum.day))
