from datetime import timedelta

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from dsar.services.sweep import digests_send
from dsar.services.transitions import transition
from tests.factories import make_request
from tests.tasks.conftest import at

pytestmark = pytest.mark.django_db


def test_it_sends_each_staff_member_one_digest_a_day_in_the_operators_language(
    operator, staff, django_capture_on_commit_callbacks
):
    operator.default_language = "kk"
    operator.save()
    overdue = make_request(operator, now=at(2026, 3, 2, 10, 0))
    transition(overdue.pk, "confirm_identity", now=at(2026, 3, 2, 10, 0))
    make_request(operator, now=at(2026, 3, 9, 7, 0))
    morning = at(2026, 3, 10, 8, 0)

    with django_capture_on_commit_callbacks(execute=True):
        digests_send(now=morning)
    with django_capture_on_commit_callbacks(execute=True):
        digests_send(now=morning + timedelta(hours=2))

    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in staff.values())
    body = mail.outbox[0].body
    assert operator.name_kk in body and "10 наурыз 2026 ж." in mail.outbox[0].subject
    assert "2026-03-10" not in mail.outbox[0].subject + body
    with translation.override("kk"):
        expected = [
            f"{gettext(label)}: {n}"
            for label, n in [("Overdue", 1), ("Awaiting identity confirmation", 1), ("Open", 2)]
        ]
    assert all(line in body for line in expected), body


def test_it_sends_a_new_digest_the_next_day(operator, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        digests_send(now=at(2026, 3, 10, 8, 0))
        digests_send(now=at(2026, 3, 11, 8, 0))
    assert len(mail.outbox) == 2 * len(staff)
