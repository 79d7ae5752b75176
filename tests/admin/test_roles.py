"""The isolation matrix's role dimension: every role at every operator against every URL and action.

One person is the DPO at operator A and holds ROLE at operator C (or nothing there). What they
may do to C's objects must follow ROLE alone; being DPO at A must never leak into C.
EXPECTED is the specification (README, "Staff roles"), written independently of the code.
"""

import pytest
from django.test import Client

from dsar.models import (
    AccessRecord,
    CalendarOverride,
    DataRequest,
    LetterTemplate,
    Membership,
    Message,
    Operator,
    Policy,
    Role,
)
from dsar.states import State
from tests.admin.conftest import in_state
from tests.factories import OperatorFactory, otp_login, staff_user, stored_attachment

NONE = "none"  # not a member of C at all
ALL = {Role.ASSISTANT, Role.CASEWORKER, Role.MANAGER, Role.DPO}
CASEWORK = {Role.CASEWORKER, Role.MANAGER, Role.DPO}
MANAGING = {Role.MANAGER, Role.DPO}

# case -> roles at C that may do it (everyone else is refused, and nothing changes)
EXPECTED = {
    "open the request page": ALL,
    "see the subject's name": CASEWORK,
    "download an uploaded file": CASEWORK,
    "add an internal note": ALL,
    "assign the request": ALL,
    "ask the subject": ALL,
    "fulfil (a decision)": CASEWORK,
    "issue a letter": ALL,
    "export the list": ALL,
    "keep a record of data held": CASEWORK,
    "open the dashboard for C": MANAGING,
    "download C's register": MANAGING,
    "view C's policies": MANAGING,
    "change a policy of C": MANAGING,
    "change C's profile": {Role.DPO},
    "add a day off to C's calendar": {Role.DPO},
    "add a letter text for C": MANAGING,
    "change a colleague's membership at C": {Role.DPO},
    "promote one's own membership at C": set(),
    "remove one's own membership at C": set(),
    "add oneself a second membership": set(),
}


@pytest.fixture
def world(db):
    op_a = OperatorFactory(short_name="Alpha")
    op_c = OperatorFactory(short_name="Charlie")
    colleague = staff_user(op_c, Role.CASEWORKER, username="charlie-cw")
    return op_a, op_c, colleague


def _person(op_a, op_c, role):
    person = staff_user(op_a, Role.DPO, username="alpha-dpo-charlie")
    if role != NONE:
        Membership.objects.create(user=person, operator=op_c, role=role)
    return person


def _file(request):
    return stored_attachment(request)


def _policy_form(policy, **changes):
    data = {
        "operator": policy.operator_id,
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
    data.update(changes)
    return data


def _operator_form(op):
    """The operator page's own fields as they stand (whatever fields it has), with the name changed."""
    from django.contrib import admin as django_admin
    from django.contrib.admin.utils import flatten_fieldsets
    from django.forms import modelform_factory

    fields = flatten_fieldsets(django_admin.site._registry[Operator].fieldsets)
    form = modelform_factory(Operator, fields=fields)(instance=op)
    data = {}
    for name in fields:
        value = form[name].value()
        if value is True:
            data[name] = "on"
        elif value not in (False, None):
            data[name] = value
    data.update(short_name="Hijacked")
    for prefix in ("policies", "calendar_overrides", "memberships"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": 0,
                f"{prefix}-INITIAL_FORMS": 0,
                f"{prefix}-MIN_NUM_FORMS": 0,
                f"{prefix}-MAX_NUM_FORMS": 1000,
            }
        )
    return data


