from django.urls import path

from . import views

app_name = "beheer"
urlpatterns = [
    path("", views.start, name="start"),
    path("inloggen/", views.BeheerLoginView.as_view(), name="inloggen"),
    path("uitloggen/", views.uitloggen, name="uitloggen"),
    path("uitnodiging/<str:token>/", views.uitnodiging, name="uitnodiging"),
    path("2fa/instellen/", views.BeheerSetupView.as_view(), name="2fa-instellen"),
    path("2fa/qr/", views.BeheerQRView.as_view(), name="2fa-qr"),
    path("aanmeldingen/", views.aanmeldingen, name="aanmeldingen"),
    path("aanmeldingen/export.csv", views.export, name="export"),
    path("aanmeldingen/opnieuw-klaarzetten/", views.periode_klaarzetten, name="periode-klaarzetten"),
    path("aanmeldingen/<int:pk>/", views.aanmelding, name="aanmelding"),
    path("aanmeldingen/<int:pk>/opnieuw-klaarzetten/", views.opnieuw_klaarzetten, name="opnieuw-klaarzetten"),
    path("instellingen/", views.instellingen, name="instellingen"),
    path("koppelpunten/nieuw/", views.koppelpunt, name="koppelpunt-nieuw"),
    path("koppelpunten/<int:pk>/", views.koppelpunt, name="koppelpunt"),
    path("koppelpunten/<int:pk>/sleutel/", views.koppelpunt_sleutel, name="koppelpunt-sleutel"),
    path("opleidingen/", views.opleidingen, name="opleidingen"),
    path("opleidingen/<int:pk>/", views.opleiding, name="opleiding"),
    path("afstemming/", views.afstemming, name="afstemming"),
    path("statistieken/", views.statistieken, name="statistieken"),
    path("meervoudig-aanmelden/", views.meervoudig, name="meervoudig"),
]
