from django.urls import path

from . import views

urlpatterns = [
    path("koppelpunten/<str:koppelpuntcode>/aanmeldingen", views.Wachtrij.as_view(), name="sis-wachtrij"),
    path(
        "koppelpunten/<str:koppelpuntcode>/aanmeldingen/volledig",
        views.WachtrijVolledig.as_view(),
        name="sis-wachtrij-volledig",
    ),
    path("koppelpunten/<str:koppelpuntcode>/bevestigingen", views.Bevestigingen.as_view(), name="sis-bevestigingen"),
    path(
        "koppelpunten/<str:koppelpuntcode>/aanmeldingen/<uuid:ca_keten_id>",
        views.AanmeldingDetail.as_view(),
        name="sis-aanmelding",
    ),
    path(
        "koppelpunten/<str:koppelpuntcode>/aanmeldingen/<uuid:ca_keten_id>/bevestiging",
        views.Bevestiging.as_view(),
        name="sis-bevestiging",
    ),
    path(
        "koppelpunten/<str:koppelpuntcode>/aanmeldingen/<uuid:ca_keten_id>/foutmeldingen",
        views.Foutmelding.as_view(),
        name="sis-foutmelding",
    ),
    path("koppelpunten/<str:koppelpuntcode>/statusberichten", views.Statusberichten.as_view(), name="sis-status"),
    path(
        "koppelpunten/<str:koppelpuntcode>/statusberichten/bulk",
        views.StatusberichtenBulk.as_view(),
        name="sis-status-bulk",
    ),
    path("koppelpunten/<str:koppelpuntcode>/gebeurtenissen", views.Gebeurtenissen.as_view(), name="sis-gebeurtenissen"),
    path(
        "koppelpunten/<str:koppelpuntcode>/gebeurtenissen/<int:gebeurtenis_id>/bevestiging",
        views.GebeurtenisBevestiging.as_view(),
        name="sis-gebeurtenis-bevestiging",
    ),
]
