"""Staff admin for tariffs, participant counts and invoices.

Invoices are made by the services only (concept per member per year → final → sent); a final invoice is read-only
here except for the payment date, and is corrected by a credit note.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from voorzieningen.core.admin_mixins import AuditedAdminMixin
from voorzieningen.core.services import Actor, audit_read

from . import facturatie, pdf, ubl
from .admin_dienstverlening import formulier, fouten_melden, wijzig_url
from .models import (
    Cooperatie,
    Deelnemertelling,
    Facturatiegegevens,
    Factuur,
    Factuurgegevens,
    Factuurregel,
    Tarief,
    Tariefcomponent,
)


class TariefcomponentInline(admin.TabularInline):
    model = Tariefcomponent
    extra = 0
    fields = ["volgorde", "soort", "omschrijving", "prijs", "weging_bol", "weging_bbl", "peiljaar_verschil"]


@admin.register(Tarief)
class TariefAdmin(admin.ModelAdmin):
    list_display = ["dienst", "jaar", "btw_percentage", "samenvatting", "vastgesteld"]
    list_filter = ["dienst__cooperatie", "jaar", "dienst"]
    inlines = [TariefcomponentInline]

    @admin.display(description=_("componenten"))
    def samenvatting(self, obj):
        delen = []
        for c in obj.componenten.all():
            if c.soort == Tariefcomponent.Soort.VAST:
                delen.append(facturatie.bedrag_nl(c.prijs))
            else:
                delen.append(
                    _("%(prijs)s per gewogen deelnemer (BOL %(bol)s, BBL %(bbl)s, telling t−%(n)s)")
                    % {
                        "prijs": facturatie.bedrag_nl(c.prijs),
                        "bol": facturatie.getal_nl(c.weging_bol),
                        "bbl": facturatie.getal_nl(c.weging_bbl),
                        "n": c.peiljaar_verschil,
                    }
                )
        return " + ".join(delen) or "—"


class ImportForm(forms.Form):
    cooperatie = forms.ModelChoiceField(label=_("coöperatie"), queryset=Cooperatie.objects.all())
    bestand = forms.FileField(
        label=_("CSV-bestand"),
        help_text=_("Kolommen brin;jaar;bol;bbl (UTF-8, gescheiden door ; of ,). Zie de uitleg hieronder."),
    )


@admin.register(Deelnemertelling)
class DeelnemertellingAdmin(admin.ModelAdmin):
    list_display = ["lid", "jaar", "bol", "bbl", "bron", "bijgewerkt_op"]
    list_filter = ["lid__cooperatie", "jaar"]
    search_fields = ["lid__naam", "lid__instelling__brin", "lid__bestuur__code"]
    raw_id_fields = ["lid"]
    change_list_template = "cooperatie/admin/dienst_change_list.html"

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "dienst_acties": [(reverse("admin:cooperatie_deelnemertelling_import"), _("Tellingen importeren (CSV)"))],
        }
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        return [
            path(
                "importeren/", self.admin_site.admin_view(self.import_view), name="cooperatie_deelnemertelling_import"
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        fouten = []
        if request.method == "POST" and form.is_valid():
            bestand = form.cleaned_data["bestand"]
            resultaat = facturatie.importeer_deelnemertellingen(
                form.cleaned_data["cooperatie"], bestand.read(), bron=bestand.name
            )
            fouten = resultaat.fouten
            if not fouten:
                self.message_user(
                    request,
                    _("Geïmporteerd: %(nieuw)d nieuw, %(bij)d bijgewerkt, %(gelijk)d ongewijzigd.")
                    % {"nieuw": resultaat.aangemaakt, "bij": resultaat.bijgewerkt, "gelijk": resultaat.ongewijzigd},
                )
                return redirect(reverse("admin:cooperatie_deelnemertelling_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Deelnemertellingen importeren"),
            "form": form,
            "fouten": fouten,
            "uitleg": facturatie.importeer_deelnemertellingen.__doc__,
        }
        return TemplateResponse(request, "cooperatie/admin/deelnemertelling_import.html", context)


@admin.register(Facturatiegegevens)
class FacturatiegegevensAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_reason = "Beheerder bekijkt de facturatiegegevens van de coöperatie"
    list_display = ["rechtsnaam", "cooperatie", "kvk_nummer", "btw_nummer", "iban"]


@admin.register(Factuurgegevens)
class FactuurgegevensAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["lid", "factuurnaam", "plaats", "kvk_nummer", "oin", "referentie"]
    list_filter = ["lid__cooperatie"]
    search_fields = ["lid__naam", "factuurnaam", "kvk_nummer", "oin"]
    raw_id_fields = ["lid"]
    audit_reason = "Beheerder bekijkt factuurgegevens van een lid"


class FactuurregelInline(admin.TabularInline):
    model = Factuurregel
    extra = 0
    can_delete = False
    fields = ["volgorde", "omschrijving", "berekening", "aantal", "eenheidsprijs", "btw_percentage", "bedrag"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ConceptfacturenForm(forms.Form):
    cooperatie = forms.ModelChoiceField(label=_("coöperatie"), queryset=Cooperatie.objects.all())
    jaar = forms.IntegerField(label=_("bijdragejaar"), min_value=2000, max_value=2100)


class CreditnotaForm(forms.Form):
    reden = forms.CharField(
        label=_("reden van de creditering"), max_length=400, widget=forms.Textarea(attrs={"rows": 3})
    )


@admin.register(Factuur)
class FactuurAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "lid",
        "jaar",
        "soort",
        "status",
        "totaal_incl",
        "factuurdatum",
        "verzonden_op",
        "betaald_op",
    ]
    list_filter = ["cooperatie", "status", "soort", "jaar"]
    search_fields = ["nummer", "lid__naam"]
    inlines = [FactuurregelInline]
    actions = ["herberekenen", "definitief_maken", "versturen", "opnieuw_versturen"]
    change_form_template = "cooperatie/admin/dienst_change_form.html"
    change_list_template = "cooperatie/admin/dienst_change_list.html"
    audit_reason = "Beheerder bekijkt een factuur"
    fields = [
        "cooperatie",
        "lid",
        "soort",
        "status",
        "jaar",
        "nummer",
        "factuurdatum",
        "vervaldatum",
        "origineel",
        "omschrijving",
        "totaal_excl",
        "btw_totaal",
        "totaal_incl",
        "afnemer",
        "verzonden_op",
        "verzonden_aan",
        "betaald_op",
    ]

    def get_readonly_fields(self, request, obj=None):
        bewerkbaar = {"betaald_op"} if obj is not None and obj.is_definitief else {"omschrijving"}
        return [f for f in self.fields if f not in bewerkbaar]

    def has_add_permission(self, request):
        return False  # invoices come from the tariffs: 'Conceptfacturen maken'

    def has_delete_permission(self, request, obj=None):
        return obj is not None and not obj.is_definitief and super().has_delete_permission(request, obj)

    def get_actions(self, request):
        acties = super().get_actions(request)
        acties.pop("delete_selected", None)  # final invoices must not go; concepts are deleted one by one
        return acties

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "dienst_acties": [(reverse("admin:cooperatie_factuur_concepten"), _("Conceptfacturen maken"))],
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        acties = []
        if obj is not None:
            acties.append((reverse("admin:cooperatie_factuur_pdf", args=[obj.pk]), _("PDF")))
            if obj.is_definitief:
                acties.append((reverse("admin:cooperatie_factuur_ubl", args=[obj.pk]), _("UBL (e-factuur)")))
            if obj.is_definitief and obj.soort == Factuur.Soort.FACTUUR and not obj.creditnotas.exists():
                acties.append((reverse("admin:cooperatie_factuur_creditnota", args=[obj.pk]), _("Creditnota maken")))
        extra_context = {**(extra_context or {}), "dienst_acties": acties}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        beheer = self.admin_site.admin_view
        return [
            path("conceptfacturen/", beheer(self.concepten_view), name="cooperatie_factuur_concepten"),
            path("<int:pk>/pdf/", beheer(self.pdf_view), name="cooperatie_factuur_pdf"),
            path("<int:pk>/ubl/", beheer(self.ubl_view), name="cooperatie_factuur_ubl"),
            path("<int:pk>/creditnota/", beheer(self.creditnota_view), name="cooperatie_factuur_creditnota"),
            *super().get_urls(),
        ]

    def _factuur(self, request, pk) -> Factuur:
        factuur = get_object_or_404(Factuur, pk=pk)
        if not self.has_view_permission(request, factuur):
            raise PermissionDenied
        return factuur

    def pdf_view(self, request, pk):
        factuur = self._factuur(request, pk)
        audit_read(Actor.from_request(request), factuur, reason="Medewerker downloadt een factuur (PDF)")
        response = HttpResponse(pdf.factuur_pdf(factuur), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{facturatie.bestandsnaam(factuur, "pdf")}"'
        return response

    def ubl_view(self, request, pk):
        factuur = self._factuur(request, pk)
        try:
            inhoud = ubl.factuur_xml(factuur)
        except ValidationError as exc:
            fouten_melden(self, request, exc)
            return redirect(wijzig_url(factuur))
        audit_read(Actor.from_request(request), factuur, reason="Medewerker downloadt een factuur (UBL)")
        response = HttpResponse(inhoud, content_type="application/xml")
        response["Content-Disposition"] = f'attachment; filename="{facturatie.bestandsnaam(factuur, "xml")}"'
        return response

    def creditnota_view(self, request, pk):
        factuur = self._factuur(request, pk)
        if not self.has_change_permission(request, factuur):
            raise PermissionDenied
        form = CreditnotaForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                creditnota = facturatie.maak_creditnota(factuur, reden=form.cleaned_data["reden"])
            except ValidationError as exc:
                for melding in exc.messages:
                    form.add_error(None, melding)
            else:
                self.message_user(
                    request, _("Concept-creditnota gemaakt; controleer haar en maak haar definitief om te versturen.")
                )
                return redirect(wijzig_url(creditnota))
        return formulier(
            self,
            request,
            titel=_("Creditnota maken"),
            form=form,
            knop=_("Concept-creditnota maken"),
            obj=factuur,
            uitleg=_(
                "De creditnota crediteert de hele factuur %(nummer)s. Maak daarna zo nodig een nieuwe, juiste factuur."
            )
            % {"nummer": factuur.nummer},
        )

    def concepten_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = ConceptfacturenForm(request.POST or None, initial={"jaar": timezone.localdate().year})
        if request.method == "POST" and form.is_valid():
            resultaat = facturatie.maak_conceptfacturen(form.cleaned_data["cooperatie"], form.cleaned_data["jaar"])
            self.message_user(
                request, _("%(n)d conceptfacturen gemaakt of herberekend.") % {"n": len(resultaat.facturen)}
            )
            for fout in resultaat.fouten:
                self.message_user(request, fout, messages.ERROR)
            return redirect(reverse("admin:cooperatie_factuur_changelist") + "?status__exact=concept")
        return formulier(
            self,
            request,
            titel=_("Conceptfacturen maken"),
            form=form,
            knop=_("Conceptfacturen maken"),
            uitleg=_(
                "Voor elk lid in het jaar: een conceptfactuur met een regel per afgenomen dienst volgens het tarief "
                "van dat jaar. Bestaande concepten worden herberekend; definitieve facturen blijven ongemoeid."
            ),
        )

    def _per_factuur(self, request, queryset, actie, gelukt: str):
        aantal = 0
        for factuur in queryset.order_by("pk"):
            try:
                actie(factuur)
                aantal += 1
            except ValidationError as exc:
                fouten_melden(self, request, exc)
        if aantal:
            self.message_user(request, gelukt % {"n": aantal})

    @admin.action(description=_("Herberekenen (concepten)"))
    def herberekenen(self, request, queryset):
        self._per_factuur(
            request,
            queryset.filter(status=Factuur.Status.CONCEPT, soort=Factuur.Soort.FACTUUR),
            lambda f: facturatie.maak_conceptfactuur(f.lid, f.jaar),
            _("%(n)d concepten herberekend."),
        )

    @admin.action(description=_("Definitief maken (nummer toekennen)"))
    def definitief_maken(self, request, queryset):
        self._per_factuur(
            request,
            queryset.filter(status=Factuur.Status.CONCEPT),
            lambda f: facturatie.maak_definitief(f, datum=timezone.localdate()),
            _("%(n)d facturen definitief gemaakt."),
        )

    @admin.action(description=_("Versturen (maakt concepten eerst definitief)"))
    def versturen(self, request, queryset):
        actor = Actor.from_request(request)
        self._per_factuur(
            request,
            queryset.filter(verzonden_op__isnull=True),
            lambda f: facturatie.verstuur(f, actor=actor),
            _("%(n)d facturen verstuurd."),
        )

    @admin.action(description=_("Opnieuw versturen"))
    def opnieuw_versturen(self, request, queryset):
        actor = Actor.from_request(request)
        self._per_factuur(
            request,
            queryset.filter(status=Factuur.Status.DEFINITIEF),
            lambda f: facturatie.verstuur(f, actor=actor, opnieuw=True),
            _("%(n)d facturen opnieuw verstuurd."),
        )
