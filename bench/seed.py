"""Fill the database with N realistic requests, fast, for benchmarks.

    python bench/seed.py --requests 1000000          # PostgreSQL: COPY in chunks
    python bench/seed.py --requests 2000 --no-demo   # any DB: bulk_create

From code (tests, other benches):

    from bench.seed import seed
    seed(10_000, operators=[op1, op2], now=timezone.now())

Rows bypass the workflow on purpose (1,000,000 transitions would take hours), so they
carry no audit events: the per-operator hash chains stay valid because nothing is
appended to them. The dashboard's daily figures are rebuilt from the requests at the end. Everything else looks like real traffic: a mix of kinds and states,
due dates computed with the real deadline engine around "now" (some overdue, some due
today), about 70% assigned to the operator's staff, and ~2% repeat requesters so the
duplicate hints have something to find. Reference counters are moved past the seeded
numbers so requests created afterwards through the portal do not collide.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dsar.demo.names import FIRST, LAST  # noqa: E402

KIND_WEIGHTS = {
    "access": 30,
    "rectification": 12,
    "blocking": 6,
    "destruction": 18,
    "consent_withdrawal": 12,
    "automated_decision_objection": 4,
    "claim": 8,
    "enquiry": 10,
}
# Of the open requests (those still inside their window, plus a backlog), which state.
OPEN_MIX = {"awaiting_identity": 10, "received": 25, "in_progress": 45, "awaiting_subject": 12}
CLOSED_MIX = {
    "fulfilled": 62,
    "partly_fulfilled": 8,
    "refused": 12,
    "withdrawn": 5,
    "expired": 5,
    "duplicate": 3,
    "destroyed": 5,
}
REFUSAL_GROUND = "identity_not_proven"  # fits every kind (GROUNDS_BY_KIND)

COLUMNS = [
    "operator_id",
    "kind",
    "reference",
    "state",
    "language",
    "subject_name",
    "subject_email",
    "subject_phone",
    "subject_iin",
    "acting_for_other",
    "representative_name",
    "representative_email",
    "representative_phone",
    "representative_basis",
    "authority_verified_at",
    "description",
    "details",
    "submitted_at",
    "identity_confirmed_at",
    "received_at",
    "due_at",
    "original_due_at",
    "clock_paused_at",
    "paused_seconds",
    "extension_reason",
    "answered_at",
    "closed_at",
    "answer_working_seconds",
    "assignee_id",
    "outcome",
    "refusal_ground",
    "refusal_basis",
    "refusal_explanation",
    "duplicate_of_id",
    "next_action_at",
    "last_contact_at",
    "purged_at",
    "created_at",
    "updated_at",
    "channel",
]


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()


class _Generator:
    """Builds row dicts; due dates come from the real engine, cached per (operator, kind, date)."""

    def __init__(self, operators, now: datetime, rng: random.Random, days: int):
        from dsar import deadlines

        self.deadlines = deadlines
        self.now = now
        self.rng = rng
        self.days = days
        self.operators = operators
        self.policies = {(op.pk, k): op.policy_for(k) for op in operators for k in KIND_WEIGHTS}
        self.calendars = {op.pk: op.work_calendar() for op in operators}
        self.staff = {}
        from dsar.models import Membership

        for op in operators:
            self.staff[op.pk] = list(
                Membership.objects.filter(operator=op).order_by("user_id").values_list("user_id", flat=True)
            )
        self.kinds, self.kind_weights = zip(*KIND_WEIGHTS.items(), strict=False)
        self.open_states, self.open_weights = zip(*OPEN_MIX.items(), strict=False)
        self.closed_states, self.closed_weights = zip(*CLOSED_MIX.items(), strict=False)
        self._due_cache: dict = {}
        self.counters: dict[tuple[int, int], int] = {}
        self.recent_contacts: dict[int, list[tuple[str, str, str, str]]] = {op.pk: [] for op in operators}

    def due(self, op, kind: str, received: datetime) -> datetime:
        local_day = received.astimezone(op.tz).date()
        key = (op.pk, kind, local_day)
        hit = self._due_cache.get(key)
        if hit is None:
            policy = self.policies[(op.pk, kind)]
            hit = self.deadlines.due_at(
                received_at=received,
                n=policy.deadline_n,
                unit=policy.deadline_unit,
                calendar=self.calendars[op.pk],
                tz=op.tz,
            )
            self._due_cache[key] = hit
        return hit

    def reference(self, op, at: datetime) -> str:
        year = at.astimezone(op.tz).year
        n = self.counters.get((op.pk, year), 0) + 1
        self.counters[(op.pk, year)] = n
        return f"{op.reference_prefix}-{year}-{n:06d}"

    def row(self, i: int) -> dict:
        rng, now = self.rng, self.now
        op = self.operators[i % len(self.operators)] if rng.random() < 0.5 else rng.choice(self.operators)
        kind = rng.choices(self.kinds, self.kind_weights)[0]
        # A tenth arrive in the last ten days (the live queues); the rest spread over `days`.
        age = timedelta(days=10 * rng.random()) if rng.random() < 0.1 else timedelta(days=self.days * rng.random())
        submitted = now - age
        contacts = self.recent_contacts[op.pk]
        if contacts and rng.random() < 0.02:
            name, email, phone, iin = rng.choice(contacts)
        else:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            name = f"{first} {last}"
            email = f"{first}.{last}.{i}@example.kz".lower()
            phone = f"+7701{rng.randint(1000000, 9999999)}"
            iin = f"{rng.randint(10**11, 10**12 - 1)}" if rng.random() < 0.4 else ""
            if len(contacts) < 500:
                contacts.append((name, email, phone, iin))
            else:
                contacts[rng.randrange(500)] = (name, email, phone, iin)
        r = {c: None for c in COLUMNS}
        r.update(
            operator_id=op.pk,
            kind=kind,
            reference=self.reference(op, submitted),
            language=op.default_language,
            subject_name=name,
            subject_email=email,
            subject_phone=phone,
            subject_iin=iin,
            acting_for_other=False,
            representative_name="",
            representative_email="",
            representative_phone="",
            representative_basis="",
            description="",
            details="{}",
            submitted_at=submitted,
            paused_seconds=0,
            extension_reason="",
            outcome="",
            refusal_ground="",
            refusal_basis="",
            refusal_explanation="",
            last_contact_at=submitted,
            created_at=submitted,
            updated_at=submitted,
            channel="web",
        )
        confirmed = submitted + timedelta(minutes=rng.randint(2, 240))
        due = self.due(op, kind, confirmed)
        window = due - confirmed
        # Inside its window: open. Past it: closed, except a 1% backlog left overdue.
        still_open = (confirmed > now) or (due > now and rng.random() < 0.85) or rng.random() < 0.01
        state = (
            rng.choices(self.open_states, self.open_weights)[0]
            if still_open
            else rng.choices(self.closed_states, self.closed_weights)[0]
        )
        if state == "destroyed" and kind not in ("destruction", "rectification"):
            state = "fulfilled"
        r["state"] = state
        if state in ("awaiting_identity", "expired"):
            if state == "expired":
                r.update(outcome="expired", closed_at=submitted + timedelta(days=7))
            return r
        r.update(
            identity_confirmed_at=confirmed,
            received_at=confirmed,
            due_at=due,
            original_due_at=due,
            last_contact_at=confirmed,
        )
        staff = self.staff[op.pk]
        if staff and (state != "received" or rng.random() < 0.3) and rng.random() < 0.85:
            r["assignee_id"] = staff[rng.randrange(len(staff))]
        if state == "awaiting_subject":
            r["clock_paused_at"] = min(now, confirmed + window * rng.uniform(0.1, 0.5))
        if state in CLOSED_MIX:
            late = rng.random() < 0.1
            answered = confirmed + window * (rng.uniform(1.02, 1.5) if late else rng.uniform(0.2, 0.95))
            answered = min(answered, now)
            r.update(closed_at=answered, outcome=state, updated_at=answered)
            if state not in ("withdrawn", "duplicate"):
                r["answered_at"] = answered
                r["answer_working_seconds"] = int((answered - confirmed).total_seconds() * 5 / 7)
            if state == "refused":
                r.update(
                    refusal_ground=REFUSAL_GROUND,
                    refusal_basis="Law No. 94-V, art. 24",
                    refusal_explanation="Identity was not proven.",
                )
        return r


def _ensure_operators():
    """The operators already in the database, or the five demo operators and their staff."""
    from dsar.models import Operator

    existing = list(Operator.objects.filter(is_active=True).order_by("pk"))
    if existing:
        return existing
    from dsar.demo.operators import load_operators, load_staff

    operators = load_operators()
    load_staff(operators)
    return operators


def seed(
    n: int = 1_000_000,
    *,
    operators=None,
    now: datetime | None = None,
    chunk: int = 50_000,
    random_seed: int = 2026,
    days: int = 730,
    progress=None,
) -> int:
    """Insert `n` requests for `operators` (default: the operators in the database, else the demo ones).

    PostgreSQL uses COPY, other databases bulk_create. Returns the number of rows written.
    """
    from django.db import connection, transaction
    from django.utils import timezone

    from dsar.models import DataRequest
    from dsar.services.intake import reference_last, reference_set_last

    now = now or timezone.now()
    operators = list(operators) if operators else _ensure_operators()
    gen = _Generator(operators, now, random.Random(random_seed), days)
    # Continue after whatever references already exist.
    for operator in operators:
        for year in range(now.year - days // 365 - 1, now.year + 1):
            gen.counters[(operator.pk, year)] = reference_last(operator.pk, year)
    written = 0
    postgres = connection.vendor == "postgresql"
    while written < n:
        size = min(chunk, n - written)
        rows = [gen.row(written + j) for j in range(size)]
        with transaction.atomic():
            if postgres:
                with connection.cursor() as cursor:
                    sql = f"COPY {DataRequest._meta.db_table} ({', '.join(COLUMNS)}) FROM STDIN"
                    with cursor.cursor.copy(sql) as copy:
                        for r in rows:
                            copy.write_row([r[c] for c in COLUMNS])
            else:
                objs = []
                for r in rows:
                    values = {c: v for c, v in r.items() if c != "details"}
                    objs.append(DataRequest(details={}, **values))
                DataRequest.objects.bulk_create(objs, batch_size=2000)
        written += size
        if progress:
            progress(written)
    with transaction.atomic():
        for (operator_id, year), last in gen.counters.items():
            if last:
                reference_set_last(operator_id, year, last)
    # The rows bypassed the workflow, and with it the dashboard's daily figures.
    from dsar.services.rollup import rollup_rebuild

    rollup_rebuild()
    if postgres and not connection.in_atomic_block:
        # VACUUM sets the visibility map, so the capped counts can be index-only scans.
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {DataRequest._meta.db_table}")
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1_000_000, help="how many requests to add (1,000,000)")
    parser.add_argument("--chunk", type=int, default=50_000, help="rows per COPY/transaction")
    parser.add_argument("--seed", type=int, default=2026, help="random seed, for repeatable data")
    parser.add_argument("--days", type=int, default=730, help="spread submissions over this many past days")
    parser.add_argument("--migrate", action="store_true", help="run migrations first")
    args = parser.parse_args(argv)
    _setup_django()
    if args.migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    started = time.monotonic()

    def progress(done):
        print(f"  {done:>9,} rows  {time.monotonic() - started:6.1f}s", flush=True)

    written = seed(args.requests, chunk=args.chunk, random_seed=args.seed, days=args.days, progress=progress)
    print(f"Seeded {written:,} requests in {time.monotonic() - started:.1f}s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
