import pytest
from celery.exceptions import Retry

from dsar.letters import tasks
from dsar.letters.selectors import letter_file_for, letters_for_request
from dsar.models import Letter, LetterKind
from dsar.letters.services import letter_issue

from .helpers import request_ready_for


def test_it_marks_a_failed_render_and_retries(operator, monkeypatch):
    request = request_ready_for(operator, LetterKind.ACKNOWLEDGMENT)
    letter = letter_issue(request=request, kind=LetterKind.ACKNOWLEDGMENT)

    def broken(**kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("dsar.letters.rendering.letter_pdf", broken)
    with pytest.raises(Retry):
        tasks.render_letter.apply(args=[letter.pk], throw=True)
    assert Letter.objects.get(pk=letter.pk).status == Letter.Status.FAILED

    monkeypatch.undo()
    tasks.render_letter(letter.pk)  # the retry succeeds
    assert Letter.objects.get(pk=letter.pk).status == Letter.Status.READY


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
