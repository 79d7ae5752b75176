"""Admin for operators' signing certificates: uploaded by the operator's administrator (DPO) only.

The file and its password are sealed on save (signing_key_upload); the page shows what the
certificate says (subject, BIN/IIN, validity) and whether letters wait for a usable one.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ... import permissions
from ...admin.scoping import OperatorScopedAdmin
from ...models import Letter, OperatorSigningKey
from . import can_sign_now
from .keys import KeyRejected, signing_key_check, signing_key_upload

MAX_P12_BYTES = 64 * 1024


class SigningKeyUploadForm(forms.ModelForm):
    p12_file = forms.FileField(label=_("PKCS#12 file (.p12, .pfx) from NCA"))
    password = forms.CharField(label=_("Password of the file"), widget=forms.PasswordInput, required=False, strip=False)

    class Meta:
        model = OperatorSigningKey
        fields = ["operator"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # The row is made by signing_key_upload, which retires the key in use first; the form's
        # own instance must not trip "one active key per operator" while it is validated.
        self.instance.is_active = False

    def clean(self):
        cleaned = super().clean()
        operator, upload = cleaned.get("operator"), cleaned.get("p12_file")
        if operator is None or upload is None:
            return cleaned
        if not permissions.can(self.user, "add_operatorsigningkey", operator):
            raise ValidationError(_("Only the operator's administrator may upload its signing certificate."))
        if upload.size > MAX_P12_BYTES:
            raise ValidationError(_("A PKCS#12 file is a few kilobytes; this one is too large."))
        cleaned["p12"] = upload.read()
        try:
            signing_key_check(operator=operator, p12=cleaned["p12"], password=cleaned.get("password") or "")
        except KeyRejected as exc:
            raise ValidationError(str(exc)) from exc
        return cleaned

    def upload(self):
        """Store the key (the admin's save); a rejected file was caught in validation already."""
        data = self.cleaned_data
        return signing_key_upload(
            operator=data["operator"], p12=data["p12"], password=data.get("password") or "", actor=self.user
        )


def validity_state(key: OperatorSigningKey, now=None) -> str:
    now = now or timezone.now()
    if now > key.not_after:
        return str(_("expired"))
    if now < key.not_before:
        return str(_("not valid yet"))
    days = (key.not_after - now).days
    return str(_("valid, %(days)s days left") % {"days": days})


@admin.register(OperatorSigningKey)
class OperatorSigningKeyAdmin(OperatorScopedAdmin):
    list_display = ["operator", "common_name", "bin", "iin", "serial", "not_before", "not_after", "state", "is_active"]
    list_filter = [("operator", admin.RelatedOnlyFieldListFilter), "is_active", "is_demo"]
    readonly_fields = [
        "operator",
        "backend",
        "is_active",
        "is_demo",
        "common_name",
        "subject",
        "bin",
        "iin",
        "serial",
        "issuer",
        "not_before",
        "not_after",
        "state",
        "certificate_sha256",
        "uploaded_by",
        "uploaded_at",
    ]

    @admin.display(description=_("validity"))
    def state(self, obj):
        return validity_state(obj)

    def has_change_permission(self, request, obj=None):
        return False  # a certificate is replaced by uploading a new one, never edited

    def has_delete_permission(self, request, obj=None):
        return False  # letters signed with it must stay verifiable as the operator's

    def get_fields(self, request, obj=None):
        return ["operator", "p12_file", "password"] if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None:
            return super().get_form(request, obj, **kwargs)
        kwargs["form"] = SigningKeyUploadForm
        form = super().get_form(request, obj, **kwargs)

        class ScopedForm(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, user=request.user, **kw)

        return ScopedForm

    def save_form(self, request, form, change):
        if change:
            raise PermissionDenied
        try:
            return form.upload()
        except KeyRejected as exc:  # checked again here: validation only opened the file
            raise PermissionDenied(str(exc)) from exc

    def save_model(self, request, obj, form, change):
        pass  # signing_key_upload stored it (save_form)

    def save_related(self, request, form, formsets, change):
        pass

    def changelist_view(self, request, extra_context=None):
        for operator in permissions.operators_where(request.user, "view_operatorsigningkey").order_by("pk"):
            waiting = Letter.objects.filter(
                request__operator=operator, status=Letter.Status.PENDING, signing_wait_since__isnull=False
            ).count()
            readiness = can_sign_now(operator=operator)
            if not readiness.ok and (waiting or readiness.code != "missing"):
                self.message_user(
                    request,
                    _(
                        "%(operator)s: letters cannot be signed (%(why)s). %(count)s letters wait; they go out once a valid certificate is uploaded."
                    )
                    % {"operator": operator.short_name, "why": readiness.message, "count": waiting},
                    messages.ERROR,
                )
        return super().changelist_view(request, extra_context)
