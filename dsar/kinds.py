"""Request kinds, their statutory defaults and caps (domain.md, "Request kinds and their clocks").

The identifiers are part of the interface: URLs, exports and the API use them.
"""

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import deadlines
from .deadlines import CALENDAR_DAYS, WORKING_DAYS, WorkCalendar


class Kind(models.TextChoices):
    ACCESS = "access", _("Access to my data")
    RECTIFICATION = "rectification", _("Rectification (change or supplement)")
    BLOCKING = "blocking", _("Blocking")
    DESTRUCTION = "destruction", _("Destruction (deletion)")
    CONSENT_WITHDRAWAL = "consent_withdrawal", _("Withdrawal of consent")
    AUTOMATED_DECISION_OBJECTION = "automated_decision_objection", _("Objection to an automated decision")
    CLAIM = "claim", _("Pre-trial claim")
    ENQUIRY = "enquiry", _("General enquiry about processing")


class DeadlineUnit(models.TextChoices):
    WORKING_DAYS = WORKING_DAYS, _("working days")
    CALENDAR_DAYS = CALENDAR_DAYS, _("calendar days")


def duration_text(n: int, unit: str) -> str:
    """ "1 working day", "3 working days", "21 рабочий день": a count with its unit, in plural form."""
    if unit == WORKING_DAYS:
        return ngettext("%(n)s working day", "%(n)s working days", n) % {"n": n}
    return ngettext("%(n)s calendar day", "%(n)s calendar days", n) % {"n": n}


@dataclass(frozen=True)
class KindRule:
    n: int
    unit: str
    # None: no statutory cap (the operator's own promise or a contract governs).
    cap_n: int | None
    cap_unit: str | None
    basis: str
    # Kinds with only hours to act: reminders and dashboards count in hours.
    in_hours: bool = False


KIND_RULES: dict[str, KindRule] = {
    Kind.ACCESS: KindRule(3, WORKING_DAYS, None, None, "art. 24(1)(1), 25(2)(6),(7),(9)"),
    Kind.RECTIFICATION: KindRule(1, WORKING_DAYS, 1, WORKING_DAYS, "art. 13, 24(1)(2), 25", in_hours=True),
    Kind.BLOCKING: KindRule(1, WORKING_DAYS, 1, WORKING_DAYS, "art. 24(1)(3), 25", in_hours=True),
    Kind.DESTRUCTION: KindRule(1, WORKING_DAYS, 1, WORKING_DAYS, "art. 18, 24(1)(4), 25", in_hours=True),
    Kind.CONSENT_WITHDRAWAL: KindRule(15, WORKING_DAYS, 15, WORKING_DAYS, "art. 8, 24(1)(5)"),
    Kind.AUTOMATED_DECISION_OBJECTION: KindRule(3, WORKING_DAYS, 3, WORKING_DAYS, "art. 19-1"),
    Kind.CLAIM: KindRule(30, CALENDAR_DAYS, None, None, "contract / operator policy"),
    Kind.ENQUIRY: KindRule(15, CALENDAR_DAYS, None, None, "operator policy"),
}

HOURS_KINDS = frozenset(k for k, rule in KIND_RULES.items() if rule.in_hours)


# Law No. 94-V gives private operators no extensions; only answers governed by a contract
# or the operator's own policy (claims, enquiries) may be extended, and only if it says so.
EXTENDABLE_KINDS = frozenset({Kind.CLAIM, Kind.ENQUIRY})


def window_exceeds_cap(
    *, kind: str, n: int, unit: str, calendar: WorkCalendar | None = None, years: tuple[int, int] | None = None
) -> bool:
    """True when a policy window would end after the statutory cap for the kind.

    Exact on the given calendar for every receipt date of `years` (default: this year and
    the next two), see deadlines.window_exceeds_cap.
    """
    rule = KIND_RULES[kind]
    if rule.cap_n is None:
        return False
    first_year, last_year = years or (date.today().year, date.today().year + 2)
    return deadlines.window_exceeds_cap(
        n=n,
        unit=unit,
        cap_n=rule.cap_n,
        cap_unit=rule.cap_unit,
        calendar=calendar or WorkCalendar(),
        first=date(first_year, 1, 1),
        last=date(last_year, 12, 31),
    )


