"""Forms of the institution admin environment. Every error is specific and in Dutch."""

import datetime

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from voorzieningen.aanmelden.statussen import Status
from voorzieningen.catalogus.models import Cohort
from voorzieningen.sis.models import Koppelpunt

from .models import DOMEIN, Instellingsconfiguratie, OpleidingRetourlinks

TEKST = {"class": "utrecht-textbox utrecht-textbox--html-input"}
DATUM = {"class": "utrecht-textbox utrecht-textbox--html-input", "type": "date"}
KEUZE = {"class": "utrecht-select utrecht-select--html-select"}
VINK = {"class": "utrecht-checkbox utrecht-checkbox--html-input"}
TEKSTVAK = {"class": "utrecht-textarea utrecht-textarea--html-textarea", "rows": 4}


class AccountAanmakenForm(forms.Form):
    wachtwoord = forms.CharField(
        label=_("Kies een wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={**TEKST, "autocomplete": "new-password"}),
        help_text=_("Minstens 12 tekens; geen veelgebruikt wachtwoord en niet alleen cijfers."),
    )
    herhaling = forms.CharField(
        label=_("Herhaal het wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={**TEKST, "autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_wachtwoord(self):
        wachtwoord = self.cleaned_data["wachtwoord"]
        if len(wachtwoord) < 12:
            raise ValidationError(_("Het wachtwoord moet minstens 12 tekens lang zijn."))
        password_validation.validate_password(wachtwoord)
        return wachtwoord

    def clean(self):
        data = super().clean()
        if data.get("wachtwoord") and data.get("herhaling") and data["wachtwoord"] != data["herhaling"]:
            self.add_error("herhaling", _("De twee wachtwoorden zijn niet gelijk."))
        return data


class AanmeldingFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Zoeken"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs=TEKST),
        help_text=_("caKetenId, ketenId of achternaam"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Alle statussen")), *Status.choices],
        widget=forms.Select(attrs=KEUZE),
    )
    opleiding = forms.TypedChoiceField(
        label=_("Opleiding"), required=False, coerce=int, empty_value=None, widget=forms.Select(attrs=KEUZE)
    )
    cohort = forms.CharField(label=_("Cohortcode"), required=False, max_length=60, widget=forms.TextInput(attrs=TEKST))
    foutmeldingen = forms.BooleanField(label=_("Heeft foutmeldingen"), required=False, widget=forms.CheckboxInput(VINK))
    niet_opgehaald = forms.BooleanField(label=_("Niet opgehaald"), required=False, widget=forms.CheckboxInput(VINK))
    van = forms.DateField(label=_("Ingediend vanaf"), required=False, widget=forms.DateInput(DATUM, format="%Y-%m-%d"))
    tot = forms.DateField(
        label=_("Ingediend tot en met"), required=False, widget=forms.DateInput(DATUM, format="%Y-%m-%d")
    )

    def __init__(self, *args, opleidingen=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opleiding"].choices = [("", _("Alle opleidingen"))] + [
            (o.pk, f"{o.wervingsnaam} ({o.kwalificatie.crebo}, {o.get_leertraject_display()})") for o in opleidingen
        ]

    def clean(self):
        data = super().clean()
        if data.get("van") and data.get("tot") and data["van"] > data["tot"]:
            self.add_error("tot", _("De einddatum ligt vóór de begindatum."))
        return data


class PeriodeForm(forms.Form):
    koppelpunt = forms.ModelChoiceField(
        label=_("Koppelpunt"), queryset=Koppelpunt.objects.none(), widget=forms.Select(attrs=KEUZE)
    )
    van = forms.DateField(label=_("Ingediend vanaf"), widget=forms.DateInput(DATUM, format="%Y-%m-%d"))
    tot = forms.DateField(label=_("Ingediend tot en met"), widget=forms.DateInput(DATUM, format="%Y-%m-%d"))

    def __init__(self, *args, instelling=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["koppelpunt"].queryset = Koppelpunt.objects.filter(instelling=instelling)

    def clean(self):
        data = super().clean()
        van, tot = data.get("van"), data.get("tot")
        if van and tot and van > tot:
            self.add_error("tot", _("De einddatum ligt vóór de begindatum."))
        if van and van < datetime.date.today() - datetime.timedelta(days=366):
            self.add_error("van", _("Alleen aanmeldingen van het afgelopen jaar kunnen opnieuw worden klaargezet."))
        return data


class AlgemeenForm(forms.ModelForm):
    whitelist_actief = forms.BooleanField(
        label=_("Alleen opleidingen op de whitelist tonen"), required=False, widget=forms.CheckboxInput(VINK)
    )

    class Meta:
        model = Instellingsconfiguratie
        fields = ["toegestane_domeinen", "retour_url_succes", "retour_url_fout", "registratiecode"]
        widgets = {
            "toegestane_domeinen": forms.Textarea(TEKSTVAK),
            "retour_url_succes": forms.URLInput(TEKST),
            "retour_url_fout": forms.URLInput(TEKST),
            "registratiecode": forms.TextInput(TEKST),
        }

    def clean_toegestane_domeinen(self):
        regels = [r.strip().lower().rstrip(".") for r in self.cleaned_data["toegestane_domeinen"].splitlines()]
        fouten = []
        for regel in filter(None, regels):
            try:
                DOMEIN(regel)
            except ValidationError:
                fouten.append(regel)
        if fouten:
            raise ValidationError(
                _("Geen geldige domeinnaam: %(domeinen)s. Geef alleen de domeinnaam, zonder https:// of pad.")
                % {"domeinen": ", ".join(fouten)}
            )
        return "\n".join(dict.fromkeys(filter(None, regels)))

    def clean_registratiecode(self):
        code = self.cleaned_data["registratiecode"].strip()
        if code and len(code) < 6:
            raise ValidationError(_("Een registratiecode heeft minstens 6 tekens, zodat hij niet te raden is."))
        bezet = Instellingsconfiguratie.objects.filter(registratiecode=code).exclude(pk=self.instance.pk)
        if code and bezet.exists():
            raise ValidationError(_("Deze registratiecode is al in gebruik. Kies een andere."))
        return code


class RetourlinksForm(forms.ModelForm):
    class Meta:
        model = OpleidingRetourlinks
        fields = ["retour_url_succes", "retour_url_fout"]
        widgets = {"retour_url_succes": forms.URLInput(TEKST), "retour_url_fout": forms.URLInput(TEKST)}


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ["toegangscode", "capaciteit"]
        widgets = {
            "toegangscode": forms.TextInput(TEKST),
            "capaciteit": forms.NumberInput({**TEKST, "min": 1, "max": 32000}),
        }
        help_texts = {
            "toegangscode": _("Leeg: het cohort is voor iedereen zichtbaar. Met code: alleen wie de code kent."),
            "capaciteit": _("Leeg: geen maximum. Bij een maximum sluit het cohort als alle plaatsen bezet zijn."),
        }

    def clean_toegangscode(self):
        code = self.cleaned_data["toegangscode"].strip()
        if code and len(code) < 4:
            raise ValidationError(_("Een toegangscode heeft minstens 4 tekens."))
        return code

    def clean_capaciteit(self):
        capaciteit = self.cleaned_data["capaciteit"]
        bezet = self.instance.aantal_aanmeldingen
        if capaciteit is not None and capaciteit < bezet:
            raise ValidationError(
                _("Er zijn al %(n)d plaatsen bezet; de capaciteit kan niet lager zijn.") % {"n": bezet}
            )
        return capaciteit


class KoppelpuntForm(forms.ModelForm):
    class Meta:
        model = Koppelpunt
        fields = ["code", "naam", "aanbieders", "geldig_vanaf", "actief", "stub_sis", "webhook_url"]
        widgets = {
            "code": forms.TextInput(TEKST),
            "naam": forms.TextInput(TEKST),
            "aanbieders": forms.CheckboxSelectMultiple(),
            "geldig_vanaf": forms.DateTimeInput({**TEKST, "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "actief": forms.CheckboxInput(VINK),
            "stub_sis": forms.CheckboxInput(VINK),
            "webhook_url": forms.URLInput(TEKST),
        }
        help_texts = {
            "aanbieders": _(
                "Alleen voor een extra koppelpunt: de onderwijsaanbieders waarvan deze SIS de aanmeldingen krijgt. "
                "Het standaardkoppelpunt krijgt alle overige."
            ),
            "geldig_vanaf": _("Aanmeldingen die vanaf dit moment worden ingediend, gaan naar dit koppelpunt."),
            "webhook_url": _("Optioneel: adres dat de SIS laat weten dat er iets klaarstaat (https)."),
        }

    def __init__(self, *args, instelling=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instelling = instelling
        self.fields["aanbieders"].queryset = instelling.aanbieders.all()
        self.fields["aanbieders"].required = False
        if self.instance.pk:
            self.fields["code"].disabled = True  # the SIS holds this code; changing it breaks the link
            self.fields["code"].help_text = _("De code staat ook in de SIS en kan niet worden gewijzigd.")

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not self.instance.pk and Koppelpunt.objects.filter(code=code).exists():
            raise ValidationError(_("Deze koppelpuntcode bestaat al. Een code is landelijk uniek."))
        return code

    def clean_webhook_url(self):
        url = self.cleaned_data["webhook_url"]
        if url and not url.startswith("https://") and not url.startswith("http://127.0.0.1"):
            raise ValidationError(_("Een webhook moet https gebruiken."))
        return url

    def clean(self):
        data = super().clean()
        if not self.instance.standaard and not data.get("aanbieders") and (self.instance.pk or data.get("code")):
            self.add_error("aanbieders", _("Kies minstens één onderwijsaanbieder voor een extra koppelpunt."))
        return data


class DeeplinkForm(forms.Form):
    cohort = forms.ChoiceField(label=_("Cohort"), required=False, widget=forms.Select(attrs=KEUZE))
    return_url = forms.URLField(
        label=_("Terugkeeradres (returnUrl)"),
        required=False,
        max_length=500,
        widget=forms.URLInput(TEKST),
        help_text=_("Optioneel; alleen adressen binnen de toegestane domeinen worden gevolgd."),
    )

    def __init__(self, *args, cohorten=(), domeinen=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.domeinen = list(domeinen)
        self.fields["cohort"].choices = [("", _("Geen vast cohort (de student kiest)"))] + [
            (c.code, f"{c.code} — {c.begindatum:%d-%m-%Y}") for c in cohorten
        ]

    def clean_return_url(self):
        from .services import is_toegestane_url

        url = self.cleaned_data["return_url"]
        if url and not is_toegestane_url(url, self.domeinen):
            raise ValidationError(
                _("Dit adres valt niet binnen de toegestane domeinen; voeg het domein eerst toe bij Instellingen.")
            )
        return url


class AfstemmingForm(forms.Form):
    bestand = forms.FileField(
        label=_("Export uit de SIS (CSV)"),
        help_text=_("Kolommen caKetenId en/of ketenId en status; scheidingsteken ; of , — hoogstens 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    als_csv = forms.BooleanField(
        label=_("De verschillen als CSV-bestand downloaden in plaats van op de pagina tonen"),
        required=False,
        widget=forms.CheckboxInput(VINK),
    )
