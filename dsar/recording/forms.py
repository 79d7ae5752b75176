from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..kinds import Kind
from ..models import Operator
from ..models.channels import Channel
from ..models.operators import LANGUAGE_CHOICES
from ..models.requests import RepresentativeBasis
from ..portal.forms.fields import MultipleFileInput, PhoneField
from ..portal.forms.request import ALL_DETAIL_FIELDS, KIND_FIELDS, RequestForm
from ..validators import is_valid_iin_bin

DOCUMENT_TYPES = [
    ("id_card", _("Identity card")),
    ("passport", _("Passport")),
    ("residence_permit", _("Residence permit")),
    ("other", _("Other document")),
]


class FilesField(forms.FileField):
    """Several files; their types are checked by the intake service (PDF, JPEG, PNG or an .eml)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [super(FilesField, self).clean(f, initial) for f in files]


class RecordRequestForm(forms.Form):
    operator = forms.ModelChoiceField(label=_("Operator"), queryset=Operator.objects.none())
    kind = forms.ChoiceField(label=_("Kind of request"), choices=Kind.choices)
    channel = forms.ChoiceField(
        label=_("How it arrived"),
        choices=[(c, label) for c, label in Channel.choices if c in (Channel.PAPER, Channel.EMAIL, Channel.IN_PERSON)],
    )
    received_at = forms.DateTimeField(
        label=_("Received (operator's local time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("When it reached the operator: the clock starts then. Never in the future."),
    )
    language = forms.ChoiceField(label=_("Language of the answer"), choices=LANGUAGE_CHOICES)
    subject_name = forms.CharField(label=_("Subject's full name"), max_length=200)
    subject_email = forms.EmailField(label=_("Subject's e-mail"), required=False)
    subject_phone = PhoneField(label=_("Subject's phone"), required=False)
    subject_iin = forms.CharField(label=_("Subject's IIN"), max_length=12, required=False)
    acting_for_other = forms.BooleanField(label=_("A representative acts for the subject"), required=False)
    representative_name = forms.CharField(label=_("Representative's full name"), max_length=200, required=False)
    representative_email = forms.EmailField(label=_("Representative's e-mail"), required=False)
    representative_phone = PhoneField(label=_("Representative's phone"), required=False)
    representative_basis = forms.ChoiceField(
        label=_("Authority"), required=False, choices=[("", "---------")] + list(RepresentativeBasis.choices)
    )
    description = forms.CharField(
        label=_("What the request says"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    identity = forms.ChoiceField(
        label=_("Identity"),
        widget=forms.RadioSelect,
        choices=[
            ("in_person", _("Identity checked in person (the document is not copied)")),
            ("code", _("Send codes to the e-mail (and phone) given, as on the portal")),
        ],
    )
    document_type = forms.ChoiceField(
        label=_("Document checked"), required=False, choices=[("", "---------")] + DOCUMENT_TYPES
    )
    files = FilesField(label=_("Scanned letter or the e-mail (.eml)"), required=False)

    def __init__(self, *args, operators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operator"].queryset = operators
        for name in ALL_DETAIL_FIELDS:
            self.fields[name] = forms.CharField(
                label=RequestForm.base_fields[name].label,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Only for the kinds that ask for it."),
            )

    def clean_subject_iin(self):
        iin = self.cleaned_data.get("subject_iin", "").strip()
        if iin and not is_valid_iin_bin(iin):
            raise forms.ValidationError(_("This IIN is not valid: check the 12 digits."))
        return iin

    def clean(self):
        data = super().clean()
        operator, received = data.get("operator"), data.get("received_at")
        if operator and received:
            # The form's time is the operator's wall clock, whatever the staff member's browser says.
            naive = timezone.make_naive(received) if timezone.is_aware(received) else received
            data["received_at"] = datetime.combine(naive.date(), naive.time(), tzinfo=operator.tz)
        kind = data.get("kind")
        for name, required in KIND_FIELDS.get(kind, []):
            if required and not (data.get(name) or "").strip():
                self.add_error(name, _("This field is required."))
        if data.get("acting_for_other"):
            for name in ("representative_name", "representative_basis"):
                if not data.get(name):
                    self.add_error(name, _("This field is required."))
        if data.get("identity") == "in_person" and not data.get("document_type"):
            self.add_error("document_type", _("Say which document you checked."))
        if data.get("identity") == "code":
            email = data.get("representative_email") if data.get("acting_for_other") else data.get("subject_email")
            if not email:
                self.add_error("identity", _("Codes go by e-mail: give the e-mail, or check the identity in person."))
        return data

    def request_fields(self) -> dict:
        """request_create's keyword arguments: the portal form's own mapping (same field names)."""
        self.kind = self.cleaned_data["kind"]
        return RequestForm.request_fields(self)
