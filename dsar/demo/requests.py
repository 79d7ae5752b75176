"""A few hundred requests in every state, spread over recent months, made through the real workflow."""

import heapq
import random
from datetime import datetime, timedelta

from django.utils import timezone

from ..kinds import GROUNDS_BY_KIND, Kind, RefusalGround
from ..models import DataRequest, Membership, Message, Operator, Role
from ..services.intake import request_create
from ..services.transitions import transition
from .names import FIRST, LAST

KIND_WEIGHTS = {
    Kind.ACCESS: 30,
    Kind.RECTIFICATION: 12,
    Kind.BLOCKING: 6,
    Kind.DESTRUCTION: 18,
    Kind.CONSENT_WITHDRAWAL: 12,
    Kind.AUTOMATED_DECISION_OBJECTION: 4,
    Kind.CLAIM: 8,
    Kind.ENQUIRY: 10,
}
DESCRIPTIONS = {
    Kind.ACCESS: "Please tell me what personal data you hold about me and send me a copy.",
    Kind.RECTIFICATION: "My passport number in your records is wrong.",
    Kind.BLOCKING: "My data was shared with a partner without my consent. Please block it.",
    Kind.DESTRUCTION: "I deleted my account; please destroy all my personal data.",
    Kind.CONSENT_WITHDRAWAL: "I withdraw my consent to marketing newsletters.",
    Kind.AUTOMATED_DECISION_OBJECTION: "My eSIM order was rejected automatically; I object.",
    Kind.CLAIM: "Order 12345: the data about my purchase was stored longer than promised.",
    Kind.ENQUIRY: "Which partners receive my data, and where are they located?",
}


def _details(kind: str, rng: random.Random) -> dict:
    if kind == Kind.RECTIFICATION:
        return {"what_is_wrong": "Passport number", "correct_value": f"N{rng.randint(1000000, 9999999)}"}
    if kind == Kind.CLAIM:
        return {"contract_reference": f"ORD-{rng.randint(10000, 99999)}", "claim": "Compensation of actual damage"}
    if kind == Kind.BLOCKING:
        return {"violation": "Shared with a third party without consent"}
    return {}


def _plan(request_id: int, kind: str, start: datetime, due: datetime | None, now: datetime, rng: random.Random):
    """The steps one request takes: (when, transition, kwargs). Only steps before `now` are taken."""
    steps = []
    t = start
    roll = rng.random()
    if roll < 0.04:
        return [(t + timedelta(days=8), "expire", {})]
    if roll < 0.07:
        return []  # still awaiting identity (recent ones) or left unconfirmed
    t += timedelta(minutes=rng.randint(2, 90))
    steps.append((t, "confirm_identity", {}))
    t += timedelta(hours=rng.uniform(0.5, 20))
    steps.append((t, "start_work", {}))
    if rng.random() < 0.15:
        t += timedelta(hours=rng.uniform(1, 8))
        steps.append((t, "ask_subject", {"question": "Please upload a document proving the correct data."}))
        t += timedelta(days=rng.uniform(0.5, 6))
        steps.append((t, "resume", {}))
    # Most answers land before the deadline; some are late, so the dashboard has something to show.
    late = rng.random() < 0.12
    span = (due - start) if due else timedelta(days=3)
    t = start + span * (rng.uniform(1.02, 1.8) if late else rng.uniform(0.3, 0.95)) + timedelta(hours=1)
    outcome = rng.random()
    if outcome < 0.04:
        steps.append((t, "withdraw", {}))
    elif outcome < 0.07:
        steps.append((t, "close_as_duplicate", {"original": None}))
    elif kind == Kind.BLOCKING and outcome < 0.8:
        steps.append((t, "block", {}))
        t2 = t + timedelta(hours=rng.uniform(3, 20))
        if rng.random() < 0.5:
            steps.append((t2, "unblock", {"explanation": "The data was shared under the contract you signed."}))
        else:
            steps.append((t2, "destroy", {}))
    elif outcome < 0.72:
        steps.append((t, "fulfil", {}))
    elif outcome < 0.82:
        steps.append((t, "partly_fulfil", {"explanation": "Some records must be kept by law."}))
    else:
        ground = rng.choice(GROUNDS_BY_KIND[kind][:-1] or [RefusalGround.OTHER])
        steps.append((t, "refuse", {"ground": ground, "explanation": "See the legal ground below."}))
    return steps


