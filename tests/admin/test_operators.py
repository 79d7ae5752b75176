"""Operator settings in the admin: profile, policies with statutory caps, calendar, staff."""

from django.contrib.auth import get_user_model

from dsar.models import CalendarOverride, Membership, Policy
from tests.admin.conftest import otp_login


def _policy_formset_data(operator, policy, **changes):
    fields = {
        "kind": policy.kind,
        "enabled": "on",
        "deadline_n": policy.deadline_n,
        "deadline_unit": policy.deadline_unit,
        "promise_text": "",
        "clock_starts": policy.clock_starts,
        "pause_while_awaiting_subject": "on",
        "extension_max_n": 0,
        "extension_unit": "calendar_days",
        "reminder_offsets_hours": "[4, 1]",
        "identity_expiry_days": 7,
        "clarification_timeout_days": 30,
        "clarification_outcome": "keep_open",
    }
    fields.update(changes)
    return {"id": policy.pk, "operator": operator.pk, **fields}


def _operator_post(operator, policy, **policy_changes):
    data = {
        "policies-TOTAL_FORMS": 1,
        "policies-INITIAL_FORMS": 1,
        "policies-MIN_NUM_FORMS": 0,
        "policies-MAX_NUM_FORMS": 1000,
        "calendar_overrides-TOTAL_FORMS": 0,
        "calendar_overrides-INITIAL_FORMS": 0,
        "calendar_overrides-MIN_NUM_FORMS": 0,
        "calendar_overrides-MAX_NUM_FORMS": 1000,
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
        "memberships-MIN_NUM_FORMS": 0,
        "memberships-MAX_NUM_FORMS": 1000,
    }
    for key, value in _policy_formset_data(operator, policy, **policy_changes).items():
        data[f"policies-0-{key}"] = value
    return data


def test_it_enforces_the_statutory_cap_on_policies(client, dpo_a, op_a):
    policy = Policy.objects.create(
        operator=op_a, kind="destruction", deadline_n=1, deadline_unit="working_days", reminder_offsets_hours=[4, 1]
    )
    otp_login(client, dpo_a)
    response = client.post(
        f"/admin/dsar/policy/{policy.pk}/change/",
        {**{k: v for k, v in _policy_formset_data(op_a, policy, deadline_n=5).items() if k != "id"}},
    )
    assert response.status_code == 200
    assert "The law caps this kind at 1" in response.content.decode()
    assert Policy.objects.get(pk=policy.pk).deadline_n == 1


def test_it_lets_a_manager_change_policies_but_not_the_profile(client, op_a, dpo_a):
    from tests.factories import staff_user

    manager = staff_user(op_a, "manager", username="alpha-manager")
    policy = Policy.objects.create(
        operator=op_a, kind="access", deadline_n=3, deadline_unit="working_days", reminder_offsets_hours=[48, 24]
    )
    otp_login(client, manager)
    data = _operator_post(op_a, policy, deadline_n=2)
    data.update({"short_name": "Hijacked"})
    response = client.post(f"/admin/dsar/operator/{op_a.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    op_a.refresh_from_db()
    assert op_a.short_name == "Alpha"
    assert Policy.objects.get(pk=policy.pk).deadline_n == 2


def test_it_lets_the_dpo_manage_calendar_and_staff_of_their_operator_only(client, dpo_a, op_a, op_b):
    otp_login(client, dpo_a)
    response = client.post(
        "/admin/dsar/calendaroverride/add/",
        {"operator": op_b.pk, "date": "2026-12-30", "is_working_day": "", "note": "decree"},
    )
    assert response.status_code == 200  # op_b is not a valid choice
    assert not CalendarOverride.objects.filter(operator=op_b).exists()
    client.post(
        "/admin/dsar/calendaroverride/add/",
        {"operator": op_a.pk, "date": "2026-12-30", "is_working_day": "", "note": "decree"},
    )
    assert CalendarOverride.objects.filter(operator=op_a, date="2026-12-30").exists()
    newcomer = get_user_model().objects.create_user("newcomer", password="x-long-password-1", is_staff=True)
    client.post("/admin/dsar/membership/add/", {"user": newcomer.pk, "operator": op_a.pk, "role": "caseworker"})
    assert Membership.objects.filter(user=newcomer, operator=op_a).exists()


def test_it_keeps_global_calendar_days_for_the_platform_administrator(client, dpo_a):
    day = CalendarOverride.objects.create(operator=None, date="2026-05-04", is_working_day=False, note="decree")
    otp_login(client, dpo_a)
    assert client.get("/admin/dsar/calendaroverride/").status_code == 200
    client.post(
        f"/admin/dsar/calendaroverride/{day.pk}/change/",
        {"operator": "", "date": "2026-05-04", "is_working_day": "on", "note": "changed"},
    )
    assert CalendarOverride.objects.get(pk=day.pk).note == "decree"
