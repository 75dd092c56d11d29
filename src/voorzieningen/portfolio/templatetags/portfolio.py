"""Display helpers: small counts suppressed as on every public page of the project, minutes and percentages."""

import math

from django import template
from django.utils.formats import number_format

from voorzieningen.instellingen.statistiek import cel

register = template.Library()


@register.filter
def aantal(waarde):
    """A count of students; 1–4 shows as '< 5' (it could point to a person), None as '–'."""
    if waarde is None:
        return "–"
    return str(cel(int(waarde)))


@register.filter
def minuten(waarde):
    if waarde is None or (isinstance(waarde, float) and math.isinf(waarde)):
        return "–"
    return f"{round(waarde)} min"


@register.filter
def km(waarde):
    if waarde is None or (isinstance(waarde, float) and math.isinf(waarde)):
        return "–"
    return f"{number_format(round(waarde, 1), 1)} km"


@register.filter
def procent(waarde):
    if waarde is None:
        return "–"
    return f"{number_format(round(waarde * 100, 1), 1)}%"
