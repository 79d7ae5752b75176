"""Table-driven over the state machine itself: every transition the subject must hear of issues a
letter and sends an e-mail, with kk/ru/en wording. Adding a transition without its notice fails here."""

import re
from datetime import timedelta

import pytest
from django.core import mail

from dsar.kinds import Kind
from dsar.letters import texts
from dsar.models import DataRequest, Letter, LetterKind, Notification, Policy, Role
from dsar.notices import NOTICES, UPDATE_EMAIL, notice_for
from dsar.services.notifications import render_email
from dsar.services.transitions import transition
from dsar.states import CLOSED_STATES, State
from dsar.workflow import SERVICE_TRANSITIONS, STAFF_TRANSITIONS, SUBJECT_TRANSITIONS
from tests.factories import make_request, staff_user

LANGUAGES = ("kk", "ru", "en")


def fsm_transitions() -> dict[str, set]:
    """name -> the set of (source, target) pairs, read from the model's FSM field."""
    found: dict[str, set] = {}
    for t in DataRequest._meta.get_field("state").get_all_transitions(DataRequest):
        found.setdefault(t.name, set()).add((t.source, t.target))
    return found


def must_hear(name: str, pairs: set) -> bool:
    """The subject must hear of a transition that answers or closes the request, blocks data, asks them
    something, moves their due date or acknowledges receipt. Only a request whose identity was never
    confirmed is exempt: nobody is proven to write to."""
    sources = {s for s, _t in pairs}
    targets = {t for _s, t in pairs}
    if sources == {State.AWAITING_IDENTITY} and State.RECEIVED not in targets:
        return False
    return bool(targets & ({*CLOSED_STATES, State.BLOCKED, State.AWAITING_SUBJECT, State.RECEIVED})) or name == "extend"


def test_it_has_one_row_for_every_transition_of_the_state_machine():
    names = set(fsm_transitions())
    assert names == set(NOTICES), "dsar/notices.py must list every transition (a notice, or why it is silent)"
    assert names == set(STAFF_TRANSITIONS) | SERVICE_TRANSITIONS | SUBJECT_TRANSITIONS


@pytest.mark.parametrize("name", sorted(fsm_transitions()))
def test_it_gives_each_transition_a_letter_and_an_e_mail_or_a_reason_for_silence(name):
    notice = NOTICES[name]
    if must_hear(name, fsm_transitions()[name]):
        assert not notice.silent_because, f"{name}: the subject must hear of it"
        for kind in Kind:
            letter = notice.letter_for(kind)
            assert letter in LetterKind.values, f"{name} ({kind}) has no letter"
            for language in LANGUAGES:
                title, body = texts.default_text(letter, language)
                assert title and body and texts.DEFAULTS[letter][language], f"{letter} has no {language} wording"
        assert notice.email and notice.update, f"{name} has no e-mail"
    elif notice.neutral:
        # Before any identity is proven: a neutral e-mail (tests/workflow/test_expiry_notice.py).
        assert notice.email and not notice.silent_because
    else:
        assert notice.silent_because and notice.letter is None and notice.email is None


def test_it_words_every_letter_differently_in_each_language():
    for kind in LetterKind.values:
        worded = {texts.DEFAULTS[kind][language] for language in LANGUAGES}
        assert len(worded) == 3, kind


# What each transition needs, and how to get a request to where it can be taken.
INPUTS = {
    "confirm_identity": {},
    "ask_subject": {"question": "Send a copy of your ID."},
    "extend": {"reason": "We await the bank's statement."},
    "fulfil": {},
    "partly_fulfil": {"explanation": "The address could not be changed."},
    "answer_no_data": {"explanation": "We searched the billing and CRM systems."},
    "answer_unfounded": {"explanation": "The fee was charged as the contract says."},
    "refuse": {"ground": "other", "basis": "Law No. 94-V, art. 24", "explanation": "A reason."},
    "refuse_unanswered": {},
    "refuse_authority": {"explanation": "The power of attorney has expired."},
    "block": {},
    "unblock": {"explanation": "Consent was on file."},
    "destroy": {},
    "withdraw": {},
    "close_as_duplicate": {},
}
KIND_FOR = {
    "extend": Kind.CLAIM,
    "answer_unfounded": Kind.CLAIM,
    "block": Kind.BLOCKING,
    "unblock": Kind.BLOCKING,
    "destroy": Kind.DESTRUCTION,
}


