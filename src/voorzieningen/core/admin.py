from django.contrib import admin

from .models import AuditLogEntry


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(admin.ModelAdmin):
    """Read-only: the trail is evidence and is never edited by hand."""

    list_display = ("timestamp", "actor_type", "actor_id", "action", "object_type", "object_id", "reason")
    list_filter = ("actor_type", "action", "object_type")
    search_fields = ("actor_id", "object_id", "subject_ref", "request_id")
    date_hierarchy = "timestamp"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
