"""Who may call: each view names, per method, the key's scope (`required_scopes = {"GET": "read"}`)
and the action of dsar/permissions.py that the key's creator's current role must allow at the
operator (`required_permissions = {"GET": "view"}`), the same check the admin makes.

A method the view does not have is let through here, so that DRF answers 405 with `Allow`
instead of a 403 that would hide which methods exist."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from .. import permissions as roles
from ..models import ApiKey


def _method(request, view) -> str | None:
    """The method whose rules apply (HEAD is GET's), or None for one the view does not handle."""
    method = "GET" if request.method == "HEAD" else request.method
    if method.lower() not in view.http_method_names or not hasattr(view, method.lower()):
        return None
    return method


class _PerMethod(permissions.BasePermission):
    """Looks up the view's rule for the method; `allows(request, key, rule)` decides."""

    attribute = ""

    def has_permission(self, request, view):
        key = request.auth
        if not isinstance(key, ApiKey):
            return False
        method = _method(request, view)
        if method is None or method == "OPTIONS":
            return True  # 405 (or OPTIONS) from DRF itself
        rule = getattr(view, self.attribute, {}).get(method)
        return rule is not None and self.allows(request, key, rule)

    def allows(self, request, key, rule) -> bool:
        raise NotImplementedError


class HasScope(_PerMethod):
    message = _("This API key lacks the scope for this operation.")
    attribute = "required_scopes"

    def allows(self, request, key, rule):
        return any(key.has_scope(scope) for scope in rule.split("|"))


class CreatorMay(_PerMethod):
    """The key's creator (request.user) may, in their role now, do the view's action at the key's operator."""

    message = _("The staff member who made this API key may not do this in their current role.")
    attribute = "required_permissions"

    def allows(self, request, key, rule):
        return roles.can(request.user, rule, key.operator_id)
