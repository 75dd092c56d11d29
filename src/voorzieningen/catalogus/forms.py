from django import forms
from django.utils.translation import gettext_lazy as _

from voorzieningen.core.forms import AccessibleForm

from .models import Leertraject


class ZoekForm(AccessibleForm):
    q = forms.CharField(label=_("Zoek op naam of crebo"), max_length=100, required=False)
    niveau = forms.TypedChoiceField(
        label=_("Niveau"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Alle niveaus"))] + [(n, _("Niveau %(n)s") % {"n": n}) for n in range(1, 5)],
    )
    leertraject = forms.ChoiceField(
        label=_("Leertraject"), required=False, choices=[("", _("Alle leertrajecten"))] + Leertraject.choices
    )
    plaats = forms.CharField(label=_("Plaats"), max_length=100, required=False)
    inactief = forms.BooleanField(label=_("Ook inactieve opleidingen (instroom in hoger leerjaar)"), required=False)


class ToegangscodeForm(AccessibleForm):
    toegangscode = forms.CharField(
        label=_("Toegangscode"),
        max_length=60,
        help_text=_("Heb je van de school een toegangscode gekregen? Vul die hier in om het cohort te zien."),
        error_messages={"required": _("Vul de toegangscode in die je van de school hebt gekregen.")},
    )
