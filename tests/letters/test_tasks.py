from django.utils import timezone

from dsar.letters import tasks
from dsar.letters.selectors import letter_file_for, letters_for_request
from dsar.letters.services import letter_issue, letter_render
from dsar.models import Letter, LetterKind

from .helpers import request_ready_for


def test_it_reschedules_a_failed_render_on_the_row_and_renders_when_it_is_due(operator, monkeypatch):
    request = request_ready_for(operator, LetterKind.ACKNOWLEDGMENT)
    letter = letter_issue(request=request, kind=LetterKind.ACKNOWLEDGMENT)

    def broken(**kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("dsar.letters.rendering.letter_pdf", broken)
    tasks.render_letter(letter.pk)
    letter = Letter.objects.get(pk=letter.pk)
    assert letter.status == Letter.Status.PENDING and letter.attempts == 1 and "disk full" in letter.last_error
    assert letter.next_attempt_at > timezone.now() and letter.queued_at is None

    monkeypatch.undo()
    tasks.render_letter(letter.pk)  # not due yet: nothing happens
    assert Letter.objects.get(pk=letter.pk).attempts == 1
    letter_render(letter_id=letter.pk, now=letter.next_attempt_at)
    assert Letter.objects.get(pk=letter.pk).status == Letter.Status.READY


def test_it_fails_a_letter_after_its_last_attempt_and_alerts_the_managers(operator, monkeypatch):
    from dsar.models import Membership, Notification, Role
    from dsar.outbox import MAX_ATTEMPTS
    from dsar.services.notifications import render_email
    from tests.factories import staff_user

    manager = staff_user(operator, Role.MANAGER)
    request = request_ready_for(operator, LetterKind.ACKNOWLEDGMENT)
    letter = letter_issue(request=request, kind=LetterKind.ACKNOWLEDGMENT)
    monkeypatch.setattr("dsar.letters.rendering.letter_pdf", lambda **kw: 1 / 0)
    while letter.status == Letter.Status.PENDING:
        letter_render(letter_id=letter.pk, now=letter.next_attempt_at)
        letter = Letter.objects.get(pk=letter.pk)
    assert letter.status == Letter.Status.FAILED and letter.attempts == MAX_ATTEMPTS
    alerts = Notification.objects.filter(template="letter_failed", request=request)
    managers = Membership.objects.filter(operator=operator, role__in=[Role.MANAGER, Role.DPO])
    assert manager.email in {n.to for n in alerts} == {m.user.email for m in managers}
    subject, text, _html = render_email(template="letter_failed", context=alerts[0].context, language="en")
    assert letter.number in subject and f"after {MAX_ATTEMPTS} attempts" in text


def test_it_ignores_a_letter_that_no_longer_exists(db):
    assert tasks.render_letter(987654) is None


def test_it_shows_the_subject_only_ready_letters(operator):
    request = request_ready_for(operator, LetterKind.ACKNOWLEDGMENT)
    pending = letter_issue(request=request, kind=LetterKind.ACKNOWLEDGMENT)
    tasks.render_letter(letter_issue(request=request, kind=LetterKind.ACKNOWLEDGMENT).pk)
    ready = list(letters_for_request(request=request))
    assert [letter.status for letter in ready] == [Letter.Status.READY]
    assert letter_file_for(request=request, letter_id=pending.pk) is None
    assert letter_file_for(request=request, letter_id=ready[0].pk) == ready[0]
