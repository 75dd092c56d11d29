from django.contrib import admin

from voorzieningen.core.admin_mixins import AuditedReadOnlyAdmin

from .models import Aanmelding, IngediendInWachtrij, Interessemelding, StatusWijziging


class StatusWijzigingInline(admin.TabularInline):
    model = StatusWijziging
    extra = 0
    can_delete = False
    fields = ["tijdstip", "status", "bron", "toelichting", "correctie"]
    readonly_fields = fields


@admin.register(Aanmelding)
class AanmeldingAdmin(AuditedReadOnlyAdmin, admin.ModelAdmin):
    """For cooperative staff; the list shows no personal data, the detail view is audited."""

    audit_reason = "Beheerder bekijkt aanmelding"
    list_display = ["ca_keten_id", "keten_id", "instelling", "crebo", "status", "ingediend_op"]
    list_filter = ["status", "leertraject"]
    search_fields = ["=ca_keten_id", "=keten_id", "instelling__brin"]
    list_select_related = ["instelling"]
    inlines = [StatusWijzigingInline]
    exclude = ["indien_token"]

    def audit_subject(self, obj):
        return obj.bsn


@admin.register(Interessemelding)
class InteressemeldingAdmin(AuditedReadOnlyAdmin, admin.ModelAdmin):
    audit_reason = "Beheerder bekijkt interessemelding"
    list_display = ["pk", "instelling", "aangemaakt_op"]
    list_select_related = ["instelling"]


@admin.register(IngediendInWachtrij)
class IngediendInWachtrijAdmin(admin.ModelAdmin):
    """Operators watch the queue of submits accepted under overload; the worker, not a person, processes it."""

    list_display = ["token", "ingediend_op", "uitkomst", "verwerkt_op", "pogingen", "laatste_fout"]
    list_filter = ["uitkomst"]
    search_fields = ["=token"]
    readonly_fields = [f.name for f in IngediendInWachtrij._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
