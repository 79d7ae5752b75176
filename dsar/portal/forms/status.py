"""Forms of the identity and status pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ...models.portal import CodePurpose
from .fields import DocumentsField

CODE_WIDGET_ATTRS = {"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*", "maxlength": "8"}


def code_field(label, required=True) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=8, required=required, widget=forms.TextInput(attrs=CODE_WIDGET_ATTRS)
    )


class IdentityForm(forms.Form):
    """One code field per confirmation still pending (e-mail, and the phone when asked for)."""

    def __init__(self, *args, pending, **kwargs):
        super().__init__(*args, **kwargs)
        if CodePurpose.EMAIL in pending:
            self.fields[CodePurpose.EMAIL] = code_field(_("Code from the e-mail"), required=False)
        if CodePurpose.PHONE in pending:
            self.fields[CodePurpose.PHONE] = code_field(_("Code from the SMS"), required=False)

    def clean(self):
        data = super().clean()
        # Either code may come first; at least one must be given.
        if self.fields and not any(data.get(name) for name in self.fields):
            raise forms.ValidationError(_("Enter the code we sent you."), code="required")
        return data


class CodeForm(forms.Form):
    code = code_field(_("Code from the e-mail"))


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your answer"), max_length=8000, widget=forms.Textarea(attrs={"rows": 5}))
    documents = DocumentsField(
        label=_("Documents"), required=False, help_text=_("PDF, JPEG or PNG, up to 10 MB each, at most 5 files.")
    )


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, I withdraw this request. I understand the operator will stop working on it."),
        error_messages={"required": _("Tick the box to confirm.")},
    )


class FindRequestForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference number"), max_length=32, help_text=_("From the acknowledgment e-mail, e.g. QZT-2026-000123.")
    )
    email = forms.EmailField(
        label=_("E-mail given in the request"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
