"""Every e-mail template, text and HTML, in kk/ru/en, rendered from its outbox row exactly as delivery
sends it. The rows are made by the real code paths (portal, workflow, sweep, digest)."""

import html
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import formats, timezone, translation

from dsar.kinds import Kind
from dsar.letters.services import letter_issue
from dsar.models import CalendarOverride, DataRequest, LetterKind, Notification, Policy, Role
from dsar.models.channels import Channel
from dsar.models.portal import CodePurpose
from dsar.services.calendar import calendar_override_changed, calendars_before
from dsar.services.channels import request_record_staff
from dsar.services.checkpoints import checkpoint_sign
from dsar.services.notifications import notification_deliver
from dsar.services.subject import identity_confirm, request_submit, status_link_resend
from dsar.services.sweep import digests_send, sweep_run
from dsar.services.transitions import transition
from dsar.services.verification import code_issue
from tests.factories import OperatorFactory, make_request, staff_user

pytestmark = pytest.mark.django_db

ALMATY = ZoneInfo("Asia/Almaty")
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=ALMATY)
# Quotes, an ampersand and angle brackets: what HTML escaping would mangle in plain text.
NAME = 'Kazdream "Qazaq" & <Co>'
ENTITIES = re.compile(r"&(quot|amp|lt|gt|#x?[0-9a-fA-F]+);")
# Staff e-mails driven by their own tests: the operator's integrations (dsar/webhooks) in tests/webhooks;
# staff_security in tests/admin/test_enrolment.py (enrolment, recovery codes, resets); letter_failed in
# tests/letters/test_tasks.py (a letter that failed its last attempt).
NOT_DRIVEN_HERE = {"system_job_escalation", "webhook_disabled", "staff_security", "letter_failed"}
# The signing certificate's e-mails: tests/letters/test_signing_delivery.py.
NOT_DRIVEN_HERE |= {"signing_blocked", "signing_escalated", "signing_expiry"}
TEMPLATES = sorted(
    {
        p.name.split(".")[0].removesuffix("_subject")
        for p in (Path(settings.BASE_DIR) / "templates/dsar/emails").glob("[!_]*.txt")
    }
)


def deliver(row: Notification):
    """Send the stored row the way the delivery task does; the message as it left."""
    before = len(mail.outbox)
    assert notification_deliver(notification_id=row.pk) is True
    assert len(mail.outbox) == before + 1
    return mail.outbox[-1]


def code_from(message) -> str:
    return re.search(r"\b(\d{6})\b", message.subject).group(1)


