"""Creating requests: the web form, and paper or e-mail requests staff record."""

from datetime import datetime

from django.db import IntegrityError, ProgrammingError, connection, transaction
from django.db.models.functions import Length
from django.utils import timezone

from ..models import DataRequest, Event, Operator, Policy, ReferenceCounter
from ..models.insert import insert_new
from .rollup import rollup_apply, snapshot


def reference_next(*, operator: Operator, at: datetime) -> str:
    """The next human reference for the operator, e.g. QZT-2026-000123. Call inside a transaction.

    On PostgreSQL the number comes from a sequence per operator and year: `nextval()` takes no
    lock, so submissions to one operator never queue for each other (a rolled-back submission
    leaves a gap in the numbers, as a sequence does). Elsewhere the `ReferenceCounter` row is
    locked until commit (SQLite serialises writers anyway).
    """
    year = timezone.localtime(at, operator.tz).year
    if connection.vendor == "postgresql":
        number = _sequence_next(operator.pk, year)
    else:
        counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(operator=operator, year=year)
        counter.last += 1
        counter.save(update_fields=["last"])
        number = counter.last
    return f"{operator.reference_prefix}-{year}-{number:06d}"


def _sequence_name(operator_id: int, year: int) -> str:
    return f"dsar_reference_{int(operator_id)}_{int(year)}"


def _sequence_next(operator_id: int, year: int) -> int:
    name = _sequence_name(operator_id, year)
    with connection.cursor() as cursor:
        # One statement in the common case; NULL, not an error that would abort the caller's
        # transaction, when the sequence does not exist (the first submission of a year, or a
        # database restored without it).
        cursor.execute(
            "SELECT CASE WHEN to_regclass(%s) IS NOT NULL THEN nextval(%s::text::regclass) END", [name, name]
        )
        number = cursor.fetchone()[0]
        if number is not None:
            return number
        for _attempt in range(3):
            try:
                with transaction.atomic(savepoint=True):
                    # Created in the caller's transaction: a concurrent first submission waits for
                    # it and then fails here, and the next attempt finds the committed sequence.
                    start = reference_last(operator_id, year) + 1
                    cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {name} START WITH {int(start)}")
                    cursor.execute("SELECT nextval(%s)", [name])
                    return cursor.fetchone()[0]
            except (IntegrityError, ProgrammingError):
                continue
        raise RuntimeError(f"could not create the reference sequence {name}")


def _sequence_last(cursor, operator_id: int, year: int) -> int | None:
    """The sequence's last number given, None if it does not exist (0 if it gave none yet)."""
    cursor.execute(
        "SELECT COALESCE(last_value, 0) FROM pg_sequences WHERE schemaname = current_schema() AND sequencename = %s",
        [_sequence_name(operator_id, year)],
    )
    row = cursor.fetchone()
    return None if row is None else row[0]


def reference_last(operator_id: int, year: int) -> int:
    """The highest reference number given for the operator and year, whichever way it was given:
    the counter, the sequence, or a request that carries it (the sequence may be gone)."""
    last = ReferenceCounter.objects.filter(operator_id=operator_id, year=year).values_list("last", flat=True).first()
    last = max(last or 0, _highest_stored(operator_id, year))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            last = max(last, _sequence_last(cursor, operator_id, year) or 0)
    return last


def _highest_stored(operator_id: int, year: int) -> int:
    """The highest number among the operator's stored references of `year` (PREFIX-YYYY-NNNNNN)."""
    prefix = Operator.objects.filter(pk=operator_id).values_list("reference_prefix", flat=True).first()
    if prefix is None:
        return 0
    # Zero-padded to six digits, so the greatest string is the greatest number below a million;
    # a longer number (a millionth request in a year) sorts by length first.
    found = (
        DataRequest.objects.filter(operator_id=operator_id, reference__startswith=f"{prefix}-{year}-")
        .annotate(n=Length("reference"))
        .order_by("-n", "-reference")
        .values_list("reference", flat=True)
        .first()
    )
    tail = found.rsplit("-", 1)[1] if found else ""
    return int(tail) if tail.isdigit() else 0


def reference_set_last(operator_id: int, year: int, last: int) -> None:
    """Record numbers given outside the form (a bulk import, the benchmark seed) up to `last`:
    the next reference continues after them. Never moves the numbers back."""
    with transaction.atomic():
        counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(operator_id=operator_id, year=year)
        if last > counter.last:
            counter.last = last
            counter.save(update_fields=["last"])
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                given = _sequence_last(cursor, operator_id, year)
                if given is not None and last > given:
                    cursor.execute("SELECT setval(%s, %s)", [_sequence_name(operator_id, year), last])


def request_draft(
    *,
    operator: Operator,
    kind: str,
    subject_name: str,
    subject_email: str,
    subject_phone: str = "",
    subject_iin: str = "",
    language: str = "ru",
    description: str = "",
    details: dict | None = None,
    acting_for_other: bool = False,
    representative_name: str = "",
    representative_email: str = "",
    representative_phone: str = "",
    representative_basis: str = "",
    received_at: datetime | None = None,
    channel: str = "web",
    now: datetime,
) -> DataRequest:
    """Insert the request row with its reference; `request_submitted_event()` completes it, last
    in the transaction.

    Split in two so that the slow part of a submission (its files) runs before the operator's
    chain head is locked (see "Lock order" in dsar/workflow.py). Call inside a transaction.
    """
    policy = operator.policy_for(kind)
    request = DataRequest(
        operator=operator,
        kind=kind,
        reference=reference_next(operator=operator, at=now),
        language=language,
        subject_name=subject_name,
        subject_email=subject_email,
        subject_phone=subject_phone,
        subject_iin=subject_iin,
        description=description,
        details=details or {},
        acting_for_other=acting_for_other,
        representative_name=representative_name,
        representative_email=representative_email,
        representative_phone=representative_phone,
        representative_basis=representative_basis,
        channel=channel,
        submitted_at=now,
        last_contact_at=now,
    )
    if received_at is not None:
        request.start_clock(received_at)
    elif policy.clock_starts == Policy.ClockStart.SUBMISSION:
        request.start_clock(now)
    insert_new(request)
    return request


def request_submitted_event(*, request: DataRequest, now: datetime, actor=None, api_key=None) -> None:
    """The audit event of a new request: takes the chain head, so call it last.

    Its actor: staff, the operator's app (`api_key`: "api:<key name>", as systems are
    "system:<name>"), or else the subject on the portal."""
    data = {"channel": request.channel}
    if api_key is not None:
        label = f"api:{api_key.name}"[:40]
        data["api_key"] = api_key.prefix
    else:
        label = "staff" if actor else "subject"
    Event.append(
        request=request,
        action="submitted",
        actor=actor,
        actor_label=label,
        to_state=request.state,
        data=data,
        public=True,
        at=now,
    )


def request_create(
    *, operator: Operator, now: datetime | None = None, actor=None, api_key=None, **fields
) -> DataRequest:
    """Record a new request awaiting identity confirmation (request_draft's fields).

    `received_at` is for paper or e-mail requests: staff record when it reached the operator,
    and the clock starts from then.
    """
    now = now or timezone.now()
    # No savepoint of its own: an error here rolls back the caller's transaction anyway.
    with transaction.atomic(savepoint=False):
        request = request_draft(operator=operator, now=now, **fields)
        request_submitted_event(request=request, now=now, actor=actor, api_key=api_key)
        rollup_apply(before=None, after=snapshot(request))
    return request
