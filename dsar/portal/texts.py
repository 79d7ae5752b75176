"""Plain-language texts about each kind of request, shown before the person submits."""

from django.utils.translation import gettext_lazy as _

from ..kinds import Kind

KIND_HELP = {
    Kind.ACCESS: _(
        "Find out whether the operator processes your data, why, on what grounds, who receives it, "
        "how long it is kept, and get a copy. Free of charge."
    ),
    Kind.RECTIFICATION: _(
        "Your data is wrong or incomplete. Say what is wrong and what is correct, and attach a document that proves it."
    ),
    Kind.BLOCKING: _(
        "You believe your data was collected or used in breach of the rules. The operator stops using "
        "it while the violation is checked."
    ),
    Kind.DESTRUCTION: _(
        "Ask the operator to delete your data, for example when you have closed your account or gave no consent."
    ),
    Kind.CONSENT_WITHDRAWAL: _(
        "Take back a consent you gave, for example to newsletters. Processing that a law requires may continue."
    ),
    Kind.AUTOMATED_DECISION_OBJECTION: _(
        "A decision about you was made by a computer alone. Ask for it to be reviewed."
    ),
    Kind.CLAIM: _("A written pre-trial claim about an order or contract, required before going to court."),
    Kind.ENQUIRY: _("Any other question about how your personal data is processed."),
}

RIGHTS = [
    _("to know whether your personal data is processed, why and by whom, and to get a copy of it, free of charge;"),
    _("to have wrong or incomplete data corrected;"),
    _("to have your data blocked when it was collected or used in breach of the rules;"),
    _("to have your data deleted when there is no longer a lawful reason to keep it;"),
    _("to withdraw your consent;"),
    _("to object to a decision made about you by a computer alone;"),
    _("to complain to the Ministry of Artificial Intelligence and Digital Development, or to go to court."),
]

EVENT_LABELS = {
    "submitted": _("Request submitted"),
    "confirm_identity": _("Identity confirmed: the request is received"),
    "start_work": _("The operator started work on it"),
    "ask_subject": _("The operator asked you for something"),
    "resume": _("Work resumed after your answer"),
    "extend": _("The deadline was extended"),
    "fulfil": _("Answered: fulfilled"),
    "partly_fulfil": _("Answered: partly fulfilled"),
    "refuse": _("Answered: refused"),
    "answer_no_data": _("Answered: no data about you is held"),
    "answer_unfounded": _("Answered: the claim was reviewed and found unfounded"),
    "refuse_authority": _("Answered: refused, as the authority to act was not accepted"),
    "block": _("Your data was blocked"),
    "unblock": _("Your data was unblocked"),
    "destroy": _("Your data was destroyed"),
    "withdraw": _("The request was withdrawn"),
    "expire": _("Closed: the identity was never confirmed"),
    "close_as_duplicate": _("Closed as a duplicate of another request"),
    "refuse_unanswered": _("Answered: refused, as our question went unanswered"),
    "letter_issued": _("The operator sent you a letter"),
    "export_created": _("A copy of your data is ready to download"),
}


def event_label(action: str):
    return EVENT_LABELS.get(action, _("Update"))
