"""Staff admin for the meeting: plan, send links, open, record attendance and votes, close, minutes, the board."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from voorzieningen.core.admin_mixins import AuditedAdminMixin
from voorzieningen.core.services import Actor, audit_read

from . import av
from .forms_av import AanwezigheidForm, StemmingForm, VoorstelForm, VoorzitterForm
from .models import Agendapunt, Bestuurslid, Cooperatie, Stem, Vergadering, Voorstel


class AgendapuntInline(admin.TabularInline):
    model = Agendapunt
    extra = 0
    fields = ["volgnummer", "titel", "toelichting"]


class VoorstelInline(admin.StackedInline):
    model = Voorstel
    form = VoorstelForm
    extra = 0
    fields = [("volgnummer", "agendapunt"), "titel", "toelichting", ("soort", "kandidaat"), ("status", "uitslag")]
    readonly_fields = ["status", "uitslag"]
    raw_id_fields = ["kandidaat"]

    def get_formset(self, request, obj=None, **kwargs):
        self._vergadering = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agendapunt":
            vergadering = getattr(self, "_vergadering", None)
            kwargs["queryset"] = (
                Agendapunt.objects.filter(vergadering=vergadering) if vergadering else Agendapunt.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.status == Vergadering.Status.GEPLAND


def _waarschuw_jaarplan(modeladmin, request, cooperaties, jaar):
    for cooperatie in cooperaties:
        melding = av.jaarplan_waarschuwing(cooperatie, jaar)
        if melding:
            modeladmin.message_user(request, melding, messages.WARNING)


@admin.register(Vergadering)
class VergaderingAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_reason = "Beheerder bekijkt vergadering (agenda, notulen)"

    list_display = ["__str__", "cooperatie", "soort", "aanvang", "status", "afhandelen_link"]
    list_filter = ["cooperatie", "orgaan", "status"]
    date_hierarchy = "aanvang"
    inlines = [AgendapuntInline, VoorstelInline]
    actions = ["stuur_links"]

    def get_fields(self, request, obj=None):
        velden = ["cooperatie", "orgaan", "soort", "aanvang", "locatie"]
        if obj is not None:
            velden += ["status", "notulen", "notulen_gepubliceerd_op", "afhandelen_link"]
        return velden

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        velden = ["cooperatie", "status", "notulen_gepubliceerd_op", "afhandelen_link"]
        if obj.status != Vergadering.Status.GEPLAND:
            velden += ["orgaan", "soort", "aanvang"]
        if obj.notulen_gepubliceerd_op:
            velden.append("notulen")
        return velden

    @admin.display(description=_("afhandelen"))
    def afhandelen_link(self, obj):
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:cooperatie_vergadering_afhandelen", args=[obj.pk]),
            _("Vergadering afhandelen"),
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/afhandelen/",
                self.admin_site.admin_view(self.afhandel_view),
                name="cooperatie_vergadering_afhandelen",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            jaar = timezone.localdate().year
            _waarschuw_jaarplan(self, request, Cooperatie.objects.all(), jaar)
        return super().changelist_view(request, extra_context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        vergadering = form.instance
        _waarschuw_jaarplan(self, request, [vergadering.cooperatie], vergadering.jaar)

    @admin.action(description=_("Persoonlijke links versturen aan de vertegenwoordigers"))
    def stuur_links(self, request, queryset):
        actor = Actor.from_request(request)
        for vergadering in queryset:
            self._stuur_links(request, vergadering, actor)

    def _stuur_links(self, request, vergadering, actor, opnieuw=False):
        try:
            verstuurd, zonder = av.stuur_links(vergadering, actor=actor, opnieuw=opnieuw)
        except av.StemmingFout as fout:
            self.message_user(request, f"{vergadering}: {fout}", messages.ERROR)
            return
        self.message_user(request, _("%(v)s: %(n)s links verstuurd.") % {"v": vergadering, "n": len(verstuurd)})
        if zonder:
            self.message_user(
                request,
                _("Geen contactpersoon om de link aan te sturen: %(leden)s.")
                % {"leden": ", ".join(lid.naam for lid in zonder)},
                messages.WARNING,
            )

    def afhandel_view(self, request, pk):
        """One page for the secretary during the meeting: open, attendance, proposals to the vote, close."""
        vergadering = get_object_or_404(Vergadering.objects.select_related("cooperatie"), pk=pk)
        if not self.has_view_permission(request, vergadering):
            raise PermissionDenied
        actor = Actor.from_request(request)
        leden = list(av.stemgerechtigde_leden(vergadering).order_by("naam"))
        form = AanwezigheidForm(
            request.POST if request.POST.get("actie") == "aanwezigheid" else None,
            leden=leden,
            initial={"aanwezig": [str(pk) for pk in vergadering.aanwezigheden.values_list("lid_id", flat=True)]},
        )
        if request.method == "POST":
            if not self.has_change_permission(request, vergadering):
                raise PermissionDenied
            actie = request.POST.get("actie")
            stappen = {
                "open": (av.open_vergadering, _("De vergadering is geopend; vooraf stemmen is gesloten.")),
                "sluit": (av.sluit_vergadering, _("De vergadering is gesloten.")),
                "annuleer": (av.annuleer_vergadering, _("De vergadering is geannuleerd.")),
                "notulen": (av.publiceer_notulen, _("De notulen zijn gepubliceerd voor de leden.")),
            }
            try:
                if actie in stappen:
                    functie, melding = stappen[actie]
                    functie(vergadering, actor=actor)
                    self.message_user(request, melding)
                elif actie in ("links", "links_opnieuw"):
                    self._stuur_links(request, vergadering, actor, opnieuw=actie == "links_opnieuw")
                elif actie == "aanwezigheid" and form.is_valid():
                    aantal = av.registreer_aanwezigheid(vergadering, form.cleaned_data["aanwezig"], actor=actor)
                    self.message_user(request, _("Aanwezigheid vastgelegd: %(n)s leden aanwezig.") % {"n": aantal})
            except av.StemmingFout as fout:
                self.message_user(request, str(fout), messages.ERROR)
            return redirect("admin:cooperatie_vergadering_afhandelen", vergadering.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Vergadering afhandelen: %(v)s") % {"v": vergadering},
            "vergadering": vergadering,
            "form": form,
            "stemgerechtigden": len(leden),
            "aanwezig": vergadering.aanwezigheden.count(),
            "voorstellen": vergadering.voorstellen.all(),
            "links": vergadering.links.count(),
            "vooraf_open": av.vooraf_stemmen_open(vergadering),
            "jaarplan": av.jaarplan_waarschuwing(vergadering.cooperatie, vergadering.jaar),
            "voorzitter": av.voorzitter(vergadering.cooperatie),
        }
        return TemplateResponse(request, "cooperatie/admin/afhandelen.html", context)


@admin.register(Voorstel)
class VoorstelAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The staff's decisions list; proposals are added on their meeting, votes recorded on the voting page."""

    list_display = [
        "titel",
        "vergadering",
        "soort",
        "status",
        "uitslag",
        "consensus",
        "voor",
        "tegen",
        "onthouding",
        "stemming_link",
    ]
    list_filter = ["vergadering__cooperatie", "status", "uitslag", "soort"]
    search_fields = ["titel"]
    readonly_fields = [
        "vergadering",
        "status",
        "uitslag",
        "consensus",
        "stemgerechtigden",
        "deelnemers",
        "voor",
        "tegen",
        "onthouding",
        "toelichting_uitslag",
        "regel",
        "gesloten_op",
    ]
    fields = [
        "vergadering",
        "volgnummer",
        "agendapunt",
        "titel",
        "toelichting",
        "soort",
        "kandidaat",
        *readonly_fields[1:],
    ]
    raw_id_fields = ["kandidaat", "agendapunt"]
    form = VoorstelForm

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status == Voorstel.Status.GESLOTEN:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("stemming"))
    def stemming_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:cooperatie_voorstel_stemming", args=[obj.pk]), _("Stemming")
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/stemming/",
                self.admin_site.admin_view(self.stemming_view),
                name="cooperatie_voorstel_stemming",
            ),
            *super().get_urls(),
        ]

    def stemming_view(self, request, pk):
        voorstel = get_object_or_404(Voorstel.objects.select_related("vergadering__cooperatie", "kandidaat"), pk=pk)
        if not self.has_view_permission(request, voorstel):
            raise PermissionDenied
        vergadering = voorstel.vergadering
        actor = Actor.from_request(request)
        leden = list(av.stemgerechtigde_leden(vergadering).order_by("naam"))
        stemmen = {s.lid_id: s for s in voorstel.stemmen.all()}
        form = StemmingForm(request.POST or None, leden=leden, stemmen=stemmen)
        if request.method == "POST":
            if not super().has_change_permission(request, voorstel):
                raise PermissionDenied
            try:
                if form.is_valid() and voorstel.status == Voorstel.Status.OPEN:
                    av.registreer_stemmen(voorstel, form.keuzes(), actor=actor)
                    if request.POST.get("actie") == "sluiten":
                        uitslag = av.sluit_stemming(voorstel, actor=actor)
                        self.message_user(
                            request, _("Stemming gesloten: %(u)s.") % {"u": Voorstel.Uitslag(uitslag.uitslag).label}
                        )
                    else:
                        self.message_user(request, _("Stemmen opgeslagen."))
            except av.StemmingFout as fout:
                self.message_user(request, str(fout), messages.ERROR)
            return redirect("admin:cooperatie_voorstel_stemming", voorstel.pk)
        audit_read(actor, voorstel, reason="Beheerder bekijkt stemmen per lid")
        aanwezig = set(vergadering.aanwezigheden.values_list("lid_id", flat=True))
        rijen = [(lid, form[f"lid_{lid.pk}"], stemmen.get(lid.pk), lid.pk in aanwezig) for lid in leden]
        vervallen = [s for lid_id, s in stemmen.items() if lid_id not in {lid.pk for lid in leden}]
        regel = av.regel_van(voorstel)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Stemming: %(t)s") % {"t": voorstel.titel},
            "voorstel": voorstel,
            "vergadering": vergadering,
            "form": form,
            "rijen": rijen,
            "vervallen": vervallen,
            "telling": av.tel(voorstel) if voorstel.status == Voorstel.Status.OPEN else None,
            "kan_stemmen": vergadering.status == Vergadering.Status.GEOPEND and voorstel.status == Voorstel.Status.OPEN,
            "regel_weergave": av.regel_weergave(regel),
            "ledenraad": vergadering.orgaan == "ledenraad",
            "Stem": Stem,
        }
        return TemplateResponse(request, "cooperatie/admin/stemming.html", context)


