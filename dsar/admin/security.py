"""Staff members' own second factor: enrolment at first sign-in, recovery codes, passkeys, resets.

- `enrol_view` (/admin/security/enrol/): a QR code for a new authenticator, confirmed with one
  code; then ten single-use recovery codes, shown once. Reached right after the first
  password sign-in (no second factor yet), or later from the security page to replace the app.
- `security_view` (/admin/security/): the member's factors, new recovery codes, adding a passkey.
- `reset_second_factor`: the platform administrator's action on users.
Every change goes through `dsar.services.staff_security` (audit event + e-mail to the member).
"""

import segno
from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..models import StaffSecurityEvent
from ..services import staff_security

ENROL_SESSION_KEY = "dsar_enrol_device"


class ConfirmCodeForm(forms.Form):
    token = forms.CharField(
        label=_("The 6-digit code your app shows now"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def needs_enrolment(user) -> bool:
    return bool(
        user.is_authenticated and user.is_active and user.is_staff and not any(devices_for_user(user, confirmed=True))
    )


def _may_enrol(request) -> bool:
    """At first sign-in (no factor yet), or with a verified session (replacing the app)."""
    user = request.user
    return needs_enrolment(user) or (user.is_authenticated and user.is_staff and user.is_verified())


def enrol_view(request, site):
    if not _may_enrol(request):
        return redirect(reverse("admin:login", current_app=site.name))
    user = request.user
    device = None
    device_id = request.session.get(ENROL_SESSION_KEY)
    if device_id:
        device = TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()
    form = ConfirmCodeForm(request.POST or None)
    if request.method == "POST" and device is not None and form.is_valid():
        codes = staff_security.totp_enrol_confirm(
            user=user, device_id=device.pk, token=form.cleaned_data["token"], request=request
        )
        if codes is not None:
            request.session.pop(ENROL_SESSION_KEY, None)
            return TemplateResponse(
                request,
                "admin/security/recovery_codes.html",
                {
                    **site.each_context(request),
                    "title": gettext("Your recovery codes"),
                    "codes": codes,
                },
            )
        form.add_error("token", gettext("That code is not right. Check the time on your phone and try again."))
    if device is None or request.method == "GET":
        device = staff_security.totp_enrol_start(user=user)
        request.session[ENROL_SESSION_KEY] = device.pk
    url = device.config_url
    return TemplateResponse(
        request,
        "admin/security/enrol.html",
        {
            **site.each_context(request),
            "title": gettext("Set up your second factor"),
            "form": form,
            "qr_uri": segno.make(url, error="m").svg_data_uri(scale=5, border=2),
            "secret": _base32(device.bin_key),
            "first_time": needs_enrolment(user),
        },
    )


def _base32(key: bytes) -> str:
    import base64

    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def security_view(request, site):
    user = request.user
    recovery_left = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    context = {
        **site.each_context(request),
        "title": gettext("Your sign-in security"),
        "has_app": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        "recovery_left": recovery_left,
        "passkeys": _passkeys(user),
    }
    return TemplateResponse(request, "admin/security/index.html", context)


def _passkeys(user):
    try:
        from django_otp_webauthn.models import WebAuthnCredential
    except ImportError:  # pragma: no cover - the app is installed in every environment
        return []
    return list(WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at"))


def recovery_codes_view(request, site):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    codes = staff_security.recovery_codes_issue(user=request.user, request=request)
    return TemplateResponse(
        request,
        "admin/security/recovery_codes.html",
        {
            **site.each_context(request),
            "title": gettext("Your recovery codes"),
            "codes": codes,
        },
    )


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)
if admin.site.is_registered(Group):
    admin.site.unregister(Group)  # roles live on memberships (dsar/permissions.py), never on groups


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """Accounts: the platform administrator only (Django's superuser-only auth permissions)."""

    actions = ["reset_second_factor"]
    fieldsets = [fs for fs in UserAdmin.fieldsets if "groups" not in fs[1]["fields"]] + [
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    list_filter = ["is_staff", "is_superuser", "is_active"]

    @admin.action(description=_("Reset the second factor (they set it up again at next sign-in)"))
    def reset_second_factor(self, request, queryset):
        if not request.user.is_superuser:
            return
        for user in queryset:
            staff_security.devices_reset(user=user, actor=request.user, request=request)
        messages.success(request, gettext("Second factor reset. Each member sets up a new one at next sign-in."))


@admin.register(StaffSecurityEvent)
class StaffSecurityEventAdmin(admin.ModelAdmin):
    """The platform administrator reads the log; nobody writes or deletes through the admin."""

    list_display = ["created_at", "username", "action", "actor", "ip_address"]
    list_filter = ["action"]
    search_fields = ["username"]
    readonly_fields = ["created_at", "user", "username", "action", "actor", "ip_address"]
    fields = readonly_fields

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
