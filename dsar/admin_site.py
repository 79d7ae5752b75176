"""The staff admin site: a second factor for every login, and the queues on the front page.

Outside the `dsar.admin` package on purpose: Django imports this class while it creates
`admin.site`, and importing the package would register the ModelAdmins on a site
instance that is then thrown away.
"""

from django import forms
from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite


class StaffLoginForm(OTPAdminAuthenticationForm):
    """Username, password and the 6-digit code in one step.

    django-otp asks which device to check; staff normally have exactly one authenticator,
    so that one is used. With several, the form shows the device choice.
    """

    def _chosen_device(self, user):
        device = super()._chosen_device(user)
        if device is None and not self.cleaned_data.get("otp_device"):
            from django_otp.plugins.otp_totp.models import TOTPDevice

            only = list(TOTPDevice.objects.filter(user=user, confirmed=True)[:2])
            if len(only) == 1:
                return only[0]
        return device

    otp_token = forms.CharField(
        label=_("Code from your authenticator app"), required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
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
