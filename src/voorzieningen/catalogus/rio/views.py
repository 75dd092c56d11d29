from django.http import JsonResponse

from .simulator import SimulatorError, default_simulator


def rio_collection(request, resource: str):
    base_url = request.build_absolute_uri("/simulators/rio/api/rio/v2").rstrip("/")
    try:
        body = default_simulator().page(base_url, resource, request.GET.dict())
    except SimulatorError as exc:
        return JsonResponse(
            {"status": exc.status, "title": exc.detail}, status=exc.status, content_type="application/problem+json"
        )
    return JsonResponse(body, content_type="application/hal+json")
