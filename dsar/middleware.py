"""Response headers every page carries (the Content-Security-Policy comes from django-csp)."""

from django.conf import settings


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.DSAR_PERMISSIONS_POLICY)
        return response


class DatabaseDownMiddleware:
    """A view that cannot reach the database answers a short 503 page with Retry-After, in the
    visitor's language (LocaleMiddleware has run), not a bare 500. The page is rendered by a
    template engine of its own without context processors, so nothing in it touches the database."""

    RETRY_AFTER_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import InterfaceError, OperationalError

        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        from django.conf import settings
        from django.http import HttpResponse
        from django.template import Context, Engine
        from django.utils import translation

        engine = Engine(
            dirs=[str(settings.BASE_DIR / "templates")], libraries={"i18n": "django.templatetags.i18n"}, app_dirs=False
        )
        html = engine.get_template("dsar/unavailable.html").render(
            Context({"language": translation.get_language() or settings.LANGUAGE_CODE})
        )
        response = HttpResponse(html, status=503)
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
