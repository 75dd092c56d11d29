from django.contrib import admin

from .models import Instellingsconfiguratie, OpleidingRetourlinks


@admin.register(Instellingsconfiguratie)
class InstellingsconfiguratieAdmin(admin.ModelAdmin):
    list_display = ["instelling", "retour_url_succes"]
    search_fields = ["instelling__naam", "instelling__brin"]
    raw_id_fields = ["instelling"]


@admin.register(OpleidingRetourlinks)
class OpleidingRetourlinksAdmin(admin.ModelAdmin):
    list_display = ["opleiding", "retour_url_succes", "retour_url_fout"]
    raw_id_fields = ["opleiding"]
