import contextlib
import hashlib
import logging

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from voorzieningen.core import pogingen

from . import services
from .forms import ToegangscodeForm, ZoekForm

SESSION_KEY = "catalogus_ontgrendelde_cohorten"
logger = logging.getLogger(__name__)


# The result list is the same for everyone who asks the same (it shows nothing of the visitor), and rendering it
# was most of an anonymous catalogue page's 12–14 ms of CPU at the 1 April peak (docs/loadtest.md): kept in the
# shared cache for a minute per query, page and language, and never across a change to the catalogue.
RESULTATEN_SECONDEN = 60


def search(request):
    form = ZoekForm(request.GET or None)
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
    if vraag is None:
        resultaten = render_to_string("catalogus/_results.html", {"form": form, "page": None})
    else:
        zonder_pagina = request.GET.copy()  # the pagination links add their own
        zonder_pagina.pop("pagina", None)
        resultaten = _resultaten(vraag, request.GET.get("pagina"), zonder_pagina.urlencode())
    if request.headers.get("HX-Request"):
        return HttpResponse(resultaten)
    context = {"form": form, "resultaten": resultaten, "laatste_sync": services.laatste_sync()}
    return render(request, "catalogus/search.html", context)


def _resultaten(vraag, pagina: str | None, query: str) -> str:
    """The result list's HTML for this search, page and language, from the cache when another asked it before.
    The cache is a saving, not a dependency: when it fails the list is made as before."""
    try:
        sleutel = (
            "catalogus:resultaten:"
            + hashlib.sha256(f"{services.resultaten_versie()}|{get_language()}|{pagina}|{query}".encode()).hexdigest()
        )
        html = cache.get(sleutel)
    except Exception as exc:  # noqa: BLE001 — whatever the cache backend raises
        logger.warning("catalogus: cache onbruikbaar, resultaten zonder cache: %s", exc)
        sleutel, html = None, None
    if html is None:
        page = Paginator(services.zoek_opleidingen(vraag).values_list("pk", flat=True), 20).get_page(pagina)
        page.object_list = services.met_details(page.object_list)
        html = render_to_string("catalogus/_results.html", {"page": page, "query": query})
        if sleutel is not None:
            with contextlib.suppress(Exception):  # a list not kept is only made again
                cache.set(sleutel, html, RESULTATEN_SECONDEN)
    return mark_safe(html)  # noqa: S308 — rendered by our own template, autoescaped


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
