from django.urls import path

from .views import rio_collection

urlpatterns = [path("api/rio/v2/<slug:resource>", rio_collection, name="rio-simulator")]
