"""What a staff member may do: decided ONLY by their role at the object's operator.

A person can be the responsible person (DPO) at operator A and a caseworker at operator C;
at C they have a caseworker's rights and nothing more. Global groups and user permissions
play no part (the authentication backend below ignores them); the platform administrator
(superuser) may do everything.

API (for admin views, actions, forms, the dashboard and every service that writes):

    from dsar import permissions

    permissions.can(user, "decide", obj_or_operator)   # -> bool; target None = "at any operator"
    permissions.require(user, "decide", obj)           # -> None, or raises PermissionDenied
    permissions.operator_ids_where(user, "dashboard")  # -> list of ids, or None for "every operator"
    permissions.operators_where(user, "dashboard")     # -> QuerySet[Operator]
    permissions.role_at(user, operator)                # -> "caseworker" / "manager" / "dpo" / ... or None
    permissions.mask(value, "email")                   # -> what a role without "personal_data" sees

`action` is a short verb from ACTIONS ("view", "triage", "decide", "personal_data",
"dashboard", "manage_members", ...) or a Django codename ("change_policy",
"add_calendaroverride"). The target is an Operator, an operator id, or any object with an
`operator_id` or a `request` (DataRequest children). `user.has_perm("dsar.x", obj)` answers
the same through `RolePermissionBackend`, so Django's own checks agree with ours.

Memberships: the platform administrator and the DPO of an operator add, change and remove
that operator's memberships; nobody (not even a DPO) changes or removes their own, so no one
can promote themselves. See `can_change_membership`.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .models.operators import Membership, Operator, Role

# Letters and the access answer: everyone who works on requests reads letters and keeps the
# records of what is held about a subject; managers and the DPO edit the texts and the register.
_LETTERS = {
    "view_letter",
    "view_accessrecord",
    "add_accessrecord",
    "change_accessrecord",
    "view_lettertemplate",
    "view_processingactivity",
}
_LETTER_EDITING = {"add_lettertemplate", "change_lettertemplate", "add_processingactivity", "change_processingactivity"}
_TRIAGE = {
    "view_datarequest",
    "change_datarequest",
    "triage_datarequest",
    "view_message",
    "add_message",
    "view_event",
    "view_letter",
}
_CASEWORK = _TRIAGE | {"decide_datarequest", "view_personal_data", "view_attachment", "add_attachment"} | _LETTERS
# Channels (issue #13): API keys, webhook endpoints and their deliveries, data systems and their jobs.
_CHANNELS = {
    "view_apikey",
    "add_apikey",
    "change_apikey",
    "view_webhookendpoint",
    "add_webhookendpoint",
    "change_webhookendpoint",
    "view_webhookdelivery",
    "change_webhookdelivery",
    "view_datasystem",
    "add_datasystem",
    "change_datasystem",
    "view_systemjob",
}
_MANAGING = (
    _CASEWORK
    | _LETTER_EDITING
    | _CHANNELS
    | {
        "view_dashboard",
        "view_policy",
        "change_policy",
        "view_operator",
        "view_membership",
        "view_calendaroverride",
        "view_operatorsigningkey",
    }
)

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    # Registers and routes requests; never sees the subject's personal data, never decides.
    Role.ASSISTANT: frozenset(_TRIAGE),
    Role.CASEWORKER: frozenset(_CASEWORK),
    Role.MANAGER: frozenset(_MANAGING),
    Role.DPO: frozenset(
        _MANAGING
        | {
            "change_operator",
            # The operator's administrator alone uploads its signing certificate (issue 27).
            "view_operatorsigningkey",
            "add_operatorsigningkey",
            "add_membership",
            "change_membership",
            "delete_membership",
            "add_calendaroverride",
            "change_calendaroverride",
            "delete_calendaroverride",
        }
    ),
}

# Short names for what people do; anything else is taken as a Django codename.
ACTIONS = {
    "view": "view_datarequest",
    "triage": "triage_datarequest",  # assign, start work, ask the subject, notes, duplicates, withdraw
    "decide": "decide_datarequest",  # answer, refuse, extend, block, destroy
    "personal_data": "view_personal_data",
    "dashboard": "view_dashboard",
    "manage_members": "change_membership",
    "edit_profile": "change_operator",
    "edit_policy": "change_policy",
    "edit_calendar": "change_calendaroverride",
    "edit_letters": "change_lettertemplate",
    "keep_records": "add_accessrecord",
    "manage_api_keys": "change_apikey",
}

NOT_ALLOWED = _("You may not do this to this request.")


def codename(action: str) -> str:
    action = action.split(".", 1)[1] if action.startswith("dsar.") else action
    return ACTIONS.get(action, action)


def roles_of(user) -> dict[int, str]:
    """{operator id: role} for a staff user, read once per user object (one request)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    cached = getattr(user, "_dsar_roles", None)
    if cached is None:
        cached = dict(Membership.objects.filter(user=user).values_list("operator_id", "role"))
        user._dsar_roles = cached
    return cached


