from django.conf import settings


def platform(request):
    return {"PLATFORM_NAME": "MBO Voorzieningen", "IS_PRODUCTION": settings.IS_PRODUCTION}
