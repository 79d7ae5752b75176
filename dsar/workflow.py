"""The request state machine: the only place a request's state changes.

Every transition runs through `dsar.services.transitions.transition()`: one transaction, the request row locked,
the django-fsm-2 guards (source state, conditions, permissions) checked, the letter it
sends recorded (dsar/letters/outbox.py), and exactly one audit event appended. E-mails
hang off django-fsm's `post_transition` signal as outbox rows; everything is sent after
commit, so a rolled-back transition sends nothing and a committed one loses nothing.

Lock order — the one order for the whole product; every transaction takes the locks it
needs in this order and never the other way round:

1. the data request row(s): `select_for_update(of=("self",), no_key=True)` — of=self so a
   join never locks the operator row too, and FOR NO KEY UPDATE so other transactions may
   still insert rows that reference the request (events, letters, notifications);
2. rows belonging to that request (letters, one-time codes, notifications, attachments);
3. the operator's letter-number counter (`LetterCounter`), as late as possible: it is held
   until commit. Reference numbers take no lock on PostgreSQL (a sequence per operator and
   year, dsar/services/intake.py); the `ReferenceCounter` row used elsewhere (SQLite, which
   locks the whole database for a writer anyway) is taken when the request row is inserted;
4. the operator's audit chain head (`EventChainHead`, in `Event.append`), always last,
   just before the commit, so appends of one operator queue only for the commit itself;
5. the dashboard's daily figures (`DailyFigure`, `DailyOutcome`, dsar/services/rollup.py),
   after the chain head, in key order.

The operator row itself is never locked. Work that is slow (files, PDFs) runs before 3.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed, transition

from . import deadlines
from .kinds import EXTENDABLE_KINDS, GROUNDS_BY_KIND, REFUSAL_BASIS, Kind, RefusalGround
from .letters import texts as letter_texts
from .states import ACTIVE_STATES, ANSWERED_STATES, CLOSED_STATES, OPEN_STATES, Outcome, State  # noqa: F401 (re-exported)

if TYPE_CHECKING:
    from .models import DataRequest


class TransitionInputError(ValidationError):
    """A transition was asked for without what it needs (a refusal ground, a question...)."""


# --- permissions: django-fsm-2 calls these with (instance, user) ------------
# The role the user holds at *this request's* operator decides (dsar/permissions.py).


def can_triage(instance, user) -> bool:
    from . import permissions

    return permissions.can(user, "triage", instance)


def can_decide(instance, user) -> bool:
    from . import permissions

    return permissions.can(user, "decide", instance)


# --- conditions --------------------------------------------------------------


def is_blocking(instance) -> bool:
    return instance.kind == Kind.BLOCKING


def may_end_in_destruction(instance) -> bool:
    # Rectification: destroy when the data cannot be changed (art. 13).
    return instance.kind in (Kind.RECTIFICATION, Kind.DESTRUCTION)


def extension_allowed(instance) -> bool:
    """The policy allows extensions at all; whether one is still possible depends on `now`
    (see `extension_latest`), which django-fsm conditions cannot take."""
    policy = instance.operator.policy_for(instance.kind)
    return bool(policy.extension_allowed and policy.extension_max_n and instance.kind in EXTENDABLE_KINDS)


def extension_latest(request, *, now: datetime, policy=None) -> datetime | None:
    """The latest new due date an extension may set at `now`, or None when none may be given.

    domain.md: the subject must be told of an extension, with the reason, before the
    original deadline. "Original" is the deadline before any extension, as pauses moved it
    (`original_due_at`); the ceiling counts from it, so a long pause costs no extension
    room, and nothing can be extended once it has passed. Offer (available_transitions, the
    form) and check (`extend`) both ask this one function.
    """
    policy = policy or request._policy()
    base = request.original_due_at or request.due_at
    if not (policy.extension_allowed and policy.extension_max_n and base and request.kind in EXTENDABLE_KINDS):
        return None
    if now >= base:
        return None
    latest = deadlines.extend_due(
        due_at=base,
        n=policy.extension_max_n,
        unit=policy.extension_unit,
        calendar=request.operator.work_calendar(),
        tz=request.operator.tz,
    )
    return latest if request.due_at < latest else None


def authority_accepted(instance) -> bool:
    """A representative's authority was checked and accepted; always true for a subject acting in person.
    Nothing is disclosed and no data is changed before (domain.md, "Identity")."""
    return not instance.acting_for_other or instance.authority_verified_at is not None


def represented(instance) -> bool:
    return bool(instance.acting_for_other)


def is_claim(instance) -> bool:
    return instance.kind == Kind.CLAIM


def is_not_claim(instance) -> bool:
    return instance.kind != Kind.CLAIM


def is_unconfirmed(instance) -> bool:
    return instance.identity_confirmed_at is None


def _require(value: Any, field: str, message) -> None:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise TransitionInputError({field: message})


# Blocked data must be checked and unblocked (or destroyed) within 1 working day (domain.md).
REVIEW_DAYS = 1


class RequestWorkflow:
    """Transitions of DataRequest. Each takes `now` and the fields it needs, keyword-only."""

    # Clock helpers -------------------------------------------------------------

    def _policy(self):
        return self.operator.policy_for(self.kind)

    def start_clock(self, received_at: datetime) -> None:
        policy = self._policy()
        self.received_at = received_at
        self.due_at = deadlines.due_at(
            received_at=received_at,
            n=policy.deadline_n,
            unit=policy.deadline_unit,
            calendar=self.operator.work_calendar(),
            tz=self.operator.tz,
        )
        self.original_due_at = self.due_at

    def _close(self, now: datetime, outcome: Outcome, answered: bool = True) -> None:
        self.outcome = outcome
        self.closed_at = now
        self._stop_pause(now)
        if answered and self.answered_at is None:
            self._mark_answered(now)
        self.next_action_at = None

    def _mark_answered(self, now: datetime) -> None:
        self.answered_at = now
        if self.received_at:
            worked = deadlines.working_seconds_between(
                start=self.received_at, end=now, calendar=self.operator.work_calendar(), tz=self.operator.tz
            )
            # paused_seconds holds the working seconds of the pauses, so like is taken from like.
            self.answer_working_seconds = max(0, int(worked) - self.paused_seconds)

    def _stop_pause(self, now: datetime) -> None:
        if self.clock_paused_at:
            self.paused_seconds += int(
                deadlines.working_seconds_between(
                    start=self.clock_paused_at, end=now, calendar=self.operator.work_calendar(), tz=self.operator.tz
                )
            )
            self.clock_paused_at = None

    # Identity ------------------------------------------------------------------

    @transition(field="state", source=State.AWAITING_IDENTITY, target=State.RECEIVED)
    def confirm_identity(self, *, now: datetime, **_ignored):
        self.identity_confirmed_at = now
        if self.received_at is None:
            policy = self._policy()
            self.start_clock(now if policy.clock_starts == policy.ClockStart.CONFIRMATION else self.submitted_at)
        self.last_contact_at = now

    @transition(field="state", source=State.AWAITING_IDENTITY, target=State.EXPIRED, conditions=[is_unconfirmed])
    def expire(self, *, now: datetime, **_ignored):
        self._close(now, Outcome.EXPIRED, answered=False)

    # Work ----------------------------------------------------------------------

    @transition(field="state", source=State.RECEIVED, target=State.IN_PROGRESS, permission=can_triage)
    def start_work(self, *, now: datetime, by=None, **_ignored):
        if self.assignee_id is None and by is not None:
            self.assignee = by

    @transition(
        field="state", source=[State.RECEIVED, State.IN_PROGRESS], target=State.AWAITING_SUBJECT, permission=can_triage
    )
    def ask_subject(self, *, now: datetime, question: str = "", **_ignored):
        _require(question, "question", _("Write the question or list the documents the subject must send."))
        if self._policy().pause_while_awaiting_subject and self.due_at:
            self.clock_paused_at = now

    @transition(field="state", source=State.AWAITING_SUBJECT, target=State.IN_PROGRESS, permission=can_triage)
    def resume(self, *, now: datetime, **_ignored):
        if self.clock_paused_at:
            policy = self._policy()
            calendar = self.operator.work_calendar()

            def moved(due):
                return deadlines.resume_due(
                    due_at=due,
                    paused_at=self.clock_paused_at,
                    resumed_at=now,
                    unit=policy.deadline_unit,
                    calendar=calendar,
                    tz=self.operator.tz,
                )

            # The deadline before any extension moves with the pause too: extensions count from it.
            if self.original_due_at:
                self.original_due_at = moved(self.original_due_at)
            self.due_at = moved(self.due_at)
        self._stop_pause(now)
        self.last_contact_at = now

    @transition(
        field="state",
        source=State.IN_PROGRESS,
        target=State.IN_PROGRESS,
        conditions=[extension_allowed],
        permission=can_decide,
    )
    def extend(self, *, now: datetime, new_due: datetime | None = None, reason: str = "", **_ignored):
        _require(reason, "reason", _("Give the reason for the extension; the subject is told it."))
        _require(new_due, "new_due", _("Choose the new due date."))
        latest = extension_latest(self, now=now)
        if latest is None:
            raise TransitionInputError(
                {
                    "new_due": _(
                        "No extension is possible any more: the original deadline has passed or the "
                        "longest extension is used up."
                    )
                }
            )
        if not (self.due_at < new_due <= latest):
            raise TransitionInputError(
                {
                    "new_due": _("The new date must be after the current one and no later than %(latest)s.")
                    % {"latest": timezone.localtime(latest, self.operator.tz).strftime("%Y-%m-%d")}
                }
            )
        self.due_at = new_due
        self.extension_reason = reason

    # Outcomes ------------------------------------------------------------------

    @transition(
        field="state",
        source=State.IN_PROGRESS,
        target=State.FULFILLED,
        conditions=[authority_accepted],
        permission=can_decide,
    )
    def fulfil(self, *, now: datetime, **_ignored):
        self._close(now, Outcome.FULFILLED)

    @transition(
        field="state",
        source=State.IN_PROGRESS,
        target=State.PARTLY_FULFILLED,
        conditions=[authority_accepted],
        permission=can_decide,
    )
    def partly_fulfil(self, *, now: datetime, explanation: str = "", **_ignored):
        _require(explanation, "explanation", _("Explain to the subject what was not done and why."))
        self.refusal_explanation = explanation
        self._close(now, Outcome.PARTLY_FULFILLED)

    # Answers that are not refusals: they close the request as answered (on time if before due_at).
    @transition(
        field="state",
        source=State.IN_PROGRESS,
        target=State.ANSWERED,
        conditions=[is_not_claim, authority_accepted],
        permission=can_decide,
    )
    def answer_no_data(self, *, now: datetime, explanation: str = "", **_ignored):
        # Saying that nothing is held discloses as much as the data itself: only after the authority check.
        self.refusal_explanation = (explanation or "").strip()
        self._close(now, Outcome.NO_DATA_HELD)

    @transition(
        field="state",
        source=State.IN_PROGRESS,
        target=State.ANSWERED,
        conditions=[is_claim, authority_accepted],
        permission=can_decide,
    )
    def answer_unfounded(self, *, now: datetime, explanation: str = "", **_ignored):
        _require(explanation, "explanation", _("Give the result of the review: why the claim is unfounded."))
        self.refusal_explanation = explanation
        self._close(now, Outcome.CLAIM_UNFOUNDED)

    @transition(field="state", source=State.IN_PROGRESS, target=State.REFUSED, permission=can_decide)
    def refuse(self, *, now: datetime, ground: str = "", basis: str = "", explanation: str = "", **_ignored):
        _require(ground, "ground", _("Choose the legal ground of the refusal."))
        if ground not in GROUNDS_BY_KIND[self.kind]:
            raise TransitionInputError({"ground": _("This ground does not apply to this kind of request.")})
        basis = basis or REFUSAL_BASIS.get(ground, "")
        _require(basis, "basis", _("Give the legal basis of the refusal."))
        _require(explanation, "explanation", _("Explain the refusal to the subject."))
        self.refusal_ground, self.refusal_basis, self.refusal_explanation = ground, basis, explanation
        self._close(now, Outcome.REFUSED)

    @transition(
        field="state",
        source=State.IN_PROGRESS,
        target=State.BLOCKED,
        conditions=[is_blocking, authority_accepted],
        permission=can_decide,
    )
    def block(self, *, now: datetime, **_ignored):
        # The blocking request is answered now; the review of the violation goes on, on its own
        # clock: unblock within 1 working day if the violation is not confirmed (art. 25).
        self._mark_answered(now)
        self.outcome = Outcome.BLOCKED
        self.review_due_at = deadlines.due_at(
            received_at=now,
            n=REVIEW_DAYS,
            unit=deadlines.WORKING_DAYS,
            calendar=self.operator.work_calendar(),
            tz=self.operator.tz,
        )

    @transition(field="state", source=State.BLOCKED, target=State.UNBLOCKED, permission=can_decide)
    def unblock(self, *, now: datetime, explanation: str = "", **_ignored):
        _require(explanation, "explanation", _("Explain why the violation was not confirmed."))
        self.refusal_ground = "violation_not_confirmed"
        self.refusal_explanation = explanation
        self._close(now, Outcome.UNBLOCKED)

    @transition(
        field="state",
        source=[State.BLOCKED, State.IN_PROGRESS],
        target=State.DESTROYED,
        conditions=[lambda r: r.state == State.BLOCKED or may_end_in_destruction(r), authority_accepted],
        permission=can_decide,
    )
    def destroy(self, *, now: datetime, **_ignored):
        self._close(now, Outcome.DESTROYED)

    # Closing without an answer --------------------------------------------------

    @transition(field="state", source=OPEN_STATES, target=State.WITHDRAWN, permission=can_triage)
    def withdraw(self, *, now: datetime, closed_because: str = "subject", **_ignored):
        # closed_because: "subject" (the subject withdrew) or "unanswered" (the sweep, when a question
        # went unanswered and the policy closes); the letter says which.
        self._close(now, Outcome.WITHDRAWN, answered=False)

    @transition(
        field="state",
        source=[State.AWAITING_IDENTITY, State.RECEIVED, State.IN_PROGRESS, State.AWAITING_SUBJECT],
        target=State.DUPLICATE,
        permission=can_triage,
    )
    def close_as_duplicate(self, *, now: datetime, original=None, **_ignored):
        _require(original, "original", _("Choose the original request."))
        if original.pk == self.pk or original.operator_id != self.operator_id:
            raise TransitionInputError({"original": _("The original must be another request of the same operator.")})
        self.duplicate_of = original
        self._close(now, Outcome.DUPLICATE, answered=False)

    # The sweep, when a clarification went unanswered and the policy says to refuse.
    @transition(field="state", source=State.AWAITING_SUBJECT, target=State.REFUSED)
    def refuse_unanswered(self, *, now: datetime, **_ignored):
        ground = (
            RefusalGround.NO_SUPPORTING_DOCUMENTS
            if self.kind == Kind.RECTIFICATION
            else RefusalGround.IDENTITY_NOT_PROVEN
        )
        self.refusal_ground, self.refusal_basis = ground, REFUSAL_BASIS[ground]
        # In the subject's language, whatever language the worker runs in.
        self.refusal_explanation = letter_texts.automatic_explanation("clarification_unanswered", self.language)
        self._close(now, Outcome.REFUSED)

    # Staff reject a representative's authority document (services.authority): a refusal on that ground.
    @transition(
        field="state",
        source=[State.RECEIVED, State.IN_PROGRESS, State.AWAITING_SUBJECT],
        target=State.REFUSED,
        conditions=[represented],
        permission=can_decide,
    )
    def refuse_authority(self, *, now: datetime, explanation: str = "", **_ignored):
        _require(explanation, "explanation", _("Say why the authority document was not accepted."))
        ground = RefusalGround.IDENTITY_NOT_PROVEN
        self.refusal_ground, self.refusal_basis, self.refusal_explanation = ground, REFUSAL_BASIS[ground], explanation
        self._close(now, Outcome.REFUSED)


STAFF_TRANSITIONS = [
    "start_work",
    "ask_subject",
    "resume",
    "extend",
    "fulfil",
    "partly_fulfil",
    "answer_no_data",
    "answer_unfounded",
    "refuse",
    "block",
    "unblock",
    "destroy",
    "close_as_duplicate",
    "withdraw",
]
# Staff transitions that a service runs as part of something larger (never a button of their own).
SERVICE_TRANSITIONS = {"refuse_authority"}
# Transitions the subject (or the system) takes; no staff permission applies.
SUBJECT_TRANSITIONS = {"confirm_identity", "withdraw", "resume", "expire", "refuse_unanswered"}


def subject_may_act(request: DataRequest) -> bool:
    """The subject may reply, send documents or withdraw: asked of the state machine (the request
    can still be withdrawn, so it is open) once their identity is confirmed (before that, the only
    thing to do is confirm it)."""
    return request.state != State.AWAITING_IDENTITY and can_proceed(request.withdraw)


def available_transitions(request: DataRequest, user, now: datetime | None = None) -> list[str]:
    """Transitions this staff user may take on this request now, in a stable order."""
    allowed = {t.name for t in request.get_available_user_state_transitions(user)}
    if "extend" in allowed and extension_latest(request, now=now or timezone.now()) is None:
        allowed.discard("extend")
    return [name for name in STAFF_TRANSITIONS if name in allowed]
