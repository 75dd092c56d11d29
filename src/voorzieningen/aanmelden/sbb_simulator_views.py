"""The SBB simulator over HTTP, with the JSON contract of ``sbb.py``, so ``SbbHttpClient`` can be run end to end.

Mount with ``path("simulators/sbb/", include("voorzieningen.aanmelden.sbb_simulator_views"))``.
"""

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.http import require_GET

from .sbb import CREBO_RE, MAX_LIMIT, SbbSimulator, SbbUnavailable


def _problem(status: int, title: str) -> JsonResponse:
    return JsonResponse({"status": status, "title": title}, status=status, content_type="application/problem+json")


def _crebo_error(request) -> JsonResponse | None:
    if not CREBO_RE.match(request.GET.get("crebo", "")):
        return _problem(400, "crebo is verplicht en bestaat uit vijf cijfers")
    return None


@require_GET
def leerbedrijven(request):
    if error := _crebo_error(request):
        return error
    try:
        limit = int(request.GET.get("limit", 20))
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        return _problem(400, f"limit moet een getal van 1 tot en met {MAX_LIMIT} zijn")
    try:
        found = SbbSimulator().leerbedrijven(
            request.GET["crebo"], zoek=request.GET.get("zoek", ""), plaats=request.GET.get("plaats", ""), limit=limit
        )
    except SbbUnavailable as exc:
        return _problem(503, str(exc))
    return JsonResponse({"leerbedrijven": [b.as_dict() for b in found]})


@require_GET
def leerbedrijf(request, id: str):
    if error := _crebo_error(request):
        return error
    try:
        found = SbbSimulator().leerbedrijf(request.GET["crebo"], id)
    except SbbUnavailable as exc:
        return _problem(503, str(exc))
    if found is None:
        return _problem(404, "onbekend leerbedrijf, of niet erkend voor deze crebo")
    return JsonResponse(found.as_dict())


urlpatterns = [
    path("leerbedrijven", leerbedrijven, name="sbb-simulator-leerbedrijven"),
    path("leerbedrijven/<str:id>", leerbedrijf, name="sbb-simulator-leerbedrijf"),
]
