from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("verwerkingsregister/", views.verwerkingsregister, name="verwerkingsregister"),
    path("verwerkingsregister.json", views.verwerkingsregister_json, name="verwerkingsregister-json"),
    path("fg/audittrail/", views.audittrail_zoeken, name="audittrail"),
]
