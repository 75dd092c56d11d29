from django.urls import path

from . import views

app_name = "portfolio"
urlpatterns = [
    path("", views.start, name="start"),
    path("kaart/", views.kaart, name="kaart"),
    path("overlap/", views.overlap, name="overlap"),
    path("bereikbaarheid/", views.bereikbaarheid, name="bereikbaarheid"),
    path("signalen/", views.signalering, name="signalen"),
    path("impact/", views.impact, name="impact"),
    path("instelling/", views.casussen, name="casussen"),
    path("instelling/aankondigen/", views.aankondigen, name="aankondigen"),
    path("instelling/casus/<int:pk>/", views.casus, name="casus"),
    path("documenten/<int:pk>/", views.document, name="document"),
    path("regie/", views.regie, name="regie"),
]
