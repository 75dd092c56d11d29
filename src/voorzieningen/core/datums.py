"""Date rules used by several apps."""

import calendar
import datetime


def leeftijd(geboortedatum, op) -> int:
    """Age in whole years on ``op`` (someone born on 29 February turns a year older on 1 March)."""
    return op.year - geboortedatum.year - ((op.month, op.day) < (geboortedatum.month, geboortedatum.day))


def plus_maanden(d: datetime.date, maanden: int) -> datetime.date:
    """Calendar months later; the 31st becomes the last day of a shorter month (31 Jan + 1 = 28/29 Feb)."""
    m = d.month - 1 + maanden
    jaar, maand = d.year + m // 12, m % 12 + 1
    return datetime.date(jaar, maand, min(d.day, calendar.monthrange(jaar, maand)[1]))
