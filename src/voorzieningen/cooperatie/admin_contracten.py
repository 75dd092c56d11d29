"""Staff admin for suppliers and contracts: extensions, the yearly compliance check and the report for the AV.

The AV part can link to the report: ``reverse("admin:cooperatie_contract_avrapport")``
with ``?cooperatie=<pk>&jaar=<jaar>``.
"""

import re

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from voorzieningen.core.admin_mixins import AuditedAdminMixin

from . import contracten
from .admin_dienstverlening import formulier, wijzig_url
from .models import Contract, Contracttoetsing, Contractverlenging, Cooperatie, Leverancier


@admin.register(Leverancier)
class LeverancierAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["naam", "kvk_nummer", "contactpersoon"]
    search_fields = ["naam", "kvk_nummer"]
    audit_reason = "Beheerder bekijkt een leverancier (met contactpersoon)"


class ContractverlengingInline(admin.TabularInline):
    model = Contractverlenging
    extra = 0
    can_delete = False
    fields = ["volgnummer", "besloten_op", "besluit"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # through 'Verlengen', which checks the maximum


class ContracttoetsingInline(admin.StackedInline):
    model = Contracttoetsing
    extra = 0
    fields = ["jaar", "uitgevoerd_op", "uitkomst", "bevindingen", "maatregelen", "uitgevoerd_door"]
    readonly_fields = ["uitgevoerd_door"]


class VerlengForm(forms.Form):
    besloten_op = forms.DateField(label=_("besloten op"))
    besluit = forms.CharField(label=_("verwijzing naar het besluit"), max_length=255, required=False)


class AflopenForm(forms.Form):
    per = forms.DateField(
        label=_("loopt af per"), required=False, help_text=_("Leeg: op de huidige einddatum van het contract.")
    )


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = [
        "onderwerp",
        "leverancier",
        "ingangsdatum",
        "einddatum",
        "verlengingen",
        "volgende_beslisdatum",
        "laatste_toetsing",
    ]
    list_filter = ["cooperatie", "leverancier"]
    search_fields = ["onderwerp", "kenmerk", "leverancier__naam"]
    filter_horizontal = ["diensten"]
    inlines = [ContractverlengingInline, ContracttoetsingInline]
    readonly_fields = [
        "einddatum_initieel",
        "einddatum",
        "einddatum_maximaal",
        "volgende_beslisdatum",
        "herinneringsdatum",
        "beeindigd_per",
    ]
    fieldsets = [
        (None, {"fields": ["cooperatie", "leverancier", "onderwerp", "kenmerk", "diensten", "eisen"]}),
        (
            _("Looptijd"),
            {
                "fields": [
                    "ingangsdatum",
                    "looptijd_jaren",
                    "max_verlengingen",
                    "verlenging_jaren",
                    "afwijking_motivering",
                    "opzegtermijn_maanden",
                    "herinnering_maanden",
                ]
            },
        ),
        (
            _("Berekend"),
            {
                "fields": [
                    "einddatum_initieel",
                    "einddatum",
                    "einddatum_maximaal",
                    "volgende_beslisdatum",
                    "herinneringsdatum",
                    "beeindigd_per",
                ]
            },
        ),
    ]
    change_form_template = "cooperatie/admin/dienst_change_form.html"
    change_list_template = "cooperatie/admin/dienst_change_list.html"

    @admin.display(description=_("verlengingen"))
    def verlengingen(self, obj):
        return f"{obj.benutte_verlengingen} / {obj.max_verlengingen}"

    @admin.display(description=_("laatste toetsing"))
    def laatste_toetsing(self, obj):
        toetsing = obj.toetsingen.first()
        return str(toetsing) if toetsing else "—"

    def save_formset(self, request, form, formset, change):
        for toetsing in formset.save(commit=False):
            if isinstance(toetsing, Contracttoetsing) and toetsing.uitgevoerd_door_id is None:
                toetsing.uitgevoerd_door = request.user
            toetsing.save()
        for weg in formset.deleted_objects:
            weg.delete()
        formset.save_m2m()

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "dienst_acties": [(reverse("admin:cooperatie_contract_avrapport"), _("Verslag voor de AV"))],
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        acties = []
        if obj is not None and obj.beeindigd_per is None:
            if obj.kan_verlengen:
                acties.append((reverse("admin:cooperatie_contract_verlengen", args=[obj.pk]), _("Verlengen")))
            acties.append((reverse("admin:cooperatie_contract_aflopen", args=[obj.pk]), _("Laten aflopen")))
        extra_context = {**(extra_context or {}), "dienst_acties": acties}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        beheer = self.admin_site.admin_view
        return [
            path("av-rapport/", beheer(self.rapport_view), name="cooperatie_contract_avrapport"),
            path("<int:pk>/verlengen/", beheer(self.verleng_view), name="cooperatie_contract_verlengen"),
            path("<int:pk>/aflopen/", beheer(self.aflopen_view), name="cooperatie_contract_aflopen"),
            *super().get_urls(),
        ]

    def _contract(self, request, pk) -> Contract:
        contract = get_object_or_404(Contract, pk=pk)
        if not self.has_change_permission(request, contract):
            raise PermissionDenied
        return contract

    def verleng_view(self, request, pk):
        contract = self._contract(request, pk)
        form = VerlengForm(request.POST or None, initial={"besloten_op": timezone.localdate()})
        if request.method == "POST" and form.is_valid():
            try:
                contracten.verleng(contract, **form.cleaned_data)
            except ValidationError as exc:
                for melding in exc.messages:
                    form.add_error(None, melding)
            else:
                contract.refresh_from_db()
                self.message_user(
                    request, _("Verlengd tot en met %(datum)s.") % {"datum": contract.einddatum.strftime("%d-%m-%Y")}
                )
                return redirect(wijzig_url(contract))
        return formulier(
            self,
            request,
            titel=_("Contract verlengen"),
            form=form,
            knop=_("Verlenging vastleggen"),
            obj=contract,
            uitleg=_("Nu tot en met %(einde)s; na verlenging tot en met %(nieuw)s (%(n)d van %(max)d).")
            % {
                "einde": contract.einddatum.strftime("%d-%m-%Y"),
                "nieuw": contract.einddatum_na(contract.benutte_verlengingen + 1).strftime("%d-%m-%Y"),
                "n": contract.benutte_verlengingen + 1,
                "max": contract.max_verlengingen,
            },
        )

    def aflopen_view(self, request, pk):
        contract = self._contract(request, pk)
        form = AflopenForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                contracten.laat_aflopen(contract, per=form.cleaned_data["per"])
            except ValidationError as exc:
                for melding in exc.messages:
                    form.add_error(None, melding)
            else:
                self.message_user(request, _("Vastgelegd: het contract wordt niet verder verlengd."))
                return redirect(wijzig_url(contract))
        return formulier(
            self,
            request,
            titel=_("Contract laten aflopen"),
            form=form,
            knop=_("Vastleggen"),
            obj=contract,
            uitleg=_("Er komen daarna geen herinneringen meer voor dit contract."),
        )

    def rapport_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        cooperaties = Cooperatie.objects.all()
        gekozen, jaar_tekst = request.GET.get("cooperatie", ""), request.GET.get("jaar", "")
        # A value that is no id or year (typed into the address bar) shows the default, not a server error.
        cooperatie = re.fullmatch(r"[0-9]{1,9}", gekozen) and cooperaties.filter(pk=int(gekozen)).first()
        cooperatie = cooperatie or cooperaties.first()
        jaar = int(jaar_tekst) if re.fullmatch(r"[0-9]{4}", jaar_tekst) else timezone.localdate().year
        if not 1900 <= jaar <= 2999:
            jaar = timezone.localdate().year
        regels = contracten.av_rapport(cooperatie, jaar) if cooperatie else []
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Contracten en jaarlijkse toetsing %(jaar)d") % {"jaar": jaar},
            "cooperaties": cooperaties,
            "cooperatie": cooperatie,
            "jaar": jaar,
            "regels": regels,
        }
        return TemplateResponse(request, "cooperatie/admin/contract_avrapport.html", context)
