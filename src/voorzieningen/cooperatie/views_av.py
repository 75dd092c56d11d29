"""Member-facing meeting pages, reached through the representative's personal link: agenda, advance votes,
results with the rule applied, the decisions list and published minutes."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import av
from .forms_av import VoorafStemmenForm
from .models import Stem, Vergadering, Voorstel


def _link_of_fout(request, token):
    """(link, None) or (None, error response)."""
    link = av.link_voor(token)
    if link is None:
        return None, render(request, "cooperatie/av/link_ongeldig.html", {"reden": "onbekend"}, status=404)
    if not av.link_bruikbaar(link):
        return None, render(
            request, "cooperatie/av/link_ongeldig.html", {"reden": "geen_lid", "link": link}, status=410
        )
    return link, None


def _context(link, token, **extra):
    vergadering = link.vergadering
    return {
        "link": link,
        "token": token,
        "ledenraad": vergadering.orgaan == "ledenraad",
        "token_vergadering": vergadering,
        "cooperatie": vergadering.cooperatie,
        "voorzitter": av.voorzitter(vergadering.cooperatie),
        **extra,
    }


@never_cache
def vergadering(request, token):
    link, fout = _link_of_fout(request, token)
    if fout:
        return fout
    vergadering = link.vergadering
    voorstellen = list(vergadering.voorstellen.select_related("agendapunt", "kandidaat"))
    eigen = {s.voorstel_id: s for s in Stem.objects.filter(voorstel__vergadering=vergadering, lid=link.lid)}
    open_voorstellen = [v for v in voorstellen if v.status == Voorstel.Status.OPEN]
    form = None
    if av.vooraf_stemmen_open(vergadering) and open_voorstellen:
        huidige = {pk: s.keuze for pk, s in eigen.items() if s.wijze == Stem.Wijze.VOORAF}
        form = VoorafStemmenForm(request.POST or None, voorstellen=open_voorstellen, huidige=huidige)
        if request.method == "POST" and form.is_valid():
            try:
                aantal = av.stem_vooraf(link, form.keuzes())
            except av.StemmingFout as e:
                form.add_error(None, str(e))
            else:
                messages.success(
                    request,
                    _("Uw stemmen zijn opgeslagen: %(n)s van de %(totaal)s voorstellen hebben een stem vooraf.")
                    % {"n": aantal, "totaal": len(open_voorstellen)},
                )
                return redirect("cooperatie:vergadering", token=token)
    elif request.method == "POST":
        if av.vooraf_stemmen_open(vergadering):
            messages.error(request, _("Er liggen geen voorstellen voor om vooraf over te stemmen."))
        else:
            messages.error(request, _("Vooraf stemmen kan niet meer: de vergadering is begonnen."))
        return redirect("cooperatie:vergadering", token=token)
    av.toon_link(link)
    agenda = []
    for punt in vergadering.agendapunten.all():
        agenda.append((punt, [v for v in voorstellen if v.agendapunt_id == punt.pk]))
    return render(
        request,
        "cooperatie/av/vergadering.html",
        _context(
            link,
            token,
            vergadering=vergadering,
            agenda=agenda,
            rijen=[(v, eigen.get(v.pk)) for v in voorstellen],
            form=form,
            vooraf_open=av.vooraf_stemmen_open(vergadering),
        ),
    )


@never_cache
def uitslag(request, token, pk):
    link, fout = _link_of_fout(request, token)
    if fout:
        return fout
    voorstel = get_object_or_404(
        Voorstel.objects.select_related("vergadering", "kandidaat"),
        pk=pk,
        vergadering__cooperatie=link.vergadering.cooperatie_id,
    )
    if voorstel.status != Voorstel.Status.GESLOTEN:
        raise Http404
    regel = av.regel_van(voorstel)
    return render(
        request,
        "cooperatie/av/uitslag.html",
        _context(link, token, voorstel=voorstel, regel=regel, regel_weergave=av.regel_weergave(regel)),
    )


@never_cache
def besluitenlijst(request, token):
    link, fout = _link_of_fout(request, token)
    if fout:
        return fout
    cooperatie = link.vergadering.cooperatie
    besluiten = av.besluitenlijst(cooperatie)
    vergaderingen = Vergadering.objects.filter(cooperatie=cooperatie, notulen_gepubliceerd_op__isnull=False).order_by(
        "-aanvang"
    )
    return render(
        request,
        "cooperatie/av/besluitenlijst.html",
        _context(
            link,
            token,
            besluiten=besluiten,
            vergaderingen=vergaderingen,
            regel_weergave=av.regel_weergave(av.Regel.van(cooperatie)),
        ),
    )


@never_cache
def notulen(request, token, pk):
    link, fout = _link_of_fout(request, token)
    if fout:
        return fout
    vergadering = get_object_or_404(
        Vergadering, pk=pk, cooperatie=link.vergadering.cooperatie_id, notulen_gepubliceerd_op__isnull=False
    )
    return render(
        request,
        "cooperatie/av/notulen.html",
        _context(
            link,
            token,
            vergadering=vergadering,
            besluiten=vergadering.voorstellen.filter(status=Voorstel.Status.GESLOTEN),
        ),
    )
