"""A second factor for the demo staff: every demo account gets a TOTP device with one fixed, public key.

The key is the RFC 6238 test key, so it is no secret: this is for demos and tests only.
Get a code with `python manage.py dsar_otp_code <username>`, or add the key to any
authenticator app (base32 below).
"""

import base64

DEMO_TOTP_KEY_HEX = "3132333435363738393031323334353637383930"  # ASCII "12345678901234567890"
DEMO_TOTP_KEY_BASE32 = base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY_HEX)).decode()
DEVICE_NAME = "demo authenticator"
# As printed by bin/dev: run from the repository root, with the virtualenv bin/dev made.
OTP_COMMAND = ".venv/bin/python manage.py dsar_otp_code"


def ensure_demo_device(user):
    """Give `user` the demo TOTP device (idempotent)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.update_or_create(
        user=user, name=DEVICE_NAME, defaults={"key": DEMO_TOTP_KEY_HEX, "confirmed": True}
    )
    return device


def current_code(key_hex: str = DEMO_TOTP_KEY_HEX) -> str:
    from django_otp.oath import totp

    return f"{totp(bytes.fromhex(key_hex)):06d}"


def help_text() -> str:
    return (
        "Staff log in with a second factor. Every demo account has the same demo TOTP key "
        f"(base32 {DEMO_TOTP_KEY_BASE32}); get the current code with:\n"
        f"  {OTP_COMMAND} <username>"
    )
