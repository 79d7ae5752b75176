"""Shapes of the API. Input rules are the portal's (details per kind, IIN check digit, phone
format) so a request looks the same whichever channel it came through."""

from django import forms
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .. import permissions
from ..kinds import Kind
from ..models import DataRequest, Event
from ..models.channels import Channel, SystemJob
from ..models.operators import LANGUAGE_CHOICES
from ..models.requests import RepresentativeBasis
from ..portal.forms.fields import PhoneField
from ..portal.forms.request import KIND_FIELDS
from ..states import Outcome, State
from ..validators import is_valid_iin_bin


class Problem(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField(required=False)
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)


def _phone(value: str) -> str:
    try:
        return PhoneField(required=False).clean(value)
    except forms.ValidationError as exc:
        raise serializers.ValidationError(exc.messages) from None


class KindWindow(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    label = serializers.CharField()
    accepted = serializers.BooleanField()
    deadline_n = serializers.IntegerField()
    deadline_unit = serializers.CharField()
    in_hours = serializers.BooleanField()
    promise_text = serializers.CharField(allow_blank=True)
    detail_fields = serializers.ListField(child=serializers.CharField())


class PersonIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    # No default: an empty default is not a valid "email" in OpenAPI 3; request_fields() fills it.
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")

    def validate_phone(self, value):
        return _phone(value)


class SubjectIn(PersonIn):
    iin = serializers.CharField(max_length=12, required=False, allow_blank=True, default="")

    def validate_iin(self, value):
        value = value.strip()
        if value and not is_valid_iin_bin(value):
            raise serializers.ValidationError(_("This IIN is not valid: check the 12 digits."))
        return value


class RepresentativeIn(PersonIn):
    email = serializers.EmailField(max_length=254)
    basis = serializers.ChoiceField(choices=RepresentativeBasis.choices)


class SubmitIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, required=False)
    subject = SubjectIn()
    representative = RepresentativeIn(required=False)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    details = serializers.DictField(
        child=serializers.CharField(max_length=2000, allow_blank=True), required=False, default=dict
    )
    identity = serializers.ChoiceField(
        choices=[("code", _("the subject confirms by code")), ("verified", _("the app has signed the user in"))],
        default="code",
        help_text=_('"verified" needs the verified_identity scope; the request then starts received.'),
    )
    account_reference = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The user's account id in the operator's app, kept in the audit trail with a verified identity."),
    )

    def validate(self, data):
        operator = self.context["operator"]
        errors = {}
        kind = data["kind"]
        if not operator.policy_for(kind).enabled:
            errors["kind"] = [_("This operator does not accept this kind of request here.")]
        known = dict(KIND_FIELDS.get(kind, []))
        details = {}
        for name, value in (data.get("details") or {}).items():
            if name not in known:
                errors.setdefault("details", []).append(_("Unknown field for this kind: %(name)s") % {"name": name})
            elif value.strip():
                details[name] = value.strip()
        for name, required in known.items():
            if required and name not in details:
                errors.setdefault("details", []).append(_("This field is required: %(name)s") % {"name": name})
        rep = data.get("representative")
        if not rep and not data["subject"].get("email"):
            errors.setdefault("subject", {})["email"] = [_("Give the e-mail: the acknowledgment goes there.")]
        if operator.require_phone_confirmation and data.get("identity") == "code":
            phone = (rep or data["subject"]).get("phone")
            if not phone:
                errors.setdefault("representative" if rep else "subject", {})["phone"] = [
                    _("This operator confirms the phone number: give it.")
                ]
        if errors:
            raise serializers.ValidationError(errors)
        data["details"] = details
        return data

    def request_fields(self) -> dict:
        data, operator = self.validated_data, self.context["operator"]
        rep = data.get("representative") or {}
        language = data.get("language")
        if language not in (operator.languages or []):
            language = operator.default_language
        return {
            "kind": data["kind"],
            "subject_name": data["subject"]["name"].strip(),
            "subject_email": data["subject"].get("email", "").strip().lower(),
            "subject_phone": data["subject"].get("phone", ""),
            "subject_iin": data["subject"].get("iin", ""),
            "language": language,
            "description": data.get("description", "").strip(),
            "details": data["details"],
            "acting_for_other": bool(rep),
            "representative_name": rep.get("name", "").strip(),
            "representative_email": rep.get("email", "").strip().lower(),
            "representative_phone": rep.get("phone", ""),
            "representative_basis": rep.get("basis", ""),
        }


class TimelineEntry(serializers.ModelSerializer):
    at = serializers.DateTimeField(source="created_at")
    actor = serializers.CharField(source="actor_label")

    class Meta:
        model = Event
        fields = ["at", "action", "from_state", "to_state", "actor"]


class JobOut(serializers.ModelSerializer):
    id = serializers.IntegerField()
    system = serializers.CharField(source="system.name")
    status = serializers.ChoiceField(choices=SystemJob.Status.choices)

    class Meta:
        model = SystemJob
        fields = ["id", "system", "action", "status", "sent_at", "answered_at"]


# Context key: may the key's creator see personal data now? Without it, values go out masked.
PERSONAL_DATA_VISIBLE = "personal_data_visible"


