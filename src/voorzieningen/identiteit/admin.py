from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from voorzieningen.core.admin_mixins import AuditedAdminMixin

from .models import User


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    audit_reason = "Beheerder bekijkt gebruiker"

    def audit_subject(self, obj):
        return obj.bsn or ""

    list_display = ("username", "email", "is_staff", "is_active", "last_login")
    fieldsets = DjangoUserAdmin.fieldsets
