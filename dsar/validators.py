"""Validators for Kazakhstan identifiers, and the guard on webhook targets."""

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


def address_forbidden(address: str) -> bool:
    """A webhook may reach only globally routable unicast addresses. An IPv6 form that carries an
    IPv4 address (IPv4-mapped, 6to4, NAT64 well-known prefix) is judged by that IPv4 address."""
    import ipaddress

    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in ipaddress.ip_network("64:ff9b::/96"):
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None and address_forbidden(str(embedded)):
            return True
    return not ip.is_global or ip.is_multicast


def webhook_target_check(url: str) -> list[str]:
    """Refuse URLs a webhook must never reach; returns the resolved addresses to connect to.

    https is required unless DSAR_WEBHOOK_ALLOW_HTTP (development, tests); any address that is
    not global (private, loopback, link-local, shared 100.64/10, documentation...) is refused
    unless DSAR_WEBHOOK_ALLOW_PRIVATE (tests use 127.0.0.1).
    """
    import socket
    from urllib.parse import urlsplit

    from django.conf import settings

    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValidationError(_("Give a full https:// address."))
    if parts.scheme != "https" and not settings.DSAR_WEBHOOK_ALLOW_HTTP:
        raise ValidationError(_("Webhooks go only to https:// addresses."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError):
        raise ValidationError(_("This host name does not resolve.")) from None
    addresses = sorted({info[4][0] for info in infos})
    if not settings.DSAR_WEBHOOK_ALLOW_PRIVATE and any(address_forbidden(a) for a in addresses):
        raise ValidationError(_("Webhooks may not go to private, loopback or link-local addresses."))
    return addresses
