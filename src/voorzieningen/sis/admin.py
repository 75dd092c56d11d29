from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from voorzieningen.core.admin_mixins import AuditedAdminMixin

from .models import Aanlevering, Koppelpunt, SisSleutel


class SisSleutelInline(admin.TabularInline):
    model = SisSleutel
    extra = 0
    can_delete = False
    fields = ["prefix", "aangemaakt_op", "laatst_gebruikt_op", "ingetrokken_op"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # keys are made by the service, shown once


@admin.register(Koppelpunt)
class KoppelpuntAdmin(admin.ModelAdmin):
    list_display = ["code", "instelling", "standaard", "actief", "stub_sis", "geldig_vanaf"]
    list_filter = ["standaard", "actief", "stub_sis"]
    search_fields = ["code", "instelling__naam", "instelling__brin"]
    raw_id_fields = ["instelling"]
    filter_horizontal = ["aanbieders"]
    inlines = [SisSleutelInline]
    actions = ["nieuwe_sleutel"]

    @admin.action(description=_("Nieuwe API-sleutel maken (oude blijven geldig tot intrekken)"))
    def nieuwe_sleutel(self, request, queryset):
        from django.contrib import messages

        from . import services

        for koppelpunt in queryset:
            sleutel = services.maak_sleutel(koppelpunt)
            self.message_user(
                request,
                _("Nieuwe sleutel voor %(code)s (wordt maar één keer getoond): %(sleutel)s")
                % {"code": koppelpunt.code, "sleutel": sleutel},
                messages.WARNING,
            )


@admin.register(Aanlevering)
class AanleveringAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_reason = "Beheerder bekijkt aanlevering aan de SIS"

    list_display = ["aanmelding", "koppelpunt", "in_wachtrij_sinds", "opgehaald_op", "bevestigd_op", "foutmelding_op"]
    list_filter = ["koppelpunt"]
    raw_id_fields = ["aanmelding"]
    actions = ["terug_in_wachtrij"]

    @admin.action(description=_("Opnieuw klaarzetten voor de SIS"))
    def terug_in_wachtrij(self, request, queryset):
        from . import services

        aantal = services.zet_terug_in_wachtrij(queryset, door=f"{request.user} (beheer coöperatie)")
        self.message_user(request, _("%(n)d aanmelding(en) opnieuw klaargezet.") % {"n": aantal})
