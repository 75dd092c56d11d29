"""Staff admin for services, afnames, dependency rules and service management (DAP).

Status changes go through ``dienstverlening`` services, so the timeline and the routing rule cannot be bypassed.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from voorzieningen.core.admin_mixins import AuditedAdminMixin
from voorzieningen.core.services import Actor, audit_change

from . import dienstverlening
from .models import (
    Afname,
    Begrotingspost,
    Dienst,
    Dienstregel,
    Jaarplan,
    Probleem,
    Verstoring,
    Verstoringsupdate,
    Voorstel,
    Wijzigingsverzoek,
    Wijzigingsverzoekstap,
)

# --- Shared pieces for the admin of invoices, contracts and service management ---------------------------------


def formulier(modeladmin, request, *, titel: str, form, knop: str, obj=None, uitleg: str = "") -> TemplateResponse:
    """A small admin page with one form (extend, approve, handle...), in the admin's look."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.model._meta,
        "title": titel,
        "form": form,
        "knop": knop,
        "original": obj,
        "uitleg": uitleg,
    }
    return TemplateResponse(request, "cooperatie/admin/dienst_formulier.html", context)


def fouten_melden(modeladmin, request, exc: ValidationError) -> None:
    for melding in exc.messages:
        modeladmin.message_user(request, melding, messages.ERROR)


def wijzig_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


# --- Services and afnames ----------------------------------------------------------------------------------------


class DienstregelInline(admin.TabularInline):
    model = Dienstregel
    fk_name = "dienst"
    extra = 0


@admin.register(Dienst)
class DienstAdmin(admin.ModelAdmin):
    list_display = ["naam", "cooperatie", "code", "basis", "actief", "volgorde"]
    list_filter = ["cooperatie", "basis", "actief"]
    search_fields = ["naam", "code"]
    prepopulated_fields = {"code": ["naam"]}
    inlines = [DienstregelInline]


class AfnameForm(forms.ModelForm):
    class Meta:
        model = Afname
        fields = ["lid", "dienst", "begindatum", "einddatum", "specificatie"]

    def _post_clean(self):
        super()._post_clean()
        if not self.errors:
            for fout in dienstverlening.controleer_afname(self.instance):
                self.add_error(None, fout)


@admin.register(Afname)
class AfnameAdmin(admin.ModelAdmin):
    form = AfnameForm
    list_display = ["lid", "dienst", "begindatum", "einddatum", "specificatie"]
    list_filter = ["dienst__cooperatie", "dienst"]
    search_fields = ["lid__naam", "dienst__naam"]
    raw_id_fields = ["lid"]
    date_hierarchy = "begindatum"
    actions = ["controleer_afhankelijkheden"]

    def save_model(self, request, obj, form, change):
        meegenomen = dienstverlening.bewaar_afname(obj)
        for extra in meegenomen:
            self.message_user(
                request,
                _("‘%(dienst)s’ is verplicht en is meegenomen (%(periode)s).")
                % {
                    "dienst": extra.dienst,
                    "periode": dienstverlening.Periode(extra.begindatum, extra.einddatum).tekst(),
                },
                messages.WARNING,
            )

    def get_deleted_objects(self, objs, request):
        """Deleting what a rule depends on is refused on the confirmation page, with the rule's reason."""
        verwijderd, aantallen, rechten, beschermd = super().get_deleted_objects(objs, request)
        return verwijderd, aantallen, rechten, [*beschermd, *dienstverlening.fouten_bij_verwijderen(list(objs))]

    def delete_model(self, request, obj):
        dienstverlening.verwijder_afnames([obj])

    def delete_queryset(self, request, queryset):
        dienstverlening.verwijder_afnames(list(queryset))

    @admin.action(description=_("Afhankelijkheden controleren (alle leden van deze coöperaties)"))
    def controleer_afhankelijkheden(self, request, queryset):
        cooperaties = {a.dienst.cooperatie for a in queryset.select_related("dienst__cooperatie")}
        gevonden = False
        for cooperatie in cooperaties:
            for _lid, fouten in dienstverlening.overtredingen(cooperatie).items():
                gevonden = True
                for fout in fouten:
                    self.message_user(request, fout, messages.ERROR)
        if not gevonden:
            self.message_user(request, _("Alle afnames voldoen aan de afhankelijkheidsregels."))


# --- Disruptions -------------------------------------------------------------------------------------------------


