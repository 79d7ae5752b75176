"""What the subject hears of each transition: the one table.

For every transition of the state machine: the letter it issues, the e-mail that announces it
and what kind of news the e-mail says, or why the subject hears nothing. Letters are recorded by
the transition itself (`dsar.letters.outbox`), e-mails sent by `dsar.services.subject`; both read this table and
nothing else decides. `tests/workflow/test_notices.py` fails when a transition is missing here,
or when a transition the subject must hear of has no letter, no e-mail or no kk/ru/en wording.

Where a representative made the request, both go to the representative and say on whose behalf
(`DataRequest.requester_email`, letter context "subject").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .kinds import Kind
from .models.letters import LetterKind

# The e-mail templates (templates/dsar/emails/<name>{_subject.txt,.txt,.html}).
ACKNOWLEDGMENT_EMAIL = "portal_acknowledgment"
UPDATE_EMAIL = "portal_update"
# The end of an unconfirmed request: reads the same whoever owns the address (no status link).
EXPIRED_EMAIL = "portal_expired"


@dataclass(frozen=True)
class Notice:
    letter: str | None = None
    email: str | None = None
    # What the e-mail says happened: received, question, extended, answered, closed (letter: issued by hand).
    update: str = ""
    # A different letter for some kinds of request (a claim's answer is the result of its review...).
    letter_by_kind: dict[str, str] = field(default_factory=dict)
    # For a transition without letter and e-mail: why the subject need not hear of it.
    silent_because: str = ""
    # Sent even though the identity was never confirmed: it names the reference the requester
    # was given and says nothing of what the operator holds, so it tells an unproven address
    # nothing new (the sweep has already sent it the identity reminders).
    neutral: bool = False
    # The letter goes only to requests that came by these channels (empty: all of them).
    letter_channels: tuple[str, ...] = ()

    def letter_for(self, request_kind: str, channel: str | None = None) -> str | None:
        if self.letter_channels and channel is not None and channel not in self.letter_channels:
            return None
        return self.letter_by_kind.get(request_kind, self.letter)


def _answer(letter: str, update: str = "answered", **by_kind: str) -> Notice:
    return Notice(letter=letter, email=UPDATE_EMAIL, update=update, letter_by_kind=by_kind)


_REFUSAL = _answer(LetterKind.REFUSAL, **{Kind.CLAIM: LetterKind.CLAIM_RESULT})

NOTICES: dict[str, Notice] = {
    # The acknowledgment e-mail carries the status link the subject already holds, so the service that
    # confirms the identity sends it (services.subject.identity_confirm -> acknowledgment_send).
    "confirm_identity": Notice(LetterKind.ACKNOWLEDGMENT, ACKNOWLEDGMENT_EMAIL, "received"),
    "start_work": Notice(silent_because="internal: a caseworker takes the request; nothing changes for the subject"),
    "ask_subject": _answer(LetterKind.CLARIFICATION, "question"),
    "resume": Notice(silent_because="the subject's own answer restarts the clock; the due date they were told holds"),
    "extend": _answer(LetterKind.EXTENSION, "extended"),
    "fulfil": _answer(
        LetterKind.FULFILLED, **{Kind.ACCESS: LetterKind.ACCESS_ANSWER, Kind.CLAIM: LetterKind.CLAIM_RESULT}
    ),
    "partly_fulfil": _answer(LetterKind.PARTLY_FULFILLED, **{Kind.CLAIM: LetterKind.CLAIM_RESULT}),
    "answer_no_data": _answer(LetterKind.NO_DATA_HELD),
    "answer_unfounded": _answer(LetterKind.CLAIM_RESULT),
    "refuse": _REFUSAL,
    "refuse_unanswered": _REFUSAL,
    "refuse_authority": _answer(LetterKind.REFUSAL),
    "block": _answer(LetterKind.BLOCKED),
    "unblock": _answer(LetterKind.UNBLOCKED),
    "destroy": _answer(LetterKind.DESTROYED),
    "withdraw": _answer(LetterKind.WITHDRAWN, "closed"),
    "close_as_duplicate": _answer(LetterKind.DUPLICATE, "closed"),
    # Identity never confirmed: a neutral e-mail to the address given, and for a paper request a
    # letter for staff to post (it came on paper, and its answer goes the same way).
    "expire": Notice(LetterKind.EXPIRED, EXPIRED_EMAIL, "expired", neutral=True, letter_channels=("paper",)),
}

# Not a transition: staff issued a letter by hand from the request page.
HAND_LETTER = Notice(email=UPDATE_EMAIL, update="letter")


def notice_for(transition: str) -> Notice | None:
    if transition == "letter":
        return HAND_LETTER
    return NOTICES.get(transition)


def letter_kind_for(*, request_kind: str, transition: str, channel: str | None = None) -> str | None:
    """Which letter a transition issues (to a request that came by `channel`, if given), or None."""
    notice = NOTICES.get(transition)
    return notice.letter_for(request_kind, channel) if notice else None


def notice_due(*, request, transition: str) -> Notice | None:
    """The notice this transition of this request sends, if any. Before the identity is confirmed
    nobody is proven to write to (a withdrawal before confirming gets no letter and no e-mail), except
    for a neutral notice."""
    notice = notice_for(transition)
    if notice is None or (
        request.identity_confirmed_at is None and transition != "confirm_identity" and not notice.neutral
    ):
        return None
    return notice
