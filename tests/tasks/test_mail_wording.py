"""What the mails recorded by the sweep, the calendar and the digests say to their reader.

A representative is told whose request each reminder is about, like every other requester mail:
they may act for several people (a parent for two children, a lawyer for many clients). And every
date is written the reader's way (config/formats/), in the operator's zone, never as an ISO code.
"""

import re

import pytest
import time_machine

from dsar.models import CalendarOverride, Policy
from dsar.services.transitions import transition
from tests.factories import make_request
from tests.tasks.conftest import at
from tests.tasks.test_sweep import _in_progress

pytestmark = pytest.mark.django_db

REPRESENTATIVE = dict(
    subject_name="Dana Serikova",
    acting_for_other=True,
    representative_name="Asel Nurlanova",
    representative_email="asel@example.kz",
    representative_basis="power_of_attorney",
    language="en",
)


def _says_on_whose_behalf(message) -> bool:
    html = message.alternatives[0][0]
    return "on behalf of Dana Serikova" in message.body and "on behalf of Dana Serikova" in html


def test_the_identity_reminder_names_the_subject_to_the_representative(operator, sweep):
    start = at(2026, 3, 2, 10, 0)
    with time_machine.travel(start, tick=False):
        make_request(operator, now=start, **REPRESENTATIVE)
    sent = sweep(at(2026, 3, 6, 8, 0))  # half-way, Thu 22:00, moved to the morning
    assert [m.to for m in sent] == [["asel@example.kz"]]
    assert _says_on_whose_behalf(sent[0])


def test_the_clarification_reminder_names_the_subject_to_the_representative(operator, staff, sweep):
    Policy.objects.create(
        operator=operator, kind="access", deadline_n=3, deadline_unit="working_days", clarification_timeout_days=10
    )
    request = _in_progress(operator, staff["caseworker"], when=at(2026, 3, 4, 10, 0), **REPRESENTATIVE)
    transition(
        request.pk, "ask_subject", actor=staff["caseworker"], question="Which account?", now=at(2026, 3, 4, 12, 0)
    )
    sent = [m for m in sweep(at(2026, 3, 13, 12, 0)) if m.to == ["asel@example.kz"]]
    assert len(sent) == 1 and "clarification" in sent[0].body
    assert _says_on_whose_behalf(sent[0])


def test_the_moved_deadline_is_told_to_the_representative_with_the_subjects_name(
    operator, staff, sweep, django_capture_on_commit_callbacks, mailoutbox
):
    _in_progress(operator, staff["caseworker"], when=at(2026, 3, 2, 10, 0), **REPRESENTATIVE)
    with time_machine.travel(at(2026, 3, 4, 10, 0), tick=False), django_capture_on_commit_callbacks(execute=True):
        CalendarOverride.objects.create(date=at(2026, 3, 4).date(), is_working_day=False, note="Decree")
    moved = [m for m in mailoutbox if m.to == ["asel@example.kz"] and "2026" in m.body and "instead of" in m.body]
    assert len(moved) == 1
    assert _says_on_whose_behalf(moved[0])


def test_a_subject_writing_for_themselves_is_not_told_they_act_for_themselves(operator, sweep):
    start = at(2026, 3, 2, 10, 0)
    with time_machine.travel(start, tick=False):
        make_request(operator, now=start, language="en", subject_email="dana@example.kz")
    sent = sweep(at(2026, 3, 6, 8, 0))  # half-way, Thu 22:00, moved to the morning
    assert [m.to for m in sent] == [["dana@example.kz"]]
    assert "on behalf of" not in sent[0].body and "on behalf of" not in sent[0].alternatives[0][0]


# Dates in the mails the sweep and the calendar record are written as their reader writes them
# (config/formats/), never as ISO codes, in the recipient's language and the operator's zone.
ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def _no_iso_date(message) -> bool:
    return not any(ISO.search(part) for part in (message.subject, message.body, message.alternatives[0][0]))


@pytest.mark.parametrize(
    "language, until",
    [("ru", "9 марта 2026 г., 10:00"), ("kk", "9 наурыз 2026 ж., 10:00"), ("en", "9 March 2026, 10:00")],
)
def test_the_identity_reminder_gives_the_expiry_the_readers_way(operator, sweep, language, until):
    start = at(2026, 3, 2, 10, 0)
    with time_machine.travel(start, tick=False):
        make_request(operator, now=start, language=language, subject_email="dana@example.kz")
    (sent,) = sweep(at(2026, 3, 6, 8, 0))  # half-way, Thu 22:00, moved to the morning
    assert until in sent.body and until in sent.alternatives[0][0]
    assert _no_iso_date(sent)


def test_the_moved_deadline_and_the_staff_reminder_give_dates_the_readers_way(
    operator, staff, sweep, django_capture_on_commit_callbacks, mailoutbox
):
    request = _in_progress(operator, staff["caseworker"], when=at(2026, 3, 2, 10, 0), language="ru")
    reminders = sweep(at(2026, 3, 4, 9, 0))
    assert reminders and all("5 March 2026, 23:59" in m.body and _no_iso_date(m) for m in reminders)
    with time_machine.travel(at(2026, 3, 4, 10, 0), tick=False), django_capture_on_commit_callbacks(execute=True):
        CalendarOverride.objects.create(date=at(2026, 3, 4).date(), is_working_day=False, note="Decree")
    (moved,) = [m for m in mailoutbox if m.to == [request.subject_email]]
    assert "6 марта 2026 г." in moved.body and "5 марта 2026 г." in moved.body and "6 марта 2026 г." in moved.subject
    assert _no_iso_date(moved)
