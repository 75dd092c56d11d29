"""Forms for members and their contact persons (member-facing pages and the staff admin)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Cooperatie, Kamer, Lid, LidSoort

TEKST = {"class": "utrecht-textbox utrecht-textbox--html-input"}
VINK = {"class": "utrecht-checkbox utrecht-checkbox--html-input"}
TEKSTVAK = {"class": "utrecht-textarea utrecht-textarea--html-textarea", "rows": 4}


class BevestigingForm(forms.Form):
    """A contact person confirms or corrects their own business details."""

    naam = forms.CharField(
        label=_("Naam"), max_length=200, widget=forms.TextInput(attrs={**TEKST, "autocomplete": "name"})
    )
    functie = forms.CharField(
        label=_("Functie"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={**TEKST, "autocomplete": "organization-title"}),
    )
    email = forms.EmailField(
        label=_("Zakelijk e-mailadres"), widget=forms.EmailInput(attrs={**TEKST, "autocomplete": "email"})
    )
    telefoon = forms.CharField(
        label=_("Zakelijk telefoonnummer"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={**TEKST, "autocomplete": "tel", "type": "tel"}),
    )
    niet_meer_contactpersoon = forms.BooleanField(
        label=_("Ik ben niet langer contactpersoon voor deze organisatie"),
        required=False,
        widget=forms.CheckboxInput(attrs=VINK),
    )
    opmerking = forms.CharField(
        label=_("Opmerking voor de coöperatie (bijvoorbeeld wie uw taak overneemt)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=TEKSTVAK),
    )

    def __init__(self, *args, contactpersoon=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.contactpersoon = contactpersoon

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if (
            self.contactpersoon is not None
            and self.contactpersoon.lid.contactpersonen.exclude(pk=self.contactpersoon.pk).filter(email=email).exists()
        ):
            raise forms.ValidationError(_("Een andere contactpersoon van uw organisatie gebruikt dit e-mailadres al."))
        return email


# --- staff ------------------------------------------------------------------------------------------


class SoortenField(forms.MultipleChoiceField):
    """Member kinds as checkboxes, stored as a JSON list."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", LidSoort.choices)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class CooperatieForm(forms.ModelForm):
    toegestane_soorten = SoortenField(label=_("toegestane soorten leden"))

    class Meta:
        model = Cooperatie
        fields = [
            "code",
            "naam",
            "toegestane_soorten",
            "vereist_publieke_bekostiging",
            "vereist_mbo_raad_lidmaatschap",
            "vereist_aanbestedende_dienst",
            "opzegtermijn_lid_maanden",
            "opzegtermijn_cooperatie_maanden",
            "hoogste_orgaan",
            "min_vergaderingen_per_jaar",
            "drempel_teller",
            "drempel_noemer",
            "drempelbasis",
            "quorum_teller",
            "quorum_noemer",
            "bestuur_omvang",
            "raad_omvang",
        ]


class KamerForm(forms.ModelForm):
    soorten = SoortenField(label=_("soorten leden"))

    class Meta:
        model = Kamer
        fields = ["code", "naam", "zetels", "soorten", "volgorde"]


class LidForm(forms.ModelForm):
    """Admission facts are checked against the cooperative's rules when a member is added."""

    class Meta:
        model = Lid
        fields = [
            "cooperatie",
            "naam",
            "soort",
            "instelling",
            "bestuur",
            "publiek_bekostigd",
            "mbo_raad_lid",
            "aanbestedende_dienst",
            "kamer",
            "begindatum",
        ]

    def clean(self):
        from . import leden

        data = super().clean()
        cooperatie = data.get("cooperatie")
        if self.instance.pk is None and cooperatie and data.get("soort"):
            toelating = leden.toelaten(
                cooperatie,
                soort=data["soort"],
                publiek_bekostigd=data.get("publiek_bekostigd", False),
                mbo_raad_lid=data.get("mbo_raad_lid", False),
                aanbestedende_dienst=data.get("aanbestedende_dienst", False),
            )
            redenen = list(toelating.redenen)
            if data.get("begindatum"):
                bestaand = leden.bestaand_lidmaatschap(
                    cooperatie, data["begindatum"], data.get("instelling"), data.get("bestuur"), data.get("naam", "")
                )
                if bestaand is not None:
                    redenen.append(_("%(naam)s is al lid.") % {"naam": bestaand.naam})
            if redenen:
                raise forms.ValidationError([_("Lidmaatschap geweigerd:")] + redenen)
        return data


class OpzeggingForm(forms.Form):
    door = forms.ChoiceField(label=_("Wie zegt op?"), choices=Lid.OpgezegdDoor.choices, widget=forms.RadioSelect)
    opgezegd_op = forms.DateField(
        label=_("Datum van de opzegging"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    per = forms.DateField(
        label=_("Gewenste einddatum (leeg: zo vroeg als de opzegtermijn toelaat)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reden = forms.CharField(label=_("Reden"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
