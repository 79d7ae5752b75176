from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from dsar.models import Role
from dsar.services.sweep import sweep_run
from tests.factories import staff_user

ALMATY = ZoneInfo("Asia/Almaty")


def at(*args) -> datetime:
    """A moment on the Almaty wall clock."""
    return datetime(*args, tzinfo=ALMATY)


@pytest.fixture
def staff(operator, roles):
    return {
        "caseworker": staff_user(operator, Role.CASEWORKER, first_name="Asel", last_name="Nurova"),
        "manager": staff_user(operator, Role.MANAGER),
        "dpo": staff_user(operator, Role.DPO),
    }


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """Run the sweep at a pinned moment and deliver what it queued; returns the new mail."""

    def run(now: datetime):
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            sweep_run(now=now)
        return mail.outbox[before:]

    return run


@pytest.fixture
def operator(db):
    """Staff mail is written in the operator's language; these tests read English ones."""
    from tests.factories import OperatorFactory

    return OperatorFactory(default_language="en")
