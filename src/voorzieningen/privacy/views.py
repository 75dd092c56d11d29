from django.http import JsonResponse
from django.shortcuts import render

from .register import VERWERKINGEN


def verwerkingsregister(request):
    """Public: what the cooperative processes, why, on which basis, for how long (AVG art. 30)."""
    return render(request, "privacy/verwerkingsregister.html", {"verwerkingen": VERWERKINGEN})


def verwerkingsregister_json(request):
    return JsonResponse(
        {"verwerkingen": [v.as_dict() for v in VERWERKINGEN]}, json_dumps_params={"ensure_ascii": False}
    )