class RefusalGround(models.TextChoices):
    NO_SUPPORTING_DOCUMENTS = "no_supporting_documents", _("No documents prove the correct data (art. 13)")
    VIOLATION_NOT_CONFIRMED = (
        "violation_not_confirmed",
        _("Violation of collection or processing not confirmed (art. 25)"),
    )
    LAWFUL_STORAGE_PERIOD_RUNS = (
        "lawful_storage_period_runs",
        _("Processing is lawful and the storage period runs (art. 12)"),
    )
    LAW_REQUIRES_KEEPING = "law_requires_keeping", _("A law requires the data to be kept (art. 18)")
    WITHDRAWAL_CONTRADICTS_LAW = "withdrawal_contradicts_law", _("Withdrawal contradicts a law (art. 8(2))")
    OBLIGATION_UNFULFILLED = "obligation_unfulfilled", _("An obligation is not yet fulfilled (art. 8(2))")
    CONSENT_GIVEN_FOR_AUTOMATED = (
        "consent_given_for_automated",
        _("Consent to the automated decision was given (art. 19-1)"),
    )
    LAW_ALLOWS_AUTOMATED = "law_allows_automated", _("A law allows the automated decision (art. 19-1)")
    IDENTITY_NOT_PROVEN = "identity_not_proven", _("The requester's identity or authority is not proven (art. 24)")
    NO_DATA_HELD = "no_data_held", _("The operator holds no data about the subject")
    CLAIM_UNFOUNDED = "claim_unfounded", _("The claim is unfounded after review (contract)")
    OTHER = "other", _("Other reasoned ground")


# The legal basis printed with each ground; staff may refine it per request.
REFUSAL_BASIS = {
    RefusalGround.NO_SUPPORTING_DOCUMENTS: "Law No. 94-V, art. 13, art. 24(1)(2)",
    RefusalGround.VIOLATION_NOT_CONFIRMED: "Law No. 94-V, art. 24(1)(3), art. 25",
    RefusalGround.LAWFUL_STORAGE_PERIOD_RUNS: "Law No. 94-V, art. 12, art. 18",
    RefusalGround.LAW_REQUIRES_KEEPING: "Law No. 94-V, art. 18",
    RefusalGround.WITHDRAWAL_CONTRADICTS_LAW: "Law No. 94-V, art. 8(2)",
    RefusalGround.OBLIGATION_UNFULFILLED: "Law No. 94-V, art. 8(2)",
    RefusalGround.CONSENT_GIVEN_FOR_AUTOMATED: "Law No. 94-V, art. 19-1",
    RefusalGround.LAW_ALLOWS_AUTOMATED: "Law No. 94-V, art. 19-1",
    RefusalGround.IDENTITY_NOT_PROVEN: "Law No. 94-V, art. 24",
    RefusalGround.NO_DATA_HELD: "Law No. 94-V, art. 24(1)(1)",
    RefusalGround.CLAIM_UNFOUNDED: "Contract / operator policy",
    RefusalGround.OTHER: "",
}

# Grounds that fit each kind; the refusal form offers only these. "No data held" and "claim
# unfounded" are not among them: they are answers (workflow `answer_no_data`, `answer_unfounded`),
# and stay in RefusalGround only so that older refusals keep their label.
GROUNDS_BY_KIND = {
    Kind.ACCESS: [RefusalGround.IDENTITY_NOT_PROVEN, RefusalGround.OTHER],
    Kind.RECTIFICATION: [RefusalGround.NO_SUPPORTING_DOCUMENTS, RefusalGround.IDENTITY_NOT_PROVEN, RefusalGround.OTHER],
    Kind.BLOCKING: [RefusalGround.VIOLATION_NOT_CONFIRMED, RefusalGround.IDENTITY_NOT_PROVEN, RefusalGround.OTHER],
    Kind.DESTRUCTION: [
        RefusalGround.LAWFUL_STORAGE_PERIOD_RUNS,
        RefusalGround.LAW_REQUIRES_KEEPING,
        RefusalGround.IDENTITY_NOT_PROVEN,
        RefusalGround.OTHER,
    ],
    Kind.CONSENT_WITHDRAWAL: [
        RefusalGround.WITHDRAWAL_CONTRADICTS_LAW,
        RefusalGround.OBLIGATION_UNFULFILLED,
        RefusalGround.IDENTITY_NOT_PROVEN,
        RefusalGround.OTHER,
    ],
    Kind.AUTOMATED_DECISION_OBJECTION: [
        RefusalGround.CONSENT_GIVEN_FOR_AUTOMATED,
        RefusalGround.LAW_ALLOWS_AUTOMATED,
        RefusalGround.IDENTITY_NOT_PROVEN,
        RefusalGround.OTHER,
    ],
    Kind.CLAIM: [RefusalGround.IDENTITY_NOT_PROVEN, RefusalGround.OTHER],
    Kind.ENQUIRY: [RefusalGround.IDENTITY_NOT_PROVEN, RefusalGround.OTHER],
}
