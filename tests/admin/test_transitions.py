"""Each transition button: only in the right state and role, one event, and nothing without its fields."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from dsar.models import DataRequest, Event, Message, Policy
from dsar.workflow import available_transitions
from tests.admin.conftest import in_state, otp_login
from tests.factories import make_request

# name: (kind, source state, valid input, required field or None, a state where it is not allowed)
CASES = {
    "start_work": ("access", "received", {}, None, "in_progress"),
    "ask_subject": ("access", "in_progress", {"question": "Please send a copy of your ID."}, "question", "fulfilled"),
    "resume": ("access", "awaiting_subject", {}, None, "in_progress"),
    "extend": ("enquiry", "in_progress", {"reason": "Records are in the archive."}, "reason", "received"),
    "fulfil": ("access", "in_progress", {}, None, "received"),
    "partly_fulfil": (
        "access",
        "in_progress",
        {"explanation": "Some records are kept by law."},
        "explanation",
        "received",
    ),
    "refuse": (
        "access",
        "in_progress",
        {"ground": "identity_not_proven", "explanation": "The ID was illegible."},
        "explanation",
        "received",
    ),
    "block": ("blocking", "in_progress", {}, None, "received"),
    "unblock": ("blocking", "blocked", {"explanation": "Shared under the contract."}, "explanation", "in_progress"),
    "destroy": ("destruction", "in_progress", {}, None, "received"),
    "answer_no_data": ("access", "in_progress", {"explanation": "We searched billing and CRM."}, None, "received"),
    "answer_unfounded": (
        "claim",
        "in_progress",
        {"explanation": "Charged as the contract says."},
        "explanation",
        "received",
    ),
    "close_as_duplicate": ("access", "received", {"original": None}, "original", "fulfilled"),
    "withdraw": ("access", "received", {}, None, "fulfilled"),
}


@pytest.fixture
def extension_policy(op_a):
    Policy.objects.update_or_create(
        operator=op_a,
        kind="enquiry",
        defaults={
            "deadline_n": 15,
            "deadline_unit": "calendar_days",
            "extension_allowed": True,
            "extension_max_n": 15,
            "extension_unit": "calendar_days",
        },
    )


def _inputs(name, valid, request_obj, operator, actor):
    data = dict(valid, seen_state=request_obj.state)
    if name == "close_as_duplicate":
        data["original"] = make_request(operator).reference
    if name == "extend":
        data["new_due"] = (timezone.localtime(request_obj.due_at, operator.tz).date() + timedelta(days=5)).isoformat()
    return data


def _events(request_obj):
    return Event.objects.filter(request=request_obj).exclude(action="viewed_personal_data")


@pytest.mark.parametrize("name", CASES)
def test_it_takes_the_transition_and_writes_one_event(client, op_a, dpo_a, extension_policy, name):
    kind, source, valid, _required, _wrong = CASES[name]
    request_obj = in_state(op_a, dpo_a, source, kind=kind)
    otp_login(client, dpo_a)
    page = client.get(f"/admin/dsar/datarequest/{request_obj.pk}/change/").content.decode()
    assert f'id="transition-{name}"' in page
    before = _events(request_obj).count()
    response = client.post(
        f"/admin/dsar/datarequest/{request_obj.pk}/transition/{name}/", _inputs(name, valid, request_obj, op_a, dpo_a)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    after = list(_events(request_obj).order_by("seq"))
    assert len(after) == before + 1
    assert after[-1].action == name and after[-1].actor == dpo_a
    assert after[-1].to_state == DataRequest.objects.get(pk=request_obj.pk).state


@pytest.mark.parametrize("name", [n for n, case in CASES.items() if case[3]])
def test_it_refuses_without_the_required_field(client, op_a, dpo_a, extension_policy, name):
    kind, source, valid, required, _wrong = CASES[name]
    request_obj = in_state(op_a, dpo_a, source, kind=kind)
    otp_login(client, dpo_a)
    data = _inputs(name, valid, request_obj, op_a, dpo_a)
    data[required] = ""
    before = _events(request_obj).count()
    response = client.post(f"/admin/dsar/datarequest/{request_obj.pk}/transition/{name}/", data)
    assert response.status_code == 200
    assert response.context["form"].errors.get(required)
    assert DataRequest.objects.get(pk=request_obj.pk).state == source
    assert _events(request_obj).count() == before


@pytest.mark.parametrize("name", CASES)
def test_it_is_not_offered_or_taken_in_the_wrong_state(client, op_a, dpo_a, extension_policy, name):
    kind, _source, valid, _required, wrong = CASES[name]
    request_obj = in_state(op_a, dpo_a, wrong, kind=kind)
    otp_login(client, dpo_a)
    page = client.get(f"/admin/dsar/datarequest/{request_obj.pk}/change/").content.decode()
    assert f'id="transition-{name}"' not in page
    before = _events(request_obj).count()
    data = (
        _inputs(name, valid, request_obj, op_a, dpo_a)
        if name != "extend" or request_obj.due_at
        else dict(valid, seen_state=request_obj.state, new_due="2030-01-01")
    )
    response = client.post(f"/admin/dsar/datarequest/{request_obj.pk}/transition/{name}/", data, follow=True)
    assert response.status_code == 200
    assert DataRequest.objects.get(pk=request_obj.pk).state == wrong
    assert _events(request_obj).count() == before


@pytest.mark.parametrize("name", ["fulfil", "refuse", "partly_fulfil", "extend"])
def test_it_lets_only_deciders_take_decisions(client, op_a, dpo_a, triage_only_user, extension_policy, name):
    kind, source, valid, _required, _wrong = CASES[name]
    request_obj = in_state(op_a, dpo_a, source, kind=kind)
    assert name not in available_transitions(request_obj, triage_only_user)
    otp_login(client, triage_only_user)
    page = client.get(f"/admin/dsar/datarequest/{request_obj.pk}/change/").content.decode()
    assert f'id="transition-{name}"' not in page
    assert 'id="transition-ask_subject"' in page  # the triage steps stay open to them
    client.post(
        f"/admin/dsar/datarequest/{request_obj.pk}/transition/{name}/", _inputs(name, valid, request_obj, op_a, dpo_a)
    )
    assert DataRequest.objects.get(pk=request_obj.pk).state == source


def test_it_offers_exactly_the_available_transitions(client, op_a, dpo_a):
    request_obj = in_state(op_a, dpo_a, "in_progress", kind="destruction")
    otp_login(client, dpo_a)
    page = client.get(f"/admin/dsar/datarequest/{request_obj.pk}/change/").content.decode()
    shown = {name for name in CASES if f'id="transition-{name}"' in page}
    assert shown == set(available_transitions(request_obj, dpo_a))


def test_it_limits_refusal_grounds_to_the_kind_and_defaults_the_basis(client, op_a, dpo_a):
    request_obj = in_state(op_a, dpo_a, "in_progress", kind="access")
    otp_login(client, dpo_a)
    form = client.get(f"/admin/dsar/datarequest/{request_obj.pk}/transition/refuse/").context["form"]
    assert {c for c, _ in form.fields["ground"].choices if c} == {"identity_not_proven", "other"}
    response = client.post(
        f"/admin/dsar/datarequest/{request_obj.pk}/transition/refuse/",
        {"seen_state": "in_progress", "ground": "law_requires_keeping", "explanation": "x"},
    )
    assert response.status_code == 200 and response.context["form"].errors.get("ground")
    client.post(
        f"/admin/dsar/datarequest/{request_obj.pk}/transition/refuse/",
        {"seen_state": "in_progress", "ground": "identity_not_proven", "explanation": "The ID was illegible."},
    )
    refused = DataRequest.objects.get(pk=request_obj.pk)
    assert (refused.state, refused.refusal_ground, refused.refusal_basis) == (
        "refused",
        "identity_not_proven",
        "Law No. 94-V, art. 24",
    )


def test_it_tells_the_subject_there_is_a_question_without_putting_it_in_the_e_mail(
    client, op_a, dpo_a, django_capture_on_commit_callbacks
):
    request_obj = in_state(op_a, dpo_a, "in_progress", subject_email="dana@example.kz")
    otp_login(client, dpo_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/admin/dsar/datarequest/{request_obj.pk}/transition/ask_subject/",
            {"seen_state": "in_progress", "question": "Which account number?"},
        )
    assert DataRequest.objects.get(pk=request_obj.pk).state == "awaiting_subject"
    message = Message.objects.get(request=request_obj, channel=Message.Channel.TO_SUBJECT)
    assert message.body == "Which account number?"
    assert [m.to for m in mail.outbox] == [["dana@example.kz"]]
    assert "Which account number?" not in mail.outbox[0].body
    assert "/r/" in mail.outbox[0].body  # a fresh link to the private status page


def test_it_refuses_an_extension_beyond_the_policy(client, op_a, dpo_a, extension_policy):
    request_obj = in_state(op_a, dpo_a, "in_progress", kind="enquiry")
    otp_login(client, dpo_a)
    too_late = (timezone.localtime(request_obj.due_at, op_a.tz).date() + timedelta(days=40)).isoformat()
    response = client.post(
        f"/admin/dsar/datarequest/{request_obj.pk}/transition/extend/",
        {"seen_state": "in_progress", "new_due": too_late, "reason": "Archive"},
    )
    assert response.status_code == 200 and response.context["form"].errors.get("new_due")
    assert DataRequest.objects.get(pk=request_obj.pk).due_at == request_obj.due_at


def test_it_shows_a_concurrent_change_as_a_message(client, op_a, dpo_a, worker_a):
    request_obj = in_state(op_a, dpo_a, "in_progress")
    otp_login(client, dpo_a)
    # Someone else fulfils it while our refusal form is open.
    from dsar.services.transitions import transition

    transition(request_obj.pk, "fulfil", actor=worker_a)
    response = client.post(
        f"/admin/dsar/datarequest/{request_obj.pk}/transition/refuse/",
        {"seen_state": "in_progress", "ground": "identity_not_proven", "explanation": "x"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Someone else has just moved this request" in str(list(response.context["messages"])[0])
    assert DataRequest.objects.get(pk=request_obj.pk).state == "fulfilled"
