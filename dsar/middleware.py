"""Response headers every page carries (the Content-Security-Policy comes from django-csp)."""

from django.conf import settings


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.DSAR_PERMISSIONS_POLICY)
        return response
