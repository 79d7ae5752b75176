from .authority import AuthorityCheck
from .correspondence import Attachment, Message
from .events import Event, EventChainHead
from .letters import Letter, LetterKind
from .notifications import Notification
from .letters import AccessRecord, LetterCounter, LetterTemplate, ProcessingActivity  # noqa: F401
from .operators import CalendarOverride, Membership, Operator, Policy, ReferenceCounter, Role
from .requests import DataRequest, State

__all__ = [
    "Attachment",
    "AuthorityCheck",
    "CalendarOverride",
    "DataRequest",
    "Event",
    "Letter",
    "LetterKind",
    "EventChainHead",
    "Membership",
    "Notification",
    "Message",
    "Operator",
    "Policy",
    "ReferenceCounter",
    "Role",
    "State",
]
from .portal import CodePurpose, DownloadLink, OneTimeCode, StatusAccess  # noqa: E402,F401
