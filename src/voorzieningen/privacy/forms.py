import re

from django import forms
from django.utils.translation import gettext_lazy as _

from voorzieningen.core.models import AuditLogEntry

from . import audittrail


class AuditZoekForm(forms.Form):
    """The FG's questions to the trail: about whom, by whom, which object, when."""

    bsn = forms.CharField(
        label=_("Betrokkene (BSN)"),
        required=False,
        max_length=9,
        help_text=_("Wordt niet opgeslagen: er wordt gezocht op het pseudoniem."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    actor = forms.CharField(
        label=_("Actor"),
        required=False,
        max_length=200,
        help_text=_("Gebruikersnaam, e-mailadres, 'user:<id>' of systeemnaam (bijv. 'retentie')."),
    )
    object_type = forms.ChoiceField(label=_("Objecttype"), required=False)
    object_id = forms.CharField(label=_("Object-id"), required=False, max_length=100)
    actie = forms.ChoiceField(
        label=_("Handeling"), required=False, choices=[("", _("Alle"))] + list(AuditLogEntry.Action.choices)
    )
    van = forms.DateField(label=_("Van"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    tot = forms.DateField(label=_("Tot en met"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", _("Alle"))] + [(t, t) for t in audittrail.object_types()]

    def clean_bsn(self):
        bsn = self.cleaned_data["bsn"].strip()
        if bsn and not re.fullmatch(r"[0-9]{9}", bsn):
            raise forms.ValidationError(_("Een BSN bestaat uit 9 cijfers."))
        return bsn

    def clean(self):
        data = super().clean()
        if data.get("van") and data.get("tot") and data["van"] > data["tot"]:
            self.add_error("tot", _("De einddatum ligt vóór de begindatum."))
        return data

    def zoekvraag(self) -> audittrail.Zoekvraag:
        return audittrail.Zoekvraag(**self.cleaned_data)
