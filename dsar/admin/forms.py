"""Forms for the request page: one per transition that needs input, assignment, notes, letters."""

from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .. import deadlines
from ..kinds import GROUNDS_BY_KIND, REFUSAL_BASIS, RefusalGround, duration_text
from ..letters.texts import localise_basis
from ..models import DataRequest
from ..selectors import staff_users_for
from ..workflow import extension_latest

# The state the page showed; a different state on submit means someone else moved the request.
SEEN_STATE = "seen_state"


class TransitionForm(forms.Form):
    """No input beyond the confirmation; subclasses add what their transition needs."""

    seen_state = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, request_obj: DataRequest, **kwargs):
        self.request_obj = request_obj
        kwargs.setdefault("initial", {})[SEEN_STATE] = request_obj.state
        super().__init__(*args, **kwargs)

    def transition_fields(self) -> dict:
        """Keyword arguments for `services.transitions.transition()`."""
        return {k: v for k, v in self.cleaned_data.items() if k not in (SEEN_STATE, UNANSWERED_CONFIRMED)}


class AskSubjectForm(TransitionForm):
    question = forms.CharField(
        label=_("Question or documents to ask for"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Sent to the requester by e-mail and shown on their request page. The clock pauses if the policy says so."
        ),
    )


class ExplanationForm(TransitionForm):
    explanation = forms.CharField(label=_("Explanation for the subject"), widget=forms.Textarea(attrs={"rows": 5}))


class NoDataForm(TransitionForm):
    explanation = forms.CharField(
        label=_("What was checked (optional)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("The letter tells the subject that no data about them is held; this is an answer, not a refusal."),
    )


class RefuseForm(TransitionForm):
    ground = forms.ChoiceField(label=_("Legal ground"))
    basis = forms.CharField(
        label=_("Legal basis"),
        max_length=300,
        required=False,
        help_text=_("Leave empty to use the basis of the chosen ground."),
    )
    explanation = forms.CharField(label=_("Explanation for the subject"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        grounds = GROUNDS_BY_KIND[self.request_obj.kind]
        self.fields["ground"].choices = [("", "---------")] + [(g.value, RefusalGround(g).label) for g in grounds]
        # Shown (and pre-filled by the page's script) in the reader's language; stored as the stock
        # basis, which each letter then says in the subject's language.
        language = (get_language() or "ru")[:2]
        self.stock_basis = {g.value: REFUSAL_BASIS.get(g, "") for g in grounds}
        self.basis_by_ground = {g: localise_basis(basis, language) for g, basis in self.stock_basis.items()}

    def clean(self):
        data = super().clean()
        typed = (data.get("basis") or "").strip()
        if data.get("ground") and typed and typed == self.basis_by_ground.get(data["ground"]):
            data["basis"] = self.stock_basis[data["ground"]]
        if data.get("ground") and not typed:
            data["basis"] = self.stock_basis.get(data["ground"], "")
            if not data["basis"]:
                self.add_error("basis", _("This ground has no standard basis; write the legal basis."))
        return data


class ExtendForm(TransitionForm):
    new_due = forms.DateField(label=_("New due date"), widget=AdminDateWidget)
    reason = forms.CharField(
        label=_("Reason for the extension"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The subject is told this reason."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        op = self.request_obj.operator
        policy = op.policy_for(self.request_obj.kind)
        self.latest = extension_latest(self.request_obj, now=timezone.now(), policy=policy)
        if self.latest:
            self.fields["new_due"].help_text = _("No later than %(date)s (the policy allows %(amount)s).") % {
                "date": date_format(timezone.localtime(self.latest, op.tz).date(), "SHORT_DATE_FORMAT"),
                "amount": duration_text(policy.extension_max_n, policy.extension_unit),
            }
            self.fields["new_due"].initial = timezone.localtime(self.latest, op.tz).date()

    def clean_new_due(self):
        # A deadline is the end of its local day (deadlines.py).
        day = self.cleaned_data["new_due"]
        tz = self.request_obj.operator.tz
        return deadlines.end_of_day(day, tz)


class DuplicateForm(TransitionForm):
    original = forms.CharField(label=_("Reference of the original request"), max_length=32)

    def clean_original(self):
        ref = self.cleaned_data["original"].strip().upper()
        original = DataRequest.objects.filter(operator_id=self.request_obj.operator_id, reference=ref).first()
        if original is None or original.pk == self.request_obj.pk:
            raise forms.ValidationError(_("No other request of this operator has this reference."))
        return original


TRANSITION_FORMS = {
    "ask_subject": AskSubjectForm,
    "extend": ExtendForm,
    "partly_fulfil": ExplanationForm,
    "answer_no_data": NoDataForm,
    "answer_unfounded": ExplanationForm,
    "refuse": RefuseForm,
    "unblock": ExplanationForm,
    "close_as_duplicate": DuplicateForm,
}

TRANSITION_LABELS = {
    "start_work": _("Start work"),
    "ask_subject": _("Ask the subject"),
    "resume": _("Resume (answer received)"),
    "extend": _("Extend the deadline"),
    "fulfil": _("Fulfil"),
    "partly_fulfil": _("Fulfil in part"),
    "answer_no_data": _("Answer: no data held"),
    "answer_unfounded": _("Answer: claim unfounded"),
    "refuse": _("Refuse"),
    "block": _("Block the data"),
    "unblock": _("Unblock"),
    "destroy": _("Destroy the data"),
    "close_as_duplicate": _("Close as duplicate"),
    "withdraw": _("Record withdrawal"),
}
# Outcomes the subject receives and cannot be undone: the button is styled as such.
FINAL_TRANSITIONS = {
    "fulfil",
    "partly_fulfil",
    "answer_no_data",
    "answer_unfounded",
    "refuse",
    "destroy",
    "close_as_duplicate",
    "withdraw",
    "unblock",
}


# Answering steps that must not pass silently over data systems still to answer their jobs.
ANSWERING = {"fulfil", "partly_fulfil", "answer_no_data", "answer_unfounded"}
UNANSWERED_CONFIRMED = "unanswered_jobs_confirmed"


def unanswered_jobs_ask(form: TransitionForm, name: str) -> list[str]:
    """Add a required confirmation to an answering step's form while jobs are unanswered.
    Returns the silent systems' names (also kept on the form) for the audit event."""
    from ..models.channels import SystemJob

    systems = []
    if name in ANSWERING:
        systems = sorted(
            SystemJob.objects.filter(request=form.request_obj, status=SystemJob.Status.SENT).values_list(
                "system__name", flat=True
            )
        )
    if systems:
        form.fields[UNANSWERED_CONFIRMED] = forms.BooleanField(
            label=_("Answer although these data systems have not answered yet: %(systems)s")
            % {"systems": ", ".join(systems)},
            help_text=_("What they send later is not added to this answer. The audit trail records your choice."),
        )
    form.unanswered_systems = systems
    return systems


def form_for(name: str):
    return TRANSITION_FORMS.get(name, TransitionForm)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assignee"), queryset=None, required=False, empty_label=_("— nobody —"))

    def __init__(self, *args, user, operator_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = staff_users_for(user)
        if operator_id is not None:
            qs = qs.filter(memberships__operator_id=operator_id)
        self.fields["assignee"].queryset = qs


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Seen by staff only.")
    )


class LetterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Letter"))

    def __init__(self, *args, **kwargs):
        from ..models import LetterKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = LetterKind.choices
