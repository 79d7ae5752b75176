from .authority import AuthorityCheck
from .correspondence import Attachment, Message
from .events import ChainCheckpoint, Event, EventChainHead
from .letters import AccessRecord, Letter, LetterCounter, LetterKind, LetterTemplate, ProcessingActivity  # noqa: F401
from .notifications import Notification
from .operators import CalendarOverride, Membership, Operator, Policy, ReferenceCounter, Role
from .requests import DataRequest, RecordedRequest, State  # noqa: F401
from .rollup import DailyFigure, DailyOutcome
from .signing import OperatorSigningKey

__all__ = [
    "Attachment",
    "AuthorityCheck",
    "CalendarOverride",
    "DailyFigure",
    "DailyOutcome",
    "DataRequest",
    "ChainCheckpoint",
    "Event",
    "Letter",
    "LetterKind",
    "EventChainHead",
    "Membership",
    "Notification",
    "Message",
    "Operator",
    "OperatorSigningKey",
    "Policy",
    "ReferenceCounter",
    "Role",
    "State",
]
from ..connectors.models import Connector, ConnectorKey, ConnectorRun, LegalHold  # noqa: E402,F401
from .channels import (  # noqa: E402,F401
    ApiKey,
    ApiScope,
    Channel,
    DataSystem,
    IdempotencyRecord,
    SystemJob,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from .portal import CodePurpose, DownloadLink, OneTimeCode, StatusAccess  # noqa: E402,F401
from .staff import StaffSecurityEvent  # noqa: E402,F401
