"""What a delivered notification says and who it comes from: rendered from the stored outbox row, in
the recipient's language and the operator's time zone, whatever the worker's own language and zone."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone, translation

from dsar import sms
from dsar.services.notifications import notification_deliver, notify, render_email

pytestmark = pytest.mark.django_db

# 18:00 in Almaty (UTC+5) is 22:00 in Tokyo (UTC+9).
DUE = datetime(2026, 3, 31, 18, 0, tzinfo=ZoneInfo("Asia/Almaty"))
ACK = {
    "reference": "QZT-2026-000001",
    "status_url": "https://dsar.example.kz/r/abc/?a=1&b=2",
    "operator_name": "ТОО Qazeta",
    "kind": "access",
    "in_hours": False,
}


def delivered(*, key: str, template: str, context: dict, language: str, to: str = "dana@example.kz"):
    """Record a row, deliver it from a worker that runs in English and UTC; the message as it left."""
    row = notify(key=key, channel="email", to=to, template=template, context=context, language=language)
    before = len(mail.outbox)
    with translation.override("en"), timezone.override("UTC"):
        assert notification_deliver(notification_id=row.pk) is True
    assert len(mail.outbox) == before + 1
    return mail.outbox[-1]


def test_it_writes_the_e_mail_in_the_recipient_s_language_not_the_worker_s():
    message = delivered(key="ack-kk", template="portal_acknowledgment", context=ACK, language="kk")

    assert message.subject == "QZT-2026-000001 өтініші қабылданды"
    assert "Тіркеу нөмірі: QZT-2026-000001" in message.body and "Тіркеу нөмірі" in message.alternatives[0][0]


def test_it_writes_the_due_date_in_the_operator_s_time_zone():
    message = delivered(
        key="ack-tokyo",
        template="portal_acknowledgment",
        context=ACK | {"due_at": DUE, "tz": "Asia/Tokyo"},
        language="en",
    )

    assert "Answer due by: 31 March 2026, 22:00" in message.body
    assert "31 March 2026, 22:00" in message.alternatives[0][0]


def test_it_writes_the_due_date_in_the_site_s_time_zone_when_the_operator_gave_none():
    message = delivered(
        key="ack-almaty", template="portal_acknowledgment", context=ACK | {"due_at": DUE}, language="en"
    )

    assert "Answer due by: 31 March 2026, 18:00" in message.body


def test_it_leaves_a_missing_due_date_out():
    message = delivered(
        key="ack-no-due", template="portal_acknowledgment", context=ACK | {"due_at": None}, language="en"
    )

    assert "Answer due by" not in message.body and ACK["reference"] in message.body


def test_it_keeps_a_moment_already_written_out_as_the_sender_wrote_it():
    """Only `_at` values are turned back into dates; `until_local` is text the sender formatted."""
    context = {
        "reference": "QZT-2026-000001",
        "operator_name": "ТОО Qazeta",
        "until_local": "2026-03-09 10:00",
        "confirm_url": "https://dsar.example.kz/c/x/",
    }
    message = delivered(key="reminder", template="subject_identity_reminder", context=context, language="en")

    assert "before 2026-03-09 10:00." in message.body


def test_the_html_part_carries_the_same_facts_escaped_and_the_text_part_unescaped():
    message = delivered(key="ack-html", template="portal_acknowledgment", context=ACK, language="en")

    page, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "<strong>QZT-2026-000001</strong>" in page
    assert 'href="https://dsar.example.kz/r/abc/?a=1&amp;b=2"' in page
    assert "https://dsar.example.kz/r/abc/?a=1&b=2" in message.body


def test_it_sends_from_the_site_s_address_to_the_recipient_only(settings):
    settings.DEFAULT_FROM_EMAIL = "Qazeta DSAR <dsar@qazeta.kz>"
    message = delivered(key="ack-from", template="portal_acknowledgment", context=ACK, language="ru", to="a@b.kz")

    assert message.from_email == "Qazeta DSAR <dsar@qazeta.kz>"
    assert message.to == ["a@b.kz"] and message.cc == [] and message.bcc == []
    assert message.subject == "Запрос QZT-2026-000001 принят"


def test_a_subject_written_on_several_lines_is_sent_as_one(settings, tmp_path):
    """A newline in a subject would break the mail header; an operator may edit the templates."""
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    folder = tmp_path / "dsar" / "emails"
    folder.mkdir(parents=True)
    (folder / "t-multi_subject.txt").write_text("\n  Request {{ reference }}\nreceived\n\n")
    (folder / "t-multi.txt").write_text("Text {{ reference }}")
    (folder / "t-multi.html").write_text("<p>{{ reference }}</p>")

    subject, text, page = render_email(template="t-multi", context={"reference": "QZT-1"}, language="en")

    assert (subject, text, page) == ("Request QZT-1 received", "Text QZT-1", "<p>QZT-1</p>")


def test_it_writes_the_sms_in_the_recipient_s_language():
    sms.outbox.clear()
    context = {"code": "123456", "operator_name": "ТОО Qazeta", "minutes": 15}
    row = notify(key="sms-ru", channel="sms", to="+77011234567", template="portal_code", context=context, language="ru")
    with translation.override("en"):
        assert notification_deliver(notification_id=row.pk) is True

    assert sms.outbox == [
        {
            "to": "+77011234567",
            "body": "Код 123456 для подтверждения запроса о персональных данных в ТОО Qazeta. "
            "Действует 15 мин. Никому не сообщайте.",
        }
    ]