class SubjectOut(serializers.Serializer):
    """The subject's personal data, masked as the admin masks it unless the context allows it."""

    name = serializers.CharField(source="subject_name")
    email = serializers.CharField(source="subject_email")
    phone = serializers.CharField(source="subject_phone")
    iin = serializers.CharField(source="subject_iin")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if self.context.get(PERSONAL_DATA_VISIBLE):
            return data
        return {name: permissions.mask(value, name) for name, value in data.items()}


class RequestOut(serializers.ModelSerializer):
    state = serializers.ChoiceField(choices=State.choices)
    outcome = serializers.ChoiceField(choices=[("", "")] + list(Outcome.choices))
    channel = serializers.ChoiceField(choices=Channel.choices)
    kind = serializers.ChoiceField(choices=Kind.choices)
    subject = SubjectOut(source="*")
    identity_confirmed = serializers.SerializerMethodField()
    in_hours = serializers.BooleanField()

    class Meta:
        model = DataRequest
        fields = [
            "reference",
            "kind",
            "channel",
            "state",
            "outcome",
            "language",
            "subject",
            "identity_confirmed",
            "submitted_at",
            "received_at",
            "due_at",
            "answered_at",
            "closed_at",
            "in_hours",
        ]

    def get_identity_confirmed(self, obj) -> bool:
        return obj.identity_confirmed_at is not None


class RequestDetailOut(RequestOut):
    timeline = serializers.SerializerMethodField()
    systems = serializers.SerializerMethodField()

    class Meta(RequestOut.Meta):
        fields = RequestOut.Meta.fields + ["timeline", "systems"]

    def get_timeline(self, obj) -> list[TimelineEntry]:
        events = obj.events.exclude(action="viewed_personal_data").order_by("created_at", "seq")
        return TimelineEntry(events, many=True).data

    def get_systems(self, obj) -> list[JobOut]:
        return JobOut(obj.system_jobs.select_related("system"), many=True).data


# drf-spectacular reads the return annotations above as these serializers.
RequestDetailOut.get_timeline.__annotations__["return"] = TimelineEntry(many=True)
RequestDetailOut.get_systems.__annotations__["return"] = JobOut(many=True)


class SubmittedOut(RequestOut):
    confirm_url = serializers.SerializerMethodField(
        help_text=_("Where the subject enters the codes sent to them (empty with a verified identity).")
    )

    class Meta(RequestOut.Meta):
        fields = RequestOut.Meta.fields + ["confirm_url"]

    def get_confirm_url(self, obj) -> str:
        return self.context.get("confirm_url", "")


class ListFilters(serializers.Serializer):
    state = serializers.ChoiceField(choices=State.choices, required=False)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    received_after = serializers.DateTimeField(required=False)
    received_before = serializers.DateTimeField(required=False)
    updated_after = serializers.DateTimeField(required=False)

    def apply(self, qs):
        data = self.validated_data
        for name in ("state", "kind", "channel"):
            if data.get(name):
                qs = qs.filter(**{name: data[name]})
        if data.get("received_after"):
            qs = qs.filter(received_at__gte=data["received_after"])
        if data.get("received_before"):
            qs = qs.filter(received_at__lt=data["received_before"])
        if data.get("updated_after"):
            qs = qs.filter(updated_at__gte=data["updated_after"])
        return qs


class TransitionOut(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    fields = serializers.ListField(child=serializers.CharField())


class TransitionIn(serializers.Serializer):
    """The fields a transition may need; which are required is the workflow's rule, as in the admin."""

    question = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    explanation = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    ground = serializers.CharField(max_length=40, required=False, allow_blank=True)
    basis = serializers.CharField(max_length=300, required=False, allow_blank=True)
    new_due = serializers.DateField(required=False, help_text=_("The new due date (end of that day, operator's time)."))
    original = serializers.CharField(max_length=32, required=False, help_text=_("Reference of the original request."))
    expected_state = serializers.ChoiceField(
        choices=State.choices,
        required=False,
        help_text=_("The state the caller saw; if the request has moved since, nothing happens (409)."),
    )


class RecordIn(serializers.Serializer):
    category = serializers.CharField(max_length=200)
    content = serializers.CharField(max_length=20000, allow_blank=True, required=False, default="")
    source = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")


class RecordsIn(serializers.Serializer):
    records = RecordIn(many=True, allow_empty=False, max_length=500)


class RecordOut(serializers.Serializer):
    id = serializers.IntegerField()
    category = serializers.CharField()
    content = serializers.CharField()
    source = serializers.CharField()
    created_at = serializers.DateTimeField()


class JobAnswerIn(serializers.Serializer):
    status = serializers.ChoiceField(choices=[c for c in SystemJob.Status.choices if c[0] != SystemJob.Status.SENT])
    records = RecordIn(many=True, required=False, default=list, max_length=500)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def validate(self, data):
        if data["status"] == SystemJob.Status.RECORDS and not data.get("records"):
            raise serializers.ValidationError({"records": [_("Send the records, or answer nothing_held.")]})
        if data["status"] != SystemJob.Status.RECORDS and data.get("records"):
            raise serializers.ValidationError({"records": [_('Records go with the status "records" only.')]})
        return data


class JobDetailOut(JobOut):
    reference = serializers.CharField(source="request.reference")
    kind = serializers.CharField(source="request.kind")
    due_at = serializers.DateTimeField(source="request.due_at", allow_null=True)

    class Meta(JobOut.Meta):
        fields = JobOut.Meta.fields + ["reference", "kind", "due_at", "note"]
