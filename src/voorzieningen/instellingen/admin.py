from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from voorzieningen.core.admin_mixins import AuditedAdminMixin

from . import services
from .models import Instellingsbeheerder, Instellingsconfiguratie, OpleidingRetourlinks, Uitnodiging


@admin.register(Instellingsconfiguratie)
class InstellingsconfiguratieAdmin(admin.ModelAdmin):
    list_display = ["instelling", "retour_url_succes"]
    search_fields = ["instelling__naam", "instelling__brin"]
    raw_id_fields = ["instelling"]


@admin.register(OpleidingRetourlinks)
class OpleidingRetourlinksAdmin(admin.ModelAdmin):
    list_display = ["opleiding", "retour_url_succes", "retour_url_fout"]
    raw_id_fields = ["opleiding"]


class UitnodigingForm(forms.ModelForm):
    class Meta:
        model = Uitnodiging
        fields = ["instelling", "naam", "email"]

    def clean(self):
        data = super().clean()
        if data.get("instelling") and services.plaatsen_bezet(data["instelling"]) >= 2:
            raise forms.ValidationError(str(services.TeveelBeheerders()))
        return data


@admin.register(Uitnodiging)
class UitnodigingAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Cooperative staff invite an institution's admins; the service sends the link and keeps only its hash."""

    form = UitnodigingForm
    list_display = ["email", "instelling", "aangemaakt_op", "verloopt_op", "gebruikt_op", "nieuwe_link_gevraagd_op"]
    list_filter = ["gebruikt_op", "nieuwe_link_gevraagd_op"]
    search_fields = ["email", "naam", "instelling__naam", "instelling__brin"]
    raw_id_fields = ["instelling"]
    actions = ["nieuwe_link"]

    def get_readonly_fields(self, request, obj=None):
        return ["instelling", "naam", "email", "verloopt_op", "gebruikt_op", "ingetrokken_op"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            uitnodiging, _token = services.nodig_uit(obj.instelling, obj.naam, obj.email, request.user)
        except services.TeveelBeheerders as fout:
            self.message_user(request, str(fout), messages.ERROR)
            return
        obj.pk = uitnodiging.pk
        self.message_user(request, _("De uitnodiging is verstuurd naar %(email)s.") % {"email": uitnodiging.email})

    @admin.action(description=_("Nieuwe link versturen (de oude vervalt)"))
    def nieuwe_link(self, request, queryset):
        for oud in queryset.filter(gebruikt_op__isnull=True):
            try:
                services.nodig_uit(oud.instelling, oud.naam, oud.email, request.user, vervangt=oud)
            except services.TeveelBeheerders as fout:
                self.message_user(request, f"{oud.email}: {fout}", messages.ERROR)
            else:
                self.message_user(request, _("Nieuwe link verstuurd naar %(email)s.") % {"email": oud.email})


@admin.register(Instellingsbeheerder)
class InstellingsbeheerderAdmin(admin.ModelAdmin):
    list_display = ["user", "instelling", "aangemaakt_op", "actief"]
    search_fields = ["user__email", "instelling__naam", "instelling__brin"]
    readonly_fields = ["user", "instelling", "aangemaakt_op"]
    actions = ["intrekken"]

    @admin.display(boolean=True, description=_("actief"))
    def actief(self, obj):
        return obj.user.is_active

    def has_add_permission(self, request):
        return False  # only through an invitation

    @admin.action(description=_("Account intrekken (de plaats komt vrij)"))
    def intrekken(self, request, queryset):
        for beheerder in queryset.select_related("user"):
            services.trek_account_in(beheerder, request.user)
        self.message_user(request, _("Account(s) ingetrokken."))
