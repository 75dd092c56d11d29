from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from drf_spectacular.views import SpectacularAPIView
from maykin_2fa import monkeypatch_admin
from maykin_2fa.urls import urlpatterns as admin_2fa_urls

from voorzieningen.core import views as core_views
from voorzieningen.koppelpunt import simulators as koppelpunt_simulators

monkeypatch_admin()  # staff need password + TOTP for the admin, like the institution admins for /beheer/

urlpatterns = [
    path("health", core_views.health, name="health"),
    path("metrics", core_views.metrics, name="metrics"),
    path("status/", core_views.status, name="status"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", include((admin_2fa_urls, "maykin_2fa"))),
    path("admin/", admin.site.urls),
    path("beheer/", include("voorzieningen.instellingen.urls")),
    path("privacy/", include("voorzieningen.privacy.urls")),
    path("cooperatie/", include("voorzieningen.cooperatie.urls")),
    path("portfolio/", include("voorzieningen.portfolio.urls")),
    path("api/portfolio/v1/", include("voorzieningen.portfolio.api.urls")),
    path("api/schema", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/catalogus/v1/", include("voorzieningen.catalogus.api.urls")),
    path("api/sis/v1/", include("voorzieningen.sis.api.urls")),
    path("api/koppelpunt/v1/", include("voorzieningen.koppelpunt.api.urls")),
    path("koppelpunt/conformance/routeringsvectoren.json", koppelpunt_simulators.conformance, name="vva-conformance"),
    path("simulators/rio/", include("voorzieningen.catalogus.rio.simulator_urls")),
    path("simulators/sbb/", include("voorzieningen.aanmelden.sbb_simulator_views")),
    path("simulators/", include("voorzieningen.koppelpunt.simulator_urls")),
    path("", include("voorzieningen.aanmelden.urls")),
    path("", include("voorzieningen.catalogus.urls")),
]

if settings.DIGID_MOCK:
    urlpatterns = [
        path("digid/", include("digid_eherkenning.mock.digid_urls")),
        path("digid/idp/", include("digid_eherkenning.mock.idp.digid_urls")),
        *urlpatterns,
    ]
else:
    urlpatterns = [path("digid/", include("digid_eherkenning.digid_urls")), *urlpatterns]

# Under /api/ even Django's own errors (no matching URL, a broken request) answer in application/problem+json.
handler400 = "voorzieningen.core.api.bad_request"
handler403 = "voorzieningen.core.api.permission_denied"
handler404 = "voorzieningen.core.api.page_not_found"
handler500 = "voorzieningen.core.api.server_error"
