"""Signing is a step of the letter's delivery: a letter is visible only once signed, and an
operator that cannot sign makes its letters wait (nothing lost), telling its people."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader

from dsar.letters.selectors import letters_for_request
from dsar.letters.services import letter_issue, letter_render
from dsar.models import Event, Letter, LetterKind, Membership, Notification, Role
from dsar.services.notifications import render_email
from tests.factories import staff_user

from .helpers import request_ready_for

pytestmark = pytest.mark.django_db


def issue(operator, kind=LetterKind.ACKNOWLEDGMENT):
    request = request_ready_for(operator, kind)
    return letter_issue(request=request, kind=kind)


def alerts(template):
    return Notification.objects.filter(template=template)


def test_it_signs_the_letter_in_the_step_that_stores_it(operator, give_key, signing_required):
    key = give_key(operator)
    letter = letter_render(letter_id=issue(operator).pk)

    assert letter.status == Letter.Status.READY and letter.signature["certificate_sha256"] == key.certificate_sha256
    data = letter.file.read()
    assert len(PdfFileReader(io.BytesIO(data)).embedded_signatures) == 1
    event = Event.objects.get(action="letter_issued", data__letter=letter.pk)
    assert event.data["sha256"] == letter.sha256 and event.data["signer_certificate"] == key.certificate_sha256


@pytest.mark.parametrize("certificate", ["expired", "missing"])
def test_it_leaves_the_letters_waiting_without_a_usable_certificate(operator, give_key, signing_required, certificate):
    dpo, manager = staff_user(operator, Role.DPO), staff_user(operator, Role.MANAGER)
    if certificate == "expired":
        earlier = timezone.now()
        give_key(operator, valid_from=earlier - timedelta(days=400), valid_until=earlier - timedelta(days=1))
    letter = issue(operator)
    now = timezone.now()
    letter = letter_render(letter_id=letter.pk, now=now)

    assert letter.status == Letter.Status.PENDING and not letter.file and not letter.sha256
    assert letter.attempts == 0, "waiting for a certificate spends no attempt: the letter can wait for weeks"
    assert letter.signing_wait_since == now and letter.next_attempt_at > now
    assert ("expired" if certificate == "expired" else "No signing certificate") in letter.last_error
    assert not letters_for_request(request=letter.request).exists(), "the subject sees nothing unsigned"
    # The operator's administrator is told, once, however often the letter is tried.
    assert [n.to for n in alerts("signing_blocked")] == [dpo.email]
    letter_render(letter_id=letter.pk, now=letter.next_attempt_at)
    assert alerts("signing_blocked").count() == 1 and not alerts("signing_escalated").exists()

    # Still waiting hours later: the managers and the operator's contact address hear too.
    later = now + timedelta(hours=5)
    letter_render(letter_id=letter.pk, now=later)
    managers = Membership.objects.filter(operator=operator, role__in=[Role.DPO, Role.MANAGER])
    assert manager.email in {m.user.email for m in managers}
    assert {n.to for n in alerts("signing_escalated")} == {m.user.email for m in managers} | {operator.contact_email}
    assert Letter.objects.get(pk=letter.pk).signing_wait_since == now

    # A valid certificate arrives: the letter is due at once, then signed and delivered.
    give_key(operator, now=later)
    letter = Letter.objects.get(pk=letter.pk)
    assert letter.next_attempt_at <= later + timedelta(seconds=1)
    letter = letter_render(letter_id=letter.pk, now=later + timedelta(seconds=1))
    assert letter.status == Letter.Status.READY and letter.signature and letter.signing_wait_since is None


def test_it_never_stores_an_unsigned_file_when_signing_crashes(operator, give_key, signing_required, monkeypatch):
    give_key(operator)
    letter = issue(operator)

    def crash(letter, pdf, **kwargs):
        raise RuntimeError("worker killed between rendering and signing")

    monkeypatch.setattr("dsar.letters.signing.sign_letter_pdf", crash)
    letter = letter_render(letter_id=letter.pk)
    assert letter.status == Letter.Status.PENDING and not letter.file and letter.attempts == 1
    assert not letters_for_request(request=letter.request).exists()

    monkeypatch.undo()
    letter = letter_render(letter_id=letter.pk, now=letter.next_attempt_at)
    assert letter.status == Letter.Status.READY and letter.signature


def test_it_sends_unsigned_letters_only_where_signing_is_not_required(operator, settings):
    settings.DSAR_LETTERS_SIGNING_REQUIRED = False
    letter = letter_render(letter_id=issue(operator).pk)
    assert letter.status == Letter.Status.READY and letter.signature == {}


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize("template", ["signing_blocked", "signing_escalated", "signing_expiry"])
def test_it_renders_the_signing_e_mails_in_each_language(template, language):
    context = {
        "operator_name": 'Kazdream "Qazaq" & <Co>',
        "why": "The signing certificate expired on 01.03.2026: upload a new one.",
        "waiting": 3,
        "hours": 4,
        "days": 7,
        "not_after": "08.03.2026",
        "serial": "7F3A",
        "url": "https://dsar.example.kz/admin/dsar/operatorsigningkey/",
    }
    with time_machine.travel(timezone.now(), tick=False):
        subject, text, html = render_email(template=template, context=context, language=language)
    assert 'Kazdream "Qazaq" & <Co>' in subject + text and "{{" not in subject + text + html
    assert context["url"] in text
