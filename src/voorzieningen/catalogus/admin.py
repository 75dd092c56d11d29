from django.contrib import admin

from .models import (
    AangebodenOpleiding,
    Cohort,
    ImportRun,
    Instelling,
    Kwalificatie,
    Onderwijsaanbieder,
    Onderwijsbestuur,
    Onderwijslocatie,
    SyncStatus,
)


@admin.register(Instelling)
class InstellingAdmin(admin.ModelAdmin):
    list_display = ("naam", "brin", "whitelist_actief")
    search_fields = ("naam", "brin")
    autocomplete_fields = ("whitelist",)


@admin.register(Onderwijsaanbieder)
class OnderwijsaanbiederAdmin(admin.ModelAdmin):
    list_display = ("naam", "code", "instelling", "rio_type")
    list_filter = ("rio_type",)
    search_fields = ("naam", "code")


class CohortInline(admin.TabularInline):
    model = Cohort
    extra = 0


@admin.register(AangebodenOpleiding)
class AangebodenOpleidingAdmin(admin.ModelAdmin):
    list_display = ("wervingsnaam", "kwalificatie", "leertraject", "aanbieder", "actief")
    list_filter = ("actief", "leertraject", "niveau")
    search_fields = ("wervingsnaam", "code", "kwalificatie__crebo")
    list_select_related = ("kwalificatie", "aanbieder")
    raw_id_fields = ("aanbieder", "locatie", "kwalificatie")
    inlines = [CohortInline]


@admin.register(Kwalificatie)
class KwalificatieAdmin(admin.ModelAdmin):
    list_display = ("crebo", "naam", "niveau", "sector")
    search_fields = ("crebo", "naam")


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("gestart_op", "bron", "soort", "uitkomst")
    list_filter = ("bron", "soort", "uitkomst")
    readonly_fields = [f.name for f in ImportRun._meta.fields]


admin.site.register([Onderwijsbestuur, Onderwijslocatie, SyncStatus])
