"""Screenshots of the staff admin for docs/staff/admin-guide.md (English, 1280 px wide).

Run against a development server with demo data (bin/dev), from the repository root:
    DJANGO_SETTINGS_MODULE=config.settings.local .venv/bin/python docs/staff/img/make.py [base_url]
(with the same DSAR_VAR_DIR / DATABASE_URL as the server). Staff sign in through the admin's sign-in
form with the demo password and the demo TOTP code. The enrolment page needs an account without a
second factor: the script makes one (`guide-new-member`, caseworker at the demo operator).
"""

import os
import sys
from pathlib import Path

import django

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM runs next to Playwright's sync API
ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from dsar.demo.operators import DEMO_PASSWORD  # noqa: E402
from dsar.demo.staff_otp import current_code  # noqa: E402
from dsar.models import DataRequest, Letter, Membership, Operator, Role  # noqa: E402
from dsar.states import State  # noqa: E402
from dsar.workflow import available_transitions  # noqa: E402

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
OPERATOR = "qaztracker"
USERNAME = f"{OPERATOR}-manager"
NEW_MEMBER = "guide-new-member"
WIDTH, HEIGHT = 1280, 860


def shoot(page, name, *, locator=None, full=False):
    path = str(OUT / f"{name}.png")
    if locator:
        page.locator(locator).first.screenshot(path=path)
    else:
        page.screenshot(path=path, full_page=full)


def sign_in(page, username, code=True):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": BASE}])
    page.goto(f"{BASE}/admin/login/")
    page.fill("[name=username]", username)
    page.fill("[name=password]", DEMO_PASSWORD)
    if code:
        page.fill("[name=otp_token]", current_code())
    page.click("input[type=submit]")
    page.wait_for_load_state()


def a_request(user, *, needs: str, state: str | None = None) -> DataRequest:
    """A demo request of the operator on which `user` may take the transition `needs` now."""
    requests = DataRequest.objects.filter(operator__slug=OPERATOR).order_by("-received_at")
    if state:
        requests = requests.filter(state=state)
    for request in requests[:200]:
        if needs in available_transitions(request, user):
            return request
    raise SystemExit(f"no demo request where {needs} is open")


def new_member() -> None:
    user, _ = get_user_model().objects.get_or_create(
        username=NEW_MEMBER, defaults={"email": "new.member@qaztracker.example.kz", "is_staff": True}
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    Membership.objects.update_or_create(
        user=user, operator=Operator.objects.get(slug=OPERATOR), defaults={"role": Role.CASEWORKER}
    )
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def main():
    manager = get_user_model().objects.get(username=USERNAME)
    in_work = a_request(manager, needs="refuse", state=State.IN_PROGRESS)
    with_letters = (
        DataRequest.objects.filter(operator__slug=OPERATOR, letters__status=Letter.Status.READY)
        .order_by("-received_at")
        .first()
    )
    new_member()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
        page = context.new_page()
        page.context.add_cookies([{"name": "django_language", "value": "en", "url": BASE}])
        page.goto(f"{BASE}/admin/login/")
        page.fill("[name=username]", USERNAME)
        shoot(page, "01-sign-in")
        sign_in(page, USERNAME)
        shoot(page, "02-admin-home")
        page.goto(f"{BASE}/admin/dsar/datarequest/?queue=open")
        shoot(page, "03-queues")
        page.goto(f"{BASE}/admin/dsar/datarequest/{in_work.pk}/change/")
        shoot(page, "04-request-page")
        shoot(page, "05-next-steps", locator=".dsar-actions")
        page.goto(f"{BASE}/admin/dsar/datarequest/{in_work.pk}/transition/refuse/")
        shoot(page, "06-refuse")
        page.goto(f"{BASE}/admin/dsar/recordedrequest/add/")
        shoot(page, "07-paper-intake")
        page.goto(f"{BASE}/admin/dsar/datarequest/{with_letters.pk}/change/")
        shoot(page, "08-letters", locator=".dsar-files")
        shoot(page, "09-timeline", locator=".dsar-timeline")
        page.goto(f"{BASE}/admin/security/")
        shoot(page, "10-security")
        context.close()

        context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
        page = context.new_page()
        sign_in(page, NEW_MEMBER, code=False)
        page.goto(f"{BASE}/admin/security/enrol/")
        shoot(page, "11-enrol")
        context.close()
        browser.close()


if __name__ == "__main__":
    main()
