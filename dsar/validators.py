"""Validators for Kazakhstan identifiers."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_WEIGHTS_1 = list(range(1, 12))
_WEIGHTS_2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]


def iin_bin_check_digit(first11: str) -> int | None:
    """The official control digit of an IIN/BIN, or None when the number has none (both passes give 10)."""
    digits = [int(c) for c in first11]
    control = sum(w * d for w, d in zip(_WEIGHTS_1, digits, strict=False)) % 11
    if control == 10:
        control = sum(w * d for w, d in zip(_WEIGHTS_2, digits, strict=False)) % 11
    return None if control == 10 else control


def is_valid_iin_bin(value: str) -> bool:
    if not (isinstance(value, str) and len(value) == 12 and value.isascii() and value.isdigit()):
        return False
    return iin_bin_check_digit(value[:11]) == int(value[11])


def validate_iin_bin(value: str) -> None:
    if not is_valid_iin_bin(value):
        raise ValidationError(
            _("Enter a valid 12-digit IIN/BIN: the check digit does not match."), code="invalid_iin_bin"
        )


def normalise_phone(value: str) -> str | None:
    """A phone number as the portal stores it: E.164, Kazakhstan by default (+7XXXXXXXXXX);
    None when it is not a valid number."""
    import phonenumbers

    try:
        number = phonenumbers.parse(value, "KZ")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
