"""Assignment, bulk actions, duplicate hints, notes: the services and their admin screens."""

import pytest
from django.core.exceptions import PermissionDenied

from dsar.models import DataRequest, Event, Message
from dsar.selectors import duplicate_candidates
from dsar.services import triage
from dsar.workflow import TransitionInputError
from tests.admin.conftest import in_state, otp_login


def test_it_assigns_and_reassigns_with_one_event_each(op_a, worker_a, dpo_a):
    request_obj = in_state(op_a, worker_a, "received")
    triage.request_assign(request_id=request_obj.pk, assignee=worker_a, actor=dpo_a)
    triage.request_assign(request_id=request_obj.pk, assignee=worker_a, actor=dpo_a)  # no change, no event
    triage.request_assign(request_id=request_obj.pk, assignee=dpo_a, actor=dpo_a)
    events = list(Event.objects.filter(request=request_obj, action="assigned").order_by("seq"))
    assert [(e.data["from"], e.data["to"]) for e in events] == [(None, worker_a.pk), (worker_a.pk, dpo_a.pk)]
    assert DataRequest.objects.get(pk=request_obj.pk).assignee == dpo_a


def test_it_refuses_an_assignee_from_another_operator(op_a, worker_a, worker_b):
    request_obj = in_state(op_a, worker_a, "received")
    with pytest.raises(TransitionInputError):
        triage.request_assign(request_id=request_obj.pk, assignee=worker_b, actor=worker_a)
    with pytest.raises(PermissionDenied):
        triage.request_assign(request_id=request_obj.pk, assignee=worker_b, actor=worker_b)
    assert DataRequest.objects.get(pk=request_obj.pk).assignee_id is None


def test_it_assigns_from_the_request_page(client_a, worker_a, op_a):
    request_obj = in_state(op_a, worker_a, "received")
    response = client_a.post(f"/admin/dsar/datarequest/{request_obj.pk}/assign/", {"assignee": worker_a.pk})
    assert response.status_code == 302
    assert DataRequest.objects.get(pk=request_obj.pk).assignee == worker_a


def test_it_bulk_assigns_all_or_nothing(client_a, op_a, worker_a, dpo_a):
    first, second = in_state(op_a, worker_a, "received"), in_state(op_a, worker_a, "received")
    page = client_a.post(
        "/admin/dsar/datarequest/", {"action": "assign_selected", "_selected_action": [first.pk, second.pk]}
    )
    assert page.status_code == 200 and first.reference in page.content.decode()
    client_a.post(
        "/admin/dsar/datarequest/",
        {"action": "assign_selected", "apply": "1", "assignee": dpo_a.pk, "_selected_action": [first.pk, second.pk]},
    )
    assert set(DataRequest.objects.filter(pk__in=[first.pk, second.pk]).values_list("assignee", flat=True)) == {
        dpo_a.pk
    }


def test_it_bulk_closes_duplicates_with_a_link_to_the_original(client_a, op_a, worker_a):
    original = in_state(op_a, worker_a, "in_progress")
    dupes = [in_state(op_a, worker_a, "received"), in_state(op_a, worker_a, "awaiting_identity")]
    response = client_a.post(
        "/admin/dsar/datarequest/",
        {
            "action": "close_selected_as_duplicate",
            "apply": "1",
            "original": original.reference.lower(),
            "_selected_action": [d.pk for d in dupes],
        },
        follow=True,
    )
    for d in dupes:
        closed = DataRequest.objects.get(pk=d.pk)
        assert (closed.state, closed.duplicate_of_id) == ("duplicate", original.pk)
    message = str(list(response.context["messages"])[-1])
    assert original.reference in message and f"/{original.pk}/change/" in message


def test_it_closes_nothing_when_one_duplicate_cannot_be_closed(client_a, op_a, worker_a):
    original = in_state(op_a, worker_a, "in_progress")
    # Blocked data is open but past the point where it can be called a duplicate.
    ok, blocked = in_state(op_a, worker_a, "received"), in_state(op_a, worker_a, "blocked", kind="blocking")
    response = client_a.post(
        "/admin/dsar/datarequest/",
        {
            "action": "close_selected_as_duplicate",
            "apply": "1",
            "original": original.reference,
            "_selected_action": [ok.pk, blocked.pk],
        },
        follow=True,
    )
    assert "Nothing was closed" in str(list(response.context["messages"])[-1])
    assert DataRequest.objects.get(pk=ok.pk).state == "received"
    assert DataRequest.objects.get(pk=blocked.pk).state == "blocked"


