"""Operator content that subjects read, per language (django-modeltranslation).

Each field below gets a column per language (`legal_address_kk`, `_ru`, `_en`); reading the plain
name gives the active language's text, falling back as MODELTRANSLATION_FALLBACK_LANGUAGES says.
The legal names were per language from the start (`Operator.name_kk` etc.). Letter texts are
per language rows of their own (`LetterTemplate`).
"""

from modeltranslation.translator import TranslationOptions, register

from .models import Operator, Policy


@register(Operator)
class OperatorTranslation(TranslationOptions):
    fields = ("legal_address", "responsible_person", "about")


@register(Policy)
class PolicyTranslation(TranslationOptions):
    fields = ("promise_text",)
