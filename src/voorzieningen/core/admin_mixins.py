"""Admin pieces shared by the apps: every staff view or change of personal data lands in the audit trail."""

from .services import Actor, audit_change, audit_delete, audit_read


class ReadOnlyAdminMixin:
    """Nothing added, changed or deleted by hand: changes go through the services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedAdminMixin:
    """Writes an audit line for each list shown (with the ids on the page), each detail view, save and delete.

    Required for every admin of a model holding personal data (a test in ``privacy`` checks this).
    """

    audit_reason = "Beheerder bekijkt gegevens"

    def audit_subject(self, obj) -> str:
        return ""

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        if request.method == "GET":
            audit_read(
                Actor.from_request(request),
                object_type=self.model._meta.label,
                reason=f"{self.audit_reason} (lijst)",
                ids=[str(o.pk) for o in changelist.result_list],
            )
        return changelist

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            obj = self.get_object(request, object_id)
            if obj is not None:
                audit_read(Actor.from_request(request), obj, reason=self.audit_reason, subject=self.audit_subject(obj))
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_change(
            Actor.from_request(request),
            obj,
            reason="Beheerder wijzigt gegevens" if change else "Beheerder voert gegevens in",
            created=not change,
            subject=self.audit_subject(obj),
            velden=list(form.changed_data),
        )

    def delete_model(self, request, obj):
        subject, label, pk = self.audit_subject(obj), obj._meta.label, str(obj.pk)
        super().delete_model(request, obj)
        audit_delete(
            Actor.from_request(request),
            object_type=label,
            object_id=pk,
            reason="Beheerder verwijdert gegevens",
            subject=subject,
        )

    def delete_queryset(self, request, queryset):
        rows = [(str(o.pk), self.audit_subject(o)) for o in queryset]
        super().delete_queryset(request, queryset)
        for pk, subject in rows:
            audit_delete(
                Actor.from_request(request),
                object_type=self.model._meta.label,
                object_id=pk,
                reason="Beheerder verwijdert gegevens",
                subject=subject,
            )


class AuditedReadOnlyAdmin(AuditedAdminMixin, ReadOnlyAdminMixin):
    """Read-only admin that logs every list and detail view."""
