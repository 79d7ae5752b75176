from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ...services.uploads import MAX_FILES_PER_UPLOAD, upload_check
from ...validators import normalise_phone


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class DocumentsField(forms.FileField):
    """Several files, each checked by content and size; errors name the file."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if not files:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > MAX_FILES_PER_UPLOAD:
            raise forms.ValidationError(
                ngettext("Send at most %(n)s file at once.", "Send at most %(n)s files at once.", MAX_FILES_PER_UPLOAD)
                % {"n": MAX_FILES_PER_UPLOAD},
                code="too_many",
            )
        errors = []
        for upload in files:
            try:
                upload_check(upload)
            except forms.ValidationError as exc:
                errors.extend(exc.error_list)
        if errors:
            raise forms.ValidationError(errors)
        return list(files)


class PhoneField(forms.CharField):
    """A phone number, Kazakhstan by default, stored as +7XXXXXXXXXX (E.164)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}))
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return ""
        phone = normalise_phone(value)
        if phone is None:
            raise forms.ValidationError(
                _("Enter a valid phone number, for example +7 701 123 4567."), code="invalid_phone"
            )
        return phone
