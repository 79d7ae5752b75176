from .request import KIND_FIELDS, KindChoiceForm, RequestForm
from .status import CodeForm, IdentityForm, ReplyForm, WithdrawForm

__all__ = ["KIND_FIELDS", "CodeForm", "IdentityForm", "KindChoiceForm", "ReplyForm", "RequestForm", "WithdrawForm"]
