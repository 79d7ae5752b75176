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


def fake_pdf(monkeypatch, calls=None, then=None):
    """Render without WeasyPrint: the service stores and digests whatever bytes it gets."""

    def render(**kwargs):
        if calls is not None:
            calls.append(kwargs["number"])
        if then:
            then()
        return f"%PDF-1.7 letter {kwargs['number']}".encode()

    monkeypatch.setattr("dsar.letters.rendering.letter_pdf", render)


def test_it_clears_the_error_once_a_retry_renders_the_letter(operator, monkeypatch):
    request = request_ready_for(operator, LetterKind.ACKNOWLEDGMENT)
    letter = letter_issue(request=request, kind=LetterKind.ACKNOWLEDGMENT)
    monkeypatch.setattr("dsar.letters.rendering.letter_pdf", lambda **kw: (_ for _ in ()).throw(OSError("disk full")))
    letter = letter_render(letter_id=letter.pk)
    assert letter.last_error == "OSError: disk full" and letter.rendered_at is None
    fake_pdf(monkeypatch)
    letter = letter_render(letter_id=letter.pk, now=letter.next_attempt_at)
    assert letter.status == Letter.Status.READY and letter.last_error == ""
    assert letter.rendered_at is not None and letter.file.read() == f"%PDF-1.7 letter {letter.number}".encode()


def test_it_keeps_the_first_300_characters_of_a_long_error_and_logs_the_whole_traceback(operator, monkeypatch, caplog):
    request = request_ready_for(operator, LetterKind.ACKNOWLEDGMENT)
    letter = letter_issue(request=request, kind=LetterKind.ACKNOWLEDGMENT)
    monkeypatch.setattr("dsar.letters.rendering.letter_pdf", lambda **kw: (_ for _ in ()).throw(OSError("x" * 400)))
    letter = letter_render(letter_id=letter.pk)
    assert letter.last_error == "OSError: " + "x" * 291
    [logged] = [r for r in caplog.records if r.getMessage() == f"Letter {letter.pk} could not be rendered"]
    assert logged.exc_info[0] is OSError and str(logged.exc_info[1]) == "x" * 400


def test_it_does_nothing_for_a_duplicate_message_while_the_letter_is_being_rendered(operator, monkeypatch):
    request = request_ready_for(operator, LetterKind.ACKNOWLEDGMENT)
    letter = letter_issue(request=request, kind=LetterKind.ACKNOWLEDGMENT)
    calls, duplicates = [], []
    fake_pdf(
        monkeypatch,
        calls,
        then=lambda: duplicates.append(letter_render(letter_id=letter.pk)) if not duplicates else None,
    )
    letter = letter_render(letter_id=letter.pk)
    assert calls == [letter.number]  # the duplicate found the letter taken and rendered nothing
    assert duplicates[0].status == Letter.Status.PENDING and letter.status == Letter.Status.READY
    assert Letter.objects.get(pk=letter.pk).attempts == 1
    assert Letter.objects.filter(request=request).exclude(pk=letter.pk).get().attempts == 0  # only this one taken


def test_it_never_renders_a_letter_that_failed_for_good(operator, monkeypatch):
    request = request_ready_for(operator, LetterKind.ACKNOWLEDGMENT)
    letter = letter_issue(request=request, kind=LetterKind.ACKNOWLEDGMENT)
    Letter.objects.filter(pk=letter.pk).update(status=Letter.Status.FAILED)
    calls = []
    fake_pdf(monkeypatch, calls)
    assert letter_render(letter_id=letter.pk).status == Letter.Status.FAILED and calls == []


def test_it_records_the_staff_member_who_issued_a_letter_in_the_public_audit_event(operator, monkeypatch):
    from dsar.models import Event, Role
    from tests.factories import staff_user

    manager = staff_user(operator, Role.MANAGER)
    request = request_ready_for(operator, LetterKind.ACKNOWLEDGMENT)
    fake_pdf(monkeypatch)
    letter = letter_render(letter_id=letter_issue(request=request, kind=LetterKind.CLARIFICATION, actor=manager).pk)
    event = Event.objects.get(request=request, action="letter_issued", data__letter=letter.pk)
    # Rendered by the system (the "who" of the staff history), for the staff member who issued it.
    assert event.actor == manager and event.actor_label == "system" and event.public


