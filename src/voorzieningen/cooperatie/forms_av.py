"""Forms for the meeting: advance votes (member-facing), attendance, votes and the chair election (staff)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Stem, Voorstel

GEEN = ""


def _veld(voorstel) -> str:
    return f"voorstel_{voorstel.pk}"


class VoorafStemmenForm(forms.Form):
    """One radio group per open proposal; 'no advance vote' leaves the choice to the meeting."""

    def __init__(self, *args, voorstellen, huidige: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.voorstellen = list(voorstellen)
        keuzes = [*Stem.Keuze.choices, (GEEN, _("Geen stem vooraf"))]
        for voorstel in self.voorstellen:
            self.fields[_veld(voorstel)] = forms.ChoiceField(
                label=voorstel.titel,
                choices=keuzes,
                required=False,
                initial=huidige.get(voorstel.pk, GEEN),
                widget=forms.RadioSelect(attrs={"class": "utrecht-radio-button utrecht-radio-button--html-input"}),
            )

    def keuzes(self) -> dict[int, str]:
        return {v.pk: self.cleaned_data.get(_veld(v), GEEN) for v in self.voorstellen}

    def groepen(self):
        """(proposal, bound field) pairs for the template: each a fieldset with its own legend."""
        return [(v, self[_veld(v)]) for v in self.voorstellen]


class AanwezigheidForm(forms.Form):
    aanwezig = forms.MultipleChoiceField(
        label=_("Aanwezige leden"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, leden, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["aanwezig"].choices = [(str(lid.pk), lid.naam) for lid in leden]


class StemmingForm(forms.Form):
    """Staff record each member's vote in the meeting; the advance vote is pre-filled."""

    def __init__(self, *args, leden, stemmen: dict[int, Stem], **kwargs):
        super().__init__(*args, **kwargs)
        self.leden = list(leden)
        keuzes = [(GEEN, "—"), *Stem.Keuze.choices]
        for lid in self.leden:
            stem = stemmen.get(lid.pk)
            self.fields[f"lid_{lid.pk}"] = forms.ChoiceField(
                label=lid.naam, choices=keuzes, required=False, initial=stem.keuze if stem else GEEN
            )

    def keuzes(self) -> dict[int, str]:
        return {lid.pk: self.cleaned_data.get(f"lid_{lid.pk}", GEEN) for lid in self.leden}


class VoorzitterForm(forms.Form):
    datum = forms.DateField(
        label=_("Datum van het bestuursbesluit"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, bestuursleden, **kwargs):
        super().__init__(*args, **kwargs)
        self.bestuursleden = list(bestuursleden)
        keuzes = [(GEEN, _("(stemt niet)"))] + [(str(b.pk), b.naam) for b in self.bestuursleden]
        for b in self.bestuursleden:
            self.fields[f"stem_{b.pk}"] = forms.ChoiceField(
                label=_("Stem van %(naam)s") % {"naam": b.naam}, choices=keuzes, required=False
            )

    def stemmen(self) -> dict[int, int]:
        return {
            b.pk: int(self.cleaned_data[f"stem_{b.pk}"])
            for b in self.bestuursleden
            if self.cleaned_data.get(f"stem_{b.pk}")
        }


class VoorstelForm(forms.ModelForm):
    class Meta:
        model = Voorstel
        fields = ["volgnummer", "agendapunt", "titel", "toelichting", "soort", "kandidaat"]

    def clean(self):
        from . import av

        data = super().clean()
        if self.instance.pk and self.instance.status == Voorstel.Status.GESLOTEN and self.has_changed():
            raise forms.ValidationError(_("Over dit voorstel is al besloten; het verandert niet meer."))
        kandidaat = data.get("kandidaat")
        if data.get("soort") == Voorstel.Soort.BENOEMING and kandidaat and self.instance.vergadering_id:
            vergadering = self.instance.vergadering
            try:
                av.controleer_kandidaat(vergadering.cooperatie, kandidaat, vergadering.datum)
            except av.BestuurFout as fout:
                self.add_error("kandidaat", str(fout))
        return data
