"""Forms of portfolio regie: analysis filters (GET), the announcement and the conversation, the ladder's steps.

Every error is specific and in Dutch; the services check the same rules again, so a form is a convenience.
"""

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from voorzieningen.catalogus.models import Instelling, Kwalificatie
from voorzieningen.core.forms import AccessibleForm
from voorzieningen.core.models import Gemeente

from . import overleg
from .data import Selectie
from .models import Bijdrage, Casus, Commissielid, Escalatiestap, Overlapmodus, Soort

CREBO = RegexValidator(r"^\d{5}$", _("Een crebo bestaat uit vijf cijfers."))
NIVEAU_KEUZES = [("", _("Alle niveaus")), ("1", _("Entree (1)")), ("2", "2"), ("3", "3"), ("4", "4")]


def _gemeenten():
    return Gemeente.objects.filter(actueel=True).order_by("naam")


class InstellingKeuze(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.naam} ({obj.brin})"


class GemeenteKeuze(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.naam


def _kwalificatie(crebo: str, veld: str, form: forms.Form) -> Kwalificatie | None:
    if not crebo:
        return None
    kwal = Kwalificatie.objects.filter(crebo=crebo).first()
    if kwal is None:
        form.add_error(veld, _("Crebo %(crebo)s is niet bekend.") % {"crebo": crebo})
    return kwal


class AnalyseForm(AccessibleForm):
    crebo = forms.CharField(label=_("Crebo (vijf cijfers)"), required=False, max_length=5, validators=[CREBO])
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    niveau = forms.ChoiceField(label=_("Niveau"), required=False, choices=NIVEAU_KEUZES)

    def __init__(self, *args, sectoren: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [("", _("Alle sectoren"))] + [(s, s) for s in sectoren]

    def clean_crebo(self):
        crebo = self.cleaned_data["crebo"].strip()
        if crebo and not Kwalificatie.objects.filter(crebo=crebo).exists():
            raise forms.ValidationError(_("Crebo %(crebo)s is niet bekend.") % {"crebo": crebo})
        return crebo

    def selectie(self) -> Selectie:
        if not self.is_bound or not self.is_valid():
            return Selectie()
        d = self.cleaned_data
        return Selectie(d.get("crebo", ""), d.get("sector", ""), int(d["niveau"]) if d.get("niveau") else None)


class OverlapForm(AnalyseForm):
    modus = forms.ChoiceField(label=_("Gebied"), required=False, choices=Overlapmodus.choices)
    straal_km = forms.IntegerField(
        label=_("Straal (km)"),
        required=False,
        min_value=1,
        max_value=200,
        help_text=_("Alleen bij 'binnen een straal'."),
    )


class ImpactForm(AccessibleForm):
    soort = forms.ChoiceField(label=_("Voornemen"), choices=Soort.choices)
    instelling = InstellingKeuze(label=_("Instelling"), queryset=Instelling.objects.order_by("naam"))
    crebo = forms.CharField(label=_("Crebo"), max_length=5, validators=[CREBO])
    gemeente = GemeenteKeuze(label=_("Gemeente"), queryset=_gemeenten())
    partner = InstellingKeuze(
        label=_("Partnerinstelling"),
        queryset=Instelling.objects.order_by("naam"),
        required=False,
        help_text=_("Bij uitruilen of samen uitvoeren."),
    )
    ruil_crebo = forms.CharField(
        label=_("Crebo in ruil"), max_length=5, required=False, validators=[CREBO], help_text=_("Alleen bij uitruilen.")
    )
    plaatsen = forms.IntegerField(
        label=_("Studieplaatsen erbij of eraf"),
        required=False,
        min_value=-32000,
        max_value=32000,
        help_text=_("Bij afschalen (negatief) of uitbreiden (positief)."),
    )

    def clean(self):
        data = super().clean()
        data["kwalificatie"] = _kwalificatie(data.get("crebo", ""), "crebo", self)
        data["ruil_kwalificatie"] = _kwalificatie(data.get("ruil_crebo", ""), "ruil_crebo", self)
        if data.get("soort") in (Soort.UITRUILEN, Soort.SAMEN) and not data.get("partner"):
            self.add_error("partner", _("Kies de partnerinstelling."))
        return data


class AankondigingForm(AccessibleForm):
    soort = forms.ChoiceField(label=_("Wat is het voornemen?"), choices=Soort.choices)
    crebo = forms.CharField(label=_("Crebo van de opleiding"), max_length=5, validators=[CREBO])
    gemeente = GemeenteKeuze(label=_("Gemeente"), queryset=_gemeenten())
    beoogde_ingang = forms.DateField(
        label=_("Beoogde ingangsdatum"), widget=forms.DateInput(attrs={"type": "date"}), help_text=_("Bijv. 1-8-2027.")
    )
    motivering = forms.CharField(
        label=_("Motivering"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        help_text=_("Waarom dit voornemen? Denk aan arbeidsmarkt, studenten, de regio en de gevolgen voor anderen."),
    )
    partner = InstellingKeuze(
        label=_("Partnerinstelling"),
        queryset=Instelling.objects.order_by("naam"),
        required=False,
        help_text=_("Alleen bij uitruilen of samen uitvoeren."),
    )
    ruil_crebo = forms.CharField(
        label=_("Crebo die de partner in ruil overdraagt"),
        max_length=5,
        required=False,
        validators=[CREBO],
        help_text=_("Alleen bij uitruilen; leeg als u alleen overdraagt."),
    )
    capaciteit_wijziging = forms.IntegerField(
        label=_("Studieplaatsen erbij of eraf"),
        required=False,
        min_value=-32000,
        max_value=32000,
        help_text=_("Alleen bij afschalen (negatief getal) of uitbreiden (positief getal)."),
    )

    def __init__(self, *args, instelling: Instelling, **kwargs):
        super().__init__(*args, **kwargs)
        self.instelling = instelling

    def clean(self):
        data = super().clean()
        kwal = _kwalificatie(data.get("crebo", ""), "crebo", self)
        ruil = _kwalificatie(data.get("ruil_crebo", ""), "ruil_crebo", self)
        if self.errors or kwal is None or not data.get("gemeente"):
            return data
        self.aankondiging = overleg.Aankondiging(
            soort=data["soort"],
            kwalificatie=kwal,
            gemeente=data["gemeente"],
            beoogde_ingang=data["beoogde_ingang"],
            motivering=data["motivering"],
            partner=data.get("partner"),
            ruil_kwalificatie=ruil,
            capaciteit_wijziging=data.get("capaciteit_wijziging"),
        )
        veldnaam = {"kwalificatie": "crebo", "ruil_kwalificatie": "ruil_crebo"}
        for veld, fout in overleg.controleer(self.instelling, self.aankondiging, timezone.localdate()).items():
            self.add_error(veldnaam.get(veld, veld), fout)
        return data


class ReactieForm(AccessibleForm):
    standpunt = forms.ChoiceField(
        label=_("Uw standpunt"), choices=[("", _("Kies een standpunt")), *Bijdrage.Standpunt.choices]
    )
    tekst = forms.CharField(label=_("Toelichting"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000)


class BerichtForm(AccessibleForm):
    tekst = forms.CharField(label=_("Bericht"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)


class VerzoekForm(AccessibleForm):
    tekst = forms.CharField(
        label=_("Waarom komen de instellingen er onderling niet uit?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
    )


class IntrekkenForm(AccessibleForm):
    tekst = forms.CharField(
        label=_("Toelichting bij het intrekken"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )


# --- staff: the ladder (admin styling) ------------------------------------------------------------------------


class DatumInput(forms.DateInput):
    input_type = "date"


def _vandaag():
    return timezone.localdate()


class StapAfrondenForm(forms.Form):
    uitkomst = forms.ChoiceField(
        label=_("Uitkomst"),
        choices=[
            (Escalatiestap.Uitkomst.VERGELIJK, _("Vergelijk bereikt")),
            (Escalatiestap.Uitkomst.GEEN_VERGELIJK, _("Geen vergelijk")),
        ],
    )
    besluit = forms.CharField(
        label=_("Besluit, advies of antwoord"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    interventie = forms.ChoiceField(
        label=_("Interventie van het bestuur"),
        choices=[("", "—"), *Escalatiestap.Interventie.choices],
        required=False,
        help_text=_("Alleen bij het signaal aan het bestuur."),
    )
    datum = forms.DateField(label=_("Datum"), widget=DatumInput, initial=_vandaag)


class DatumForm(forms.Form):
    datum = forms.DateField(label=_("Startdatum"), widget=DatumInput, initial=_vandaag)


class CommissieForm(forms.Form):
    voorzitter = forms.ModelChoiceField(
        label=_("Onafhankelijk voorzitter"),
        queryset=Commissielid.objects.filter(rol=Commissielid.Rol.VOORZITTER, actief=True),
    )
    leden = forms.ModelMultipleChoiceField(
        label=_("Leden uit de commissie governance"),
        queryset=Commissielid.objects.filter(rol=Commissielid.Rol.LID, actief=True).select_related("instelling"),
        widget=forms.CheckboxSelectMultiple,
    )


class UitspraakForm(forms.Form):
    uitspraak = forms.CharField(label=_("Uitspraak"), widget=forms.Textarea(attrs={"rows": 5}))
    datum = forms.DateField(label=_("Datum van de uitspraak"), widget=DatumInput, initial=_vandaag)
    uitvoeren_voor = forms.DateField(
        label=_("Uitvoeren uiterlijk op"),
        widget=DatumInput,
        required=False,
        help_text=_("Leeg: de standaardtermijn uit de instellingen portfolioregie."),
    )


class UitvoeringForm(forms.Form):
    hoe = forms.CharField(label=_("Hoe is de uitspraak uitgevoerd?"), widget=forms.Textarea(attrs={"rows": 3}))
    datum = forms.DateField(label=_("Uitgevoerd op"), widget=DatumInput, initial=_vandaag)


class EvaluatieForm(forms.Form):
    leerpunten = forms.CharField(label=_("Leerpunten en verbeterkansen"), widget=forms.Textarea(attrs={"rows": 5}))
    uitkomst = forms.ChoiceField(
        label=_("Uitkomst van de casus"),
        choices=[c for c in Casus.Uitkomst.choices if c[0] != Casus.Uitkomst.UITSPRAAK],
        required=False,
        help_text=_("Na een arbitrage is de uitkomst de uitspraak."),
    )
    motivering = forms.CharField(
        label=_("Toelichting op de uitkomst"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    datum = forms.DateField(label=_("Datum"), widget=DatumInput, initial=_vandaag)


class SluitenForm(forms.Form):
    uitkomst = forms.ChoiceField(
        label=_("Uitkomst"), choices=[c for c in Casus.Uitkomst.choices if c[0] != Casus.Uitkomst.UITSPRAAK]
    )
    motivering = forms.CharField(label=_("Wat is afgesproken?"), widget=forms.Textarea(attrs={"rows": 3}))
    datum = forms.DateField(label=_("Datum"), widget=DatumInput, initial=_vandaag)


class DocumentForm(forms.Form):
    stap = forms.ModelChoiceField(label=_("Bij trede"), queryset=Escalatiestap.objects.none())
    titel = forms.CharField(label=_("Titel"), max_length=200)
    bestand = forms.FileField(label=_("Bestand"), required=False)
    url = forms.URLField(label=_("Of een link"), required=False, max_length=500, assume_scheme="https")

    def __init__(self, *args, casus: Casus, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stap"].queryset = casus.stappen.all()


class BetrokkeneForm(forms.Form):
    instelling = InstellingKeuze(label=_("Instelling"), queryset=Instelling.objects.order_by("naam"))


class RegieberichtForm(forms.Form):
    tekst = forms.CharField(label=_("Bericht aan de partijen"), widget=forms.Textarea(attrs={"rows": 3}))