def confirm_as_the_subject(operator, language: str, capture) -> DataRequest:
    """Submit and confirm the way the portal does: the codes come from the mail."""
    from dsar.services.subject import identity_confirm, request_submit

    with capture(execute=True):
        submitted = request_submit(
            operator=operator,
            evidence=[],
            authority=[],
            fields=dict(
                kind=Kind.ACCESS,
                language=language,
                subject_name="Dana Serikova",
                subject_email="dana@example.kz",
                subject_phone="+77011234567",
            ),
        )
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].subject).group(1)
    with capture(execute=True):
        identity_confirm(request=submitted.request, codes={"email": code}, token=submitted.token)
    return submitted.request


def drive(operator, name: str, language: str) -> DataRequest:
    """A request brought through the real workflow to where `name` can be taken, then `name` taken."""
    manager = staff_user(operator, Role.MANAGER)
    kind = KIND_FOR.get(name, Kind.RECTIFICATION)
    Policy.objects.update_or_create(
        operator=operator,
        kind=Kind.CLAIM,
        defaults=dict(deadline_n=30, deadline_unit="calendar_days", extension_allowed=True, extension_max_n=15),
    )
    fields = {}
    if name == "refuse_authority":
        fields = dict(
            acting_for_other=True,
            representative_name="Asel Nurlanova",
            representative_email="asel@example.kz",
            representative_basis="power_of_attorney",
        )
    request = make_request(operator, kind=kind, language=language, **fields)
    transition(request.pk, "confirm_identity")
    transition(request.pk, "start_work", actor=manager)
    inputs = dict(INPUTS[name])
    if name == "unblock":
        transition(request.pk, "block", actor=manager)
    if name == "refuse_unanswered":
        transition(request.pk, "ask_subject", actor=manager, question="Which account?")
    if name == "extend":
        inputs["new_due"] = DataRequest.objects.get(pk=request.pk).due_at + timedelta(days=3)
    if name == "close_as_duplicate":
        original = make_request(operator, kind=kind)
        inputs["original"] = original
    actor = None if name in SUBJECT_TRANSITIONS and name not in STAFF_TRANSITIONS else manager
    transition(request.pk, name, actor=actor, **inputs)
    return request


@pytest.mark.parametrize("name", sorted(n for n, pairs in fsm_transitions().items() if must_hear(n, pairs)))
def test_it_sends_the_letter_and_the_e_mail_when_the_transition_runs(
    name, operator, django_capture_on_commit_callbacks, monkeypatch
):
    from dsar.letters import tasks

    monkeypatch.setattr(tasks.render_letter, "delay", lambda *a, **k: None)  # the PDF is not the point here
    assert name in INPUTS, f"tests/workflow/test_notices.py: say how to take {name!r}"
    if name == "confirm_identity":
        request = confirm_as_the_subject(operator, "kk", django_capture_on_commit_callbacks)
    else:
        with django_capture_on_commit_callbacks(execute=True):
            request = drive(operator, name, "kk")
    request = DataRequest.objects.get(pk=request.pk)
    expected = NOTICES[name].letter_for(request.kind)
    assert Letter.objects.filter(request=request, kind=expected).exists(), f"{name} issued no {expected} letter"
    rows = Notification.objects.filter(request=request, template=NOTICES[name].email)
    assert rows.exists(), f"{name} sent no {NOTICES[name].email} e-mail"
    if NOTICES[name].email == UPDATE_EMAIL:
        # The e-mail says the right kind of news (its subject line depends on nothing else).
        expected, _text, _html = render_email(
            template=UPDATE_EMAIL,
            language="kk",
            context={
                "update": NOTICES[name].update,
                "reference": request.reference,
                "operator_name": "",
                "status_url": "",
            },
        )
        assert expected in [m.subject for m in mail.outbox]
    assert all(row.language == "kk" for row in rows)
    assert request.requester_email in {m.to[0] for m in mail.outbox}


def _update_params():
    return sorted({n.update for n in NOTICES.values() if n.email == UPDATE_EMAIL} | {notice_for("letter").update})


@pytest.mark.parametrize("update", _update_params())
def test_it_words_each_e_mail_in_kazakh_and_russian(update):
    context = {
        "reference": "QZT-2026-000001",
        "status_url": "https://dsar.example.kz/r/x/",
        "operator_name": "Qazaq",
        "update": update,
        "on_behalf_of": "",
    }
    english = render_email(template=UPDATE_EMAIL, context=context, language="en")
    for language in ("kk", "ru"):
        subject, text, _html = render_email(template=UPDATE_EMAIL, context=context, language=language)
        assert subject != english[0], f"{update}: subject not translated into {language}"
        first_line = text.strip().splitlines()[0]
        assert first_line != english[1].strip().splitlines()[0], f"{update}: body not translated into {language}"
