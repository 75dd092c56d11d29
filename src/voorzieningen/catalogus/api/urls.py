from django.urls import path

from . import views

urlpatterns = [
    path("opleidingen", views.OpleidingList.as_view(), name="api-opleidingen"),
    path("opleidingen/<str:code>", views.OpleidingDetail.as_view(), name="api-opleiding"),
    path("sync", views.SyncView.as_view(), name="api-sync"),
    path("mutaties", views.MutatiesView.as_view(), name="api-mutaties"),
]
