from django.urls import path

from . import views

app_name = "catalogus"
urlpatterns = [
    path("", views.search, name="search"),
    path("opleidingen/<str:code>/", views.detail, name="detail"),
]
