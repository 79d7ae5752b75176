from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError

from dsar.models import CalendarOverride, Policy
from dsar.validators import is_valid_iin_bin
from tests.factories import OperatorFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["210740014147"])
def test_it_accepts_a_real_bin(value):
    assert is_valid_iin_bin(value)


@pytest.mark.parametrize(
    "value", ["210740014148", "21074001414", "2107400141470", "21074001414a", "", "２１０７４００１４１４７"]
)
def test_it_rejects_a_bad_check_digit_or_shape(value):
    assert not is_valid_iin_bin(value)


def test_it_uses_the_second_weight_pass_when_the_first_gives_ten():
    from dsar.validators import iin_bin_check_digit

    # First pass: sum(i * d) % 11 == 10 for these digits, so the second weights decide.
    first11 = "00000000010"
    assert sum(w * int(d) for w, d in zip(range(1, 12), first11, strict=False)) % 11 == 10
    # Second weights 3,4,5,6,7,8,9,10,11,1,2: the 10th digit (1) weighs 1.
    assert iin_bin_check_digit(first11) == 1


def test_it_refuses_to_save_an_operator_with_a_bad_bin():
    operator = OperatorFactory.build(bin_iin="123456789012")
    with pytest.raises(ValidationError) as error:
        operator.full_clean()
    assert "bin_iin" in error.value.message_dict


def test_it_requires_the_default_language_among_those_offered():
    operator = OperatorFactory.build(languages=["ru"], default_language="kk")
    with pytest.raises(ValidationError) as error:
        operator.full_clean()
    assert "default_language" in error.value.message_dict


def test_it_refuses_a_policy_window_longer_than_the_statutory_cap(operator):
    with pytest.raises(ValidationError) as error:
        Policy.objects.create(operator=operator, kind="rectification", deadline_n=2, deadline_unit="working_days")
    assert "caps this kind at 1" in str(error.value)
    assert not Policy.objects.filter(operator=operator, kind="rectification").exists()


def test_it_refuses_a_calendar_window_over_a_working_day_cap(operator):
    with pytest.raises(ValidationError):
        # 22 calendar days outlast 15 working days for a receipt on a Monday (16 never do).
        Policy.objects.create(
            operator=operator, kind="consent_withdrawal", deadline_n=22, deadline_unit="calendar_days"
        )


def test_it_accepts_a_shorter_window_than_the_cap(operator):
    policy = Policy.objects.create(
        operator=operator, kind="consent_withdrawal", deadline_n=10, deadline_unit="calendar_days"
    )
    assert operator.policy_for("consent_withdrawal") == policy


def test_it_accepts_any_window_where_the_law_sets_no_cap(operator):
    Policy.objects.create(operator=operator, kind="claim", deadline_n=30, deadline_unit="calendar_days")
    Policy.objects.create(operator=operator, kind="access", deadline_n=10, deadline_unit="working_days")


def test_it_refuses_extensions_for_statutory_kinds(operator):
    with pytest.raises(ValidationError) as error:
        Policy.objects.create(
            operator=operator,
            kind="destruction",
            deadline_n=1,
            deadline_unit="working_days",
            extension_allowed=True,
            extension_max_n=5,
        )
    assert "extension_allowed" in error.value.message_dict


def test_it_refuses_malformed_reminder_offsets(operator):
    with pytest.raises(ValidationError):
        Policy.objects.create(
            operator=operator,
            kind="access",
            deadline_n=3,
            deadline_unit="working_days",
            reminder_offsets_hours=["soon"],
        )


def test_it_falls_back_to_the_statutory_default_without_a_policy(operator):
    policy = operator.policy_for("consent_withdrawal")
    assert (policy.deadline_n, policy.deadline_unit, policy.pk) == (15, "working_days", None)


def test_it_applies_global_and_operator_calendar_overrides_with_the_operator_winning(operator):
    other = OperatorFactory()
    monday = date(2026, 12, 7)
    saturday = date(2026, 12, 12)
    CalendarOverride.objects.create(date=monday, is_working_day=False, note="decree")
    CalendarOverride.objects.create(date=saturday, is_working_day=True, note="decree")
    CalendarOverride.objects.create(operator=operator, date=monday, is_working_day=True, note="we work")
    assert operator.work_calendar().is_working_day(monday)
    assert operator.work_calendar().is_working_day(saturday)
    assert not other.work_calendar().is_working_day(monday)


def test_it_moves_a_due_date_when_an_override_adds_a_day_off(operator):
    from dsar import deadlines

    received = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)  # Thursday
    before = deadlines.due_at(received_at=received, n=1, unit="working_days", calendar=operator.work_calendar())
    CalendarOverride.objects.create(date=date(2026, 12, 4), is_working_day=False, note="decree")
    after = deadlines.due_at(received_at=received, n=1, unit="working_days", calendar=operator.work_calendar())
    assert before.date() == date(2026, 12, 4) and after.date() == date(2026, 12, 7)
