"""Request states and outcomes: plain values, no behaviour, importable from anywhere.

The transitions between them live in `workflow.py`; models, selectors and views import
the values from here so that nothing needs the state machine just to name a state.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    AWAITING_IDENTITY = "awaiting_identity", _("Awaiting identity confirmation")
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_SUBJECT = "awaiting_subject", _("Awaiting the subject")
    BLOCKED = "blocked", _("Data blocked")
    FULFILLED = "fulfilled", _("Fulfilled")
    PARTLY_FULFILLED = "partly_fulfilled", _("Partly fulfilled")
    # Answered without doing anything to data: "we hold no data about you", "the claim is unfounded".
    ANSWERED = "answered", _("Answered")
    REFUSED = "refused", _("Refused")
    UNBLOCKED = "unblocked", _("Unblocked")
    DESTROYED = "destroyed", _("Data destroyed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")
    DUPLICATE = "duplicate", _("Closed as duplicate")


OPEN_STATES = [State.AWAITING_IDENTITY, State.RECEIVED, State.IN_PROGRESS, State.AWAITING_SUBJECT, State.BLOCKED]
# Open, and the operator's clock is (or was) running: what SLA figures count.
# Staff work: past identity confirmation and not closed. Blocked requests stay here: the
# check of the blocked data has its own clock (review_due_at) and is open work.
ACTIVE_STATES = [State.RECEIVED, State.IN_PROGRESS, State.AWAITING_SUBJECT, State.BLOCKED]
CLOSED_STATES = [s for s in State if s not in OPEN_STATES]
ANSWERED_STATES = [
    State.FULFILLED,
    State.PARTLY_FULFILLED,
    State.ANSWERED,
    State.REFUSED,
    State.BLOCKED,
    State.UNBLOCKED,
    State.DESTROYED,
]


class Outcome(models.TextChoices):
    FULFILLED = "fulfilled", _("Fulfilled")
    PARTLY_FULFILLED = "partly_fulfilled", _("Partly fulfilled")
    # Answers, not refusals: they count as answered (on time when before the due date).
    NO_DATA_HELD = "no_data_held", _("Answered: no data held about the subject")
    CLAIM_UNFOUNDED = "claim_unfounded", _("Answered: the claim is unfounded")
    REFUSED = "refused", _("Refused")
    BLOCKED = "blocked", _("Data blocked")
    UNBLOCKED = "unblocked", _("Unblocked: violation not confirmed")
    DESTROYED = "destroyed", _("Data destroyed")
    WITHDRAWN = "withdrawn", _("Withdrawn by the subject")
    EXPIRED = "expired", _("Expired: identity never confirmed")
    DUPLICATE = "duplicate", _("Closed as a duplicate")