def run_case(name, client, person, op_c, colleague) -> bool:
    """Do the thing as `person`; True when it happened (or was shown), False when refused."""
    r = in_state(op_c, colleague, "in_progress", subject_name="Chingiz Charlie")
    url = f"/admin/dsar/datarequest/{r.pk}"
    if name == "open the request page":
        return client.get(f"{url}/change/").status_code == 200
    if name == "see the subject's name":
        response = client.get(f"{url}/change/")
        return response.status_code == 200 and "Chingiz Charlie" in response.content.decode()
    if name == "download an uploaded file":
        return client.get(f"{url}/attachment/{_file(r).pk}/").status_code == 200
    if name == "add an internal note":
        client.post(f"{url}/note/", {"body": "noted"})
        return Message.objects.filter(request=r, body="noted").exists()
    if name == "assign the request":
        DataRequest.objects.filter(pk=r.pk).update(assignee=None)
        client.post(f"{url}/assign/", {"assignee": colleague.pk})
        return DataRequest.objects.get(pk=r.pk).assignee_id == colleague.pk
    if name == "ask the subject":
        client.post(f"{url}/transition/ask_subject/", {"seen_state": r.state, "question": "Send your ID."})
        return DataRequest.objects.get(pk=r.pk).state == State.AWAITING_SUBJECT
    if name == "fulfil (a decision)":
        client.post(f"{url}/transition/fulfil/", {"seen_state": r.state})
        return DataRequest.objects.get(pk=r.pk).state == State.FULFILLED
    if name == "issue a letter":
        client.post(f"{url}/issue-letter/", {"kind": "acknowledgment"})
        return r.letters.filter(issued_by=person).exists()
    if name == "export the list":
        response = client.post(
            "/admin/dsar/datarequest/", {"action": "export_csv", "_selected_action": [r.pk], "queue": ""}
        )
        return response.status_code == 200 and r.reference in b"".join(response.streaming_content).decode()
    if name == "keep a record of data held":
        client.post(
            "/admin/dsar/accessrecord/add/", {"request": r.pk, "category": "contacts", "content": "x", "source": "crm"}
        )
        return AccessRecord.objects.filter(request=r).exists()
    if name == "open the dashboard for C":
        response = client.get("/dashboard/", {"operator": op_c.pk})
        return response.status_code == 200 and op_c in response.context["shown_operators"]
    if name == "download C's register":
        response = client.get("/dashboard/register.csv", {"operator": op_c.pk})
        return response.status_code == 200
    policy = Policy.objects.filter(operator=op_c).first() or Policy.objects.create(
        operator=op_c, kind="access", deadline_n=3, deadline_unit="working_days", reminder_offsets_hours=[48, 24]
    )
    if name == "view C's policies":
        listing = client.get("/admin/dsar/policy/")
        shown = listing.status_code == 200 and policy in listing.context["cl"].result_list
        return shown and client.get(f"/admin/dsar/policy/{policy.pk}/change/").status_code == 200
    if name == "change a policy of C":
        client.post(f"/admin/dsar/policy/{policy.pk}/change/", _policy_form(policy, deadline_n=2))
        return Policy.objects.get(pk=policy.pk).deadline_n == 2
    if name == "change C's profile":
        client.post(f"/admin/dsar/operator/{op_c.pk}/change/", _operator_form(op_c))
        return Operator.objects.get(pk=op_c.pk).short_name == "Hijacked"
    if name == "add a day off to C's calendar":
        client.post(
            "/admin/dsar/calendaroverride/add/",
            {"operator": op_c.pk, "date": "2026-12-30", "is_working_day": "", "note": "decree"},
        )
        return CalendarOverride.objects.filter(operator=op_c).exists()
    if name == "add a letter text for C":
        client.post(
            "/admin/dsar/lettertemplate/add/",
            {"operator": op_c.pk, "kind": "acknowledgment", "language": "ru", "title": "T", "body": "B"},
        )
        return LetterTemplate.objects.filter(operator=op_c).exists()
    if name == "change a colleague's membership at C":
        m = Membership.objects.get(user=colleague, operator=op_c)
        client.post(
            f"/admin/dsar/membership/{m.pk}/change/", {"user": colleague.pk, "operator": op_c.pk, "role": Role.MANAGER}
        )
        return Membership.objects.get(pk=m.pk).role == Role.MANAGER
    own = Membership.objects.filter(user=person, operator=op_c).first()
    if name == "promote one's own membership at C":
        if own is None:
            client.post("/admin/dsar/membership/add/", {"user": person.pk, "operator": op_c.pk, "role": Role.DPO})
            return Membership.objects.filter(user=person, operator=op_c).exists()
        client.post(
            f"/admin/dsar/membership/{own.pk}/change/", {"user": person.pk, "operator": op_c.pk, "role": Role.DPO}
        )
        # Through the operator page's staff inline as well.
        client.post(
            f"/admin/dsar/operator/{op_c.pk}/change/",
            {
                **_operator_form(op_c),
                "short_name": op_c.short_name,
                "memberships-TOTAL_FORMS": 1,
                "memberships-INITIAL_FORMS": 1,
                "memberships-0-id": own.pk,
                "memberships-0-operator": op_c.pk,
                "memberships-0-user": person.pk,
                "memberships-0-role": Role.DPO,
            },
        )
        return own.role != Role.DPO and Membership.objects.get(pk=own.pk).role == Role.DPO
    if name == "remove one's own membership at C":
        if own is None:
            return False
        client.post(f"/admin/dsar/membership/{own.pk}/delete/", {"post": "yes"})
        return not Membership.objects.filter(pk=own.pk).exists()
    if name == "add oneself a second membership":
        op_d = OperatorFactory(short_name="Delta")
        client.post("/admin/dsar/membership/add/", {"user": person.pk, "operator": op_d.pk, "role": Role.DPO})
        client.post("/admin/dsar/membership/add/", {"user": person.pk, "operator": op_c.pk, "role": Role.DPO})
        return Membership.objects.filter(user=person, operator=op_d).exists() or (
            own is None and Membership.objects.filter(user=person, operator=op_c).exists()
        )
    raise AssertionError(name)


