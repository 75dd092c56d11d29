from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from voorzieningen.core.admin_mixins import AuditedReadOnlyAdmin, ReadOnlyAdminMixin

from . import services
from .models import (
    Afzender,
    BeoogdeMboGanger,
    GemeenteEndpoint,
    GemeenteSignaal,
    Routering,
    SimulatorOntvangst,
    VoIltCode,
)


@admin.register(Afzender)
class AfzenderAdmin(admin.ModelAdmin):
    list_display = ["naam", "instelling", "prefix", "sandbox", "actief", "aangemaakt_op"]
    list_filter = ["sandbox", "actief"]
    search_fields = ["naam", "instelling__naam", "instelling__brin"]
    fields = ["naam", "instelling", "sandbox", "actief", "prefix"]
    readonly_fields = ["prefix"]
    raw_id_fields = ["instelling"]
    actions = ["nieuwe_sleutel"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        afzender, sleutel = services.maak_afzender(obj.naam, obj.instelling, obj.sandbox)
        obj.pk = afzender.pk
        self.message_user(request, _("Sleutel (wordt maar één keer getoond): %(s)s") % {"s": sleutel}, messages.WARNING)

    @admin.action(description=_("Nieuwe sleutel maken (de oude vervalt)"))
    def nieuwe_sleutel(self, request, queryset):
        for afzender in queryset:
            sleutel = services.vervang_sleutel(afzender)
            self.message_user(
                request, _("%(n)s: nieuwe sleutel %(s)s") % {"n": afzender.naam, "s": sleutel}, messages.WARNING
            )


@admin.register(VoIltCode)
class VoIltCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "omschrijving"]
    search_fields = ["code", "omschrijving"]


@admin.register(GemeenteEndpoint)
class GemeenteEndpointAdmin(admin.ModelAdmin):
    list_display = ["gemeentecode", "url", "rmc_regio"]
    search_fields = ["gemeentecode", "rmc_regio"]


@admin.register(Routering)
class RouteringAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["bericht_id", "afzender", "ontvangen_op", "ontvangers", "sandbox"]
    list_filter = ["sandbox", "afzender"]
    search_fields = ["bericht_id"]


@admin.register(SimulatorOntvangst)
class SimulatorOntvangstAdmin(AuditedReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["ontvanger", "bericht_id", "ontvangen_op", "aantal_keer"]


@admin.register(BeoogdeMboGanger)
class BeoogdeMboGangerAdmin(AuditedReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["pgn", "gemeentecode", "brin_vo", "beoogd", "bijgewerkt_op"]
    list_filter = ["beoogd"]


@admin.register(GemeenteSignaal)
class GemeenteSignaalAdmin(AuditedReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["peildatum", "gemeentecode", "soort", "aanmeld_id", "status"]
    list_filter = ["soort", "peildatum"]
