"""Counts with units take the plural form their number needs, in every language."""

import pytest
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from dsar.kinds import CALENDAR_DAYS, WORKING_DAYS, duration_text


def russian_form(n: int) -> int:
    if n % 10 == 1 and n % 100 != 11:
        return 0
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return 1
    return 2


RU_WORKING = ["рабочий день", "рабочих дня", "рабочих дней"]
RU_CALENDAR = ["календарный день", "календарных дня", "календарных дней"]


@given(st.integers(min_value=0, max_value=1000))
def test_it_gives_russian_counts_the_right_form(n):
    with translation.override("ru"):
        assert duration_text(n, WORKING_DAYS) == f"{n} {RU_WORKING[russian_form(n)]}"
        assert duration_text(n, CALENDAR_DAYS) == f"{n} {RU_CALENDAR[russian_form(n)]}"


@given(st.integers(min_value=0, max_value=1000))
def test_it_gives_english_and_kazakh_counts_the_right_form(n):
    with translation.override("en"):
        assert duration_text(n, WORKING_DAYS) == (f"{n} working day" if n == 1 else f"{n} working days")
    with translation.override("kk"):
        assert duration_text(n, WORKING_DAYS) == f"{n} жұмыс күні"
        assert duration_text(n, CALENDAR_DAYS) == f"{n} күнтізбелік күн"


@pytest.mark.parametrize(
    "language, n, working, expected",
    [
        ("ru", 1, True, "1 рабочего дня"),
        ("ru", 3, True, "3 рабочих дней"),
        ("ru", 21, False, "21 календарного дня"),
        ("en", 1, True, "1 working day"),
        ("en", 15, False, "15 calendar days"),
    ],
)
def test_it_words_the_window_on_the_portal_with_the_count(language, n, working, expected):
    with translation.override(language):
        html = Template('{% include "dsar/portal/_window.html" %}').render(
            Context({"w": {"n": n, "working": working, "promise": "", "extension": False}})
        )
    assert expected in html


@pytest.mark.django_db
def test_it_never_writes_one_with_a_plural_on_the_staff_request_page(client):
    from dsar.models import Policy, Role
    from tests.factories import OperatorFactory, make_request, otp_login, staff_user

    operator = OperatorFactory()
    Policy.objects.create(operator=operator, kind="enquiry", deadline_n=1, deadline_unit="calendar_days")
    otp_login(client, staff_user(operator, Role.CASEWORKER))
    request = make_request(operator, kind="enquiry", description="?")
    client.cookies["django_language"] = "ru"
    page = client.get(f"/admin/dsar/datarequest/{request.pk}/change/").content.decode()
    assert "1 календарный день" in page and "1 календарных" not in page
