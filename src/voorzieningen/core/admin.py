from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .admin_mixins import AuditedAdminMixin, AuditedReadOnlyAdmin
from .models import AuditLogEntry, OutboxBericht


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(AuditedReadOnlyAdmin, admin.ModelAdmin):
    """Read-only: the trail is evidence and is never edited by hand. Reading it is logged too."""

    audit_reason = "Audittrail ingezien"

    list_display = ("timestamp", "actor_type", "actor_id", "action", "object_type", "object_id", "reason")
    list_filter = ("actor_type", "action", "object_type")
    search_fields = ("actor_id", "object_id", "subject_ref", "request_id")
    date_hierarchy = "timestamp"


@admin.register(OutboxBericht)
class OutboxBerichtAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Staff see what waits or failed (dead letters) and can retry now; payloads are not shown."""

    list_display = ["sleutel", "kanaal", "status", "pogingen", "volgende_poging", "laatste_fout"]
    list_filter = ["status", "kanaal"]
    search_fields = ["sleutel"]
    exclude = ["payload"]
    audit_reason = "Beheerder bekijkt uitgaand bericht"
    readonly_fields = ["kanaal", "sleutel", "status", "pogingen", "volgende_poging", "laatste_fout", "afgeleverd_op"]
    actions = ["opnieuw_proberen"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Nu opnieuw proberen"))
    def opnieuw_proberen(self, request, queryset):
        from . import outbox

        for pk in queryset.exclude(status=OutboxBericht.Status.AFGELEVERD).values_list("pk", flat=True):
            outbox.opnieuw(pk)
