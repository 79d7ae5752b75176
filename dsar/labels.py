"""Words for the codes stored with a request, so nothing a person reads is a code.

States, outcomes and kinds have their labels on their choices (dsar/states.py, dsar/kinds.py);
this module covers what is stored as a bare string: who acted on an audit event, the keys of
`DataRequest.details`, and audit actions on staff pages.
"""

from datetime import date, datetime, tzinfo

from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from .states import State

ACTOR_LABELS = {
    "subject": _("the subject"),
    "representative": _("the representative"),
    "staff": _("staff"),
    "system": _("the system (automatic)"),
}

STAFF_EVENT_LABELS = {
    "submitted": _("Submitted"),
    "start_work": _("Work started"),
    "ask_subject": _("Subject asked"),
    "resume": _("Work resumed"),
    "extend": _("Deadline extended"),
    "fulfil": _("Fulfilled"),
    "partly_fulfil": _("Fulfilled in part"),
    "refuse": _("Refused"),
    "block": _("Data blocked"),
    "unblock": _("Data unblocked"),
    "destroy": _("Data destroyed"),
    "close_as_duplicate": _("Closed as duplicate"),
    "withdraw": _("Withdrawn"),
    "confirm_identity": _("Identity confirmed"),
    "expire": _("Expired unconfirmed"),
    "assigned": _("Assigned"),
    "unassigned": _("Assignment removed"),
    "note_added": _("Internal note added"),
    "letter_issued": _("Letter issued"),
    "export_created": _("Data export created"),
    "purged": _("Personal data removed after the retention period"),
    "refuse_unanswered": _("Refused: the subject did not answer in time"),
    "refuse_authority": _("Refused: authority not accepted"),
    "authority_checked": _("Representative's authority checked"),
    "identity_documents_deleted": _("Copies of identity and authority documents deleted"),
    "viewed_personal_data": _("Personal data viewed"),
}


def humanise(code: str) -> str:
    """Last resort for a code without a label (a new action): words, not snake_case."""
    return code.replace("_", " ").strip().capitalize()


def actor_label(code: str) -> str:
    return str(ACTOR_LABELS.get(code, humanise(code))) if code else "—"


def state_label(code: str) -> str:
    if not code:
        return ""
    return str(State(code).label) if code in State.values else humanise(code)


def staff_event_label(action: str, first: dict | None = None) -> str:
    """The label of an audit action; `first` may word some actions differently (the request page
    names transitions as its buttons do)."""
    labels = {**STAFF_EVENT_LABELS, **(first or {})}
    return str(labels[action]) if action in labels else humanise(action)


def moment_text(moment: datetime, *, tz: tzinfo, language: str, date_only: bool = False) -> str:
    """A moment written as a reader of `language` writes it (config/formats/), in the zone `tz`.

    For text recorded before it is sent (an outbox row's context), where no template filter can
    format it: "5 марта 2026 г., 23:59", never "2026-03-05 23:59".
    """
    local = timezone.localtime(moment, tz)
    if date_only:
        return day_text(local.date(), language=language)
    with translation.override(language):
        return formats.date_format(local, "DATETIME_FORMAT")


def day_text(day: date, *, language: str) -> str:
    """A calendar day as a reader of `language` writes it: "5 наурыз 2026 ж."."""
    with translation.override(language):
        return formats.date_format(day, "DATE_FORMAT")
