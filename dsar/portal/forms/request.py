"""The request form: one kind at a time, so it works without JavaScript."""

import functools

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from crispy_forms.utils import render_crispy_form
from django import forms
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ...kinds import Kind
from ...labels import humanise
from ...models.operators import LANGUAGE_CHOICES
from ...models.requests import RepresentativeBasis
from ...validators import is_valid_iin_bin
from .fields import DocumentsField, PhoneField

TEXTAREA = forms.Textarea(attrs={"rows": 3})

# (field name, required) per kind; the values go into DataRequest.details.
KIND_FIELDS: dict[str, list[tuple[str, bool]]] = {
    Kind.ACCESS: [],
    Kind.RECTIFICATION: [("what_is_wrong", True), ("correct_value", True)],
    Kind.BLOCKING: [("violation", True)],
    Kind.DESTRUCTION: [("which_data", True), ("why", True)],
    Kind.CONSENT_WITHDRAWAL: [("processing", True)],
    Kind.CLAIM: [("contract_reference", True), ("claim", True)],
    Kind.AUTOMATED_DECISION_OBJECTION: [("decision", True)],
    Kind.ENQUIRY: [],
}
ALL_DETAIL_FIELDS = sorted({name for fields in KIND_FIELDS.values() for name, _required in fields})


class KindChoiceForm(forms.Form):
    kind = forms.ChoiceField(label=_("What do you want to ask for?"), widget=forms.RadioSelect)

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, Kind(k).label) for k in kinds]


