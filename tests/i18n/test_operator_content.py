"""The operator's own texts in the reader's language, with a sensible fallback (dsar/translation.py)."""

import re

import pytest
from django.utils import translation

from dsar.demo.operators import OPERATORS, load_operators
from dsar.models import Operator, Policy
from tests.factories import OperatorFactory

pytestmark = pytest.mark.django_db
TEXTS = ("legal_address", "responsible_person", "about")
CYRILLIC = re.compile(r"[а-яА-ЯёЁәғқңөұүһіӘҒҚҢӨҰҮҺІ]")
KAZAKH_ONLY = re.compile(r"[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")


def test_it_gives_every_demo_operator_its_texts_in_kazakh_russian_and_english():
    for operator in load_operators():
        for field in TEXTS:
            kk, ru, en = (getattr(operator, f"{field}_{lang}") for lang in ("kk", "ru", "en"))
            assert kk and ru and en, (operator.slug, field)
            assert not CYRILLIC.search(en), (operator.slug, field, en)
            assert CYRILLIC.search(ru) and not KAZAKH_ONLY.search(ru), (operator.slug, field, ru)
            assert CYRILLIC.search(kk), (operator.slug, field, kk)
        for policy in [p for p in Policy.objects.filter(operator=operator) if p.promise_text_en]:
            assert policy.promise_text_kk and policy.promise_text_ru, (operator.slug, policy.kind)
            assert not CYRILLIC.search(policy.promise_text_en)


def test_it_uses_only_example_kz_contacts_in_the_demo():
    for spec in OPERATORS:
        assert spec["contact_email"].endswith(".example.kz")
        assert spec.get("contact_phone", "") == ""
        assert all("@" not in str(v) or ".example.kz" in str(v) for v in spec.values())


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_it_shows_the_operator_page_in_the_readers_language(client, language):
    operator = next(o for o in load_operators() if o.slug == "qaztracker")
    page = client.get(f"/{language}/o/{operator.slug}/").content.decode()
    for field in TEXTS:
        assert getattr(operator, f"{field}_{language}") in page.replace("&quot;", '"').replace("&#x27;", "'")
    others = {"kk", "ru", "en"} - {language}
    for other in others:
        assert getattr(operator, f"about_{other}") not in page


def test_it_falls_back_to_russian_then_english_when_a_language_is_missing(client):
    operator = OperatorFactory(about_ru="О нас по-русски", about_en="About us", about_kk="")
    with translation.override("kk"):
        assert Operator.objects.get(pk=operator.pk).about == "О нас по-русски"
    operator = OperatorFactory(about_ru="", about_en="About us", about_kk="")
    with translation.override("kk"):
        assert Operator.objects.get(pk=operator.pk).about == "About us"
    assert "About us" in client.get(f"/kk/o/{operator.slug}/").content.decode()


def test_it_writes_the_letterhead_in_the_letters_language():
    operator = next(o for o in load_operators() if o.slug == "qarat")
    with translation.override("en"):  # the staff member's language must not leak into the letter
        assert operator.translated("legal_address", "kk") == operator.legal_address_kk
        assert operator.translated("responsible_person", "ru") == operator.responsible_person_ru