class VerstoringsupdateInline(admin.TabularInline):
    model = Verstoringsupdate
    extra = 0
    can_delete = False
    fields = ["tijdstip", "status", "bericht", "naar_contactpersonen", "aantal_ontvangers", "door"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class VerstoringForm(forms.ModelForm):
    update_status = forms.ChoiceField(
        label=_("nieuwe status"), choices=[("", "—"), *Verstoring.Status.choices], required=False
    )
    update_bericht = forms.CharField(
        label=_("bericht voor de tijdlijn"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Bij een nieuwe verstoring: leeg laten, de omschrijving is het eerste bericht."),
    )
    mailen = forms.BooleanField(
        label=_("e-mail dit bericht aan de contactpersonen van de getroffen leden"), required=False
    )

    class Meta:
        model = Verstoring
        fields = [
            "cooperatie",
            "titel",
            "omschrijving",
            "dienst",
            "prioriteit",
            "impact",
            "begonnen_op",
            "getroffen_leden",
            "leverancier",
            "extern_kenmerk",
            "probleem",
        ]

    def clean(self):
        data = super().clean()
        if self.instance.pk:
            if data.get("update_status") and not (data.get("update_bericht") or "").strip():
                self.add_error("update_bericht", _("Schrijf een bericht bij de nieuwe status."))
            if data.get("mailen") and not (data.get("update_bericht") or "").strip():
                self.add_error("update_bericht", _("Schrijf het bericht dat gemaild moet worden."))
            status = data.get("update_status") or self.instance.status
            if (data.get("update_bericht") or "").strip() and status not in dienstverlening.VERSTORING_OVERGANGEN[
                self.instance.status
            ]:
                self.add_error(
                    "update_status",
                    _("Van ‘%(van)s’ kan een verstoring niet naar ‘%(naar)s’.")
                    % {"van": self.instance.get_status_display(), "naar": Verstoring.Status(status).label},
                )
        return data


@admin.register(Verstoring)
class VerstoringAdmin(admin.ModelAdmin):
    form = VerstoringForm
    list_display = ["__str__", "dienst", "prioriteit", "impact", "status", "begonnen_op", "opgelost_op"]
    list_filter = ["cooperatie", "status", "prioriteit", "impact", "dienst"]
    search_fields = ["titel", "omschrijving", "extern_kenmerk"]
    filter_horizontal = ["getroffen_leden"]
    readonly_fields = ["status", "opgelost_op", "gesloten_op"]
    inlines = [VerstoringsupdateInline]
    date_hierarchy = "begonnen_op"

    def get_fieldsets(self, request, obj=None):
        basis = [
            (
                None,
                {"fields": ["cooperatie", "titel", "omschrijving", "dienst", "prioriteit", "impact", "begonnen_op"]},
            ),
            (_("Getroffen leden"), {"fields": ["getroffen_leden"]}),
            (_("Leverancier en probleem"), {"fields": ["leverancier", "extern_kenmerk", "probleem"]}),
        ]
        if obj is None:
            return [*basis, (_("Communicatie"), {"fields": ["mailen"]})]
        return [
            (_("Status"), {"fields": ["status", "opgelost_op", "gesloten_op"]}),
            *basis,
            (_("Tijdlijn bijwerken"), {"fields": ["update_status", "update_bericht", "mailen"]}),
        ]

    def has_delete_permission(self, request, obj=None):
        return False  # the timeline is the record of what members were told

    def save_model(self, request, obj, form, change):
        if not change:
            obj.status = Verstoring.Status.GEMELD
        obj.save()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        verstoring = form.instance
        actor = Actor.from_request(request)
        data = form.cleaned_data
        try:
            if not change:
                update = dienstverlening.eerste_update(
                    verstoring, communiceren=data.get("mailen", False), actor=actor, door=request.user
                )
            elif (data.get("update_bericht") or "").strip():
                update = dienstverlening.werk_verstoring_bij(
                    verstoring,
                    status=data.get("update_status") or verstoring.status,
                    bericht=data["update_bericht"],
                    communiceren=data.get("mailen", False),
                    actor=actor,
                    door=request.user,
                )
            else:
                return
        except ValidationError as exc:
            fouten_melden(self, request, exc)
            return
        if update.naar_contactpersonen:
            self.message_user(
                request, _("Bericht gemaild aan %(n)d contactpersonen.") % {"n": update.aantal_ontvangers}
            )


@admin.register(Probleem)
class ProbleemAdmin(admin.ModelAdmin):
    list_display = ["titel", "dienst", "status", "geregistreerd_op", "aantal_verstoringen"]
    list_filter = ["cooperatie", "status", "dienst"]
    search_fields = ["titel", "omschrijving", "oorzaak"]
    readonly_fields = ["verstoringen_lijst"]
    raw_id_fields = ["wijzigingsverzoek"]

    @admin.display(description=_("verstoringen"))
    def aantal_verstoringen(self, obj):
        return obj.verstoringen.count()

    @admin.display(description=_("gekoppelde verstoringen"))
    def verstoringen_lijst(self, obj):
        if not obj.pk:
            return "—"
        return format_html_join(
            mark_safe("<br>"),
            '<a href="{}">{}</a> ({})',
            ((wijzig_url(v), v, v.get_status_display()) for v in obj.verstoringen.all()),
        ) or _("nog geen; koppel een verstoring bij die verstoring zelf")

    def save_model(self, request, obj, form, change):
        if obj.status in (Probleem.Status.OPGELOST, Probleem.Status.GESLOTEN) and obj.opgelost_op is None:
            obj.opgelost_op = timezone.now()
        super().save_model(request, obj, form, change)


# --- Change requests ---------------------------------------------------------------------------------------------


class WijzigingsverzoekstapInline(admin.TabularInline):
    model = Wijzigingsverzoekstap
    extra = 0
    can_delete = False
    fields = ["tijdstip", "van_status", "naar_status", "motivering", "door"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


ACTIES = {
    "escaleren": _("Escaleren naar de werkgroep doorontwikkeling (fundamentele invloed)"),
    "jaarplan": _("Opnemen in het jaarplan"),
    Wijzigingsverzoek.Status.AFGEWEZEN: _("Afwijzen"),
    Wijzigingsverzoek.Status.INGETROKKEN: _("Intrekken"),
    Wijzigingsverzoek.Status.IN_UITVOERING: _("In uitvoering nemen"),
    Wijzigingsverzoek.Status.GEREALISEERD: _("Gerealiseerd"),
}


def mogelijke_acties(verzoek: Wijzigingsverzoek) -> list[tuple[str, str]]:
    mogelijk = dienstverlening.OVERGANGEN[verzoek.status]
    acties = []
    if Wijzigingsverzoek.Status.BIJ_WERKGROEP in mogelijk:
        acties.append(("escaleren", ACTIES["escaleren"]))
    if Wijzigingsverzoek.Status.IN_JAARPLAN in mogelijk:
        acties.append(("jaarplan", ACTIES["jaarplan"]))
    acties += [(s, ACTIES[s]) for s in ACTIES if s in mogelijk]
    return acties


class BehandelForm(forms.Form):
    actie = forms.ChoiceField(label=_("actie"), widget=forms.RadioSelect)
    aspecten = forms.MultipleChoiceField(
        label=_("fundamentele invloed op"),
        choices=[(a, a) for a in dienstverlening.ASPECTEN],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Alleen bij escaleren."),
    )
    jaarplan = forms.ModelChoiceField(
        label=_("jaarplan"), queryset=Jaarplan.objects.none(), required=False, help_text=_("Alleen bij opnemen.")
    )
    bedrag = forms.DecimalField(
        label=_("begroot bedrag (excl. btw)"),
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text=_("Optioneel: maakt een begrotingspost in het jaarplan."),
    )
    motivering = forms.CharField(label=_("motivering"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, verzoek: Wijzigingsverzoek, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actie"].choices = mogelijke_acties(verzoek)
        self.fields["jaarplan"].queryset = Jaarplan.objects.filter(
            cooperatie_id=verzoek.cooperatie_id, status=Jaarplan.Status.CONCEPT
        )


@admin.register(Wijzigingsverzoek)
class WijzigingsverzoekAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "dienst", "lid", "route", "status", "jaarplan", "ingediend_op"]
    list_filter = ["cooperatie", "route", "status", "dienst"]
    search_fields = ["titel", "omschrijving", "lid__naam"]
    raw_id_fields = ["lid"]
    inlines = [WijzigingsverzoekstapInline]
    audit_reason = "Beheerder bekijkt een wijzigingsverzoek (met gegevens van de indiener)"
    impactvelden = [
        "impact_architectuur",
        "impact_governance",
        "impact_privacy",
        "impact_security",
        "impact_motivering",
    ]

    def get_fieldsets(self, request, obj=None):
        return [
            (None, {"fields": ["cooperatie", "titel", "omschrijving", "dienst"]}),
            (_("Aanvrager"), {"fields": ["lid", "indiener_naam", "indiener_email"]}),
            (
                _("Fundamentele invloed"),
                {
                    "fields": self.impactvelden,
                    "description": _(
                        "Met fundamentele invloed gaat het verzoek naar de werkgroep doorontwikkeling, anders naar "
                        "de expertgroep. Daarna beslist de AV via het jaarplan."
                    ),
                },
            ),
            *([(_("Behandeling"), {"fields": ["route", "status", "jaarplan", "behandelen"]})] if obj else []),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # after submission the route changes only by escalation, so the flags are fixed here
        return ["cooperatie", *self.impactvelden, "route", "status", "jaarplan", "behandelen"]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("behandelen"))
    def behandelen(self, obj):
        if not dienstverlening.OVERGANGEN[obj.status]:
            return _("afgehandeld")
        url = reverse("admin:cooperatie_wijzigingsverzoek_behandelen", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Volgende stap"))

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)  # the mixin writes the audit line
        dienstverlening.dien_in(obj, door=request.user)
        audit_change(
            Actor.from_request(request),
            obj,
            reason="Beheerder voert een wijzigingsverzoek in",
            created=True,
            velden=list(form.changed_data),
        )
        self.message_user(request, _("Het verzoek is doorgezet naar: %(route)s.") % {"route": obj.get_route_display()})

    def get_urls(self):
        return [
            path(
                "<int:pk>/behandelen/",
                self.admin_site.admin_view(self.behandel_view),
                name="cooperatie_wijzigingsverzoek_behandelen",
            ),
            *super().get_urls(),
        ]

    def behandel_view(self, request, pk):
        verzoek = get_object_or_404(Wijzigingsverzoek, pk=pk)
        if not self.has_change_permission(request, verzoek):
            raise PermissionDenied
        form = BehandelForm(request.POST or None, verzoek=verzoek)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                if data["actie"] == "escaleren":
                    dienstverlening.escaleer_naar_werkgroep(
                        verzoek, aspecten=data["aspecten"], motivering=data["motivering"], door=request.user
                    )
                elif data["actie"] == "jaarplan":
                    if data["jaarplan"] is None:
                        raise ValidationError(_("Kies het jaarplan."))
                    dienstverlening.neem_op_in_jaarplan(
                        verzoek,
                        data["jaarplan"],
                        bedrag=data["bedrag"],
                        motivering=data["motivering"],
                        door=request.user,
                    )
                else:
                    dienstverlening.wijzig_status(
                        verzoek, data["actie"], motivering=data["motivering"], door=request.user
                    )
            except ValidationError as exc:
                for melding in exc.messages:
                    form.add_error(None, melding)
            else:
                self.message_user(request, _("Status: %(status)s.") % {"status": verzoek.get_status_display()})
                return redirect(wijzig_url(verzoek))
        return formulier(
            self,
            request,
            titel=_("Wijzigingsverzoek behandelen"),
            form=form,
            knop=_("Vastleggen"),
            obj=verzoek,
            uitleg=_("Huidige status: %(status)s; route: %(route)s.")
            % {"status": verzoek.get_status_display(), "route": verzoek.get_route_display()},
        )


# --- Annual plan -------------------------------------------------------------------------------------------------


class BegrotingspostInline(admin.TabularInline):
    model = Begrotingspost
    extra = 0
    raw_id_fields = ["wijzigingsverzoek"]

    def _open(self, obj) -> bool:
        return obj is None or obj.status == Jaarplan.Status.CONCEPT

    def has_add_permission(self, request, obj=None):
        return self._open(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._open(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._open(obj) and super().has_delete_permission(request, obj)


class GoedkeurForm(forms.Form):
    voorstel = forms.ModelChoiceField(
        label=_("aangenomen voorstel"),
        queryset=Voorstel.objects.none(),
        required=False,
        help_text=_("Het voorstel waarmee de AV de begroting goedkeurde."),
    )
    datum = forms.DateField(label=_("datum van het besluit"), required=False, help_text=_("Alleen zonder voorstel."))
    besluit = forms.CharField(
        label=_("verwijzing naar het besluit"), max_length=255, required=False, help_text=_("Alleen zonder voorstel.")
    )

    def __init__(self, *args, jaarplan: Jaarplan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["voorstel"].queryset = Voorstel.objects.filter(
            vergadering__cooperatie_id=jaarplan.cooperatie_id,
            status=Voorstel.Status.GESLOTEN,
            uitslag=Voorstel.Uitslag.AANGENOMEN,
        ).select_related("vergadering")


@admin.register(Jaarplan)
class JaarplanAdmin(admin.ModelAdmin):
    list_display = ["titel", "cooperatie", "jaar", "status", "begroting_totaal", "goedgekeurd_op"]
    list_filter = ["cooperatie", "status"]
    readonly_fields = [
        "status",
        "voorgelegd_op",
        "goedgekeurd_op",
        "av_voorstel",
        "av_besluit",
        "begroting_totaal",
        "verzoeken",
    ]
    inlines = [BegrotingspostInline]
    actions = ["voorleggen", "terugsturen"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != Jaarplan.Status.CONCEPT:
            return [*self.readonly_fields, "cooperatie", "jaar", "titel", "omschrijving"]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.status == Jaarplan.Status.CONCEPT

    @admin.display(description=_("begroting (excl. btw)"))
    def begroting_totaal(self, obj):
        from .facturatie import bedrag_nl

        return bedrag_nl(obj.begroting) if obj.pk else "—"

    @admin.display(description=_("wijzigingsverzoeken"))
    def verzoeken(self, obj):
        if not obj.pk:
            return "—"
        return format_html_join(
            mark_safe("<br>"),
            '<a href="{}">{}</a> ({})',
            ((wijzig_url(v), v, v.get_status_display()) for v in obj.wijzigingsverzoeken.all()),
        ) or _("geen")

    @admin.action(description=_("Voorleggen aan de AV (vandaag)"))
    def voorleggen(self, request, queryset):
        for jaarplan in queryset:
            try:
                dienstverlening.leg_jaarplan_voor(jaarplan, timezone.localdate())
                self.message_user(request, _("%(plan)s is voorgelegd.") % {"plan": jaarplan})
            except ValidationError as exc:
                fouten_melden(self, request, exc)

    @admin.action(description=_("Terugsturen naar concept (niet goedgekeurd)"))
    def terugsturen(self, request, queryset):
        for jaarplan in queryset:
            try:
                dienstverlening.stuur_jaarplan_terug(jaarplan)
                self.message_user(request, _("%(plan)s is weer een concept.") % {"plan": jaarplan})
            except ValidationError as exc:
                fouten_melden(self, request, exc)

    def get_urls(self):
        return [
            path(
                "<int:pk>/goedkeuren/",
                self.admin_site.admin_view(self.goedkeur_view),
                name="cooperatie_jaarplan_goedkeuren",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None and obj.status == Jaarplan.Status.VOORGELEGD:
            extra_context["dienst_acties"] = [
                (reverse("admin:cooperatie_jaarplan_goedkeuren", args=[obj.pk]), _("Goedkeuring door de AV vastleggen"))
            ]
        return super().change_view(request, object_id, form_url, extra_context)

    change_form_template = "cooperatie/admin/dienst_change_form.html"

    def goedkeur_view(self, request, pk):
        jaarplan = get_object_or_404(Jaarplan, pk=pk)
        if not self.has_change_permission(request, jaarplan):
            raise PermissionDenied
        form = GoedkeurForm(request.POST or None, jaarplan=jaarplan)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                dienstverlening.keur_jaarplan_goed(
                    jaarplan, voorstel=data["voorstel"], datum=data["datum"], besluit=data["besluit"], door=request.user
                )
            except ValidationError as exc:
                for melding in exc.messages:
                    form.add_error(None, melding)
            else:
                self.message_user(request, _("%(plan)s is goedgekeurd.") % {"plan": jaarplan})
                return redirect(wijzig_url(jaarplan))
        return formulier(
            self,
            request,
            titel=_("Goedkeuring van het jaarplan door de AV"),
            form=form,
            knop=_("Goedkeuring vastleggen"),
            obj=jaarplan,
            uitleg=_("De wijzigingsverzoeken in dit jaarplan worden daarmee goedgekeurd."),
        )
