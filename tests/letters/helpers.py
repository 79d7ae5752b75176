"""Drive requests through the real workflow to the point where each kind of letter is sent."""

import re
import subprocess
from datetime import timedelta

from dsar.kinds import Kind
from dsar.models import DataRequest, LetterKind, Policy, Role
from dsar.services.transitions import transition
from tests.factories import make_request, staff_user

# Every letter Kazakh has that Russian lacks, in a name that passes through each letter.
KAZAKH_NAME = "Шаһизада Әбілқайырова-Ұңғарбекқызы Өтегенүлы"
KAZAKH_LETTERS = "әғқңөұүһі"

# kind of letter -> (kind of request, transitions after start_work, with their inputs)
PLANS = {
    LetterKind.ACKNOWLEDGMENT: (Kind.ACCESS, []),
    LetterKind.CLARIFICATION: (Kind.RECTIFICATION, [("ask_subject", {"question": "Send a copy of the new passport."})]),
    LetterKind.EXTENSION: (Kind.CLAIM, [("extend", {"reason": "We await the bank's statement."})]),
    LetterKind.FULFILLED: (Kind.RECTIFICATION, [("fulfil", {})]),
    LetterKind.PARTLY_FULFILLED: (
        Kind.RECTIFICATION,
        [("partly_fulfil", {"explanation": "The address could not be changed."})],
    ),
    LetterKind.REFUSAL: (
        Kind.DESTRUCTION,
        [("refuse", {"ground": "law_requires_keeping", "explanation": "Accounting law keeps invoices 5 years."})],
    ),
    LetterKind.BLOCKED: (Kind.BLOCKING, [("block", {})]),
    LetterKind.UNBLOCKED: (
        Kind.BLOCKING,
        [("block", {}), ("unblock", {"explanation": "The consent form was signed."})],
    ),
    LetterKind.DESTROYED: (Kind.DESTRUCTION, [("destroy", {})]),
    LetterKind.CLAIM_RESULT: (
        Kind.CLAIM,
        [("answer_unfounded", {"explanation": "The data was kept as the contract says."})],
    ),
    LetterKind.ACCESS_ANSWER: (Kind.ACCESS, [("fulfil", {})]),
    LetterKind.NO_DATA_HELD: (Kind.ACCESS, [("answer_no_data", {"explanation": "We searched billing and CRM."})]),
    LetterKind.WITHDRAWN: (Kind.ACCESS, [("withdraw", {})]),
    LetterKind.DUPLICATE: (Kind.ACCESS, [("close_as_duplicate", {})]),
}


def allow_extensions(operator, kind=Kind.CLAIM):
    Policy.objects.update_or_create(
        operator=operator,
        kind=kind,
        defaults=dict(deadline_n=30, deadline_unit="calendar_days", extension_allowed=True, extension_max_n=15),
    )


def request_ready_for(operator, letter_kind: str, *, language: str = "ru", **fields) -> DataRequest:
    """A request taken through the workflow as far as the transition that sends `letter_kind`."""
    request_kind, steps = PLANS[letter_kind]
    if request_kind == Kind.CLAIM:
        allow_extensions(operator)
    worker = staff_user(operator, Role.MANAGER)
    fields.setdefault("subject_name", KAZAKH_NAME)
    request = make_request(operator, kind=request_kind, language=language, **fields)
    transition(request.pk, "confirm_identity")
    if steps:
        transition(request.pk, "start_work", actor=worker)
    for name, inputs in steps:
        if name == "extend":
            current = DataRequest.objects.get(pk=request.pk)
            inputs = {**inputs, "new_due": current.due_at + timedelta(days=5)}
        if name == "close_as_duplicate":
            inputs = {**inputs, "original": make_request(operator, kind=request_kind, language=language)}
        transition(request.pk, name, actor=worker, **inputs)
    return DataRequest.objects.select_related("operator").get(pk=request.pk)


def english_register(operator):
    """The operator's processing register in English: one activity, "Orders"."""
    from dsar.models.letters import ProcessingActivity

    return ProcessingActivity.objects.create(
        operator=operator,
        language="en",
        name="Orders",
        purposes="Performing the contract",
        legal_grounds="Consent",
        data_categories="Name, phone",
        sources="The subject",
        storage_period="3 years",
    )


def pdf_text(data: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return out.stdout.decode("utf-8")


def flat(text: str) -> str:
    """Text with line breaks and runs of spaces collapsed, for phrases the layout wraps
    (a line may also break after a hyphen, as in "94-V")."""
    return re.sub(r"-\s+", "-", " ".join(text.split()))


def letter_text(letter) -> str:
    """What the letter says, read from the HTML the PDF is made of (no WeasyPrint: fast), flattened."""
    from html import unescape

    from dsar.letters.rendering import letter_html

    html = letter_html(context=letter.context, number=letter.number, code=letter.verification_code)
    body = html.split("<body>", 1)[1]
    return flat(unescape(re.sub(r"<[^>]+>", " ", body)))
