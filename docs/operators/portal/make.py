"""Screenshots of the main portal pages at phone (390px) and desktop (1280px) width.

Run against a development server with demo data (bin/dev), from the repository root:
    DJANGO_SETTINGS_MODULE=config.settings.local .venv/bin/python docs/operators/portal/make.py [base_url]
It submits one request through the browser, reads the code from var/mail, and, through the ORM,
lets a caseworker ask a question and a letter appear, so the status page shows a real journey.
"""

import email
import email.policy
import os
import re
import sys
from pathlib import Path

import django

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM runs next to Playwright's sync API

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from dsar.models import DataRequest, Letter, Message, Operator  # noqa: E402
from dsar.services.transitions import transition  # noqa: E402

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parent
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
EMAIL = "screenshot.visitor@example.kz"


def last_code() -> str:
    files = sorted(Path(settings.EMAIL_FILE_PATH).glob("*.log"), key=lambda p: p.stat().st_mtime_ns)
    for path in reversed(files):
        for chunk in reversed(path.read_bytes().split(b"\n" + b"-" * 79 + b"\n")):
            if EMAIL.encode() in chunk:
                message = email.message_from_bytes(chunk.lstrip(), policy=email.policy.default)
                found = re.search(r"\b(\d{6})\b", str(message["Subject"]))
                if found:
                    return found.group(1)
    raise SystemExit("no code found in var/mail")


def shoot(page, name):
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(OUT / f"{name}-{width}.png"), full_page=True)


def main():
    operator = Operator.objects.get(slug="qazaq-esim")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_context().new_page()
        page.goto(f"{BASE}/ru/")
        shoot(page, "01-home-ru")
        page.goto(f"{BASE}/en/o/{operator.slug}/")
        shoot(page, "02-operator-en")
        page.goto(f"{BASE}/kk/o/{operator.slug}/request/")
        shoot(page, "03-choose-kind-kk")
        page.goto(f"{BASE}/ru/o/{operator.slug}/request/rectification/")
        page.click("form.request-form button[type=submit]")
        shoot(page, "04-form-errors-ru")
        page.fill("[name=what_is_wrong]", "Фамилия написана с ошибкой")
        page.fill("[name=correct_value]", "Серикова")
        page.fill("[name=subject_name]", "Дана Серикова")
        page.fill("[name=subject_email]", EMAIL)
        page.fill("[name=subject_phone]", "+7 701 123 4567")
        page.check("[name=consent]")
        page.click("form.request-form button[type=submit]")
        page.wait_for_url(re.compile(r"/confirm/$"))
        shoot(page, "05-confirm-ru")
        page.fill("[name=email]", last_code())
        page.click("main form button.btn-primary")
        page.wait_for_url(re.compile(r"/r/[^/]+/$"))
        request = DataRequest.objects.filter(subject_email=EMAIL).latest("submitted_at")
        staff = operator.memberships.filter(role="caseworker").first().user
        transition(request.pk, "start_work", actor=staff)
        transition(
            request.pk, "ask_subject", actor=staff, question="Пришлите, пожалуйста, скан удостоверения личности."
        )
        Message.objects.create(
            request=request,
            channel="to_subject",
            author=staff,
            body="Здравствуйте! Чтобы исправить фамилию, нам нужен документ.",
        )
        from weasyprint import HTML

        letter = Letter(
            request=request,
            kind="acknowledgment",
            number=f"{request.reference}/1",
            language="ru",
            status=Letter.Status.READY,
            verification_code=f"SHOT{request.pk}",
        )
        letter.file.save("x.pdf", ContentFile(HTML(string="<p>Letter</p>").write_pdf()), save=False)
        letter.save()
        page.reload()
        shoot(page, "06-status-ru")
        page.goto(page.url + "withdraw/")
        shoot(page, "07-withdraw-ru")
        browser.close()


if __name__ == "__main__":
    main()
