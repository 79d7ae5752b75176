"""A data subject's whole journey through the portal, in a real browser."""

import re

import pytest
from django.core.files.base import ContentFile

from dsar.models import DataRequest, Letter, Role, State
from dsar.services.transitions import transition
from tests.factories import OperatorFactory, staff_user

from .conftest import code_from_mail, code_from_sms, mail_text, mails

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KIND_FIELDS = {
    "access": {"description": "Please send me a copy of everything."},
    "rectification": {"what_is_wrong": "My surname is misspelt.", "correct_value": "Serikova"},
    "blocking": {"violation": "Shared with a partner without my consent."},
    "destruction": {"which_data": "Everything about my account.", "why": "I closed the account."},
    "consent_withdrawal": {"processing": "Newsletters."},
    "automated_decision_objection": {"decision": "My order was rejected automatically."},
    "claim": {"contract_reference": "ORD-12345", "claim": "My purchase data was kept too long."},
    "enquiry": {"description": "Which partners receive my data?"},
}
# Every kind, spread over the three languages; one browser session per language keeps the suite quick.
KINDS_BY_LANGUAGE = {
    "kk": ["access", "destruction", "claim"],
    "ru": ["rectification", "consent_withdrawal", "enquiry"],
    "en": ["blocking", "automated_decision_objection"],
}
CONFIRMED_HEADING = {"kk": "Сіздің өтінішіңіз", "ru": "Ваш запрос", "en": "Your request"}


def submit_and_confirm(page, outbox, operator, kind, language, email="dana@example.kz", phone=None):
    """Home → operator → kind → form → code from the mail file → status page. Returns the status URL."""
    page.goto(f"{page.base_url}/{language}/")
    page.click(f"a[href='/{language}/o/{operator.slug}/']")
    page.click(f"main a[href='/{language}/o/{operator.slug}/request/']")
    page.check(f"#kind-{kind}")
    page.click("main form button[type=submit]")
    assert page.url.endswith(f"/{language}/o/{operator.slug}/request/{kind}/")
    for name, value in KIND_FIELDS[kind].items():
        page.fill(f"[name={name}]", value)
    page.fill("[name=subject_name]", "Dana Serikova")
    page.fill("[name=subject_email]", email)
    page.fill("[name=subject_phone]", phone or "+7 701 123 4567")
    page.check("[name=consent]")
    page.click("form.request-form button[type=submit]")
    page.wait_for_url(re.compile(r"/r/[^/]+/confirm/$"))
    assert email not in page.url
    page.fill("[name=email]", code_from_mail(outbox, email))
    if operator.require_phone_confirmation:
        page.fill("[name=phone]", code_from_sms(outbox, phone))
    page.click("main form button.btn-primary")
    page.wait_for_url(re.compile(r"/r/[^/]+/$"))
    assert CONFIRMED_HEADING[language] in page.inner_text("h1")
    return page.url


@pytest.mark.parametrize("language", KINDS_BY_LANGUAGE)
def test_it_submits_and_confirms_every_kind(page, outbox_dirs, language):
    operator = OperatorFactory()
    for kind in KINDS_BY_LANGUAGE[language]:
        email = f"{kind}@example.kz"
        submit_and_confirm(page, outbox_dirs, operator, kind, language, email=email)
        request = DataRequest.objects.get(subject_email=email)
        assert (request.kind, request.language, request.state) == (kind, language, State.RECEIVED)
        assert request.details == {k: v for k, v in KIND_FIELDS[kind].items() if k != "description"}
        assert request.reference in page.inner_text("h1")
        ack = mails(outbox_dirs)[-1]
        assert request.reference in str(ack["Subject"]) and email in str(ack["To"])


def test_it_covers_every_kind():
    from dsar.kinds import Kind

    assert sorted(k for kinds in KINDS_BY_LANGUAGE.values() for k in kinds) == sorted(Kind.values)


def test_it_confirms_the_phone_by_sms_when_the_operator_asks(page, outbox_dirs):
    operator = OperatorFactory(require_phone_confirmation=True)
    submit_and_confirm(page, outbox_dirs, operator, "claim", "ru", phone="+77011234567")
    assert DataRequest.objects.get().state == State.RECEIVED


def test_it_opens_the_status_link_from_the_mail_with_a_fresh_code(page, outbox_dirs, browser):
    operator = OperatorFactory()
    submit_and_confirm(page, outbox_dirs, operator, "access", "en")
    link = re.search(r"http\S+/r/\S+/", mail_text(mails(outbox_dirs)[-1])).group(0)
    other = browser.new_context()
    try:
        fresh = other.new_page()
        fresh.goto(link)
        reference = DataRequest.objects.get().reference
        assert reference not in fresh.content()
        fresh.click("main form button[type=submit]")
        fresh.fill("[name=code]", code_from_mail(outbox_dirs, "dana@example.kz"))
        fresh.click("main form button.btn-primary")
        assert reference in fresh.inner_text("h1")
    finally:
        other.close()