def test_it_hints_at_open_duplicates_by_email_phone_or_iin(op_a, op_b, worker_a, worker_b):
    request_obj = in_state(
        op_a,
        worker_a,
        "received",
        subject_email="dana@example.kz",
        subject_phone="+77010000001",
        subject_iin="900101300123",
    )
    by_email = in_state(op_a, worker_a, "received", subject_email="DANA@example.kz", subject_phone="+77010000009")
    by_phone = in_state(op_a, worker_a, "in_progress", subject_email="x@example.kz", subject_phone="+77010000001")
    by_iin = in_state(
        op_a, worker_a, "received", subject_email="y@example.kz", subject_phone="", subject_iin="900101300123"
    )
    in_state(op_a, worker_a, "fulfilled", subject_email="dana@example.kz")  # closed: not a hint
    in_state(op_b, worker_b, "received", subject_email="dana@example.kz")  # another operator: never
    in_state(op_a, worker_a, "received", subject_email="z@example.kz", subject_phone="+77010000002")
    assert {r.pk for r in duplicate_candidates(request_obj)} == {by_email.pk, by_phone.pk, by_iin.pk}


def test_it_shows_duplicate_hints_on_the_request_page(client_a, op_a, worker_a):
    request_obj = in_state(op_a, worker_a, "received", subject_email="dana@example.kz")
    twin = in_state(op_a, worker_a, "received", subject_email="dana@example.kz")
    body = client_a.get(f"/admin/dsar/datarequest/{request_obj.pk}/change/").content.decode()
    assert "Possible duplicates" in body and twin.reference in body


def test_it_keeps_internal_notes_from_the_subject(client_a, op_a, worker_a):
    request_obj = in_state(op_a, worker_a, "received")
    client_a.post(f"/admin/dsar/datarequest/{request_obj.pk}/note/", {"body": "Called the branch office."})
    note = Message.objects.get(request=request_obj)
    assert (note.channel, note.author, note.body) == ("internal", worker_a, "Called the branch office.")
    event = Event.objects.get(request=request_obj, action="note_added")
    assert not event.public
    assert (
        "Called the branch office."
        in client_a.get(f"/admin/dsar/datarequest/{request_obj.pk}/change/").content.decode()
    )


def test_it_refuses_an_empty_note(op_a, worker_a):
    request_obj = in_state(op_a, worker_a, "received")
    with pytest.raises(TransitionInputError):
        triage.request_note_add(request_id=request_obj.pk, body="  ", actor=worker_a)
    assert not Message.objects.filter(request=request_obj).exists()


def test_it_shows_the_timeline_and_the_letter_button(client_a, op_a, worker_a):
    request_obj = in_state(op_a, worker_a, "awaiting_subject")
    body = client_a.get(f"/admin/dsar/datarequest/{request_obj.pk}/change/").content.decode()
    assert "Ask the subject" in body and "Start work" in body  # timeline labels, not buttons, in this state
    assert "Issue a letter" in body


def test_it_lists_queues_on_the_admin_front_page(client, dpo_a, op_a):
    in_state(op_a, dpo_a, "awaiting_subject")
    otp_login(client, dpo_a)
    body = client.get("/admin/").content.decode()
    assert "?queue=overdue" in body and "?queue=awaiting_subject" in body
    assert client.get("/admin/").context["queues"][5] == ("awaiting_subject", "Awaiting the subject", 1)


def test_it_issues_a_letter_from_the_request_page_once_committed(
    client_a, op_a, worker_a, django_capture_on_commit_callbacks
):
    from dsar.models import Letter

    request_obj = in_state(op_a, worker_a, "in_progress")
    before = set(Letter.objects.filter(request=request_obj).values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(f"/admin/dsar/datarequest/{request_obj.pk}/issue-letter/", {"kind": "clarification"})
    assert response.status_code == 302
    letter = Letter.objects.filter(request=request_obj).exclude(pk__in=before).get()
    assert (letter.kind, letter.status, letter.issued_by) == ("clarification", "ready", worker_a)
    assert len(letter.sha256) == 64
