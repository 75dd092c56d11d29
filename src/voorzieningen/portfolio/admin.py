"""Staff admin of portfolio regie: the norms, markings and registers; cases with the ladder; binding agreements.

Cases come from institutions: staff do not create them here, they run the ladder on the case's ladder page,
where every button calls a service in ``ladder.py``; the services refuse what the ladder does not allow.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from voorzieningen.core.admin_mixins import AuditedAdminMixin

from . import ladder, overleg, stemming
from .forms import (
    BetrokkeneForm,
    CommissieForm,
    DatumForm,
    DocumentForm,
    EvaluatieForm,
    RegieberichtForm,
    SluitenForm,
    StapAfrondenForm,
    UitspraakForm,
    UitvoeringForm,
)
from .models import (
    Aanbodmarkering,
    Betrokkene,
    Bevolking,
    Bijdrage,
    BindendeAfspraak,
    Casus,
    Commissielid,
    Escalatiestap,
    Inschrijving,
    Lidmaatschap,
    Regieinstellingen,
    Specialisme,
    Stem,
    Trede,
)
from .views import _casus_context, audit_commissie


@admin.register(Regieinstellingen)
class RegieinstellingenAdmin(admin.ModelAdmin):
    fieldsets = [
        (
            _("Reistijd"),
            {"fields": ["omrijfactor", "snelheid_kmu", "norm_entree_2", "norm_3", "norm_4", "norm_specialistisch"]},
        ),
        (_("Overlap"), {"fields": ["overlap_modus", "overlap_straal_km"]}),
        (_("Vroegsignalering"), {"fields": ["daling_drempel_pct", "krimp_drempel_pct"]}),
        (_("Overleg en escalatie"), {"fields": ["reactietermijn_dagen", "uitvoeringstermijn_dagen", "email_regie"]}),
        (
            _("Bindende afspraken"),
            {"fields": ["drempel_teller", "drempel_noemer", "stembasis", "quorum_teller", "quorum_noemer"]},
        ),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        return redirect("admin:portfolio_regieinstellingen_change", Regieinstellingen.huidig().pk)


@admin.register(Aanbodmarkering)
class AanbodmarkeringAdmin(admin.ModelAdmin):
    list_display = ["instelling", "kwalificatie", "gemeente", "soort", "geldig_tot", "vastgesteld_op"]
    list_filter = ["soort"]
    search_fields = ["instelling__naam", "instelling__brin", "kwalificatie__crebo", "kwalificatie__naam"]
    autocomplete_fields = ["instelling", "kwalificatie"]


@admin.register(Specialisme)
class SpecialismeAdmin(admin.ModelAdmin):
    list_display = ["kwalificatie", "aangetoond_door", "vastgesteld_op"]
    search_fields = ["kwalificatie__crebo", "kwalificatie__naam"]
    autocomplete_fields = ["kwalificatie", "aangetoond_door"]


@admin.register(Commissielid)
class CommissielidAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["naam", "rol", "instelling", "actief"]
    list_filter = ["rol", "actief"]
    search_fields = ["naam", "instelling__naam"]
    autocomplete_fields = ["instelling"]


@admin.register(Lidmaatschap)
class LidmaatschapAdmin(admin.ModelAdmin):
    list_display = ["instelling", "lid_sinds", "lid_tot"]
    search_fields = ["instelling__naam", "instelling__brin"]
    autocomplete_fields = ["instelling"]


@admin.register(Bevolking)
class BevolkingAdmin(admin.ModelAdmin):
    list_display = ["gemeente", "jaar", "leeftijdsklasse", "aantal", "prognose", "bron"]
    list_filter = ["leeftijdsklasse", "prognose", "bron", "jaar"]
    search_fields = ["gemeente__naam", "gemeente__code"]
    list_select_related = ["gemeente"]

    def has_change_permission(self, request, obj=None):
        return False  # figures come from an import


@admin.register(Inschrijving)
class InschrijvingAdmin(admin.ModelAdmin):
    list_display = ["schooljaar", "instelling", "onderwijslocatiecode", "kwalificatie", "leertraject", "aantal", "bron"]
    list_filter = ["schooljaar", "leertraject", "bron"]
    search_fields = ["instelling__brin", "instelling__naam", "onderwijslocatiecode", "kwalificatie__crebo"]
    list_select_related = ["instelling", "kwalificatie"]

    def has_change_permission(self, request, obj=None):
        return False


class BetrokkeneInline(admin.TabularInline):
    model = Betrokkene
    extra = 0
    fields = ["instelling", "redenen", "genotificeerd_op"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class BijdrageInline(admin.StackedInline):
    model = Bijdrage
    extra = 0
    fields = [("instelling", "soort", "standpunt"), "tekst", "geplaatst_op"]
    readonly_fields = ["instelling", "soort", "standpunt", "tekst", "geplaatst_op"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Casus)
class CasusAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["nummer_", "soort", "instelling", "kwalificatie", "gemeente", "status", "trede", "ladder_link"]
    list_filter = ["status", "soort", "uitkomst"]
    search_fields = [
        "instelling__naam",
        "instelling__brin",
        "kwalificatie__crebo",
        "kwalificatie__naam",
        "gemeente__naam",
    ]
    list_select_related = ["instelling", "kwalificatie", "gemeente"]
    inlines = [BetrokkeneInline, BijdrageInline]
    change_list_template = "portfolio/admin/casus_change_list.html"
    readonly_fields = [
        "soort",
        "instelling",
        "kwalificatie",
        "gemeente",
        "partner",
        "ruil_kwalificatie",
        "capaciteit_wijziging",
        "beoogde_ingang",
        "motivering",
        "status",
        "reactie_uiterlijk",
        "uitkomst",
        "uitkomst_motivering",
        "afgesloten_op",
        "aangemaakt_op",
        "ladder_link",
    ]
    exclude = ["impact", "aangemaakt_door"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("casus"), ordering="pk")
    def nummer_(self, obj):
        return obj.nummer

    @admin.display(description=_("trede"))
    def trede(self, obj):
        stap = max(obj.stappen.all(), key=lambda s: s.trede, default=None)
        return stap.get_trede_display() if stap else "–"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("stappen")

    @admin.display(description=_("escalatieladder"))
    def ladder_link(self, obj):
        return format_html(
            '<a class="button" href="{}">{}</a>', reverse("admin:portfolio_casus_ladder", args=[obj.pk]), _("Ladder")
        )

    def get_urls(self):
        return [
            path("<int:pk>/ladder/", self.admin_site.admin_view(self.ladder_view), name="portfolio_casus_ladder"),
            *super().get_urls(),
        ]

    def ladder_view(self, request, pk):
        casus = get_object_or_404(Casus.objects.select_related("instelling", "kwalificatie", "gemeente"), pk=pk)
        if not self.has_view_permission(request, casus):
            raise PermissionDenied
        actie = request.POST.get("actie") if request.method == "POST" else None
        stap = ladder.huidige_stap(casus)

        def bound(naam):
            return request.POST if actie == naam else None

        forms = {
            "afronden": StapAfrondenForm(bound("afronden"), prefix="afronden"),
            "escaleren": DatumForm(bound("escaleren"), prefix="escaleren"),
            "commissie": CommissieForm(
                bound("commissie"),
                prefix="commissie",
                initial={"voorzitter": stap.voorzitter_id, "leden": list(stap.commissieleden.all())} if stap else None,
            ),
            "uitspraak": UitspraakForm(bound("uitspraak"), prefix="uitspraak"),
            "uitvoering": UitvoeringForm(bound("uitvoering"), prefix="uitvoering"),
            "evaluatie_start": DatumForm(bound("evaluatie_start"), prefix="evaluatie_start"),
            "evaluatie": EvaluatieForm(bound("evaluatie"), prefix="evaluatie"),
            "sluiten": SluitenForm(bound("sluiten"), prefix="sluiten"),
            "document": DocumentForm(
                bound("document"), request.FILES if actie == "document" else None, prefix="document", casus=casus
            ),
            "betrokkene": BetrokkeneForm(bound("betrokkene"), prefix="betrokkene"),
            "bericht": RegieberichtForm(bound("bericht"), prefix="bericht"),
        }
        if actie in forms:
            if not self.has_change_permission(request, casus):
                raise PermissionDenied
            form = forms[actie]
            if form.is_valid():
                try:
                    melding = self._voer_uit(request, casus, stap, actie, form.cleaned_data)
                except (ladder.LadderFout, overleg.OverlegFout) as fout:
                    form.add_error(None, str(fout))
                    self.message_user(request, str(fout), messages.ERROR)
                else:
                    self.message_user(request, melding, messages.SUCCESS)
                    return redirect("admin:portfolio_casus_ladder", casus.pk)
        casus.refresh_from_db()
        stap = ladder.huidige_stap(casus)
        audit_commissie(request, casus)
        context = {
            **self.admin_site.each_context(request),
            **_casus_context(casus),
            "title": _("Escalatieladder %(nummer)s") % {"nummer": casus.nummer},
            "opts": self.model._meta,
            "original": casus,
            "forms": forms,
            "stap": stap,
            "Trede": Trede,
            "Uitkomst": Escalatiestap.Uitkomst,
            "arbitrage_gehad": casus.stappen.filter(trede=Trede.ARBITRAGE).exists(),
        }
        return TemplateResponse(request, "portfolio/admin/ladder.html", context)

    def _voer_uit(self, request, casus, stap, actie, d) -> str:
        if actie == "afronden":
            ladder.rond_stap_af(stap, d["uitkomst"], d["besluit"], d["datum"], d["interventie"])
            return _("De trede is afgerond.")
        if actie == "escaleren":
            nieuw = ladder.escaleer(casus, d["datum"])
            return _("De volgende trede is gestart: %(trede)s.") % {"trede": nieuw.get_trede_display()}
        if actie == "commissie":
            ladder.stel_commissie_samen(stap, d["voorzitter"], list(d["leden"]))
            return _("De arbitragecommissie is samengesteld.")
        if actie == "uitspraak":
            ladder.doe_uitspraak(stap, d["uitspraak"], d["datum"], d["uitvoeren_voor"])
            return _("De uitspraak is vastgelegd; de partijen zijn geïnformeerd.")
        if actie == "uitvoering":
            arbitrage = casus.stappen.get(trede=Trede.ARBITRAGE)
            ladder.registreer_uitvoering(arbitrage, d["datum"], d["hoe"])
            return _("De uitvoering van de uitspraak is vastgelegd.")
        if actie == "evaluatie_start":
            ladder.start_evaluatie(casus, d["datum"])
            return _("De gezamenlijke evaluatie is gestart.")
        if actie == "evaluatie":
            ladder.rond_evaluatie_af(stap, d["leerpunten"], d["datum"], d["uitkomst"], d["motivering"])
            return _("De evaluatie is afgerond en de casus gesloten.")
        if actie == "sluiten":
            ladder.sluit_casus(casus, d["uitkomst"], d["motivering"], d["datum"])
            return _("De casus is gesloten.")
        if actie == "document":
            ladder.voeg_document_toe(d["stap"], d["titel"], d["bestand"], d["url"] or "", door=request.user)
            return _("Het document is toegevoegd.")
        if actie == "betrokkene":
            ladder.voeg_betrokkene_toe(casus, d["instelling"])
            return _("De instelling is toegevoegd en geïnformeerd.")
        ladder.regiebericht(casus, d["tekst"], door=request.user)
        return _("Het bericht is geplaatst en verstuurd.")


class StemInline(admin.TabularInline):
    model = Stem
    extra = 0
    fields = ["instelling", "keuze", "geregistreerd_op"]
    readonly_fields = ["geregistreerd_op"]
    autocomplete_fields = ["instelling"]

    def _open(self, obj):
        return obj is not None and obj.status == BindendeAfspraak.Status.IN_STEMMING

    def has_add_permission(self, request, obj=None):
        return self._open(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._open(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._open(obj) and super().has_delete_permission(request, obj)


@admin.register(BindendeAfspraak)
class BindendeAfspraakAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["titel", "stemdatum", "status", "uitslag_tekst"]
    list_filter = ["status"]
    inlines = [StemInline]
    actions = ["open_stemming", "sluit_stemming"]
    readonly_fields = ["status", "regel", "telling", "uitslag_tekst", "vastgesteld_op", "vastgesteld_door", "uitleg"]
    fields = [
        "titel",
        "tekst",
        "stemdatum",
        "uitleg",
        "status",
        "regel",
        "telling",
        "uitslag_tekst",
        "vastgesteld_op",
        "vastgesteld_door",
    ]

    @admin.display(description=_("besluitregel"))
    def uitleg(self, obj=None):
        regel = stemming.Regel.van(Regieinstellingen.huidig())
        basis = dict(Regieinstellingen._meta.get_field("stembasis").choices)[regel.basis]
        return _(
            "Aangenomen bij ten minste %(drempel)s voor, over: %(basis)s. Quorum: %(quorum)s van de stemgerechtigde "
            "leden. Stemgerechtigd is een instelling die op de datum van de stemming lid is van de vereniging. Een "
            "gelijke stand of geen stem voor is nooit aangenomen."
        ) % {"drempel": regel.drempel, "basis": basis, "quorum": regel.quorum}

    def get_readonly_fields(self, request, obj=None):
        velden = list(self.readonly_fields)
        if obj is not None and obj.status != BindendeAfspraak.Status.CONCEPT:
            velden += ["titel", "tekst", "stemdatum"]
        return velden

    def save_formset(self, request, form, formset, change):
        """Votes go through the service, which checks the voting right on the day of the vote."""
        afspraak = form.instance
        for inline_form in formset.forms:
            if not inline_form.has_changed() or not inline_form.cleaned_data:
                continue
            if inline_form.cleaned_data.get("DELETE"):
                if inline_form.instance.pk:
                    inline_form.instance.delete()
                continue
            try:
                stemming.registreer_stem(
                    afspraak, inline_form.cleaned_data["instelling"], inline_form.cleaned_data["keuze"]
                )
            except stemming.StemmingFout as fout:
                self.message_user(request, str(fout), messages.ERROR)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []  # for the change message

    @admin.action(description=_("Stemming openen"))
    def open_stemming(self, request, queryset):
        for afspraak in queryset:
            try:
                stemming.open_stemming(afspraak)
            except stemming.StemmingFout as fout:
                self.message_user(request, f"{afspraak}: {fout}", messages.ERROR)
            else:
                self.message_user(request, _("%(a)s is in stemming.") % {"a": afspraak})

    @admin.action(description=_("Stemming sluiten en uitslag vaststellen"))
    def sluit_stemming(self, request, queryset):
        for afspraak in queryset:
            try:
                uitslag = stemming.sluit_stemming(afspraak, door=request.user)
            except stemming.StemmingFout as fout:
                self.message_user(request, f"{afspraak}: {fout}", messages.ERROR)
            else:
                self.message_user(
                    request, f"{afspraak}: {BindendeAfspraak.Status(uitslag.status).label}. {uitslag.reden}"
                )
