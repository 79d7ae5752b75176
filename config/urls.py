from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from dsar import health

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("health/", health.health_view, name="health"),
    # Browsers ask for /favicon.ico on pages without a <link rel="icon"> (PDFs, CSVs, plain errors).
    path("favicon.ico", lambda request: HttpResponsePermanentRedirect(static("favicon.ico"))),
    path("dashboard/", include("dsar.dashboard.urls")),
    path("webauthn/", include("django_otp_webauthn.urls", namespace="otp_webauthn")),
    path("api/", include("dsar.api.urls")),
]
urlpatterns += i18n_patterns(
    path("verify/", include("dsar.letters.urls")),
    path("", include("dsar.portal.urls")),
    prefix_default_language=True,
)
