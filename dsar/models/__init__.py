from .correspondence import Attachment, Message
from .events import Event, EventChainHead
from .operators import CalendarOverride, Membership, Operator, Policy, ReferenceCounter, Role
from .requests import DataRequest, State

__all__ = [
    "Attachment",
    "CalendarOverride",
    "DataRequest",
    "Event",
    "EventChainHead",
    "Membership",
    "Message",
    "Operator",
    "Policy",
    "ReferenceCounter",
    "Role",
    "State",
]