@admin.register(Bestuurslid)
class BestuurslidAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Board members come in through an adopted appointment; the board elects its chair on its own page."""

    list_display = ["naam", "lid", "cooperatie", "begindatum", "einddatum", "voorzitter", "voorzitter_sinds"]
    list_filter = ["cooperatie", "voorzitter"]
    readonly_fields = [
        "cooperatie",
        "lid",
        "contactpersoon",
        "naam",
        "benoemd_bij",
        "begindatum",
        "einddatum",
        "voorzitter",
        "voorzitter_sinds",
    ]
    actions = ["beeindig"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "voorzitter/<int:cooperatie_pk>/",
                self.admin_site.admin_view(self.voorzitter_view),
                name="cooperatie_bestuurslid_voorzitter",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "voorzitter_links": [
                (c, reverse("admin:cooperatie_bestuurslid_voorzitter", args=[c.pk]))
                for c in Cooperatie.objects.filter(bestuursleden__einddatum__isnull=True).distinct()
            ],
        }
        return super().changelist_view(request, extra_context)

    change_list_template = "cooperatie/admin/bestuursleden.html"

    @admin.action(description=_("Zittingstermijn beëindigen per vandaag"))
    def beeindig(self, request, queryset):
        actor = Actor.from_request(request)
        for bestuurslid in queryset.filter(einddatum__isnull=True):
            av.beeindig_bestuurslid(bestuurslid, timezone.localdate(), actor=actor)
        self.message_user(request, _("Zittingstermijn(en) beëindigd."))

    def voorzitter_view(self, request, cooperatie_pk):
        cooperatie = get_object_or_404(Cooperatie, pk=cooperatie_pk)
        if not self.has_view_permission(request):
            raise PermissionDenied
        bestuursleden = list(av.actieve_bestuursleden(cooperatie))
        if request.method == "GET":
            audit_read(
                Actor.from_request(request),
                object_type="cooperatie.Bestuurslid",
                reason="Beheerder bekijkt het bestuur (voorzitter kiezen)",
                ids=[str(b.pk) for b in bestuursleden],
            )
        form = VoorzitterForm(request.POST or None, bestuursleden=bestuursleden)
        if request.method == "POST":
            if not self.has_change_permission(request):
                raise PermissionDenied
            if form.is_valid():
                try:
                    gekozen = av.kies_voorzitter(
                        cooperatie, form.stemmen(), form.cleaned_data["datum"], actor=Actor.from_request(request)
                    )
                except av.BestuurFout as fout:
                    form.add_error(None, str(fout))
                else:
                    self.message_user(request, _("%(naam)s is voorzitter.") % {"naam": gekozen.naam})
                    return redirect("admin:cooperatie_bestuurslid_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Voorzitter kiezen: %(c)s") % {"c": cooperatie.naam},
            "cooperatie": cooperatie,
            "form": form,
            "bestuur_omvang": cooperatie.bestuur_omvang,
            "nodig": cooperatie.bestuur_omvang // 2 + 1,
            "huidig": av.voorzitter(cooperatie),
        }
        return TemplateResponse(request, "cooperatie/admin/voorzitter.html", context)
