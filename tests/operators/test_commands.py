import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dsar.models import CalendarOverride, DataRequest, Membership, Operator, Policy, Role

pytestmark = pytest.mark.django_db


def _last_line(capsys):
    return capsys.readouterr().out.strip().splitlines()[-1]


@pytest.mark.parametrize(
    "kind, received, due",
    [
        # Friday before Nauryz (21-25 March 2026 off): 1 working day -> Thursday 26 March.
        ("rectification", "2026-03-20T10:00:00+05:00", "2026-03-26T23:59:59+05:00"),
        # Late evening in Almaty: 18:30Z is 23:30 on Monday 2 March local.
        ("blocking", "2026-03-02T18:30:00+00:00", "2026-03-03T23:59:59+05:00"),
        # 19:30Z is already Tuesday 3 March local.
        ("blocking", "2026-03-02T19:30:00+00:00", "2026-03-04T23:59:59+05:00"),
        # Saturday receipt, 1 working day: end of Monday.
        ("destruction", "2026-11-21T12:00:00+05:00", "2026-11-23T23:59:59+05:00"),
        # 30 calendar days from 6 Nov 2026 = 6 Dec (Sunday) -> Monday 7 Dec.
        ("claim", "2026-11-06T09:00:00+05:00", "2026-12-07T23:59:59+05:00"),
        # A naive time is read in Asia/Almaty.
        ("access", "2026-11-17T10:00:00", "2026-11-20T23:59:59+05:00"),
    ],
)
def test_it_prints_the_statutory_due_moment_on_the_last_line(capsys, kind, received, due):
    call_command("dsar_deadline", kind=kind, received=received)
    assert _last_line(capsys) == due


def test_it_uses_the_operators_policy_and_calendar(capsys, operator):
    Policy.objects.create(operator=operator, kind="enquiry", deadline_n=5, deadline_unit="calendar_days")
    call_command("dsar_deadline", kind="enquiry", received="2026-11-16T10:00:00+05:00", operator=operator.slug)
    assert _last_line(capsys) == "2026-11-23T23:59:59+05:00"  # 21 Nov is a Saturday -> Monday 23
    CalendarOverride.objects.create(operator=operator, date="2026-11-21", is_working_day=True, note="decree")
    call_command("dsar_deadline", kind="enquiry", received="2026-11-16T10:00:00+05:00", operator=operator.slug)
    assert _last_line(capsys) == "2026-11-21T23:59:59+05:00"


def test_it_explains_bad_input():
    with pytest.raises(CommandError, match="ISO 8601"):
        call_command("dsar_deadline", kind="access", received="yesterday")
    with pytest.raises(CommandError, match="No operator"):
        call_command("dsar_deadline", kind="access", received="2026-01-05", operator="nobody")


def test_the_demo_loads_five_operators_staff_and_requests_in_many_states(
    capsys, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    from dsar.letters import tasks

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    # The letters each transition calls for are recorded after commit (dsar_verify_chain checks
    # they are); rendering their PDFs is left out, it would only slow this test down.
    monkeypatch.setattr(tasks.render_letter, "delay", lambda *args, **kwargs: None)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("dsar_demo", requests=60)
    out = capsys.readouterr().out
    assert Operator.objects.count() == 5
    assert "qaztracker-manager" in out and "demo-Password-2026" in out
    assert Membership.objects.filter(operator__slug="qarat").count() == len(Role)
    assert Policy.objects.get(operator__slug="qazeta", kind="enquiry").promise_text == "1 to 15 calendar days"
    assert Policy.objects.get(operator__slug="qazaq-esim", kind="claim").deadline_n == 30
    from dsar.demo.requests import PATHS

    total = DataRequest.objects.count()
    assert total >= 60
    states = set(DataRequest.objects.values_list("state", flat=True))
    assert set(PATHS) <= states and "fulfilled" in states
    call_command("dsar_demo", requests=60, quiet=True)  # a second run changes nothing
    assert DataRequest.objects.count() == total and Operator.objects.count() == 5
    call_command("dsar_verify_chain")
