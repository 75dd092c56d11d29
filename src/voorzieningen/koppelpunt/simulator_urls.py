from django.urls import path

from . import simulators

urlpatterns = [
    path("koppelpunt-vo/berichten", simulators.koppelpunt_vo, name="sim-koppelpunt-vo"),
    path("koppelpunt-gemeenten/beoogde-mbo-gangers", simulators.beoogde_mbo_gangers, name="sim-beoogde"),
    path("koppelpunt-gemeenten/<str:gemeentecode>/berichten", simulators.koppelpunt_gemeenten, name="sim-gemeente"),
]
