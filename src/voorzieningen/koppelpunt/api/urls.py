from django.urls import path

from . import views

urlpatterns = [
    path("statusberichten", views.Statusberichten.as_view(), name="vva-statusberichten"),
    path("statusberichten/<str:bericht_id>", views.RouteringDetail.as_view(), name="vva-routering"),
]
