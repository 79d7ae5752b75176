"""Scopes: each view names the scope its method needs (`required_scopes = {"GET": "read", ...}`)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from ..models import ApiKey


class HasScope(permissions.BasePermission):
    message = _("This API key lacks the scope for this operation.")

    def has_permission(self, request, view):
        key = request.auth
        if not isinstance(key, ApiKey):
            return False
        needed = getattr(view, "required_scopes", {}).get(request.method)
        if needed is None:
            return request.method == "OPTIONS"
        return any(key.has_scope(scope) for scope in needed.split("|"))