def test_it_makes_no_export_for_a_letter_without_the_register(operator, monkeypatch):
    from dsar.models import Attachment

    request = request_ready_for(operator, LetterKind.ACKNOWLEDGMENT)
    fake_pdf(monkeypatch)
    letter_render(letter_id=letter_issue(request=request, kind=LetterKind.ACKNOWLEDGMENT).pk)
    assert not Attachment.objects.filter(request=request, purpose=Attachment.Purpose.EXPORT).exists()


def alerts_for(letter):
    from dsar.models import Notification

    return Notification.objects.filter(template="letter_failed", request=letter.request).order_by("to")


def test_it_alerts_the_active_managers_and_dpos_of_the_operator_with_an_e_mail_address(operator, settings):
    from dsar.letters.services import letter_failed_alert
    from dsar.models import Membership, Role
    from tests.factories import OperatorFactory, staff_user

    settings.DSAR_PUBLIC_BASE_URL = "https://portal.example.kz"
    type(operator).objects.filter(pk=operator.pk).update(default_language="kk")
    request = request_ready_for(operator, LetterKind.ACKNOWLEDGMENT)
    Membership.objects.filter(operator=operator).delete()
    dpo = staff_user(operator, Role.DPO, email="a-dpo@example.kz")
    manager = staff_user(operator, Role.MANAGER, email="b-manager@example.kz")
    staff_user(operator, Role.CASEWORKER)
    staff_user(operator, Role.MANAGER, is_active=False)
    staff_user(operator, Role.MANAGER, email="")
    staff_user(OperatorFactory(), Role.MANAGER)
    letter = Letter.objects.select_related("request__operator").get(request=request)
    letter_failed_alert(letter=letter)
    alerts = list(alerts_for(letter))
    assert [(n.to, n.key, n.language) for n in alerts] == [
        (dpo.email, f"letter-failed:{letter.pk}:{dpo.pk}", "kk"),
        (manager.email, f"letter-failed:{letter.pk}:{manager.pk}", "kk"),
    ]
    assert alerts[0].context == {
        "operator_name": operator.name_kk,
        "reference": request.reference,
        "number": letter.number,
        "kind": "acknowledgment",
        "attempts": 0,
        "url": f"https://portal.example.kz/admin/dsar/datarequest/{request.pk}/change/",
    }


def test_it_alerts_the_operators_contact_address_when_no_manager_can_be_reached(operator, caplog):
    from dsar.letters.services import letter_failed_alert
    from dsar.models import Membership, Role
    from tests.factories import staff_user

    request = request_ready_for(operator, LetterKind.ACKNOWLEDGMENT)  # its worker is a manager...
    Membership.objects.filter(operator=operator).delete()  # ...who has left
    staff_user(operator, Role.MANAGER, email="")
    staff_user(operator, Role.DPO, is_active=False)
    letter = Letter.objects.get(request=request)
    Letter.objects.filter(pk=letter.pk).update(attempts=8)
    letter.refresh_from_db()
    letter_failed_alert(letter=letter)
    assert [(n.to, n.key) for n in alerts_for(letter)] == [
        (operator.contact_email, f"letter-failed:{letter.pk}:contact")
    ]
    assert f"Letter {letter.pk} could not be rendered after 8 attempts; staff alerted" in caplog.messages


def test_it_makes_one_export_for_an_access_answer_in_the_name_of_who_answered(operator, monkeypatch):
    from dsar.models import Attachment, Event
    from tests.factories import stored_attachment

    exported = request_ready_for(operator, LetterKind.ACCESS_ANSWER)
    fake_pdf(monkeypatch)
    letter_render(letter_id=Letter.objects.get(request=exported, kind=LetterKind.ACCESS_ANSWER).pk)
    request = request_ready_for(operator, LetterKind.ACCESS_ANSWER)
    stored_attachment(request, purpose=Attachment.Purpose.IDENTITY)  # other files are not the export
    answer = letter_render(letter_id=Letter.objects.get(request=request, kind=LetterKind.ACCESS_ANSWER).pk)
    # A second answer with the register (staff correct it by hand) offers the same export.
    letter_render(letter_id=letter_issue(request=request, kind=LetterKind.PARTLY_FULFILLED).pk)
    export = Attachment.objects.get(request=request, purpose=Attachment.Purpose.EXPORT)
    assert answer.issued_by is not None and export.uploaded_by == answer.issued_by
    assert Event.objects.get(request=request, action="export_created").actor == answer.issued_by