class RequestForm(forms.Form):
    # Kind-specific details.
    what_is_wrong = forms.CharField(label=_("What is wrong or missing?"), max_length=2000, widget=TEXTAREA)
    correct_value = forms.CharField(label=_("What is the correct value?"), max_length=2000, widget=TEXTAREA)
    violation = forms.CharField(
        label=_("Which violation do you see?"),
        max_length=4000,
        widget=TEXTAREA,
        help_text=_("For example: my data was passed to a partner without my consent."),
    )
    which_data = forms.CharField(label=_("Which data should be deleted?"), max_length=2000, widget=TEXTAREA)
    why = forms.CharField(
        label=_("Why?"),
        max_length=4000,
        widget=TEXTAREA,
        help_text=_("For example: I closed my account; I never gave consent; the storage period is over."),
    )
    processing = forms.CharField(
        label=_("Which processing do you no longer consent to?"),
        max_length=2000,
        widget=TEXTAREA,
        help_text=_("For example: newsletters and advertising."),
    )
    contract_reference = forms.CharField(label=_("Order or contract number"), max_length=200)
    claim = forms.CharField(
        label=_("What do you claim, and why?"), max_length=8000, widget=forms.Textarea(attrs={"rows": 5})
    )
    decision = forms.CharField(
        label=_("Which decision do you object to?"),
        max_length=4000,
        widget=TEXTAREA,
        help_text=_("When it was made and what it said, as far as you know."),
    )
    description = forms.CharField(
        label=_("Anything else the operator should know"),
        max_length=8000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    documents = DocumentsField(
        label=_("Supporting documents"),
        required=False,
        help_text=_("PDF, JPEG or PNG, up to 10 MB each, at most 5 files."),
    )

    # Who asks.
    acting_for_other = forms.BooleanField(
        label=_("I act for someone else (as their representative)"),
        required=False,
        help_text=_(
            "Only if you are a parent, guardian or attorney of the person. The codes and answers then go to you."
        ),
    )
    representative_name = forms.CharField(
        label=_("Your full name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    representative_email = forms.EmailField(
        label=_("Your e-mail"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    representative_phone = PhoneField(label=_("Your phone"), required=False)
    representative_basis = forms.ChoiceField(
        label=_("Your authority"), required=False, choices=[("", "—"), *RepresentativeBasis.choices]
    )
    authority_document = DocumentsField(
        label=_("Document proving your authority"),
        required=False,
        help_text=_("A power of attorney, or a birth certificate or guardianship decision."),
    )

    subject_name = forms.CharField(
        label=_("Full name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    subject_email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("We send a confirmation code here. A representative may leave it empty."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    subject_phone = PhoneField(label=_("Phone"), required=False)
    subject_iin = forms.CharField(
        label=_("IIN (optional)"),
        required=False,
        max_length=12,
        help_text=_("12 digits. It helps the operator find your data."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    language = forms.ChoiceField(label=_("Language of the answer"), choices=LANGUAGE_CHOICES)
    consent = forms.BooleanField(
        label=_("I agree that the operator processes the personal data in this request only to answer it."),
        error_messages={"required": _("We cannot handle the request without this consent.")},
    )
    # Honeypot: hidden from people, filled in by bots. Named so browsers never autofill it.
    leave_empty = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args, operator, kind, language=None, **kwargs):
        # Django copies base_fields deeply for every form; only this kind's are copied.
        self.base_fields = _kind_base_fields(kind)
        super().__init__(*args, **kwargs)
        self.operator, self.kind = operator, kind
        for name, required in KIND_FIELDS[kind]:
            self.fields[name].required = required
        if kind == Kind.ENQUIRY:
            self.fields["description"].required = True
            self.fields["description"].label = _("Your question")
        if kind == Kind.RECTIFICATION:
            self.fields["documents"].help_text = _(
                "A document that proves the correct data. Without one the operator may refuse (art. 13). "
                "PDF, JPEG or PNG, up to 10 MB each."
            )
        offered = [(code, label) for code, label in LANGUAGE_CHOICES if code in operator.languages]
        self.fields["language"].choices = offered
        codes = [code for code, _label in offered]
        self.fields["language"].initial = language if language in codes else operator.default_language
        if operator.require_phone_confirmation:
            self._place_sms_hint()

    @cached_property
    def helper(self) -> FormHelper:
        """crispy's layout, built only when the form is drawn (a valid POST never is)."""
        return self._helper()

    def _place_sms_hint(self):
        """The SMS hint goes under the phone the code is sent to: the representative's when one acts
        (services.verification.code_recipient), else the subject's."""
        goes_here = _("This operator confirms the phone by SMS: the code goes to this number.")
        if not self.is_bound:
            self.fields["subject_phone"].help_text = _(
                "This operator confirms the phone by SMS: the code goes to this number, or to the "
                "representative's phone when you act for someone else."
            )
            self.fields["representative_phone"].help_text = goes_here
        elif self.fields["acting_for_other"].widget.value_from_datadict(
            self.data, self.files, self.add_prefix("acting_for_other")
        ):
            self.fields["representative_phone"].help_text = goes_here
        else:
            self.fields["subject_phone"].help_text = goes_here

    def _helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        details = [name for name, _required in KIND_FIELDS[self.kind]]
        helper.layout = Layout(
            Fieldset(_("Your request"), *details, "description", "documents"),
            Fieldset(
                _("The person the data is about"),
                "subject_name",
                "subject_email",
                "subject_phone",
                "subject_iin",
            ),
            Fieldset(
                _("Acting for someone else"),
                "acting_for_other",
                Div(
                    "representative_name",
                    "representative_email",
                    "representative_phone",
                    "representative_basis",
                    "authority_document",
                    css_id="representative-fields",
                ),
            ),
            Fieldset(_("The answer"), "language", "consent"),
            Div(
                Field("leave_empty", tabindex="-1", autocomplete="off"), css_class="visually-hidden", aria_hidden="true"
            ),
        )
        return helper

    def clean_subject_iin(self):
        iin = self.cleaned_data.get("subject_iin", "").strip()
        if iin and not is_valid_iin_bin(iin):
            raise forms.ValidationError(_("This IIN is not valid: check the 12 digits."), code="invalid_iin")
        return iin

    def clean(self):
        data = super().clean()
        acting = data.get("acting_for_other")
        need_phone = self.operator.require_phone_confirmation
        required = _("This field is required.")
        if acting:
            for name in ("representative_name", "representative_email", "representative_basis"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, required)
            if not data.get("authority_document") and "authority_document" not in self.errors:
                self.add_error("authority_document", _("Attach the document that proves your authority."))
            if need_phone and not data.get("representative_phone") and "representative_phone" not in self.errors:
                self.add_error("representative_phone", required)
        else:
            if not data.get("subject_email") and "subject_email" not in self.errors:
                self.add_error("subject_email", _("Enter your e-mail address: we send a confirmation code to it."))
            if need_phone and not data.get("subject_phone") and "subject_phone" not in self.errors:
                self.add_error("subject_phone", _("This operator confirms your phone number: enter it."))
        return data

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("leave_empty"))

    def request_fields(self) -> dict:
        """request_create's keyword arguments from the cleaned form."""
        data = self.cleaned_data
        acting = bool(data.get("acting_for_other"))
        details = {name: data[name].strip() for name, _required in KIND_FIELDS[self.kind] if data.get(name)}
        return {
            "kind": self.kind,
            "subject_name": data["subject_name"].strip(),
            "subject_email": data.get("subject_email", "").strip().lower(),
            "subject_phone": data.get("subject_phone", ""),
            "subject_iin": data.get("subject_iin", ""),
            "language": data["language"],
            "description": data.get("description", "").strip(),
            "details": details,
            "acting_for_other": acting,
            "representative_name": data.get("representative_name", "").strip() if acting else "",
            "representative_email": data.get("representative_email", "").strip().lower() if acting else "",
            "representative_phone": data.get("representative_phone", "") if acting else "",
            "representative_basis": data.get("representative_basis", "") if acting else "",
        }


@functools.cache
def _kind_base_fields(kind: str) -> dict:
    """RequestForm's fields without the details of the other kinds, in the declared order."""
    wanted = dict(KIND_FIELDS[kind])
    return {
        name: field
        for name, field in RequestForm.base_fields.items()
        if name not in ALL_DETAIL_FIELDS or name in wanted
    }


# Rendered empty forms, by everything that shapes them. Crispy renders each field through
# several templates (about half of a form page's CPU); an empty form is the same for every
# visitor, so each process renders it once per kind, language and operator setting.
_BLANK_FORMS: dict[tuple, str] = {}
_BLANK_FORMS_MAX = 512


def blank_form_html(form: RequestForm) -> str:
    """The unbound form's fields as HTML (no CSRF token: the page adds it), cached per process."""
    operator = form.operator
    key = (
        form.kind,
        get_language(),
        tuple(operator.languages),
        operator.default_language,
        operator.require_phone_confirmation,
        form.fields["language"].initial,
    )
    html = _BLANK_FORMS.get(key)
    if html is None:
        if len(_BLANK_FORMS) >= _BLANK_FORMS_MAX:
            _BLANK_FORMS.clear()
        html = _BLANK_FORMS[key] = render_crispy_form(form)
    return html


def detail_items(details: dict) -> list[tuple[str, str]]:
    """The kind-specific answers of the request form, each under its question (staff pages)."""
    fields = RequestForm.base_fields
    return [
        (str(fields[key].label) if key in fields else humanise(key), value) for key, value in (details or {}).items()
    ]