def test_it_answers_a_clarification_with_an_upload(page, outbox_dirs, tmp_path):
    operator = OperatorFactory()
    submit_and_confirm(page, outbox_dirs, operator, "rectification", "ru")
    request = DataRequest.objects.get()
    caseworker = staff_user(operator, Role.CASEWORKER)
    transition(request.pk, "start_work", actor=caseworker)
    transition(request.pk, "ask_subject", actor=caseworker, question="Пришлите скан паспорта.")
    page.reload()
    assert "Пришлите скан паспорта." in page.content()
    scan = tmp_path / "passport.pdf"
    scan.write_bytes(b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    page.fill("[name=body]", "Скан паспорта во вложении.")
    page.set_input_files("[name=documents]", str(scan))
    page.click("form[action$='/reply/'] button[type=submit]")
    page.wait_for_selector(".alert-success")
    request = DataRequest.objects.get()
    assert request.state == State.IN_PROGRESS
    assert request.attachments.get(purpose="reply").original_name == "passport.pdf"
    assert "passport.pdf" in page.content()


def test_it_downloads_a_letter_behind_a_fresh_code(page, outbox_dirs):
    from weasyprint import HTML

    operator = OperatorFactory()
    status_url = submit_and_confirm(page, outbox_dirs, operator, "access", "kk")
    request = DataRequest.objects.get()
    pdf = HTML(string="<p>Acknowledgment</p>").write_pdf()
    letter = Letter(
        request=request,
        kind="acknowledgment",
        number=f"{request.reference}/1",
        language="kk",
        status=Letter.Status.READY,
        verification_code="E2E0001",
    )
    letter.file.save("letter.pdf", ContentFile(pdf), save=False)
    letter.save()
    page.goto(status_url)
    page.click(f"a[href$='/download/letter/{letter.pk}/']")
    page.click("main form button[type=submit]")
    page.fill("[name=code]", code_from_mail(outbox_dirs, "dana@example.kz"))
    with page.expect_download() as download_info:
        page.click("main form button.btn-primary")
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    assert open(download.path(), "rb").read() == pdf


def test_it_withdraws_a_request(page, outbox_dirs):
    operator = OperatorFactory()
    submit_and_confirm(page, outbox_dirs, operator, "destruction", "en")
    page.click("a[href$='/withdraw/']")
    page.check("[name=confirm]")
    page.click("main form button.btn-danger")
    page.wait_for_selector(".alert-success")
    assert DataRequest.objects.get().state == State.WITHDRAWN
    assert page.inner_text("#request-state") == "Withdrawn"


def test_it_works_without_javascript(browser, live_server, outbox_dirs, settings):
    operator = OperatorFactory()
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/en/o/{operator.slug}/request/")
        page.check("#kind-blocking")
        page.click("main form button[type=submit]")
        page.fill("[name=violation]", "Sold to advertisers.")
        page.fill("[name=subject_name]", "Dana Serikova")
        page.fill("[name=subject_email]", "dana@example.kz")
        page.check("[name=consent]")
        page.click("form.request-form button[type=submit]")
        page.fill("[name=email]", code_from_mail(outbox_dirs, "dana@example.kz"))
        page.click("main form button.btn-primary")
        assert DataRequest.objects.get().state == State.RECEIVED
    finally:
        context.close()


def test_it_switches_language_on_every_page(page, outbox_dirs):
    operator = OperatorFactory()
    page.goto(f"{page.base_url}/en/o/{operator.slug}/")
    page.click("header button[value=kk]")
    assert f"/kk/o/{operator.slug}/" in page.url
    assert page.get_attribute("html", "lang") == "kk"


UNLABELLED_INPUTS_JS = """() => [...document.querySelectorAll('main input:not([type=hidden]), main select, main textarea')]
    .filter(el => el.offsetParent !== null)
    .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
    .map(el => el.name)"""


def test_it_labels_every_field_and_works_from_the_keyboard(page, outbox_dirs):
    operator = OperatorFactory()
    page.goto(f"{page.base_url}/en/o/{operator.slug}/request/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    # Keyboard only: focus the first kind, move to the next with the arrow key, continue with Enter.
    page.focus("#kind-access")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/request/rectification/$"))
    assert page.evaluate(UNLABELLED_INPUTS_JS) == []
    page.focus("form.request-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#form-errors")
    # Errors sit next to their fields and are announced through aria-describedby.
    field = page.locator("[name=what_is_wrong]")
    assert field.get_attribute("aria-invalid") == "true"
    error_id = field.get_attribute("aria-describedby")
    assert page.locator(f"#{error_id}").inner_text().strip()
    assert page.evaluate("document.activeElement.id") == "form-errors"
