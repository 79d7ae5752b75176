"""Notifications to subjects and staff.

`notify()` is the one entry point. Each e-mail is three templates under
templates/dsar/emails/: <template>_subject.txt, <template>.txt and <template>.html,
rendered in the recipient's language. Sending happens only after the surrounding
transaction commits.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from .. import sms


def render_email(*, template: str, context: dict, language: str) -> tuple[str, str, str]:
    with translation.override(language):
        subject = render_to_string(f"dsar/emails/{template}_subject.txt", context).strip().replace("\n", " ")
        text = render_to_string(f"dsar/emails/{template}.txt", context)
        html = render_to_string(f"dsar/emails/{template}.html", context)
    return subject, text, html


def notify(*, key: str, channel: str, to: str, template: str, context: dict, language: str,
           request=None) -> None:
    """Send one notification once, after commit. `key` names it uniquely (e.g. "ack:<request id>")."""

    def deliver():
        if channel == "sms":
            with translation.override(language):
                body = render_to_string(f"dsar/sms/{template}.txt", context).strip()
            sms.send_sms(to=to, body=body)
            return
        subject, text, html = render_email(template=template, context=context, language=language)
        message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
        message.attach_alternative(html, "text/html")
        message.send()

    transaction.on_commit(deliver)
