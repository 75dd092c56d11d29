from django.conf import settings


def platform(request):
    return {
        "PLATFORM_NAME": "MBO Voorzieningen",
        "IS_PRODUCTION": settings.IS_PRODUCTION,
        # wherever the DigiD simulator is on, this is not the real service: say so on every page
        "TESTOMGEVING": settings.DIGID_MOCK,
    }
