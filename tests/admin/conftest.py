import pytest
from django.core.files.base import ContentFile

from dsar.models import Attachment, DataRequest, Letter, Message, Policy, Role
from dsar.services.transitions import transition
from tests.factories import OperatorFactory, UserFactory, make_request, otp_login, staff_user  # noqa: F401


def advance(request, *steps, actor=None, **fields):
    """Take a fresh request through workflow steps (confirm_identity as the subject, the rest as `actor`)."""
    for step in steps:
        transition(request.pk, step, actor=None if step == "confirm_identity" else actor, **fields.get(step, {}))
    return DataRequest.objects.get(pk=request.pk)


def in_state(operator, actor, state: str, *, kind="access", **fields) -> DataRequest:
    request = make_request(operator, kind=kind, **fields)
    path = {
        "awaiting_identity": [],
        "received": ["confirm_identity"],
        "in_progress": ["confirm_identity", "start_work"],
        "awaiting_subject": ["confirm_identity", "start_work", "ask_subject"],
        "blocked": ["confirm_identity", "start_work", "block"],
        "fulfilled": ["confirm_identity", "start_work", "fulfil"],
    }[state]
    return advance(request, *path, actor=actor, ask_subject={"question": "Send your ID."})


@pytest.fixture
def op_a(db):
    return OperatorFactory(short_name="Alpha")


@pytest.fixture
def op_b(db):
    return OperatorFactory(short_name="Bravo")


@pytest.fixture
def dpo_a(op_a):
    return staff_user(op_a, Role.DPO, username="alpha-dpo")


@pytest.fixture
def worker_a(op_a):
    return staff_user(op_a, Role.CASEWORKER, username="alpha-cw", first_name="Aigerim", last_name="Alpha")


@pytest.fixture
def worker_b(op_b):
    return staff_user(op_b, Role.CASEWORKER, username="bravo-cw")


@pytest.fixture
def client_a(client, worker_a):
    return otp_login(client, worker_a)


@pytest.fixture
def triage_only_user(op_a):
    """Can work on requests but not decide them, and may not see personal data: an intake assistant."""
    return staff_user(op_a, Role.ASSISTANT, username="alpha-triage")


@pytest.fixture
def b_objects(op_b, worker_b):
    """One of everything at operator B."""
    from dsar.models import CalendarOverride, Event, Membership

    request = in_state(
        op_b,
        worker_b,
        "in_progress",
        subject_name="Bolat Bravo",
        subject_email="bolat@bravo.kz",
        subject_phone="+77019998877",
    )
    message = Message.objects.create(request=request, channel=Message.Channel.INTERNAL, body="B secret note")
    attachment = Attachment(
        request=request,
        purpose=Attachment.Purpose.IDENTITY,
        original_name="b-passport.pdf",
        content_type="application/pdf",
        size=3,
        sha256="0" * 64,
    )
    attachment.file.save("x", ContentFile(b"PDF"), save=True)
    letter = Letter(
        request=request,
        kind="acknowledgment",
        number="B-1",
        language="ru",
        status="ready",
        verification_code="BVERIFY0001",
    )
    letter.file.save("x.pdf", ContentFile(b"%PDF-"), save=True)
    return {
        "request": request,
        "message": message,
        "attachment": attachment,
        "letter": letter,
        "event": Event.objects.filter(request=request).first(),
        "operator": op_b,
        "policy": Policy.objects.filter(operator=op_b).first()
        or Policy.objects.create(operator=op_b, kind="access", deadline_n=3, deadline_unit="working_days"),
        "membership": Membership.objects.get(user=worker_b),
        "override": CalendarOverride.objects.create(operator=op_b, date="2026-12-31", is_working_day=False, note="B"),
    }
