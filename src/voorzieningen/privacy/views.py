from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from voorzieningen.core.services import Actor, audit_export, audit_read

from . import audittrail
from .forms import AuditZoekForm
from .register import VERWERKINGEN


def verwerkingsregister(request):
    """Public: what the cooperative processes, why, on which basis, for how long (AVG art. 30)."""
    return render(request, "privacy/verwerkingsregister.html", {"verwerkingen": VERWERKINGEN})


def verwerkingsregister_json(request):
    return JsonResponse(
        {"verwerkingen": [v.as_dict() for v in VERWERKINGEN]}, json_dumps_params={"ensure_ascii": False}
    )


def _fg_vereist(request):
    if not request.user.has_perm("core.view_auditlogentry"):
        raise PermissionDenied(_("Alleen de functionaris gegevensbescherming mag de audittrail doorzoeken."))


def audittrail_zoeken(request):
    """The FG searches the trail by person, actor, object and period; the search itself is logged."""
    _fg_vereist(request)
    form = AuditZoekForm(request.GET or None)
    context = {**admin.site.each_context(request), "form": form, "title": _("Audittrail doorzoeken"), "page": None}
    if form.is_bound and form.is_valid():
        vraag = form.zoekvraag()
        qs = audittrail.zoek(vraag)
        actor = Actor.from_request(request)
        if request.GET.get("formaat") == "csv":
            audit_export(
                actor,
                reason="FG exporteert audittrail",
                object_type="core.AuditLogEntry",
                zoekvraag=vraag.beschrijving(),
            )
            response = StreamingHttpResponse(audittrail.als_csv(qs), content_type="text/csv; charset=utf-8")
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
            response["Content-Disposition"] = f'attachment; filename="audittrail-{stamp}.csv"'
            return response
        page = Paginator(qs, 50).get_page(request.GET.get("pagina"))
        audit_read(
            actor, object_type="core.AuditLogEntry", reason="FG doorzoekt audittrail", zoekvraag=vraag.beschrijving()
        )
        query = request.GET.copy()
        query.pop("pagina", None)
        context.update(page=page, query=query.urlencode())
    return render(request, "privacy/audittrail_zoeken.html", context)


audittrail_zoeken = admin.site.admin_view(audittrail_zoeken)  # staff, password + TOTP (maykin-2fa)
