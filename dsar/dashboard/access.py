"""Who may see which operators on the dashboard.

The role at each operator decides (`dsar.permissions`, action "dashboard"): managers and
responsible persons (DPOs) see the operators they hold that role for; a platform
administrator (superuser) sees every operator; everyone else sees nothing. A caseworker of
operator A who is a manager of B sees only B.
"""

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django_otp.decorators import otp_required

from .. import permissions
from ..models import Operator


def dashboard_operators(*, user) -> QuerySet[Operator]:
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return Operator.objects.none()
    return permissions.operators_where(user, "dashboard")


def staff_verified_required(view):
    """Staff only, and only after the second factor, like the admin (the login is the admin's)."""
    if settings.DSAR_REQUIRE_STAFF_OTP:
        view = otp_required(view, login_url=reverse_lazy("admin:login"))
    return staff_member_required(view)
