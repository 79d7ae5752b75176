"""Public portal views, split by what the person is doing."""

from .common import ratelimited
from .identity import confirm, confirm_resend, find_request
from .public import home, kind_choice, operator_page, request_form
from .status import download, file, reply, status, status_code, status_unlock, withdraw

__all__ = [
    "confirm",
    "confirm_resend",
    "download",
    "file",
    "find_request",
    "home",
    "kind_choice",
    "operator_page",
    "ratelimited",
    "reply",
    "request_form",
    "status",
    "status_code",
    "status_unlock",
    "withdraw",
]
