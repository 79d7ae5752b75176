"""A small world whose every dashboard figure was worked out by hand (see the comments).

Operator A uses the statutory defaults: the clock starts at identity confirmation, access
has 3 working days, rectification and blocking 1, enquiry 15 calendar days; the clock
pauses while awaiting the subject. Times are Almaty (UTC+5). Mid-November 2026 has no
public holiday; 26 October 2026 is the day off for Republic Day (25 October is a Sunday).

"Now" is Wednesday 18 November 2026, 10:00. The period is Monday 2 to Sunday 15 November.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from dsar.models import Letter, Role
from dsar.services.rollup import bucket_of
from dsar.services.transitions import transition
from tests.factories import OperatorFactory, make_request, staff_user

ALMATY = ZoneInfo("Asia/Almaty")
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=ALMATY)
PERIOD = (date(2026, 11, 2), date(2026, 11, 15))


def at(month, day, hour, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=ALMATY)


@dataclass
class World:
    a: object = None
    b: object = None
    manager_a: object = None
    manager_b: object = None
    caseworker: object = None
    caseworker2: object = None
    refs: dict = field(default_factory=dict)


def received(operator, kind, when, **fields):
    request = make_request(operator, kind=kind, now=when, **fields)
    transition(request.pk, "confirm_identity", now=when)
    return request


def build() -> World:
    w = World()
    w.a = OperatorFactory(short_name="Alpha")
    w.b = OperatorFactory(short_name="Bravo")
    w.manager_a = staff_user(w.a, Role.MANAGER, username="manager-a")
    w.manager_b = staff_user(w.b, Role.MANAGER, username="manager-b")
    w.caseworker = staff_user(w.a, Role.CASEWORKER, username="cw1", first_name="Aigerim", last_name="Abenova")
    w.caseworker2 = staff_user(w.a, Role.CASEWORKER, username="cw2")
    cw, cw2 = w.caseworker, w.caseworker2

    def go(request, name, when, actor=cw, **kwargs):
        transition(request.pk, name, actor=actor, now=when, **kwargs)

    # --- open at NOW --------------------------------------------------------
    # R1 access, received Mon 16 09:00, due end of Thu 19: due within 1 working day (Thu).
    r1 = received(w.a, "access", at(11, 16, 9))
    go(r1, "start_work", at(11, 16, 10))
    # R2 rectification, received Tue 17 10:00 (exactly 1 day before NOW), due end of Wed 18: due today.
    r2 = received(w.a, "rectification", at(11, 17, 10))
    # R3 rectification, received Fri 13 12:00, due end of Mon 16: overdue, held by cw2.
    r3 = received(w.a, "rectification", at(11, 13, 12))
    go(r3, "start_work", at(11, 13, 13), actor=cw2)
    # R4 access, received Fri 13 09:00, due end of Wed 18, but paused awaiting the subject:
    # neither due today nor overdue.
    r4 = received(w.a, "access", at(11, 13, 9))
    go(r4, "start_work", at(11, 13, 10))
    go(r4, "ask_subject", at(11, 16, 10), question="Please send a copy of the document.")
    # R5 enquiry, received Thu 1 Oct, due end of Fri 16 Oct: overdue, unassigned, 48 days old.
    received(w.a, "enquiry", at(10, 1, 10))
    # Awaiting identity: not open work yet.
    make_request(w.a, kind="access", now=at(11, 17, 12))

    # --- answered in the period -------------------------------------------------
    # A1 access Mon 2 09:00 -> fulfilled Wed 4 09:00: on time, 48 working hours = 2.0 days.
    a1 = received(w.a, "access", at(11, 2, 9))
    go(a1, "start_work", at(11, 2, 10))
    go(a1, "fulfil", at(11, 4, 9))
    # A2 access Thu 5 12:00, due end of Tue 10 -> fulfilled Wed 11 12:00: late;
    # Thu 12h + Fri 24h + Mon 24h + Tue 24h + Wed 12h = 96h = 4.0 days.
    a2 = received(w.a, "access", at(11, 5, 12))
    go(a2, "start_work", at(11, 5, 13))
    go(a2, "fulfil", at(11, 11, 12))
    # A3 access Mon 9 10:00 (due end of Thu 12), paused Mon 9 12:00 to Tue 10 12:00 (due moves
    # to end of Fri 13), partly fulfilled Wed 11 10:00: on time; 48h - 24h paused = 1.0 day.
    a3 = received(w.a, "access", at(11, 9, 10))
    go(a3, "start_work", at(11, 9, 11))
    go(a3, "ask_subject", at(11, 9, 12), question="Which account?")
    transition(a3.pk, "resume", now=at(11, 10, 12))
    go(a3, "partly_fulfil", at(11, 11, 10), explanation="Part of the data is held by a partner.")
    # A4 rectification Thu 12 15:00 (due end of Fri 13) -> refused Fri 13 09:00: on time, 18 h.
    a4 = received(w.a, "rectification", at(11, 12, 15))
    go(a4, "start_work", at(11, 12, 16))
    go(a4, "refuse", at(11, 13, 9), ground="no_supporting_documents", explanation="No document was sent.")
    # A5 rectification Fri 6 16:00 (due end of Mon 9) -> fulfilled Mon 9 20:00: on time, 8h + 20h = 28 h.
    a5 = received(w.a, "rectification", at(11, 6, 16))
    go(a5, "start_work", at(11, 6, 17))
    go(a5, "fulfil", at(11, 9, 20))
    # A6 rectification Tue 3 09:00 (due end of Wed 4) -> fulfilled Thu 5 09:00: late, 48 h.
    a6 = received(w.a, "rectification", at(11, 3, 9))
    go(a6, "start_work", at(11, 3, 10))
    go(a6, "fulfil", at(11, 5, 9))
    # A7 access Mon 2 09:00, withdrawn Tue 10 (after its due date): never answered, not in the rate.
    a7 = received(w.a, "access", at(11, 2, 9))
    transition(a7.pk, "withdraw", now=at(11, 10, 9))
    # A8 blocking Mon 2 10:00 -> blocked Mon 2 20:00 (the answer: on time, 10 h), unblocked Mon 16.
    a8 = received(w.a, "blocking", at(11, 2, 10))
    go(a8, "start_work", at(11, 2, 11))
    go(a8, "block", at(11, 2, 20))
    go(a8, "unblock", at(11, 16, 10), explanation="The sharing was under the contract.")
    # A9 access received Mon 9 02:00 Almaty (Sun 8 21:00 UTC: the week of 9 Nov in Almaty),
    # fulfilled Mon 16 00:30 Almaty (Sun 15 19:30 UTC: after the period in Almaty).
    a9 = received(w.a, "access", at(11, 9, 2))
    go(a9, "start_work", at(11, 9, 9))
    go(a9, "fulfil", at(11, 16, 0, 30))
    # A10 enquiry Tue 27 Oct 10:00 (due end of Wed 11 Nov) -> fulfilled Mon 2 Nov 00:30 Almaty
    # (Sun 1 Nov 19:30 UTC: inside the period in Almaty): on time;
    # Tue 14h + Wed, Thu, Fri 72h + Mon 0.5h = 86.5 h = 3.604 days.
    a10 = received(w.a, "enquiry", at(10, 27, 10))
    go(a10, "start_work", at(10, 30, 10))
    go(a10, "fulfil", at(11, 2, 0, 30))
    # E1 never confirmed, expired Mon 9 12:00.
    e1 = make_request(w.a, kind="access", now=at(11, 2, 11))
    transition(e1.pk, "expire", now=at(11, 9, 12))
    # V1 access received Mon 16 00:30 Almaty (Sun 15 19:30 UTC): after the period.
    v1 = received(w.a, "access", at(11, 16, 0, 30))
    go(v1, "start_work", at(11, 16, 8))
    go(v1, "fulfil", at(11, 16, 9))

    # Transitions record their letters (with generated numbers); the register tests read these.
    Letter.objects.filter(request__operator=w.a).delete()
    Letter.objects.create(request=a1, kind="acknowledgment", number="ALP-2026/1", language="ru", verification_code="V1")
    Letter.objects.create(request=a1, kind="fulfilled", number="ALP-2026/2", language="ru", verification_code="V2")
    Letter.objects.create(request=a4, kind="refusal", number="ALP-2026/3", language="ru", verification_code="V3")

    # --- operator B -------------------------------------------------------------
    cw_b = staff_user(w.b, Role.CASEWORKER, username="cw-b")
    b1 = received(w.b, "access", at(11, 2, 9))
    transition(b1.pk, "start_work", actor=cw_b, now=at(11, 2, 10))
    transition(b1.pk, "fulfil", actor=cw_b, now=at(11, 3, 9))
    received(w.b, "access", at(11, 17, 9))

    w.refs = {name: obj.reference for name, obj in locals().items() if hasattr(obj, "reference")}
    return w


def within_one_bucket(estimate: float, exact: float, per_unit: int) -> bool:
    # The figures are rounded to 2 decimals: the estimate may sit that much off its bucket.
    return any(
        abs(bucket_of(e * per_unit) - bucket_of(exact * per_unit)) <= 1 for e in (estimate - 0.005, estimate + 0.005)
    )
