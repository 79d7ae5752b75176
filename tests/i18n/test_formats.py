"""Dates, times and numbers follow the reader's language (config/formats/)."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import formats, translation
from hypothesis import given, settings
from hypothesis import strategies as st

ALMATY = ZoneInfo("Asia/Almaty")
AM_PM = re.compile(r"\b(a\.m\.|p\.m\.|AM|PM|Т\.Қ\.|Т\.Ж\.|ДП|ПП)", re.IGNORECASE)


def render(template: str, language: str, **context) -> str:
    with translation.override(language):
        return Template("{% load l10n %}" + template).render(Context(context))


@pytest.mark.parametrize(
    "language, expected",
    [("kk", "30 қараша 2026 ж., 23:59"), ("ru", "30 ноября 2026 г., 23:59"), ("en", "30 November 2026, 23:59")],
)
def test_it_writes_day_month_year_and_a_24_hour_clock(language, expected):
    moment = datetime(2026, 11, 30, 23, 59, tzinfo=ALMATY)
    assert render("{{ when|date:'DATETIME_FORMAT' }}", language, when=moment) == expected


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)), st.sampled_from(["kk", "ru", "en"])
)
@settings(max_examples=60, deadline=None)
def test_it_never_writes_an_am_pm_marker(naive, language):
    with translation.override(language):
        for fmt in ("DATETIME_FORMAT", "TIME_FORMAT", "SHORT_DATETIME_FORMAT"):
            text = formats.date_format(naive, fmt)
            assert not AM_PM.search(text), text
            assert f"{naive.hour:02d}:{naive.minute:02d}" in text or f"{naive.hour}:{naive.minute:02d}" in text


@pytest.mark.parametrize("language, expected", [("kk", "1,7"), ("ru", "1,7"), ("en", "1.7")])
def test_it_uses_the_decimal_separator_of_the_language(language, expected):
    assert render("{{ n|floatformat:1 }}", language, n=1.7) == expected


def test_it_puts_each_month_in_kazakh_in_lower_case():
    with translation.override("kk"):
        months = [formats.date_format(datetime(2026, m, 15), "DATE_FORMAT") for m in range(1, 13)]
    names = [text.split()[1] for text in months]
    assert len(set(names)) == 12
    assert all(name == name.lower() and re.fullmatch(r"[а-яәғқңөұүһі]+", name) for name in names), names
    assert all(text.startswith("15 ") and text.endswith(" 2026 ж.") for text in months)


def test_it_reads_dates_the_way_it_writes_them_short():
    from django import forms

    class F(forms.Form):
        day = forms.DateField()

    for language in ("kk", "ru", "en"):
        with translation.override(language):
            written = formats.date_format(datetime(2026, 3, 21), "SHORT_DATE_FORMAT")
            form = F({"day": written})
            assert form.is_valid(), (language, written, form.errors)
            assert form.cleaned_data["day"].isoformat() == "2026-03-21"
