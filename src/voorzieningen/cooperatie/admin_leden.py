"""Staff admin for cooperatives, members, contact persons, the yearly confirmation round and council seats.

Changes go through ``leden`` services; every view of contact persons' details lands in the audit trail.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from voorzieningen.core.admin_mixins import AuditedAdminMixin
from voorzieningen.core.services import Actor, audit_change, audit_read

from . import leden
from .forms_leden import CooperatieForm, KamerForm, LidForm, OpzeggingForm
from .models import Bevestigingsronde, Contactpersoon, Cooperatie, Kamer, Lid, Raadszetel

ROLLEN = (
    ("primair", _("Kies één eerste contactpersoon.")),
    ("av_vertegenwoordiger", _("Kies één vertegenwoordiger in de vergadering: één stem per lid.")),
)


class KamerInline(admin.TabularInline):
    model = Kamer
    form = KamerForm
    extra = 0


@admin.register(Cooperatie)
class CooperatieAdmin(admin.ModelAdmin):
    """The rules in which cooperatives differ, as data."""

    form = CooperatieForm
    list_display = ["naam", "code", "hoogste_orgaan", "bestuur_omvang", "raad_omvang"]
    inlines = [KamerInline]
    fieldsets = [
        (None, {"fields": ["code", "naam"]}),
        (
            _("Wie kan lid worden"),
            {
                "fields": [
                    "toegestane_soorten",
                    "vereist_publieke_bekostiging",
                    "vereist_mbo_raad_lidmaatschap",
                    "vereist_aanbestedende_dienst",
                ]
            },
        ),
        (_("Opzegging"), {"fields": ["opzegtermijn_lid_maanden", "opzegtermijn_cooperatie_maanden"]}),
        (
            _("Besluitvorming"),
            {
                "fields": [
                    "hoogste_orgaan",
                    "min_vergaderingen_per_jaar",
                    ("drempel_teller", "drempel_noemer"),
                    "drempelbasis",
                    ("quorum_teller", "quorum_noemer"),
                    "bestuur_omvang",
                    "raad_omvang",
                ]
            },
        ),
    ]


# --- members and their contact persons -------------------------------------------------------------------


class ContactpersoonInlineForm(forms.ModelForm):
    class Meta:
        model = Contactpersoon
        fields = ["naam", "functie", "email", "telefoon", "primair", "av_vertegenwoordiger", "financieel"]

    def validate_unique(self):
        """Roles may move between contact persons in one save: the formset checks the whole set instead."""


class ContactpersoonFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        blijvend = [f for f in self.forms if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")]
        if not blijvend:
            raise ValidationError(_("Een lid heeft ten minste één contactpersoon (statuten); twee hebben de voorkeur."))
        for rol, melding in ROLLEN:
            if sum(1 for f in blijvend if f.cleaned_data.get(rol)) > 1:
                raise ValidationError(melding)
        emails = [f.cleaned_data.get("email", "").strip().lower() for f in blijvend]
        if len(emails) != len(set(emails)):
            raise ValidationError(_("Twee contactpersonen van dit lid hebben hetzelfde e-mailadres."))


class ContactpersoonInline(admin.StackedInline):
    model = Contactpersoon
    form = ContactpersoonInlineForm
    formset = ContactpersoonFormSet
    extra = 0
    min_num = 1
    fields = [("naam", "functie"), ("email", "telefoon"), ("primair", "av_vertegenwoordiger", "financieel")]


def _audit_contactpersonen(request, contactpersonen, reden):
    actor = Actor.from_request(request)
    for contactpersoon in contactpersonen:
        audit_read(actor, contactpersoon, reason=reden, subject=leden.subject(contactpersoon))


@admin.register(Lid)
class LidAdmin(admin.ModelAdmin):
    form = LidForm
    inlines = [ContactpersoonInline]
    list_display = ["naam", "cooperatie", "soort", "begindatum", "einddatum", "opgezegd_door", "kamer"]
    list_filter = ["cooperatie", "soort", "opgezegd_door"]
    search_fields = ["naam", "instelling__naam", "instelling__brin", "bestuur__naam", "bestuur__code"]
    raw_id_fields = ["instelling", "bestuur"]
    actions = ["toets_toelating"]

    def get_fields(self, request, obj=None):
        velden = list(LidForm.Meta.fields)
        if obj is not None:
            velden += ["einddatum", "opgezegd_door", "opgezegd_op", "opzegreden", "opzeggen"]
        return velden

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["cooperatie", "begindatum", "einddatum", "opgezegd_door", "opgezegd_op", "opzegreden", "opzeggen"]

    @admin.display(description=_("opzeggen"))
    def opzeggen(self, obj):
        if obj.opgezegd_op:
            return _("Opgezegd")
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:cooperatie_lid_opzeggen", args=[obj.pk]),
            _("Lidmaatschap opzeggen"),
        )

    def get_urls(self):
        return [
            path("<int:pk>/opzeggen/", self.admin_site.admin_view(self.opzeg_view), name="cooperatie_lid_opzeggen"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and request.method == "GET":
            _audit_contactpersonen(request, obj.contactpersonen.all(), "Beheerder bekijkt contactpersonen van lid")
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        obj.save()
        audit_change(
            Actor.from_request(request),
            obj,
            reason="Lid vastgelegd" if not change else "Lid gewijzigd",
            created=not change,
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Contactpersoon:
            return super().save_formset(request, form, formset, change)
        actor = Actor.from_request(request)
        lid = form.instance
        weg = [f.instance for f in formset.deleted_forms if f.instance.pk]
        # what the admin's history message reads
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], list(weg)
        try:
            for f in formset.forms:
                if f in formset.deleted_forms or not f.has_changed():
                    continue
                gegevens = {k: f.cleaned_data[k] for k in ContactpersoonInlineForm.Meta.fields}
                if f.instance.pk is None:
                    formset.new_objects.append(leden.voeg_contactpersoon_toe(lid, actor=actor, **gegevens))
                else:
                    gewijzigd = leden.wijzig_contactpersoon(
                        Contactpersoon.objects.get(pk=f.instance.pk),
                        actor=actor,
                        **{k: gegevens[k] for k in f.changed_data},
                    )
                    formset.changed_objects.append((gewijzigd, f.changed_data))
            for contactpersoon in weg:
                leden.verwijder_contactpersoon(contactpersoon, actor=actor)
        except leden.ContactpersoonFout as fout:
            transaction.set_rollback(True)
            self.message_user(request, str(fout), messages.ERROR)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        lid = form.instance
        for melding in leden.waarschuwingen(lid):
            self.message_user(request, melding, messages.WARNING)
        if change:
            toelating = leden.toelating_van(lid)
            if not toelating.toegelaten:
                self.message_user(
                    request,
                    _("%(lid)s voldoet niet meer aan de voorwaarden: %(redenen)s De coöperatie kan opzeggen.")
                    % {"lid": lid.naam, "redenen": " ".join(toelating.redenen)},
                    messages.WARNING,
                )

    @admin.action(description=_("Voorwaarden voor lidmaatschap opnieuw toetsen"))
    def toets_toelating(self, request, queryset):
        for lid in queryset.select_related("cooperatie"):
            toelating = leden.toelating_van(lid)
            if toelating.toegelaten:
                self.message_user(request, _("%(lid)s voldoet aan de voorwaarden.") % {"lid": lid.naam})
            else:
                self.message_user(request, f"{lid.naam}: {' '.join(toelating.redenen)}", messages.WARNING)

    def opzeg_view(self, request, pk):
        lid = get_object_or_404(Lid.objects.select_related("cooperatie"), pk=pk)
        if not self.has_change_permission(request, lid):
            raise PermissionDenied
        form = OpzeggingForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                leden.zeg_op(
                    lid,
                    door=data["door"],
                    opgezegd_op=data["opgezegd_op"],
                    reden=data["reden"],
                    per=data["per"],
                    actor=Actor.from_request(request),
                )
            except leden.OpzeggingOngeldig as fout:
                form.add_error(None, str(fout))
            else:
                self.message_user(
                    request,
                    _("Het lidmaatschap van %(lid)s eindigt op %(datum)s.")
                    % {"lid": lid.naam, "datum": f"{lid.einddatum:%d-%m-%Y}"},
                )
                return redirect("admin:cooperatie_lid_change", lid.pk)
        vandaag = timezone.localdate()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Lidmaatschap opzeggen: %(lid)s") % {"lid": lid.naam},
            "lid": lid,
            "form": form,
            "toelating": leden.toelating_van(lid),
            "vroegst_lid": leden.vroegste_einddatum(lid, Lid.OpgezegdDoor.LID, vandaag),
            "vroegst_cooperatie": leden.vroegste_einddatum(lid, Lid.OpgezegdDoor.COOPERATIE, vandaag),
        }
        return TemplateResponse(request, "cooperatie/admin/opzeggen.html", context)


@admin.register(Contactpersoon)
class ContactpersoonAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Lists and details are logged by the mixin; changes and removals go through the services, which log them."""

    audit_reason = "Beheerder bekijkt contactpersoon"

    def audit_subject(self, obj) -> str:
        return leden.subject(obj)

    list_display = ["naam", "lid", "functie", "email", "primair", "av_vertegenwoordiger", "financieel", "bevestigd_op"]
    list_filter = ["lid__cooperatie", "primair", "av_vertegenwoordiger", "financieel"]
    search_fields = ["naam", "email", "lid__naam"]
    raw_id_fields = ["lid"]
    readonly_fields = ["bevestigd_op", "aangemaakt_op", "gewijzigd_op"]

    def get_actions(self, request):
        acties = super().get_actions(request)
        acties.pop("delete_selected", None)  # one at a time, through the service that guards the last one
        return acties

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.lid.contactpersonen.count() <= 1:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        actor = Actor.from_request(request)
        gegevens = {k: form.cleaned_data[k] for k in form.changed_data if k in form.cleaned_data}
        try:
            if change:
                leden.wijzig_contactpersoon(Contactpersoon.objects.get(pk=obj.pk), actor=actor, **gegevens)
            else:
                velden = ["naam", "functie", "email", "telefoon", "primair", "av_vertegenwoordiger", "financieel"]
                nieuw = leden.voeg_contactpersoon_toe(
                    form.cleaned_data["lid"], actor=actor, **{k: form.cleaned_data[k] for k in velden}
                )
                obj.pk = nieuw.pk
        except leden.ContactpersoonFout as fout:
            transaction.set_rollback(True)
            self.message_user(request, str(fout), messages.ERROR)

    def delete_model(self, request, obj):
        leden.verwijder_contactpersoon(obj, actor=Actor.from_request(request))

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except leden.ContactpersoonFout as fout:
            self.message_user(request, str(fout), messages.ERROR)
            return redirect("admin:cooperatie_contactpersoon_change", object_id)


