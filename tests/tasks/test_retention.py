from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from dsar.models import Attachment, DataRequest, Event, Message, Notification, State
from dsar.models.events import verify_chain
from dsar.services.retention import RetentionError, exports_purge, request_purge
from dsar.services.transitions import transition
from tests.factories import make_request
from tests.tasks.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    return tmp_path


def _attach(request, purpose="evidence"):
    attachment = Attachment(
        request=request,
        purpose=purpose,
        original_name="passport.pdf",
        content_type="application/pdf",
        size=4,
        sha256="0" * 64,
    )
    attachment.file.save("x", ContentFile(b"%PDF"), save=True)
    return attachment


def _closed_request(operator, staff):
    request = make_request(
        operator,
        now=at(2026, 3, 2, 10, 0),
        subject_name="Dana Serikova",
        subject_iin="",
        description="Send me everything about me",
    )
    transition(request.pk, "confirm_identity", now=at(2026, 3, 2, 10, 5))
    transition(request.pk, "start_work", actor=staff["caseworker"], now=at(2026, 3, 2, 11, 0))
    transition(
        request.pk,
        "refuse",
        actor=staff["manager"],
        ground="other",
        basis="Law No. 94-V",
        explanation="Dana Serikova, we hold nothing",
        note="Called Dana on +77011234567",
        now=at(2026, 3, 3, 9, 0),
    )
    Message.objects.create(request=request, channel="from_subject", body="My new address is ...")
    return DataRequest.objects.get(pk=request.pk)


def test_it_removes_personal_data_and_keeps_the_proof(
    operator, staff, private_storage, django_capture_on_commit_callbacks
):
    request = _closed_request(operator, staff)
    attachment = _attach(request)
    Notification.objects.create(
        key="k",
        channel="email",
        to="dana@example.kz",
        template="t",
        language="ru",
        context={"name": "Dana"},
        request=request,
    )

    with django_capture_on_commit_callbacks(execute=True):
        purged = request_purge(request_id=request.pk, now=at(2029, 3, 4, 0, 0))

    assert (purged.subject_name, purged.subject_email, purged.subject_phone, purged.description) == ("", "", "", "")
    assert purged.refusal_explanation == ""
    assert (purged.reference, purged.kind, purged.state, purged.outcome) == (
        request.reference,
        "access",
        State.REFUSED,
        "refused",
    )
    assert (purged.received_at, purged.due_at, purged.answered_at) == (
        request.received_at,
        request.due_at,
        request.answered_at,
    )
    assert purged.refusal_ground == "other" and purged.purged_at == at(2029, 3, 4, 0, 0)
    assert not Message.objects.filter(request=request).exists()
    assert not Attachment.objects.filter(request=request).exists()
    assert not default_storage.exists(attachment.file.name)
    assert Notification.objects.get(key="k").to == ""
    assert not Event.objects.filter(request=request, note__contains="Dana").exists()
    assert Event.objects.filter(request=request, redacted=True).count() >= 4
    assert verify_chain(operator.pk) is None
    assert purged.events.filter(action="purged").exists()


def test_it_refuses_to_purge_an_open_request(operator):
    request = make_request(operator)
    with pytest.raises(RetentionError):
        request_purge(request_id=request.pk)
    assert DataRequest.objects.get(pk=request.pk).subject_name == "Dana Serikova"


def test_it_purges_through_the_sweep_after_the_retention_period(operator, staff, sweep, private_storage):
    request = _closed_request(operator, staff)
    due = request.last_contact_at + timedelta(days=operator.retention_days)
    assert request.next_action_at == due

    sweep(due - timedelta(seconds=1))
    assert DataRequest.objects.get(pk=request.pk).subject_name == "Dana Serikova"
    sweep(due)
    request = DataRequest.objects.get(pk=request.pk)
    assert request.subject_name == "" and request.next_action_at is None
    assert verify_chain(operator.pk) is None


def test_it_deletes_old_exports_only(operator, private_storage, settings, django_capture_on_commit_callbacks):
    settings.DSAR_EXPORT_TTL_HOURS = 24
    request = make_request(operator)
    old, fresh, evidence = _attach(request, "export"), _attach(request, "export"), _attach(request)
    Attachment.objects.filter(pk__in=[old.pk, evidence.pk]).update(created_at=at(2020, 1, 1, 0, 0))

    with django_capture_on_commit_callbacks(execute=True):
        assert exports_purge() == 1

    assert set(Attachment.objects.values_list("pk", flat=True)) == {fresh.pk, evidence.pk}
    assert not default_storage.exists(old.file.name) and default_storage.exists(fresh.file.name)


def test_it_lists_the_redacted_events_in_the_purge_event_and_keeps_signed_checkpoints_valid(
    operator, staff, private_storage
):
    from dsar.services.checkpoints import checkpoint_sign

    request = _closed_request(operator, staff)
    checkpoint_sign(operator_id=operator.pk)  # signed before the purge: the purge must not break it
    seqs = sorted(Event.objects.filter(request=request).values_list("seq", flat=True))

    request_purge(request_id=request.pk, now=at(2029, 3, 4, 0, 0))

    purge = Event.objects.get(request=request, action="purged")
    assert purge.data == {"redacted": seqs}
    assert set(Event.objects.filter(request=request, redacted=True).values_list("seq", flat=True)) == set(seqs)
    assert not Event.objects.filter(redacted=True).exclude(note="", data={}).exists()
    assert verify_chain(operator.pk) is None
    checkpoint_sign(operator_id=operator.pk)
    assert verify_chain(operator.pk) is None
