import re

from django import forms
from django.utils.translation import gettext_lazy as _

from voorzieningen.core.forms import AccessibleForm

from . import adres as adresregels

TELEFOON_RE = re.compile(r"^\+?[0-9][0-9 \-]{8,18}$")


def valideer_telefoon(value: str) -> str:
    value = value.strip()
    digits = re.sub(r"\D", "", value)
    if not TELEFOON_RE.match(value) or not 10 <= len(digits) <= 15:
        raise forms.ValidationError(
            _("Vul een telefoonnummer in van 10 tot 15 cijfers, bijvoorbeeld 0612345678 of +31612345678."),
            code="telefoon",
        )
    return value


class AdresForm(AccessibleForm):
    """The address dataset; the rules themselves live in ``adres.valideer`` so the API applies the same."""

    land = forms.ChoiceField(label=_("Land"))
    straat = forms.CharField(label=_("Straat"), required=False, max_length=200)
    huisnummer = forms.CharField(label=_("Huisnummer"), required=False, max_length=10)
    huisnummer_toevoeging = forms.CharField(label=_("Toevoeging"), required=False, max_length=10)
    huisnummer_toelichting = forms.CharField(
        label=_("Toelichting bij huisnummer"),
        required=False,
        max_length=100,
        help_text=_("Bijvoorbeeld 'tegenover' of 'bij'. Meestal leeg."),
    )
    postcode = forms.CharField(label=_("Postcode"), required=False, max_length=7, help_text=_("Bijvoorbeeld 1234AB."))
    plaats = forms.CharField(label=_("Plaats"), required=False, max_length=200)
    regel1 = forms.CharField(
        label=_("Adresregel 1"), required=False, max_length=200, help_text=_("Alleen voor een adres buiten Nederland.")
    )
    regel2 = forms.CharField(label=_("Adresregel 2"), required=False, max_length=200)
    regel3 = forms.CharField(label=_("Adresregel 3"), required=False, max_length=200)

    def __init__(self, *args, landen=None, **kwargs):
        super().__init__(*args, **kwargs)
        landen = landen or [(adresregels.NEDERLAND, "Nederland")]
        self.fields["land"].choices = [("", _("Kies een land"))] + list(landen)
        self.fields["land"].initial = adresregels.NEDERLAND
        self.fields["postcode"].widget.attrs["autocomplete"] = "postal-code"
        self.fields["straat"].widget.attrs["autocomplete"] = "address-line1"
        self.fields["plaats"].widget.attrs["autocomplete"] = "address-level2"

    def clean(self):
        data = super().clean()
        adres, fouten = adresregels.valideer(data, adresregels.geldige_landcodes())
        for veld, berichten in fouten.items():
            for bericht in berichten:
                self.add_error(veld, bericht)
        return adres if not fouten else data


class ContactForm(AccessibleForm):
    email = forms.EmailField(
        label=_("E-mailadres"),
        help_text=_("Hierop krijg je je ontvangstbewijs en berichten over je aanmelding."),
        error_messages={
            "required": _("Vul je e-mailadres in."),
            "invalid": _("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl."),
        },
    )
    telefoon = forms.CharField(label=_("Telefoonnummer"), required=False, max_length=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["telefoon"].widget.attrs.update(autocomplete="tel", inputmode="tel")

    def clean_telefoon(self):
        value = self.cleaned_data["telefoon"]
        return valideer_telefoon(value) if value.strip() else ""


class OuderForm(AccessibleForm):
    naam = forms.CharField(label=_("Naam"), required=False, max_length=200)
    email = forms.EmailField(
        label=_("E-mailadres (niet verplicht)"),
        required=False,
        error_messages={"invalid": _("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.")},
    )
    telefoon = forms.CharField(label=_("Telefoonnummer"), required=False, max_length=20)

    def clean(self):
        data = super().clean()
        ingevuld = any((data.get(k) or "").strip() for k in ("naam", "email", "telefoon"))
        if ingevuld:
            if not (data.get("naam") or "").strip():
                self.add_error("naam", _("Vul de naam van de ouder of verzorger in."))
            telefoon = (data.get("telefoon") or "").strip()
            if not telefoon:
                self.add_error("telefoon", _("Vul het telefoonnummer van de ouder of verzorger in."))
            else:
                try:
                    data["telefoon"] = valideer_telefoon(telefoon)
                except forms.ValidationError as e:
                    self.add_error("telefoon", e)
        data["ingevuld"] = ingevuld
        return data


class ToegangscodeStapForm(AccessibleForm):
    toegangscode = forms.CharField(
        label=_("Toegangscode"),
        max_length=60,
        help_text=_("Voor dit cohort heb je een toegangscode van de school nodig."),
        error_messages={"required": _("Vul de toegangscode in die je van de school hebt gekregen.")},
    )


class LeerbedrijfZoekForm(AccessibleForm):
    zoek = forms.CharField(label=_("Naam van het leerbedrijf"), required=False, max_length=100)
    plaats = forms.CharField(label=_("Plaats"), required=False, max_length=100)


class RegistratiecodeForm(AccessibleForm):
    registratiecode = forms.CharField(
        label=_("Registratiecode van de school"),
        max_length=60,
        help_text=_("Je krijgt deze code van de school als je geen DigiD hebt."),
        error_messages={"required": _("Vul de registratiecode in die je van de school hebt gekregen.")},
    )


class InteressemeldingForm(AccessibleForm):
    naam = forms.CharField(label=_("Naam"), max_length=200, error_messages={"required": _("Vul je naam in.")})
    email = forms.EmailField(
        label=_("E-mailadres"),
        error_messages={
            "required": _("Vul je e-mailadres in."),
            "invalid": _("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl."),
        },
    )
    telefoon = forms.CharField(label=_("Telefoonnummer (niet verplicht)"), required=False, max_length=20)
    geboortedatum = forms.DateField(
        label=_("Geboortedatum (niet verplicht)"),
        required=False,
        help_text=_("Bijvoorbeeld 31-12-2009."),
        input_formats=["%d-%m-%Y", "%Y-%m-%d"],
        error_messages={"invalid": _("Vul de datum in als dag-maand-jaar, bijvoorbeeld 31-12-2009.")},
    )
    opleiding = forms.ChoiceField(label=_("Opleiding (niet verplicht)"), required=False)
    vooropleiding = forms.CharField(
        label=_("Vooropleiding (niet verplicht)"), required=False, max_length=200, help_text=_("Bijvoorbeeld vmbo-kb.")
    )

    def __init__(self, *args, opleidingen=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opleiding"].choices = [("", _("Nog niet bekend"))] + list(opleidingen)

    def clean_telefoon(self):
        value = self.cleaned_data["telefoon"]
        return valideer_telefoon(value) if value.strip() else ""


class BevestigForm(AccessibleForm):
    bevestig = forms.BooleanField(
        label=_("Ja, ik weet het zeker"), error_messages={"required": _("Vink aan dat je het zeker weet.")}
    )
