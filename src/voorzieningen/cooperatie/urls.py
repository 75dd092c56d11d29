from django.urls import path  # noqa: F401

from . import views_av, views_leden

app_name = "cooperatie"
urlpatterns: list = []

# members and general assembly (helper A)
urlpatterns += [
    path("bevestigen/<str:token>/", views_leden.bevestigen, name="bevestigen"),
    path("vergadering/<str:token>/", views_av.vergadering, name="vergadering"),
    path("vergadering/<str:token>/uitslag/<int:pk>/", views_av.uitslag, name="uitslag"),
    path("vergadering/<str:token>/besluitenlijst/", views_av.besluitenlijst, name="besluitenlijst"),
    path("vergadering/<str:token>/notulen/<int:pk>/", views_av.notulen, name="notulen"),
]