# --- yearly confirmation round --------------------------------------------------------------------------


class BevestigingsrondeAddForm(forms.ModelForm):
    class Meta:
        model = Bevestigingsronde
        fields = ["cooperatie", "jaar", "sluit_op"]

    sluit_op = forms.DateField(
        label=_("Links werken tot en met"),
        required=False,
        help_text=_("Leeg: zes weken na vandaag."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_sluit_op(self):
        return self.cleaned_data.get("sluit_op") or timezone.localdate() + leden.RONDE_DUUR

    def validate_unique(self):
        """Starting an existing round again mails only contact persons added since: allowed."""


@admin.register(Bevestigingsronde)
class BevestigingsrondeAdmin(admin.ModelAdmin):
    """Start the year's round (e-mails go out at once); the status board shows who has not confirmed."""

    form = BevestigingsrondeAddForm
    list_display = ["__str__", "jaar", "cooperatie", "sluit_op", "voortgang", "statusbord_link"]
    list_filter = ["cooperatie", "jaar"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("bevestigd"))
    def voortgang(self, obj):
        telling = leden.ronde_telling(obj)
        return f"{telling['bevestigd']} / {telling['totaal']}"

    @admin.display(description=_("statusbord"))
    def statusbord_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:cooperatie_bevestigingsronde_status", args=[obj.pk]), _("Statusbord")
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/status/",
                self.admin_site.admin_view(self.status_view),
                name="cooperatie_bevestigingsronde_status",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return redirect("admin:cooperatie_bevestigingsronde_status", object_id)

    def save_model(self, request, obj, form, change):
        ronde, aantal = leden.start_ronde(
            form.cleaned_data["cooperatie"],
            form.cleaned_data["jaar"],
            sluit_op=form.cleaned_data.get("sluit_op"),
            actor=Actor.from_request(request),
        )
        obj.pk = ronde.pk
        self.message_user(
            request, _("%(n)s contactpersonen hebben een e-mail met hun persoonlijke link gekregen.") % {"n": aantal}
        )

    def response_add(self, request, obj, post_url_continue=None):
        return redirect("admin:cooperatie_bevestigingsronde_status", obj.pk)

    def status_view(self, request, pk):
        ronde = get_object_or_404(Bevestigingsronde.objects.select_related("cooperatie"), pk=pk)
        if not self.has_view_permission(request, ronde):
            raise PermissionDenied
        actor = Actor.from_request(request)
        if request.method == "POST":
            if not super().has_change_permission(request, ronde):
                raise PermissionDenied
            if request.POST.get("actie") == "herinner":
                aantal = leden.herinner(ronde=ronde, forceer=True)
                self.message_user(request, _("%(n)s herinneringen verstuurd.") % {"n": aantal})
            elif request.POST.get("actie") == "aanvullen":
                _ronde, aantal = leden.start_ronde(ronde.cooperatie, ronde.jaar, actor=actor)
                self.message_user(request, _("%(n)s nieuwe contactpersonen uitgenodigd.") % {"n": aantal})
            return redirect("admin:cooperatie_bevestigingsronde_status", ronde.pk)
        regels = leden.statusbord(ronde, actor=actor)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": str(ronde),
            "ronde": ronde,
            "regels": regels,
            "open_leden": sum(1 for r in regels if not r.bevestigd),
            "ronde_open": timezone.localdate() <= ronde.sluit_op,
        }
        return TemplateResponse(request, "cooperatie/admin/statusbord.html", context)


# --- members' council ------------------------------------------------------------------------------------


@admin.register(Raadszetel)
class RaadszetelAdmin(admin.ModelAdmin):
    list_display = ["lid", "kamer", "contactpersoon", "begindatum", "einddatum"]
    list_filter = ["kamer__cooperatie", "kamer"]
    raw_id_fields = ["lid", "contactpersoon"]
    actions = ["beeindig"]

    def get_readonly_fields(self, request, obj=None):
        return ["kamer", "lid", "contactpersoon", "begindatum"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            return
        zetel = leden.wijs_zetel_toe(obj.lid, obj.contactpersoon, obj.begindatum, actor=Actor.from_request(request))
        obj.pk = zetel.pk

    def changelist_view(self, request, extra_context=None):
        vandaag = timezone.localdate()
        for cooperatie in Cooperatie.objects.filter(kamers__isnull=False).distinct():
            bezetting = leden.raad_bezetting(cooperatie, vandaag)
            bezet = sum(n for _kamer, n in bezetting)
            if cooperatie.raad_omvang and bezet < cooperatie.raad_omvang:
                self.message_user(
                    request,
                    _("%(coop)s: %(bezet)s van de %(totaal)s zetels bezet (%(kamers)s).")
                    % {
                        "coop": cooperatie.naam,
                        "bezet": bezet,
                        "totaal": cooperatie.raad_omvang,
                        "kamers": ", ".join(f"{k.naam} {n}/{k.zetels}" for k, n in bezetting),
                    },
                    messages.INFO,
                )
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Zetel beëindigen per vandaag"))
    def beeindig(self, request, queryset):
        vandaag = timezone.localdate()
        actor = Actor.from_request(request)
        zetels = list(queryset.filter(einddatum__isnull=True))
        for zetel in zetels:
            leden.beeindig_zetel(zetel, vandaag, actor=actor)
        self.message_user(request, _("%(n)s zetels beëindigd.") % {"n": len(zetels)})
