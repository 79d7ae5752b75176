"""A request that expires unconfirmed gets a neutral notice (issue 23).

The sweep already e-mailed the unproven address its identity reminders; the end of the wait is
told too, naming the reference and nothing of what the operator holds, so the notice reads the
same for an address the operator knows and one it has never seen. A request that came on paper
also gets the notice as a letter, for staff to post.
"""

from datetime import UTC, timedelta

import pytest

from dsar.kinds import Kind
from dsar.letters import texts
from dsar.models import Channel, DataRequest, Letter, LetterKind, Notification, Role, State
from dsar.services.channels import request_record_staff
from dsar.services.notifications import render_email
from dsar.services.sweep import sweep_run
from dsar.services.transitions import transition
from tests.factories import make_request, staff_user
from tests.tasks.conftest import at

pytestmark = pytest.mark.django_db

MONDAY = at(2026, 3, 2, 10, 0)
LANGUAGES = ("kk", "ru", "en")


def _expire(request):
    sweep_run(now=request.submitted_at + timedelta(days=8))
    assert DataRequest.objects.get(pk=request.pk).state == State.EXPIRED


def _expiry_mail(request):
    rows = list(Notification.objects.filter(request=request, template="portal_expired"))
    assert len(rows) == 1, "one neutral notice of the expiry"
    assert rows[0].to == request.subject_email
    return rows[0]


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_tells_the_requester_neutrally_that_an_unconfirmed_request_expired(operator, language):
    # A known subject (a confirmed request with data) and an address the operator has never seen.
    known_before = make_request(operator, subject_email="known@example.kz", now=MONDAY - timedelta(days=30))
    transition(known_before.pk, "confirm_identity", now=MONDAY - timedelta(days=30))
    known = make_request(operator, subject_email="known@example.kz", language=language, now=MONDAY)
    unknown = make_request(operator, subject_email="stranger@example.kz", language=language, now=MONDAY)
    _expire(known)
    rendered = []
    for request in (known, unknown):
        row = _expiry_mail(request)
        subject, text, html = render_email(template=row.template, context=row.context, language=row.language)
        assert request.reference in subject and request.reference in text and request.reference in html
        assert "/r/" not in text  # no status link: nobody proven to open one
        rendered.append(tuple(part.replace(request.reference, "REF") for part in (subject, text, html)))
    assert rendered[0] == rendered[1], "the notice must read the same for a known and an unknown address"


def test_it_words_the_expiry_notice_in_kazakh_russian_and_english(operator):
    request = make_request(operator, now=MONDAY)
    _expire(request)
    row = _expiry_mail(request)
    texts_by_language = {
        lang: render_email(template=row.template, context=row.context, language=lang)[1] for lang in LANGUAGES
    }
    assert len(set(texts_by_language.values())) == 3


def test_it_issues_the_expiry_notice_as_a_letter_when_the_request_came_on_paper(operator):
    manager = staff_user(operator, Role.MANAGER)
    recorded = request_record_staff(
        operator=operator,
        fields=dict(kind=Kind.ACCESS, language="kk", subject_name="Dana Serikova", subject_email="dana@example.kz"),
        channel=Channel.PAPER,
        received_at=MONDAY,
        actor=manager,
        identity="code",
        now=MONDAY,
    )
    _expire(recorded.request)
    letters = Letter.objects.filter(request=recorded.request, kind=LetterKind.EXPIRED)
    assert letters.count() == 1
    _expiry_mail(recorded.request)
    for language in LANGUAGES:
        title, body = texts.default_text(LetterKind.EXPIRED, language)
        assert title and "$reference" in body


def test_it_issues_no_letter_for_an_expired_web_request(operator):
    request = make_request(operator, now=MONDAY.astimezone(UTC))
    _expire(request)
    assert not Letter.objects.filter(request=request).exists()
