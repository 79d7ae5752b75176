"""The staff admin site: a second factor for every login, and the queues on the front page.

Outside the `dsar.admin` package on purpose: Django imports this class while it creates
`admin.site`, and importing the package would register the ModelAdmins on a site
instance that is then thrown away.
"""

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite


class StaffLoginForm(OTPAdminAuthenticationForm):
    """Username, password and the 6-digit code; the device is found from the code."""

    otp_token = OTPAdminAuthenticationForm.base_fields["otp_token"].__class__(
        label=_("Code from your authenticator app"), required=False,
        widget=OTPAdminAuthenticationForm.base_fields["otp_token"].widget.__class__(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )


class DsarAdminSite(OTPAdminSite):
    site_header = _("DSAR portal · staff")
    site_title = _("DSAR staff")
    index_title = _("Work queues")
    index_template = "admin/dsar_index.html"

    def __init__(self, name="admin"):
        AdminSite.__init__(self, name)

    @property
    def login_form(self):
        return StaffLoginForm if settings.DSAR_REQUIRE_STAFF_OTP else AdminAuthenticationForm

    @property
    def login_template(self):
        return "admin/dsar_login.html"

    def has_permission(self, request):
        if settings.DSAR_REQUIRE_STAFF_OTP:
            return super().has_permission(request)
        return AdminSite.has_permission(self, request)

    def index(self, request, extra_context=None):
        from .admin.requests import QUEUE_LABELS, queue_counts
        from .selectors import QUEUES

        extra_context = dict(extra_context or {})
        counts = queue_counts(request.user)
        extra_context["queues"] = [(q, QUEUE_LABELS[q], counts.get(q)) for q in QUEUES]
        return super().index(request, extra_context)