def make_rows(language: str) -> DataRequest:
    """Drive the product so that it records one or more rows of every e-mail template, in `language`."""
    operator = OperatorFactory(
        short_name=NAME,
        name_en=f"{NAME} LLP",
        name_ru=f"ТОО {NAME}",
        name_kk=f"{NAME} ЖШС",
        default_language=language,
        languages=["kk", "ru", "en"],
    )
    manager = staff_user(operator, Role.MANAGER, first_name="Aigerim", last_name="O'Neil")
    staff_user(operator, Role.DPO)
    Policy.objects.create(
        operator=operator,
        kind=Kind.CLAIM,
        deadline_n=30,
        deadline_unit="calendar_days",
        extension_allowed=True,
        extension_max_n=15,
    )
    Policy.objects.create(
        operator=operator, kind=Kind.ACCESS, deadline_n=3, deadline_unit="working_days", clarification_timeout_days=6
    )
    fields = dict(
        kind=Kind.CLAIM,
        language=language,
        subject_name="Dana O'Hara",
        subject_email="dana@example.kz",
        subject_phone="+77011234567",
    )
    submitted = request_submit(operator=operator, fields=fields, evidence=[], authority=[], now=MONDAY)
    request = submitted.request
    code = code_from(deliver(Notification.objects.get(request=request, template="portal_code")))
    identity_confirm(request=request, codes={"email": code}, token=submitted.token, now=MONDAY)
    request = DataRequest.objects.get(pk=request.pk)
    code_issue(request=request, purpose=CodePurpose.STATUS)
    code_issue(request=request, purpose=CodePurpose.DOWNLOAD)
    status_link_resend(reference=request.reference, email="dana@example.kz")
    transition(request.pk, "start_work", actor=manager, now=MONDAY)
    transition(request.pk, "ask_subject", actor=manager, question="Which order?", now=MONDAY)
    transition(request.pk, "resume", actor=manager, now=MONDAY + timedelta(hours=1))
    transition(
        request.pk,
        "extend",
        actor=manager,
        new_due=request.due_at + timedelta(days=3),
        reason="Archive",
        now=MONDAY + timedelta(hours=2),
    )
    letter_issue(request=DataRequest.objects.get(pk=request.pk), kind=LetterKind.CLARIFICATION, actor=manager)
    # Answered, closed; a reminder to confirm; a reminder to answer; staff reminders, escalation, digest.
    answered = make_request(operator, kind=Kind.ACCESS, language=language, now=MONDAY)
    transition(answered.pk, "confirm_identity", now=MONDAY)
    transition(answered.pk, "start_work", actor=manager, now=MONDAY)
    transition(answered.pk, "fulfil", actor=manager, now=MONDAY)
    closed = make_request(operator, kind=Kind.ACCESS, language=language, now=MONDAY)
    transition(closed.pk, "confirm_identity", now=MONDAY)
    transition(closed.pk, "withdraw", now=MONDAY)
    make_request(operator, kind=Kind.ACCESS, language=language, now=MONDAY)
    waiting = make_request(operator, kind=Kind.ACCESS, language=language, now=MONDAY)
    transition(waiting.pk, "confirm_identity", now=MONDAY)
    transition(waiting.pk, "ask_subject", actor=manager, question="?", now=MONDAY)
    late = make_request(operator, kind=Kind.RECTIFICATION, language=language, now=MONDAY)
    transition(late.pk, "confirm_identity", now=MONDAY)
    transition(late.pk, "start_work", actor=manager, now=MONDAY)
    unassigned = make_request(operator, kind=Kind.RECTIFICATION, language=language, now=MONDAY)
    transition(unassigned.pk, "confirm_identity", now=MONDAY)
    # A paper request recorded by staff, whose codes go by e-mail.
    request_record_staff(
        operator=operator,
        fields=dict(
            kind=Kind.ACCESS,
            language=language,
            subject_name="Dana O'Hara",
            subject_email="dana@example.kz",
            subject_phone="+77011234567",
        ),
        channel=Channel.PAPER,
        received_at=MONDAY,
        actor=manager,
        identity="code",
        now=MONDAY,
    )
    # A decree day off moves the open requests' deadlines; the subject is told.
    before = calendars_before(operator_id=operator.pk)
    CalendarOverride.objects.create(operator=operator, date=date(2026, 3, 4), is_working_day=False, note="Decree")
    calendar_override_changed(before=before, days={date(2026, 3, 4)}, now=MONDAY)
    checkpoint_sign(operator_id=operator.pk, now=MONDAY)
    moment = MONDAY
    while moment < MONDAY + timedelta(days=8):
        sweep_run(now=moment)
        moment += timedelta(hours=1)
    digests_send(now=datetime(2026, 3, 10, 8, 0, tzinfo=ALMATY))
    return request


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_it_renders_every_e_mail_template_from_its_outbox_row_as_delivered(language, settings):
    settings.LANGUAGE_CODE = "en"  # the worker's language is not the recipient's
    with time_machine.travel(MONDAY, tick=False):
        request = make_rows(language)
    rows = list(Notification.objects.filter(status=Notification.Status.PENDING, channel="email").order_by("pk"))
    assert {r.template for r in rows} | {"portal_code"} | NOT_DRIVEN_HERE == set(TEMPLATES), (
        "every template must be exercised"
    )
    sent = {}
    for row in rows:
        message = sent[row.pk] = deliver(row)
        body, page = message.body, message.alternatives[0][0]
        assert message.alternatives[0][1] == "text/html"
        for part in (message.subject, body, page):
            assert "{{" not in part and "{%" not in part and "None" not in part, (row.template, part)
        # Plain text is never HTML-escaped; the HTML escapes what it must.
        assert not ENTITIES.search(message.subject + body), (row.template, message.subject, body)
        assert "<Co>" not in page
        if html.escape(NAME) in page:
            assert NAME in message.subject + body, f"{row.template}: the operator's name is missing or mangled"
        assert row.language == language

    # The acknowledgment keeps its due date through the outbox, formatted in the subject's language.
    ack = next(sent[r.pk] for r in rows if r.template == "portal_acknowledgment")
    due = DataRequest.objects.get(pk=request.pk).original_due_at
    with translation.override(language), timezone.override(ALMATY):
        expected = formats.date_format(timezone.localtime(due), "DATETIME_FORMAT")
    assert expected in ack.body and html.escape(expected) in ack.alternatives[0][0], (expected, ack.body)
