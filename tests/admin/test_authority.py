"""Representatives prove their authority before anything is disclosed or changed."""

import hashlib
import os

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django_fsm import TransitionNotAllowed

from dsar.kinds import Kind
from dsar.models import Attachment, AuthorityCheck, DataRequest, Event, Letter, LetterKind, Notification, State
from dsar.services.authority import authority_check_record
from dsar.services.exports import export_create
from dsar.services.transitions import transition
from dsar.workflow import TransitionInputError, available_transitions

from .conftest import in_state, otp_login

REPRESENTATIVE = dict(
    acting_for_other=True,
    representative_name="Asel Nurlanova",
    representative_email="asel@example.kz",
    representative_basis="power_of_attorney",
    subject_email="dana@example.kz",
)
# Steps that disclose or change data (fulfil covers "rectify" for a rectification and the access export).
DISCLOSING = {"fulfil", "partly_fulfil", "answer_no_data", "answer_unfounded", "block", "destroy"}


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }


def with_documents(request):
    stored = []
    for purpose, body in (
        (Attachment.Purpose.AUTHORITY, b"%PDF-1.4 power"),
        (Attachment.Purpose.IDENTITY, b"%PDF-1.4 id"),
        (Attachment.Purpose.EVIDENCE, b"%PDF-1.4 bill"),
    ):
        attachment = Attachment(
            request=request,
            purpose=purpose,
            original_name=f"{purpose}.pdf",
            content_type="application/pdf",
            size=len(body),
            sha256=hashlib.sha256(body).hexdigest(),
            uploaded_by_subject=True,
        )
        attachment.file.save(f"{purpose}.pdf", ContentFile(body), save=True)
        stored.append(attachment)
    return stored


@pytest.mark.parametrize("kind", [Kind.ACCESS, Kind.RECTIFICATION, Kind.BLOCKING, Kind.DESTRUCTION, Kind.CLAIM])
def test_it_offers_and_allows_nothing_that_discloses_or_changes_data_until_the_authority_is_accepted(op_a, dpo_a, kind):
    request = in_state(op_a, dpo_a, "in_progress", kind=kind, **REPRESENTATIVE)
    offered = set(available_transitions(request, dpo_a))
    assert offered.isdisjoint(DISCLOSING) and "refuse" in offered
    for name in DISCLOSING:
        with pytest.raises(TransitionNotAllowed):
            transition(request.pk, name, actor=dpo_a, explanation="x")
    with pytest.raises(PermissionDenied):
        export_create(request=request, actor=dpo_a)
    assert DataRequest.objects.get(pk=request.pk).state == State.IN_PROGRESS

    authority_check_record(
        request_id=request.pk, actor=dpo_a, document="Notarised power of attorney No. 1-234", accepted=True
    )
    request = DataRequest.objects.get(pk=request.pk)
    assert set(available_transitions(request, dpo_a)) & DISCLOSING
    assert available_transitions(request, dpo_a) == available_transitions(
        in_state(op_a, dpo_a, "in_progress", kind=kind), dpo_a
    )  # as for a subject acting in person


def test_it_records_the_check_deletes_the_copies_and_keeps_an_audit_event(
    op_a, dpo_a, django_capture_on_commit_callbacks
):
    request = in_state(op_a, dpo_a, "in_progress", **REPRESENTATIVE)
    authority, identity, evidence = with_documents(request)
    paths = [a.file.path for a in (authority, identity)]
    with django_capture_on_commit_callbacks(execute=True):
        check = authority_check_record(
            request_id=request.pk,
            actor=dpo_a,
            accepted=True,
            document="Notarised power of attorney No. 1-234 of 02.03.2026",
        )
    check = AuthorityCheck.objects.get(pk=check.pk)
    assert (check.checked_by, check.decision, check.documents_deleted) == (dpo_a, "accepted", 2)
    assert check.document == "Notarised power of attorney No. 1-234 of 02.03.2026"
    assert DataRequest.objects.get(pk=request.pk).authority_verified_at == check.checked_at
    assert list(Attachment.objects.filter(request=request)) == [evidence]
    assert not any(os.path.exists(p) for p in paths) and os.path.exists(evidence.file.path)
    events = {e.action: e for e in Event.objects.filter(request=request)}
    assert events["authority_checked"].data == {"check": check.pk, "decision": "accepted"}
    assert events["authority_checked"].actor == dpo_a
    assert sorted(events["identity_documents_deleted"].data["sha256"]) == sorted([authority.sha256, identity.sha256])


