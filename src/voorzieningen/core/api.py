"""API conventions shared by every API (NL API Design Rules): errors as application/problem+json."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler

PROBLEM_JSON = "application/problem+json"


def _invalid_params(detail, prefix=""):
    """Flatten DRF's nested validation errors into [{name, code, reason}] with dotted field names."""
    params = []
    if isinstance(detail, dict):
        for key, value in detail.items():
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
        body["code"] = "invalid"
        body["detail"] = str(exceptions.ValidationError.default_detail)
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


class ProblemSerializer(serializers.Serializer):
    """For the OpenAPI document: the shape of every error."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    code = serializers.CharField()
    detail = serializers.CharField()
    instance = serializers.CharField(required=False)
    invalidParams = serializers.ListField(child=serializers.DictField(), required=False)  # noqa: N815
