"""A representative is told whose request each reminder is about, like every other requester mail.

The representative may act for several people (a parent for two children, a lawyer for many
clients): a reminder that names only the reference leaves them guessing whom it concerns.
"""

from datetime import timedelta

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
    sent = sweep(start + timedelta(days=3, hours=12))
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
    sent = sweep(start + timedelta(days=3, hours=12))
    assert [m.to for m in sent] == [["dana@example.kz"]]
    assert "on behalf of" not in sent[0].body and "on behalf of" not in sent[0].alternatives[0][0]
