"""The periodic sweep: claim the requests whose `next_action_at` has come, act, reschedule.

Cost: one indexed range scan (`req_next_action_idx`, partial on next_action_at IS NOT NULL)
per batch of due rows, plus a fixed handful of queries per batch (policies and staff are
cached per sweep, notifications are inserted in bulk, the new times written in one UPDATE).
Requests with nothing due are never read, so the cost follows the due work, not the total.

Concurrency: rows are claimed with SELECT ... FOR UPDATE SKIP LOCKED, so two sweeps split
the due rows between them; each notification's unique key settles any remaining overlap.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone, translation

from ... import deadlines, queues
from ...kinds import Kind
from ...labels import moment_text
from ...models import DataRequest, Event, Membership, Notification, Operator, Policy, Role
from ...services.transitions import transition as workflow_transition
from ...states import State
from ..notifications import notifications_record
from ..subject_mail import on_behalf_of
from ..verification import status_link_create
from . import plan

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
# A request whose action failed is tried again this much later, not on every sweep.
RETRY_AFTER = timedelta(hours=1)


@dataclass
class SweepResult:
    claimed: int = 0
    notifications: int = 0
    transitions: int = 0
    purged: int = 0
    failed: int = 0
    batches: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


FIELDS = (
    "id",
    "operator_id",
    "kind",
    "reference",
    "state",
    "language",
    "subject_name",
    "subject_email",
    "acting_for_other",
    "representative_email",
    "submitted_at",
    "due_at",
    "clock_paused_at",
    "closed_at",
    "last_contact_at",
    "purged_at",
    "assignee_id",
    "next_action_at",
    "review_due_at",
)


class SweepRow:
    """The columns of a due request that the sweep reads, without a model instance per row
    (DataRequest's FSM mixins make instances costly by the ten thousand)."""

    __slots__ = (*FIELDS, "operator", "assignee")
    in_hours = property(DataRequest.in_hours.fget)
    requester_email = property(DataRequest.requester_email.fget)

    def __init__(self, values: dict):
        for name in FIELDS:
            setattr(self, name, values[name])
        self.operator = self.assignee = None

    @property
    def pk(self) -> int:
        return self.id


class StaffDirectory:
    """Policies and staff of the operators met in one sweep, loaded once per operator."""

    def __init__(self):
        self.policies: dict[tuple[int, str], Policy] = {}
        self.managers: dict[int, list] = {}
        self.escalation: dict[int, list] = {}
        self.everyone: dict[int, list] = {}
        self.labels: dict[tuple[str, str], str] = {}
        self.operators: dict[int, Operator] = {}
        self.calendars: dict[int, object] = {}
        self.users: dict[int, object] = {}

    def load(self, requests: list[SweepRow]) -> None:
        users = {r.assignee_id for r in requests if r.assignee_id and r.assignee_id not in self.users}
        if users:
            self.users.update(get_user_model().objects.in_bulk(users))
        new = {r.operator_id for r in requests if r.operator_id not in self.operators}
        if new:
            self._load_operators(new)
        for r in requests:
            r.operator = self.operators[r.operator_id]
            r.assignee = self.users.get(r.assignee_id)

    def _load_operators(self, new: set[int]) -> None:
        operators = Operator.objects.in_bulk(new)
        self.operators.update(operators)
        self.calendars.update(queues.calendars_for(operators.values()))
        for policy in Policy.objects.filter(operator_id__in=new):
            self.policies[(policy.operator_id, policy.kind)] = policy
        for operator_id in new:
            self.managers[operator_id], self.escalation[operator_id], self.everyone[operator_id] = [], [], []
        memberships = (
            Membership.objects.filter(operator_id__in=new, user__is_active=True)
            .exclude(user__email="")
            .select_related("user")
            .order_by("user_id")
        )
        for m in memberships:
            self.everyone[m.operator_id].append(m.user)
            if m.role == Role.MANAGER:
                self.managers[m.operator_id].append(m.user)
            if m.role in (Role.MANAGER, Role.DPO):
                self.escalation[m.operator_id].append(m.user)

    def kind_label(self, kind: str, language: str) -> str:
        if (kind, language) not in self.labels:
            with translation.override(language):
                self.labels[(kind, language)] = str(Kind(kind).label)
        return self.labels[(kind, language)]

    def policy(self, request: SweepRow) -> Policy:
        key = (request.operator_id, request.kind)
        if key not in self.policies:
            self.policies[key] = Policy.default_for(request.operator, request.kind)
        return self.policies[key]


def _staff_context(request: DataRequest, language: str, now: datetime, kind_label: str) -> dict:
    operator = request.operator
    due = plan.clock_due(request)
    # Rounded up: the 4-hour reminder, sent a moment after its time, still says "4 hours".
    hours_left, days_left = deadlines.whole_units_left(at=now, due_at=due) if due else (None, None)
    return {
        "operator_name": operator.legal_name(language),
        "reference": request.reference,
        "kind_label": kind_label,
        "due_local": moment_text(due, tz=operator.tz, language=language) if due else "",
        "hours_left": hours_left,
        "days_left": days_left,
        "in_hours": request.in_hours,
        "url": f"{settings.DSAR_PUBLIC_BASE_URL}/admin/dsar/datarequest/{request.pk}/change/",
    }


def _staff_notes(request, action, recipients, template, now, staff, extra=None) -> list[Notification]:
    operator = request.operator
    language = operator.default_language
    context = _staff_context(request, language, now, staff.kind_label(request.kind, language)) | (extra or {})
    # The due date is part of the key: when a deadline moves, its reminders are due again.
    due = int(plan.clock_due(request).timestamp()) if plan.clock_due(request) else 0
    notes = []
    targets = [(u.pk, u.email, u.get_full_name() or u.username) for u in recipients]
    if not targets:
        # Nobody to tell inside the portal: the operator's published contact gets it.
        targets = [("contact", operator.contact_email, "")]
    for user_key, email, name in targets:
        notes.append(
            Notification(
                key=f"{action.kind}:{request.pk}:{due}:{action.tag}:{user_key}",
                channel=Notification.Channel.EMAIL,
                to=email,
                template=template,
                context=context | {"recipient_name": name},
                language=language,
                request_id=request.pk,
            )
        )
    return notes


def _subject_note(request, action, template, until: datetime, since: datetime | None, extra=None) -> Notification:
    operator = request.operator
    language = request.language
    return Notification(
        key=f"{action.kind}:{request.pk}:{int(since.timestamp()) if since else 0}:{action.tag}",
        channel=Notification.Channel.EMAIL,
        to=request.requester_email,
        template=template,
        context={
            "operator_name": operator.legal_name(language),
            "reference": request.reference,
            "until_local": moment_text(until, tz=operator.tz, language=language),
            "portal_url": f"{settings.DSAR_PUBLIC_BASE_URL}/{language}/",
            "on_behalf_of": on_behalf_of(request),
        }
        | (extra or {}),
        language=language,
        request_id=request.pk,
    )


def _asked_at(batch: list[DataRequest]) -> dict[int, datetime]:
    """When each request awaiting the subject was asked: the pause start, else the last question."""
    waiting = [r for r in batch if r.state == State.AWAITING_SUBJECT]
    asked = {r.pk: r.clock_paused_at for r in waiting if r.clock_paused_at}
    missing = [r.pk for r in waiting if r.pk not in asked]
    if missing:
        rows = (
            Event.objects.filter(request_id__in=missing, action="ask_subject")
            .values("request_id")
            .annotate(at=Max("created_at"))
        )
        asked.update({row["request_id"]: row["at"] for row in rows})
    return asked


def _apply(request, action, policy, now, result) -> bool:
    """Run one state-changing action in its own savepoint. True if the request changed."""
    from ..retention import request_purge

    try:
        with transaction.atomic():
            if action.kind == plan.RETENTION:
                request_purge(request_id=request.pk, now=now)
                result.purged += 1
                return True
            name, inputs = "expire", {}
            if action.kind == plan.CLARIFICATION_LAPSE:
                name = {
                    Policy.ClarificationOutcome.REFUSE: "refuse_unanswered",
                    Policy.ClarificationOutcome.CLOSE: "withdraw",
                }[policy.clarification_outcome]
                # The withdrawal letter says the subject did not answer (dsar/notices.py issues it).
                inputs = {"closed_because": "unanswered"} if name == "withdraw" else {}
            workflow_transition(
                request.pk,
                name,
                actor=None,
                actor_label="system",
                now=now,
                note="No answer from the subject in time.",
                public=True,
                **inputs,
            )
            result.transitions += 1
            return True
    except Exception:  # noqa: BLE001 - one bad request must not stop the sweep
        logger.exception("Sweep could not %s request %s; retrying later", action.kind, request.pk)
        result.failed += 1
        request.next_action_at = now + RETRY_AFTER
        DataRequest.objects.filter(pk=request.pk).update(next_action_at=request.next_action_at)
        return True


def _process(request, now, staff: StaffDirectory, asked: dict, notes: list, result) -> bool:
    """Act on one claimed request. Returns False when the caller must store its new next_action_at."""
    policy = staff.policy(request)
    asked_at = asked.get(request.pk)
    actions = plan.actions_for(request, policy, asked_at=asked_at, calendar=staff.calendars[request.operator_id])
    changed = False
    for action in plan.due_now(actions, now=now):
        if action.kind == plan.STAFF_REMINDER:
            recipients = (
                [request.assignee]
                if request.assignee and request.assignee.is_active and request.assignee.email
                else staff.managers[request.operator_id]
            )
            notes += _staff_notes(
                request,
                action,
                recipients,
                "staff_reminder",
                now,
                staff,
                {"assigned": recipients == [request.assignee]},
            )
        elif action.kind == plan.ESCALATION:
            notes += _staff_notes(
                request, action, staff.escalation[request.operator_id], "escalation", now, staff, {"reason": "overdue"}
            )
        elif action.kind == plan.IDENTITY_REMINDER:
            expiry = request.submitted_at + timedelta(days=policy.identity_expiry_days)
            # The first message held a 15-minute code, long dead: the link opens the confirmation
            # page of a fresh status link, where the subject asks for a new code and confirms.
            token = status_link_create(request=request, now=now)
            confirm_url = f"{settings.DSAR_PUBLIC_BASE_URL}/{request.language}/r/{token}/confirm/"
            notes.append(
                _subject_note(request, action, "subject_identity_reminder", expiry, None, {"confirm_url": confirm_url})
            )
        elif action.kind == plan.CLARIFICATION_REMINDER:
            lapse = asked_at + timedelta(days=policy.clarification_timeout_days)
            notes.append(_subject_note(request, action, "subject_clarification_reminder", lapse, asked_at))
        elif (
            action.kind == plan.CLARIFICATION_LAPSE
            and policy.clarification_outcome == Policy.ClarificationOutcome.KEEP_OPEN
        ):
            action = plan.Action(action.at, action.kind, f"{int(asked_at.timestamp())}")
            notes += _staff_notes(
                request,
                action,
                staff.escalation[request.operator_id],
                "escalation",
                now,
                staff,
                {"reason": "unanswered"},
            )
        else:
            changed = _apply(request, action, policy, now, result) or changed
    if not changed:
        request.next_action_at = plan.next_action_at(actions, after=now)
    return changed


def _store_next_action(requests: list[SweepRow]) -> None:
    """Write each request's new next_action_at in one statement (PostgreSQL)."""
    if not requests:
        return
    if connection.vendor != "postgresql":
        by_time: dict = {}
        for r in requests:
            by_time.setdefault(r.next_action_at, []).append(r.pk)
        for at, ids in by_time.items():
            DataRequest.objects.filter(pk__in=ids).update(next_action_at=at)
        return
    # bulk_update's CASE WHEN costs more to build than to run; a VALUES join is one short UPDATE.
    table = DataRequest._meta.db_table
    rows = ", ".join(["(%s, %s::timestamptz)"] * len(requests))
    params = [value for r in requests for value in (r.pk, r.next_action_at)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS r SET next_action_at = v.at FROM (VALUES {rows}) AS v(id, at) WHERE r.id = v.id",
            params,
        )


def _sweep_batch(now: datetime, staff: StaffDirectory, result: SweepResult, batch_size: int) -> int:
    with transaction.atomic():
        batch = [
            SweepRow(values)
            for values in DataRequest.objects.select_for_update(skip_locked=True, of=("self",), no_key=True)
            .filter(next_action_at__lte=now)
            .order_by("next_action_at")
            .values(*FIELDS)[:batch_size]
        ]
        if not batch:
            return 0
        staff.load(batch)
        asked = _asked_at(batch)
        notes: list[Notification] = []
        rescheduled = [r for r in batch if not _process(r, now, staff, asked, notes, result)]
        _store_next_action(rescheduled)
        result.notifications += len(notifications_record(rows=notes))
        result.claimed += len(batch)
        result.batches += 1
        return len(batch)


def sweep_run(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> SweepResult:
    """Do everything that has come due by `now` (default: the current time)."""
    now = now or timezone.now()
    result = SweepResult()
    staff = StaffDirectory()
    while _sweep_batch(now, staff, result, batch_size) == batch_size:
        pass
    logger.info("Sweep at %s: %s", now.isoformat(), result.as_dict())
    return result
