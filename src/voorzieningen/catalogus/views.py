from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from voorzieningen.core import pogingen

from . import services
from .forms import ToegangscodeForm, ZoekForm

SESSION_KEY = "catalogus_ontgrendelde_cohorten"


def search(request):
    form = ZoekForm(request.GET or None)
    page = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        vraag = services.Zoekvraag(
            tekst=data["q"],
            niveau=data["niveau"],
            leertraject=data["leertraject"],
            plaats=data["plaats"],
            inclusief_inactief=data["inactief"],
        )
    elif not form.is_bound:
        vraag = services.Zoekvraag()
    else:
        vraag = None
    if vraag is not None:
        page = Paginator(services.zoek_opleidingen(vraag).values_list("pk", flat=True), 20).get_page(
            request.GET.get("pagina")
        )
        page.object_list = services.met_details(page.object_list)
    query = request.GET.copy()
    query.pop("pagina", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "laatste_sync": services.laatste_sync()}
    template = "catalogus/_results.html" if request.headers.get("HX-Request") else "catalogus/search.html"
    return render(request, template, context)


def _opleiding(code: str):
    related = ("aanbieder__instelling", "locatie", "kwalificatie")
    opleiding = services.portal_opleidingen().select_related(*related).filter(code=code).first()
    if opleiding is None:
        raise Http404(_("Deze opleiding bestaat niet of wordt niet via Centraal Aanmelden aangeboden."))
    return opleiding


@require_http_methods(["GET", "POST"])
def detail(request, code: str):
    opleiding = _opleiding(code)
    today = timezone.localdate()
    unlocked = set(request.session.get(SESSION_KEY, []))
    form = ToegangscodeForm()
    if request.method == "POST":
        form = ToegangscodeForm(request.POST)
        sleutel = pogingen.sessie_sleutel(request, "toegangscode")
        if pogingen.geblokkeerd(sleutel):
            form.add_error("toegangscode", pogingen.melding())
        elif form.is_valid():
            found = services.ontgrendel_cohorten(opleiding, form.cleaned_data["toegangscode"], today)
            if found:
                request.session[SESSION_KEY] = sorted(unlocked | {c.pk for c in found})
                return redirect(request.path + "#cohorten")
            pogingen.mislukt(sleutel)
            form.add_error(
                "toegangscode",
                _("Deze toegangscode hoort niet bij een open cohort van deze opleiding. Controleer de code."),
            )
    context = {
        "opleiding": opleiding,
        "cohorten": services.zichtbare_cohorten(opleiding, today, unlocked),
        "heeft_toegangscodes": opleiding.cohorten.exclude(toegangscode="").exists(),
        "form": form,
        "laatste_sync": services.laatste_sync(),
    }
    return render(request, "catalogus/detail.html", context, status=400 if form.errors else 200)
