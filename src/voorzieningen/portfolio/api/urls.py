from django.urls import path

from . import views

urlpatterns = [
    path("gemeenten", views.GemeentenView.as_view(), name="api-portfolio-gemeenten"),
    path("aanbod", views.AanbodView.as_view(), name="api-portfolio-aanbod"),
    path("overlap", views.OverlapView.as_view(), name="api-portfolio-overlap"),
    path("bereikbaarheid", views.BereikbaarheidView.as_view(), name="api-portfolio-bereikbaarheid"),
    path("signalen", views.SignalenView.as_view(), name="api-portfolio-signalen"),
    path("impact", views.ImpactView.as_view(), name="api-portfolio-impact"),
]