def test_it_refuses_on_the_matching_ground_when_the_authority_is_rejected(
    op_a, dpo_a, django_capture_on_commit_callbacks
):
    request = in_state(op_a, dpo_a, "received", **REPRESENTATIVE)
    with_documents(request)
    with django_capture_on_commit_callbacks(execute=True):
        authority_check_record(
            request_id=request.pk,
            actor=dpo_a,
            document="Power of attorney No. 9",
            accepted=False,
            reason="The power of attorney expired on 01.01.2026.",
        )
    request = DataRequest.objects.get(pk=request.pk)
    assert (request.state, request.refusal_ground) == (State.REFUSED, "identity_not_proven")
    assert request.refusal_explanation == "The power of attorney expired on 01.01.2026."
    assert request.authority_verified_at is None
    assert not Attachment.objects.filter(request=request, purpose__in=["authority", "identity"]).exists()
    assert Letter.objects.filter(request=request, kind=LetterKind.REFUSAL).exists()
    assert Notification.objects.filter(
        request=request, to="asel@example.kz", key__contains=":refuse_authority:"
    ).exists()


def test_it_requires_a_document_a_reason_to_reject_and_the_right_to_decide(op_a, dpo_a, worker_b):
    request = in_state(op_a, dpo_a, "in_progress", **REPRESENTATIVE)
    with pytest.raises(TransitionInputError):
        authority_check_record(request_id=request.pk, actor=dpo_a, document=" ", accepted=True)
    with pytest.raises(TransitionInputError):
        authority_check_record(request_id=request.pk, actor=dpo_a, document="POA", accepted=False, reason="")
    with pytest.raises(PermissionDenied):
        authority_check_record(request_id=request.pk, actor=worker_b, document="POA", accepted=True)
    in_person = in_state(op_a, dpo_a, "in_progress")
    with pytest.raises(TransitionInputError):
        authority_check_record(request_id=in_person.pk, actor=dpo_a, document="POA", accepted=True)
    assert not AuthorityCheck.objects.exists()
    authority_check_record(request_id=request.pk, actor=dpo_a, document="POA", accepted=True)
    with pytest.raises(TransitionInputError):  # once accepted, it stays accepted
        authority_check_record(request_id=request.pk, actor=dpo_a, document="POA", accepted=False, reason="x")


def test_it_records_the_check_from_the_request_page(client, op_a, dpo_a):
    request = in_state(op_a, dpo_a, "in_progress", **REPRESENTATIVE)
    otp_login(client, dpo_a)
    page = client.get(f"/admin/dsar/datarequest/{request.pk}/change/").content.decode()
    assert 'id="authority"' in page and 'id="transition-fulfil"' not in page
    response = client.post(
        f"/admin/dsar/datarequest/{request.pk}/authority/",
        {"document": "Birth certificate I-AB 123456", "decision": "rejected", "reason": ""},
    )
    assert response.status_code == 302 and not AuthorityCheck.objects.exists()
    client.post(
        f"/admin/dsar/datarequest/{request.pk}/authority/",
        {"document": "Birth certificate I-AB 123456", "decision": "accepted", "reason": ""},
    )
    assert AuthorityCheck.objects.get().decision == "accepted"
    page = client.get(f"/admin/dsar/datarequest/{request.pk}/change/").content.decode()
    assert "Birth certificate I-AB 123456" in page and 'id="transition-fulfil"' in page