def forget(user) -> None:
    """Drop the cached roles (after a membership of this user object changed)."""
    for attr in ("_dsar_roles", "_dsar_operator_ids"):
        if hasattr(user, attr):
            delattr(user, attr)


def operator_id_of(target) -> int | None:
    if target is None:
        return None
    if isinstance(target, int):
        return target
    if isinstance(target, Operator):
        return target.pk
    if getattr(target, "operator_id", None) is not None:
        return target.operator_id
    request_id = getattr(target, "request_id", None)
    if request_id is not None:
        return target.request.operator_id
    return None


def role_at(user, target) -> str | None:
    return roles_of(user).get(operator_id_of(target))


def _is_admin(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


def permissions_at(user, target=None) -> frozenset[str]:
    """Codenames the user holds at the target's operator (None: at any of their operators)."""
    roles = roles_of(user)
    if target is None:
        return frozenset().union(*(ROLE_PERMISSIONS.get(r, frozenset()) for r in roles.values()))
    role = roles.get(operator_id_of(target))
    return ROLE_PERMISSIONS.get(role, frozenset()) if role else frozenset()


def can(user, action: str, target=None) -> bool:
    """May `user` do `action` to `target` (an object, an Operator or an operator id)?

    With a target whose operator cannot be told (a global calendar day), only the platform
    administrator may. With no target: at one operator at least (menus, list pages).
    """
    if _is_admin(user):
        return True
    if target is not None and operator_id_of(target) is None:
        return False
    return codename(action) in permissions_at(user, target)


def require(user, action: str, target=None) -> None:
    if not can(user, action, target):
        raise PermissionDenied(NOT_ALLOWED)


def operator_ids_where(user, action: str) -> list[int] | None:
    """Operators where the user may do `action`; None means every operator (platform administrator)."""
    if _is_admin(user):
        return None
    wanted = codename(action)
    return sorted(op for op, role in roles_of(user).items() if wanted in ROLE_PERMISSIONS.get(role, ()))


def operators_where(user, action: str) -> QuerySet[Operator]:
    ids = operator_ids_where(user, action)
    return Operator.objects.all() if ids is None else Operator.objects.filter(pk__in=ids)


def limit(qs: QuerySet, user, action: str, path: str = "operator_id") -> QuerySet:
    """Narrow any queryset with an operator path to the operators where the user may do `action`."""
    ids = operator_ids_where(user, action)
    return qs if ids is None else qs.filter(**{f"{path}__in": ids})


def mask(value: str, how: str) -> str:
    """What a role without "personal_data" sees instead of a subject's value (admin and API alike)."""
    if not value:
        return ""
    if how == "email":
        local, _at, domain = value.partition("@")
        return f"{local[:1]}•••@{domain}"
    if how == "phone":
        return f"{value[:4]}•••••{value[-2:]}"
    if how == "iin":
        return "••••••••••" + value[-2:]
    return " ".join(part[:1] + "•••" for part in value.split())


def can_change_membership(user, membership: Membership | None, operator=None) -> bool:
    """Platform administrator, or the DPO at the membership's operator, and never one's own."""
    if membership is not None and membership.user_id == getattr(user, "pk", None):
        return False
    return can(user, "change_membership", operator if operator is not None else membership)


class RolePermissionBackend(ModelBackend):
    """Authenticates like ModelBackend; permissions come from roles, never from groups.

    `user.has_perm("dsar.decide_datarequest", request_obj)` asks about the role at that
    request's operator; without an object, about any of the user's operators.
    """

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        if user_obj.is_superuser:
            return super().get_all_permissions(user_obj) if obj is None else {"*"}
        if obj is not None and operator_id_of(obj) is None:
            return set()
        return {f"dsar.{c}" for c in permissions_at(user_obj, obj)}

    def has_perm(self, user_obj, perm, obj=None):
        if not user_obj.is_active:
            return False
        if user_obj.is_superuser:
            return True
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label):
        if not user_obj.is_active:
            return False
        if user_obj.is_superuser:
            return True
        return app_label == "dsar" and bool(roles_of(user_obj))