@pytest.mark.parametrize("role", [NONE, *Role.values])
def test_it_lets_a_person_do_at_an_operator_only_what_their_role_there_allows(world, role):
    op_a, op_c, colleague = world
    person = _person(op_a, op_c, role)
    client = otp_login(Client(), person)
    wrong = []
    for case, allowed_roles in EXPECTED.items():
        did = run_case(case, client, person, op_c, colleague)
        if did != (role in allowed_roles):
            wrong.append((case, "did it" if did else "was refused"))
    assert wrong == []


def test_it_lets_the_platform_administrator_do_everything_but_their_own_membership(world):
    from tests.factories import UserFactory

    op_a, op_c, colleague = world
    root = UserFactory(username="root", is_superuser=True)
    client = otp_login(Client(), root)
    own_cases = {c for c, roles in EXPECTED.items() if not roles}
    wrong = [c for c in EXPECTED if c not in own_cases and not run_case(c, client, root, op_c, colleague)]
    assert wrong == []


@pytest.mark.parametrize("role", [NONE, Role.ASSISTANT])
def test_it_refuses_in_every_writing_service_what_the_role_at_that_operator_does_not_allow(world, role):
    from django.core.exceptions import PermissionDenied

    from dsar.letters.services import letter_issue
    from dsar.services import triage
    from dsar.services.transitions import transition

    op_a, op_c, colleague = world
    person = _person(op_a, op_c, role)  # DPO at A, at most an assistant at C
    r = in_state(op_c, colleague, "in_progress")
    letters, notes = r.letters.count(), Message.objects.filter(request=r).count()
    calls = [lambda: transition(r.pk, "fulfil", actor=person)]
    if role == NONE:
        calls += [
            lambda: triage.request_assign(request_id=r.pk, assignee=colleague, actor=person),
            lambda: triage.request_note_add(request_id=r.pk, body="x", actor=person),
            lambda: letter_issue(request=r, kind="acknowledgment", actor=person),
            lambda: transition(r.pk, "ask_subject", actor=person, question="?"),
        ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert DataRequest.objects.get(pk=r.pk).state == State.IN_PROGRESS
    assert (r.letters.count(), Message.objects.filter(request=r).count()) == (letters, notes)
