"""Admin pieces shared by the apps: every staff view of personal data lands in the audit trail."""

from .services import Actor, audit_read


class ReadOnlyAdminMixin:
    """Nothing added, changed or deleted by hand: changes go through the services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedReadOnlyAdmin(ReadOnlyAdminMixin):
    """Read-only admin whose detail view writes an audit line."""

    audit_reason = "Beheerder bekijkt gegevens"

    def audit_subject(self, obj) -> str:
        return ""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None:
            audit_read(Actor.from_request(request), obj, reason=self.audit_reason, subject=self.audit_subject(obj))
        return super().change_view(request, object_id, form_url, extra_context)
