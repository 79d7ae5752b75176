"""E-mails to the requester (the subject, or their representative): news with a status link.

Kept apart from `services.subject` (what the subject does) so that letters and transitions can
tell the requester of news without depending on the subject's own actions.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from ..models import DataRequest
from ..notices import ACKNOWLEDGMENT_EMAIL, EXPIRED_EMAIL, notice_due
from .notifications import notify
from .verification import status_link_create


def status_url(*, token: str, language: str) -> str:
    with translation.override(language):
        path = reverse("portal:status", kwargs={"token": token})
    return settings.DSAR_PUBLIC_BASE_URL.rstrip("/") + path


def on_behalf_of(request: DataRequest) -> str:
    """The subject's name when a representative receives the mail, else empty."""
    return request.subject_name if request.acting_for_other and request.representative_email else ""


def requester_mail(*, request: DataRequest, key: str, template: str, token: str, **context) -> None:
    """One e-mail to the requester (the representative, if any), in their language, carrying a status-page link."""
    notify(
        key=key,
        channel="email",
        to=request.requester_email,
        template=template,
        context={
            "reference": request.reference,
            "status_url": status_url(token=token, language=request.language),
            "on_behalf_of": on_behalf_of(request),
            **context,
        },
        language=request.language,
        request=request,
    )


def acknowledgment_send(*, request: DataRequest, token: str) -> None:
    # due_at is stored as an ISO string in the outbox row and turned back into a datetime when the
    # e-mail is rendered (notifications.render_email), so the template's `date` filter can format it
    # in the operator's time zone (`tz`).
    requester_mail(
        request=request,
        key=f"ack:{request.pk}",
        template=ACKNOWLEDGMENT_EMAIL,
        token=token,
        operator_name=request.operator.legal_name(request.language),
        kind=request.kind,
        due_at=request.due_at,
        tz=request.operator.timezone,
        in_hours=request.in_hours,
    )


def subject_update_notify(*, request: DataRequest, transition_name: str) -> None:
    """E-mail the requester that there is news, with a fresh link to the private page.

    Which transitions send which e-mail is the table in dsar/notices.py. The e-mail says only what
    kind of news it is; the content stays behind the link and a code.
    """
    notice = notice_due(request=request, transition=transition_name)
    if notice is None or notice.email is None or not request.requester_email:
        return
    if notice.email == ACKNOWLEDGMENT_EMAIL:
        return  # sent by identity_confirm, with the link the subject already holds
    if notice.email == EXPIRED_EMAIL:
        expired_notify(request=request)
        return
    token = status_link_create(request=request)
    requester_mail(
        request=request,
        key=f"update:{request.pk}:{transition_name}:{token[:12]}",
        template=notice.email,
        token=token,
        operator_name=request.operator.short_name,
        update=notice.update,
    )


def expired_notify(*, request: DataRequest) -> None:
    """The neutral end of an unconfirmed request: its reference, the operator's name and the
    portal, all of which the requester gave or was given. No status link (nobody proved the
    address) and no word of what the operator holds, so it reads the same for any address."""
    notify(
        key=f"expired:{request.pk}",
        channel="email",
        to=request.requester_email,
        template=EXPIRED_EMAIL,
        context={
            "reference": request.reference,
            "operator_name": request.operator.legal_name(request.language),
            "portal_url": f"{settings.DSAR_PUBLIC_BASE_URL.rstrip('/')}/{request.language}/",
        },
        language=request.language,
        request=request,
    )
