import copy

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from voorzieningen.core.admin_mixins import AuditedAdminMixin

from . import datalekken, dpia
from .models import DPIA, Datalek


class DatalekForm(forms.ModelForm):
    afsluiten = forms.BooleanField(
        label=_("Datalek afsluiten"),
        required=False,
        help_text=_("Kan pas als het risico is beoordeeld en de stappen die daarbij horen zijn gezet."),
    )

    class Meta:
        model = Datalek
        fields = [
            "titel", "omschrijving", "voorziening", "ontdekt_op", "vertrouwelijkheid", "integriteit",
            "beschikbaarheid", "categorieen", "aantal_betrokkenen", "risico", "motivering", "ap_gemeld_op",
            "ap_meldnummer", "reden_vertraging", "instellingen_geinformeerd_op", "betrokkenen_geinformeerd_op",
            "reden_niet_informeren", "maatregelen",
        ]  # fmt: skip

    def clean(self):
        data = super().clean()
        kopie = copy.copy(self.instance)
        for naam, waarde in data.items():
            if hasattr(kopie, naam) and naam in {f.name for f in Datalek._meta.fields}:
                setattr(kopie, naam, waarde)
        fouten = datalekken.fouten(kopie)
        if data.get("afsluiten"):
            fouten = {**datalekken.sluitfouten(kopie), **fouten}
        for veld, melding in fouten.items():
            self.add_error(veld if veld in self.fields else None, melding)
        return data


@admin.register(Datalek)
class DatalekAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The data-breach register, step by step; the 72-hour clock is on the list and on the form."""

    form = DatalekForm
    audit_reason = "Datalekregister ingezien"
    list_display = ["ontdekt_op", "titel", "voorziening", "fase", "risico", "meldtermijn_klok"]
    list_filter = ["fase", "risico", "voorziening"]
    search_fields = ["titel", "ap_meldnummer"]
    date_hierarchy = "ontdekt_op"
    fieldsets = [
        (_("1. Melding"), {"fields": ["titel", "omschrijving", "voorziening", "ontdekt_op", "meldtermijn_klok"]}),
        (
            _("2. Beoordeling"),
            {
                "fields": [
                    ("vertrouwelijkheid", "integriteit", "beschikbaarheid"),
                    "categorieen",
                    "aantal_betrokkenen",
                    "risico",
                    "motivering",
                ]
            },
        ),
        (
            _("3. Melden en informeren"),
            {
                "fields": [
                    "ap_gemeld_op",
                    "ap_meldnummer",
                    "reden_vertraging",
                    "instellingen_geinformeerd_op",
                    "betrokkenen_geinformeerd_op",
                    "reden_niet_informeren",
                ]
            },
        ),
        (_("4. Afsluiten"), {"fields": ["maatregelen", "afsluiten"]}),
        (_("Verloop"), {"fields": ["fase", "gemeld_door", "gemeld_op", "beoordeeld_op", "gesloten_op"]}),
    ]

    @admin.display(description=_("72-uursklok"))
    def meldtermijn_klok(self, obj):
        return datalekken.klok(obj) if obj and obj.pk else _("Start bij het opslaan, vanaf het moment van ontdekken")

    def get_readonly_fields(self, request, obj=None):
        verloop = ["meldtermijn_klok", "fase", "gemeld_door", "gemeld_op", "beoordeeld_op", "gesloten_op"]
        if obj and obj.gesloten_op:  # closed is closed: the register is evidence
            return [f.name for f in Datalek._meta.fields if f.name != "id"] + ["meldtermijn_klok"]
        return verloop

    def get_fieldsets(self, request, obj=None):
        if obj and obj.gesloten_op:
            return [(n, {"fields": [f for f in o["fields"] if f != "afsluiten"]}) for n, o in self.fieldsets]
        return self.fieldsets

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        datalekken.bewaar(obj, request.user)
        if form.cleaned_data.get("afsluiten"):
            datalekken.sluit(obj, request.user)


@admin.register(DPIA)
class DPIAAdmin(admin.ModelAdmin):
    """DPIAs per provision; the list opens with the state of each provision's most recent one."""

    list_display = ["voorziening", "titel", "aanleiding", "uitgevoerd_op", "vastgesteld_op", "volgende_herziening"]
    list_filter = ["voorziening", "aanleiding", "restrisico"]
    raw_id_fields = ["verantwoordelijke"]
    change_list_template = "admin/privacy/dpia/change_list.html"

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}), "standen": dpia.overzicht()})
