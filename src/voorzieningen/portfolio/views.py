"""Pages of portfolio regie.

- The analyses (map, overlap, accessibility, early warning, impact) are public and read-only: aggregate figures
  about programmes and places, no personal data; enrolment counts of 1–4 show as '< 5'. Planned stops under
  consultation are not public and stay off these pages.
- Institution admins (password + TOTP, /beheer/) announce intentions and take part in the conversation, for
  their own institution only: a case their institution is no party to is a 404.
- Staff run the ladder in the admin and see the dashboard (admin login with 2FA).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from voorzieningen.core.services import Actor, audit_read
from voorzieningen.instellingen import services as beheer
from voorzieningen.instellingen.views import beheer_vereist

from . import analyse, ladder, overleg, signalen, svg
from . import data as portfoliodata
from .forms import (
    AankondigingForm,
    AnalyseForm,
    BerichtForm,
    ImpactForm,
    IntrekkenForm,
    OverlapForm,
    ReactieForm,
    VerzoekForm,
)
from .impact import impact as bereken_impact
from .impact import wijzigingen_van
from .models import Casus, Escalatiestap, Stapdocument, Trede


def _context(data, **extra) -> dict:
    return {"data": data, "parameters": data.parameters, **extra}


def start(request):
    data = portfoliodata.laad()
    kwals = data.aangeboden_kwalificaties()
    context = _context(
        data,
        aantal_aanbod=len(data.aanbod),
        aantal_kwalificaties=len(kwals),
        aantal_instellingen=len({a.instelling_id for a in data.aanbod}),
        aantal_gemeenten=len(data.gemeenten),
    )
    return render(request, "portfolio/start.html", context)


def kaart(request):
    data = portfoliodata.laad()
    form = AnalyseForm(request.GET or None, sectoren=data.sectoren())
    uitkomst = analyse.portfoliokaart(data, form.selectie())
    context = _context(data, form=form, kaart=uitkomst, svgkaart=svg.aanbodkaart(data, uitkomst))
    return render(request, "portfolio/kaart.html", context)


def overlap(request):
    data = portfoliodata.laad()
    form = OverlapForm(request.GET or None, sectoren=data.sectoren())
    modus = straal = None
    if form.is_bound and form.is_valid():
        modus, straal = form.cleaned_data.get("modus") or None, form.cleaned_data.get("straal_km")
    uitkomst = analyse.overlap(data, modus, straal, form.selectie())
    per_sector: dict[str, int] = {}
    for g in uitkomst.gevallen:
        per_sector[g.kwalificatie.sector or "—"] = per_sector.get(g.kwalificatie.sector or "—", 0) + 1
    diagram = svg.staafdiagram(
        _("Overlap per sector"), [(s, n, str(n)) for s, n in sorted(per_sector.items(), key=lambda p: (-p[1], p[0]))]
    )
    context = _context(
        data,
        form=form,
        overlap=uitkomst,
        svgkaart=svg.overlapkaart(data, uitkomst),
        diagram=diagram,
        gevallen=uitkomst.gevallen[:300],
    )
    return render(request, "portfolio/overlap.html", context)


def bereikbaarheid(request):
    data = portfoliodata.laad()
    form = AnalyseForm(request.GET or None, sectoren=data.sectoren())
    uitkomst = analyse.bereikbaarheid(data, form.selectie())
    diagram = svg.staafdiagram(
        _("Deel van de opleidingen binnen de norm, per niveau"),
        [(n.label, n.gewogen_aandeel, f"{round(n.gewogen_aandeel * 100)}%") for n in uitkomst.per_niveau],
    )
    context = _context(
        data,
        form=form,
        bereik=uitkomst,
        svgkaart=svg.bereikkaart(data, uitkomst),
        diagram=diagram,
        onbedekt=uitkomst.onbedekt[:150],
    )
    return render(request, "portfolio/bereikbaarheid.html", context)


def signalering(request):
    data = portfoliodata.laad()
    vroeg = signalen.vroegsignalering(data, timezone.localdate())
    regio_s = [(r, svg.sparklijn(r.aanbod), svg.sparklijn(r.inschrijvingen)) for r in vroeg.regio_s]
    context = _context(data, vroeg=vroeg, regio_s=regio_s, svgkaart=svg.krimpkaart(data, vroeg.jongeren_per_gemeente))
    return render(request, "portfolio/signalen.html", context)


def impact(request):
    data = portfoliodata.laad()
    form = ImpactForm(request.GET or None)
    uitkomst = None
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        wijzigingen = wijzigingen_van(
            d["soort"],
            d["instelling"].pk,
            d["kwalificatie"].pk,
            d["gemeente"].code,
            partner_id=d["partner"].pk if d.get("partner") else None,
            ruil_kwalificatie_id=d["ruil_kwalificatie"].pk if d.get("ruil_kwalificatie") else None,
            plaatsen=d.get("plaatsen"),
        )
        uitkomst = bereken_impact(data, wijzigingen).als_dict()
    return render(request, "portfolio/impact.html", _context(data, form=form, impact=uitkomst))


# --- institution admins -------------------------------------------------------------------------------------


@beheer_vereist
def casussen(request):
    lijst = list(overleg.casussen_van(request.instelling))
    for casus in lijst:
        casus.eigen = casus.instelling_id == request.instelling.pk
    return render(request, "portfolio/instelling/casussen.html", {"casussen": lijst})


@beheer_vereist
def aankondigen(request):
    form = AankondigingForm(request.POST or None, instelling=request.instelling)
    if request.method == "POST" and form.is_valid():
        try:
            casus = overleg.kondig_aan(request.instelling, form.aankondiging, door=request.user)
        except overleg.OverlegFout as fout:
            form.add_error(None, str(fout))
        else:
            messages.success(
                request,
                _("Uw voornemen is aangekondigd als %(nummer)s; %(n)s instellingen zijn gevraagd te reageren.")
                % {"nummer": casus.nummer, "n": casus.betrokkenen.count()},
            )
            return redirect("portfolio:casus", pk=casus.pk)
    return render(request, "portfolio/instelling/aankondigen.html", {"form": form})


def _casus_context(casus: Casus) -> dict:
    stappen = list(casus.stappen.prefetch_related("documenten", "commissieleden").select_related("voorzitter"))
    return {
        "casus": casus,
        "stappen": stappen,
        "treden": [(t, next((s for s in stappen if s.trede == t), None)) for t in Trede],
        "bijdragen": casus.bijdragen.select_related("instelling"),
        "betrokkenen": casus.betrokkenen.select_related("instelling"),
        "bezwaren": overleg.openstaande_bezwaren(casus),
        "vandaag": timezone.localdate(),
    }


def audit_commissie(request, casus: Casus) -> None:
    """The names of an arbitration committee are personal data: showing them is logged."""
    ids = set()
    for stap in casus.stappen.filter(trede=Trede.ARBITRAGE):
        ids |= {stap.voorzitter_id, *stap.commissieleden.values_list("pk", flat=True)} - {None}
    ids = sorted(ids)
    if ids:
        audit_read(
            Actor.from_request(request),
            object_type="portfolio.Commissielid",
            reason=f"Samenstelling arbitragecommissie {casus.nummer} ingezien",
            ids=[str(pk) for pk in ids],
        )


@beheer_vereist
def casus(request, pk):
    casus = get_object_or_404(overleg.casussen_van(request.instelling), pk=pk)
    instelling = request.instelling
    eigen = casus.instelling_id == instelling.pk
    betrokken = casus.betrokkenen.filter(instelling=instelling).exists()
    actie = request.POST.get("actie") if request.method == "POST" else None
    forms = {
        "reactie": ReactieForm(request.POST if actie == "reactie" else None, prefix="reactie"),
        "bericht": BerichtForm(request.POST if actie == "bericht" else None, prefix="bericht"),
        "verzoek": VerzoekForm(request.POST if actie == "verzoek" else None, prefix="verzoek"),
        "intrekken": IntrekkenForm(request.POST if actie == "intrekken" else None, prefix="intrekken"),
    }
    if actie:
        form = forms.get(actie)
        meldingen = {
            "reactie": _("Uw reactie is geplaatst."),
            "bericht": _("Uw bericht is geplaatst."),
            "verzoek": _("Uw verzoek is naar de portfolioregie gestuurd."),
            "intrekken": _("Het voornemen is ingetrokken."),
            "sluiten": _("Het overleg is afgesloten: het voornemen gaat door."),
        }
        try:
            if actie == "sluiten":
                overleg.sluit_zonder_bezwaar(casus, instelling, door=request.user)
            elif form is None:
                raise overleg.OverlegFout(_("Onbekende actie."))
            elif form.is_valid():
                d = form.cleaned_data
                if actie == "reactie":
                    overleg.reageer(casus, instelling, d["standpunt"], d["tekst"], door=request.user)
                elif actie == "bericht":
                    overleg.plaats_bericht(casus, instelling, d["tekst"], door=request.user)
                elif actie == "verzoek":
                    overleg.vraag_escalatie(casus, instelling, d["tekst"], door=request.user)
                else:
                    overleg.trek_in(casus, instelling, d["tekst"], door=request.user)
        except overleg.OverlegFout as fout:
            zichtbaar = {"reactie": betrokken, "intrekken": eigen, "bericht": True, "verzoek": True}
            if form is not None and zichtbaar.get(actie) and casus.is_open:
                form.add_error(None, str(fout))  # next to the form that was sent
            else:
                messages.error(request, str(fout))
        else:
            if form is None or form.is_valid():
                messages.success(request, meldingen[actie])
                return redirect("portfolio:casus", pk=casus.pk)
    audit_commissie(request, casus)
    context = {**_casus_context(casus), "forms": forms, "eigen": eigen, "betrokken": betrokken, "actie": actie}
    return render(request, "portfolio/instelling/casus.html", context)


def document(request, pk):
    """A case document, for staff of the portfolio regie or an admin of a party; anyone else gets a 404."""
    document = get_object_or_404(Stapdocument.objects.select_related("stap__casus"), pk=pk)
    casus = document.stap.casus
    user = request.user
    mag = admin.site.has_permission(request) and user.has_perm("portfolio.view_casus")
    if not mag:
        beheerder = beheer.beheerder_van(user)
        mag = beheerder is not None and user.is_verified() and overleg.is_partij(casus, beheerder.instelling)
    if not mag:
        raise Http404
    if document.url:
        return redirect(document.url)
    if not document.bestand:
        raise Http404
    return FileResponse(document.bestand.open("rb"), as_attachment=True, filename=document.bestand.name.rsplit("/")[-1])


# --- staff -----------------------------------------------------------------------------------------------------


def regie(request):
    """The portfolio regie dashboard: open cases per step, overdue rulings, expired periods, requests."""
    if not request.user.has_perm("portfolio.view_casus"):
        raise PermissionDenied(_("Alleen medewerkers van de portfolioregie zien dit overzicht."))
    context = {
        **admin.site.each_context(request),
        "title": _("Portfolioregie: overzicht"),
        "overzicht": ladder.dashboard(),
        "Trede": Trede,
        "Uitkomst": Escalatiestap.Uitkomst,
    }
    data = portfoliodata.laad()
    context["geplande_stops"] = signalen.geplande_stops(data)
    return render(request, "portfolio/admin/dashboard.html", context)


regie = admin.site.admin_view(regie)
