from django.urls import path

from . import views, views_ontvangstbewijs

app_name = "aanmelden"
urlpatterns = [
    path("inloggen/", views.inloggen, name="inloggen"),
    path("uitloggen/", views.uitloggen, name="uitloggen"),
    path("aanmelden/", views.kies_instelling, name="kies-instelling"),
    path("aanmelden/instelling/<str:brin>/", views.kies_opleiding, name="kies-opleiding"),
    path("aanmelden/start/<str:code>/", views.start, name="start"),
    path("aanmelden/<uuid:token>/stoppen/", views.stoppen, name="stoppen"),
    path("aanmelden/<uuid:token>/indienen/", views.indienen, name="indienen"),
    path("aanmelden/<uuid:token>/<slug:stap>/", views.stap, name="stap"),
    path("zonder-digid/", views.zonder_digid, name="zonder-digid"),
    path("zonder-digid/interessemelding/", views.interessemelding, name="interessemelding"),
    path("mijn-aanmeldingen/", views.overzicht, name="overzicht"),
    path("mijn-aanmeldingen/verstrekkingen/", views.verstrekkingen, name="verstrekkingen"),
    path("mijn-aanmeldingen/verwijderen/", views.verwijderen, name="verwijderen"),
    path("mijn-aanmeldingen/mijn-gegevens/", views.mijn_gegevens, name="mijn-gegevens"),
    path("mijn-aanmeldingen/in-verwerking/<uuid:token>/", views.in_verwerking, name="in-verwerking"),
    path("mijn-aanmeldingen/<uuid:ca_keten_id>/", views.aanmelding, name="aanmelding"),
    path(
        "mijn-aanmeldingen/<uuid:ca_keten_id>/ontvangstbewijs.pdf",
        views.ontvangstbewijs_pdf,
        name="ontvangstbewijs-pdf",
    ),
    path("mijn-aanmeldingen/<uuid:ca_keten_id>/intrekken/", views.intrekken, name="intrekken"),
    path("ontvangstbewijs/controleren/", views_ontvangstbewijs.controleren, name="ontvangstbewijs-controleren"),
    path("ontvangstbewijs/sleutel/", views_ontvangstbewijs.sleutel, name="ontvangstbewijs-sleutel"),
]
