"""Audit coverage: every admin screen on personal data writes the trail, and the systems (SIS, koppelpunt) do too."""

from django.contrib import admin

import pytest

import voorzieningen.conf.urls  # noqa: F401 — registers every ModelAdmin
from voorzieningen.aanmelden.tests.factories import AanmeldingFactory
from voorzieningen.core.admin_mixins import AuditedAdminMixin
from voorzieningen.core.models import AuditLogEntry
from voorzieningen.identiteit.models import User
from voorzieningen.privacy.register import gedekte_velden


def test_every_admin_of_a_model_with_personal_data_writes_the_audit_trail():
    persoonlijk = {veld.rsplit(".", 1)[0] for veld in gedekte_velden()}
    zonder = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if model._meta.label in persoonlijk and not isinstance(model_admin, AuditedAdminMixin)
    ]
    assert zonder == [], "admins showing personal data without an audit line (use core.admin_mixins)"


@pytest.mark.django_db
def test_the_admin_logs_lists_with_the_ids_shown_details_and_changes(admin_client, admin_user):
    aanmelding = AanmeldingFactory()
    admin_client.get("/admin/aanmelden/aanmelding/")
    lijst = AuditLogEntry.objects.get(object_type="aanmelden.Aanmelding", reason__endswith="(lijst)")
    assert lijst.extra["ids"] == [str(aanmelding.pk)] and lijst.actor_id == f"user:{admin_user.pk}"

    admin_client.get(f"/admin/aanmelden/aanmelding/{aanmelding.pk}/change/")
    assert AuditLogEntry.objects.filter(object_id=str(aanmelding.pk), action="read").count() == 1

    medewerker = User.objects.create_user("mw", email="mw@coop.example", is_staff=True)
    admin_client.get(f"/admin/identiteit/user/{medewerker.pk}/change/")
    response = admin_client.post(
        f"/admin/identiteit/user/{medewerker.pk}/change/",
        {
            "username": "mw",
            "email": "nieuw@coop.example",
            "is_active": "on",
            "is_staff": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
            "initial-date_joined_0": "2026-01-01",
            "initial-date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    wijziging = AuditLogEntry.objects.get(object_type="identiteit.User", action="update")
    assert "email" in wijziging.extra["velden"] and "nieuw@coop.example" not in str(wijziging.extra)