def load_requests(operators: list[Operator], *, count: int = 320, days: int = 150, seed: int = 94) -> int:
    rng = random.Random(seed)
    now = timezone.now()
    staff = {
        op.pk: list(Membership.objects.filter(operator=op).select_related("user").order_by("user__username"))
        for op in operators
    }
    created: list[tuple[datetime, int, int]] = []  # heap of (when, seq, request_id) for pending steps
    steps_by_request: dict[int, list] = {}
    # A quarter arrive in the last three weeks, so the queues hold open work.
    arrivals = sorted(
        now - timedelta(days=(21 if rng.random() < 0.25 else days) * rng.random(), minutes=rng.randint(0, 600))
        for _ in range(count)
    )
    kinds, weights = zip(*KIND_WEIGHTS.items(), strict=False)
    pending_arrivals = list(arrivals)
    seq = 0

    def run_due_steps(until: datetime):
        nonlocal seq
        while created and created[0][0] <= until:
            when, _, request_id = heapq.heappop(created)
            steps = steps_by_request[request_id]
            _when, name, kwargs = steps.pop(0)
            request = DataRequest.objects.select_related("operator").get(pk=request_id)
            kwargs = dict(kwargs)
            actor = None
            if name not in ("confirm_identity", "expire", "withdraw"):
                members = staff[request.operator_id]
                if name in ("refuse", "extend", "unblock", "destroy"):
                    members = [m for m in members if m.role != Role.CASEWORKER] or members
                actor = rng.choice(members).user
            if name == "close_as_duplicate":
                original = (
                    DataRequest.objects.filter(operator=request.operator, pk__lt=request.pk).order_by("-pk").first()
                )
                if original is None:
                    name, kwargs = "fulfil", {}
                else:
                    kwargs["original"] = original
            if name == "ask_subject":
                Message.objects.create(
                    request=request, channel=Message.Channel.TO_SUBJECT, author=actor, body=kwargs["question"]
                )
            if name == "resume":
                Message.objects.create(
                    request=request, channel=Message.Channel.FROM_SUBJECT, body="Here is the document."
                )
            try:
                transition(request_id, name, actor=actor, now=when, **kwargs)
            except Exception:  # a demo step that does not fit (e.g. policy forbids it) is skipped
                steps.clear()
            if steps:
                seq += 1
                heapq.heappush(created, (steps[0][0], seq, request_id))

    for arrival in pending_arrivals:
        run_due_steps(arrival)
        operator = rng.choices(operators, weights=[3, 2, 2, 2, 4])[0]
        kind = rng.choices(kinds, weights=weights)[0]
        if not operator.policy_for(kind).enabled:
            kind = Kind.ACCESS
        first, last = rng.choice(FIRST), rng.choice(LAST)
        language = rng.choice(operator.languages)
        request = request_create(
            operator=operator,
            kind=kind,
            subject_name=f"{first} {last}",
            subject_email=f"{first}.{last}{rng.randint(1, 999)}@example.kz".lower(),
            subject_phone=f"+7701{rng.randint(1000000, 9999999)}",
            language=language,
            description=DESCRIPTIONS[kind],
            details=_details(kind, rng),
            now=arrival,
        )
        # Assume the clock starts at confirmation for planning; the real due date comes from the workflow.
        policy = operator.policy_for(kind)
        from .. import deadlines

        due = deadlines.due_at(
            received_at=arrival,
            n=policy.deadline_n,
            unit=policy.deadline_unit,
            calendar=operator.work_calendar(),
            tz=operator.tz,
        )
        steps = [s for s in _plan(request.pk, kind, arrival, due, now, rng) if s[0] <= now]
        if now - arrival < timedelta(days=21) and len(steps) > 1 and rng.random() < 0.6:
            # Left open part-way: received, in progress, awaiting the subject, blocked; some overdue.
            steps = steps[: rng.randint(1, len(steps) - 1)]
        if steps:
            steps_by_request[request.pk] = steps
            seq += 1
            heapq.heappush(created, (steps[0][0], seq, request.pk))
        if rng.random() < 0.7 and staff[operator.pk]:
            caseworkers = [m.user for m in staff[operator.pk] if m.role == Role.CASEWORKER]
            DataRequest.objects.filter(pk=request.pk).update(assignee=rng.choice(caseworkers))
    run_due_steps(now)
    return count + _fill_every_state(operators, staff, rng, now)


# The steps that take a fresh request to each state, for states chance left empty.
PATHS = {
    "received": ["confirm_identity"],
    "in_progress": ["confirm_identity", "start_work"],
    "awaiting_subject": ["confirm_identity", "start_work", "ask_subject"],
    "blocked": ["confirm_identity", "start_work", "block"],
    "unblocked": ["confirm_identity", "start_work", "block", "unblock"],
    "destroyed": ["confirm_identity", "start_work", "block", "destroy"],
    "partly_fulfilled": ["confirm_identity", "start_work", "partly_fulfil"],
    "refused": ["confirm_identity", "start_work", "refuse"],
    "withdrawn": ["confirm_identity", "withdraw"],
    "expired": ["expire"],
}
STEP_FIELDS = {
    "ask_subject": {"question": "Please upload a copy of the document that shows the correct data."},
    "unblock": {"explanation": "The transfer was covered by the contract you signed."},
    "partly_fulfil": {"explanation": "Accounting records must be kept for 5 years."},
    "refuse": {"ground": "identity_not_proven", "explanation": "We could not confirm your identity."},
}


def _fill_every_state(operators, staff, rng, now, minimum: int = 3) -> int:
    from django.db.models import Count

    counts = dict(DataRequest.objects.values_list("state").annotate(n=Count("id")))
    made = 0
    for state, path in PATHS.items():
        for i in range(max(0, minimum - counts.get(state, 0))):
            operator = operators[(made + i) % len(operators)]
            kind = Kind.BLOCKING if "block" in path else Kind.ACCESS
            at = now - timedelta(days=rng.uniform(0.2, 6))
            request = request_create(
                operator=operator,
                kind=kind,
                subject_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                subject_email=f"demo{rng.randint(1000, 9999)}@example.kz",
                language=operator.default_language,
                description=DESCRIPTIONS[kind],
                details=_details(kind, rng),
                now=at,
            )
            actor = next(m.user for m in staff[operator.pk] if m.role == Role.MANAGER)
            for step_no, name in enumerate(path, start=1):
                by = None if name in ("confirm_identity", "expire", "withdraw") else actor
                if name == "ask_subject":
                    Message.objects.create(
                        request=request,
                        channel=Message.Channel.TO_SUBJECT,
                        author=actor,
                        body=STEP_FIELDS[name]["question"],
                    )
                transition(
                    request.pk, name, actor=by, now=at + timedelta(minutes=20 * step_no), **STEP_FIELDS.get(name, {})
                )
            made += 1
    return made
