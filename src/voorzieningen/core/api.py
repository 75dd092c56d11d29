"""API conventions shared by every API (NL API Design Rules): errors as application/problem+json."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views import defaults

from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler

PROBLEM_JSON = "application/problem+json"
# DRF has no Dutch for its generic 'Invalid input.'; every other message of a validation error is Dutch already.
ONGELDIGE_INVOER = _("Ongeldige invoer.")


def _invalid_params(detail, prefix=""):
    """Flatten DRF's nested validation errors into [{name, code, reason}] with dotted field names."""
    params = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            if isinstance(key, int):  # ListField/DictField keep a list's errors by index: name the element
                params += _invalid_params(value, f"{prefix}[{key}]")
                continue
            name = key if key != "non_field_errors" else ""
            params += _invalid_params(value, f"{prefix}.{name}" if prefix and name else (prefix or name))
    elif isinstance(detail, list):
        for i, value in enumerate(detail):
            if isinstance(value, dict | list):
                params += _invalid_params(value, f"{prefix}[{i}]" if prefix else f"[{i}]")
            else:
                params += _invalid_params(value, prefix)
    else:
        params.append({"name": prefix or "", "code": getattr(detail, "code", "invalid"), "reason": str(detail)})
    return params


def problem_exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = exception_handler(exc, context)
    if response is None:
        return None
    body = {
        "type": f"https://mbovoorzieningen.example/problems/{getattr(exc, 'default_code', 'error')}",
        "title": str(getattr(exc, "default_detail", "")),
        "status": response.status_code,
    }
    if isinstance(exc, exceptions.ValidationError):
        body["title"] = str(ONGELDIGE_INVOER)
        body["code"] = "invalid"
        body["detail"] = str(ONGELDIGE_INVOER)
        body["invalidParams"] = _invalid_params(exc.detail)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        body["code"] = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        body["detail"] = str(detail)
    instance = context.get("request")
    if instance is not None:
        body["instance"] = instance.get_full_path()
    response.data = body
    response.content_type = PROBLEM_JSON
    return response


class _StatusMetMediaType(tuple):
    """drf-spectacular's (status, media type) key that still reads as its status code: spectacular picks the
    main response by the smallest ``str(key)``, and '(400, …)' would sort before '200'."""

    def __str__(self):
        return str(self[0])


def problem_responses(descriptions: dict[int, str]) -> dict:
    """For @extend_schema(responses=…): the errors as the API sends them, in application/problem+json."""
    return {
        _StatusMetMediaType((status, PROBLEM_JSON)): OpenApiResponse(ProblemSerializer, description=d)
        for status, d in descriptions.items()
    }


_DJANGO_FOUTEN = {
    400: ("bad_request", _("Ongeldig verzoek."), defaults.bad_request),
    403: ("permission_denied", _("Geen toegang."), defaults.permission_denied),
    404: ("not_found", _("Niet gevonden."), defaults.page_not_found),
    500: ("server_error", _("Interne fout."), None),
}
_DETAILS = {
    404: _("Dit adres bestaat niet in de API. Controleer het pad en de notatie van de identificaties erin."),
    500: _("Er ging aan onze kant iets mis. Probeer het later opnieuw; blijft het misgaan, meld het de servicedesk."),
}


def _django_fout(status: int):
    """Errors Django answers before a view runs (no URL matches, a body too big) or after it fails: under
    /api/ as problem+json like every other API error, elsewhere Django's own pages."""
    code, title, html = _DJANGO_FOUTEN[status]

    def handler(request, exception=None):
        if request.path.startswith("/api/"):
            body = {
                "type": f"https://mbovoorzieningen.example/problems/{code}",
                "title": str(title),
                "status": status,
                "code": code,
                "detail": str(_DETAILS.get(status, title)),
                "instance": request.get_full_path(),
            }
            return JsonResponse(
                body, status=status, content_type=PROBLEM_JSON, json_dumps_params={"ensure_ascii": False}
            )
        if status == 500:
            return defaults.server_error(request)
        return html(request, exception)

    return handler


bad_request = _django_fout(400)
permission_denied = _django_fout(403)
page_not_found = _django_fout(404)
server_error = _django_fout(500)


class ProblemSerializer(serializers.Serializer):
    """For the OpenAPI document: the shape of every error."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    code = serializers.CharField()
    detail = serializers.CharField()
    instance = serializers.CharField(required=False)
    invalidParams = serializers.ListField(child=serializers.DictField(), required=False)  # noqa: N815
