"""The staff admin site: a second factor for every login, and the queues on the front page.

Outside the `dsar.admin` package on purpose: Django imports this class while it creates
`admin.site`, and importing the package would register the ModelAdmins on a site
instance that is then thrown away.
"""

import re

from django import forms
from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path, reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite

# One answer for every failure, so the page never confirms that a password was right.
SIGN_IN_FAILED = _("The username, password or code is not right. Check all three and try again.")
TOTP_CODE = re.compile(r"^\d{6}$")


class StaffLoginForm(OTPAdminAuthenticationForm):
    """Username, password and a code in one step; the answer is the same whatever was wrong.

    The code is the 6-digit one from the authenticator app, or one of the member's single-use
    recovery codes (8 characters). A wrong code counts as a failed sign-in for the lock-out
    (django-axes hears `user_login_failed`), exactly like a wrong password. A staff member
    with no second factor yet (new, or reset by the administrator) signs in with the password
    and is sent straight to enrol one (`dsar.admin.security`); nothing else opens before that.
    """

    otp_token = forms.CharField(
        label=_("Code from your authenticator app (or a recovery code)"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )
    error_messages = {
        **OTPAdminAuthenticationForm.error_messages,
        "invalid_login": SIGN_IN_FAILED,
        "inactive": SIGN_IN_FAILED,
    }

    def _chosen_device(self, user):
        """The device the code's shape names: 6 digits for the app, anything else a recovery code."""
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        token = (self.cleaned_data.get("otp_token") or "").strip()
        model = TOTPDevice if TOTP_CODE.match(token) else StaticDevice
        return model.objects.filter(user=user, confirmed=True).order_by("pk").first()

    def _update_form(self, user):
        pass  # never list the account's devices: that would confirm the password

    def clean(self):
        try:
            AdminAuthenticationForm.clean(self)
        except ValidationError:
            raise ValidationError(SIGN_IN_FAILED, code="invalid_login") from None
        user = self.get_user()
        if user is None or not any(devices_for_user(user, confirmed=True)):
            return self.cleaned_data  # first sign-in: enrolment follows (see the admin site)
        try:
            self.clean_otp(user)
        except ValidationError:
            # The password was right and the code was not: a failure like any other.
            user_login_failed.send(
                sender=type(self), credentials={"username": self.cleaned_data.get("username")}, request=self.request
            )
            self.user_cache = None
            raise ValidationError(SIGN_IN_FAILED, code="invalid_login") from None
        if user.otp_device is not None and user.otp_device.__class__.__name__ == "StaticDevice":
            from .services.staff_security import staff_event_record

            staff_event_record(user=user, action="recovery_code_used", request=self.request)
        return self.cleaned_data


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

    def login(self, request, extra_context=None):
        from .admin.security import needs_enrolment

        response = super().login(request, extra_context)
        if settings.DSAR_REQUIRE_STAFF_OTP and needs_enrolment(request.user):
            return redirect(reverse("admin:security_enrol", current_app=self.name))
        return response

    def get_urls(self):
        from .admin import security

        def unverified(view):  # signed in with the password, no second factor yet: enrolment only
            return never_cache(
                login_required(lambda request: view(request, self), login_url=reverse_lazy("admin:login"))
            )

        def verified(view):
            return self.admin_view(lambda request: view(request, self))

        return [
            path("security/", verified(security.security_view), name="security"),
            path("security/enrol/", unverified(security.enrol_view), name="security_enrol"),
            path("security/recovery-codes/", verified(security.recovery_codes_view), name="security_recovery_codes"),
        ] + super().get_urls()

    def index(self, request, extra_context=None):
        from .admin.requests import QUEUE_LABELS, queue_counts
        from .selectors import QUEUES

        extra_context = dict(extra_context or {})
        counts = queue_counts(request.user)
        extra_context["queues"] = [(q, QUEUE_LABELS[q], counts.get(q)) for q in QUEUES]
        return super().index(request, extra_context)
