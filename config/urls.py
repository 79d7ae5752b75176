from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from dsar import health

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("health/", health.health_view, name="health"),
    path("dashboard/", include("dsar.dashboard.urls")),
    path("webauthn/", include("django_otp_webauthn.urls", namespace="otp_webauthn")),
]
urlpatterns += i18n_patterns(
    path("verify/", include("dsar.letters.urls")),
    path("", include("dsar.portal.urls")),
    prefix_default_language=True,
)
