"""Who may see which operators on the dashboard.

Managers and responsible persons (DPOs) see the operators they hold that role for; a
platform administrator (superuser) sees every operator; everyone else sees nothing.
The permission alone is not enough: a caseworker of operator A who is a manager of B
holds `dsar.view_dashboard` through the manager group, yet sees only B.
"""

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django_otp.decorators import otp_required

from ..models import Operator, Role

DASHBOARD_PERMISSION = "dsar.view_dashboard"
DASHBOARD_ROLES = (Role.MANAGER, Role.DPO)


def dashboard_operators(*, user) -> QuerySet[Operator]:
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return Operator.objects.none()
    if user.is_superuser:
        return Operator.objects.all()
    if not user.has_perm(DASHBOARD_PERMISSION):
        return Operator.objects.none()
    return Operator.objects.filter(memberships__user=user, memberships__role__in=DASHBOARD_ROLES).distinct()


def may_see_dashboard(*, user) -> bool:
    return dashboard_operators(user=user).exists()


def staff_verified_required(view):
    """Staff only, and only after the second factor, like the admin (the login is the admin's)."""
    if settings.DSAR_REQUIRE_STAFF_OTP:
        view = otp_required(view, login_url=reverse_lazy("admin:login"))
    return staff_member_required(view)
