from .request import KIND_FIELDS, KindChoiceForm, RequestForm, blank_form_html
from .status import CodeForm, FindRequestForm, IdentityForm, ReplyForm, WithdrawForm

__all__ = [
    "KIND_FIELDS",
    "CodeForm",
    "FindRequestForm",
    "IdentityForm",
    "KindChoiceForm",
    "ReplyForm",
    "RequestForm",
    "WithdrawForm",
    "blank_form_html",
]
