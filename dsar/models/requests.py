from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from ..kinds import KIND_RULES, Kind, RefusalGround
from ..states import ACTIVE_STATES, OPEN_STATES, Outcome, State  # noqa: F401 (Outcome re-exported)
from ..workflow import RequestWorkflow
from .channels import Channel
from .operators import LANGUAGE_CHOICES, Operator


class RepresentativeBasis(models.TextChoices):
    POWER_OF_ATTORNEY = "power_of_attorney", _("Power of attorney")
    PARENT = "parent", _("Parent of a minor")
    GUARDIAN = "guardian", _("Guardian or trustee")


class DataRequest(RequestWorkflow, ConcurrentTransitionMixin, models.Model):
    """One request from a data subject (or their representative) to one operator."""

    operator = models.ForeignKey(
        Operator, on_delete=models.PROTECT, related_name="requests", verbose_name=_("operator")
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    reference = models.CharField(_("reference"), max_length=32)
    state = FSMField(_("state"), default=State.AWAITING_IDENTITY, choices=State.choices, protected=True)
    language = models.CharField(_("language of the answer"), max_length=2, choices=LANGUAGE_CHOICES, default="ru")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.WEB)

    # The data subject.
    subject_name = models.CharField(_("subject's full name"), max_length=200)
    subject_email = models.EmailField(_("subject's e-mail"))
    subject_phone = models.CharField(_("subject's phone"), max_length=20, blank=True)
    subject_iin = models.CharField(_("subject's IIN"), max_length=12, blank=True)
    # Whoever acts for the subject; empty when the subject acts in person.
    acting_for_other = models.BooleanField(_("a representative acts"), default=False)
    representative_name = models.CharField(_("representative's full name"), max_length=200, blank=True)
    representative_email = models.EmailField(_("representative's e-mail"), blank=True)
    representative_phone = models.CharField(_("representative's phone"), max_length=20, blank=True)
    representative_basis = models.CharField(
        _("authority"), max_length=30, choices=RepresentativeBasis.choices, blank=True
    )
    authority_verified_at = models.DateTimeField(_("authority checked"), null=True, blank=True)

    description = models.TextField(_("description"), blank=True)
    details = models.JSONField(_("kind-specific details"), default=dict, blank=True)

    # The clock. Stored in UTC; counted in the operator's time zone (deadlines.py).
    submitted_at = models.DateTimeField(_("submitted"), db_index=True)
    identity_confirmed_at = models.DateTimeField(_("identity confirmed"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    original_due_at = models.DateTimeField(_("originally due"), null=True, blank=True)
    clock_paused_at = models.DateTimeField(_("clock paused since"), null=True, blank=True)
    # Working seconds (deadlines.working_seconds_between) the clock stood still, for "time to answer".
    paused_seconds = models.PositiveBigIntegerField(_("time paused (working seconds)"), default=0)
    # A blocked request's own clock: check the data, then unblock or destroy (1 working day).
    review_due_at = models.DateTimeField(_("check of blocked data due"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Working time from receipt to answer, less pauses; computed once at the answer so the
    # dashboard can take medians and percentiles in the database.
    answer_working_seconds = models.PositiveBigIntegerField(null=True, blank=True)

    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_requests",
        verbose_name=_("assignee"),
    )
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True)
    refusal_ground = models.CharField(_("refusal ground"), max_length=40, choices=RefusalGround.choices, blank=True)
    refusal_basis = models.CharField(_("legal basis of the refusal"), max_length=300, blank=True)
    refusal_explanation = models.TextField(_("explanation for the subject"), blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )

    # Swept by beat: the earliest moment something must happen to this request.
    next_action_at = models.DateTimeField(null=True, blank=True)
    last_contact_at = models.DateTimeField(_("last contact"), null=True, blank=True)
    purged_at = models.DateTimeField(_("personal data purged"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-submitted_at"]
        permissions = [
            ("triage_datarequest", _("Can work on requests (caseworker)")),
            ("decide_datarequest", _("Can fulfil and refuse requests")),
            ("view_personal_data", _("Can see subjects' personal data")),
            ("view_dashboard", _("Can see the SLA dashboard")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["operator", "reference"], name="request_reference_unique"),
            models.CheckConstraint(
                condition=~models.Q(state="refused") | ~models.Q(refusal_ground=""),
                name="refused_has_ground",
            ),
        ]
        indexes = [
            # Staff queues: open requests of an operator by due date.
            models.Index(fields=["operator", "state", "due_at"], name="req_queue_idx"),
            models.Index(fields=["operator", "assignee", "state"], name="req_assignee_idx"),
            models.Index(fields=["operator", "received_at"], name="req_received_idx"),
            models.Index(fields=["due_at"], name="req_open_due_idx", condition=models.Q(state__in=OPEN_STATES)),
            # The beat sweep reads exactly this.
            models.Index(
                fields=["next_action_at"], name="req_next_action_idx", condition=models.Q(next_action_at__isnull=False)
            ),
            models.Index(fields=["subject_email"], name="req_email_idx"),
            # Staff admin queues (dsar/selectors.py): open work of an operator or an assignee by due
            # date, closed ones by closing date; phone and IIN for search and duplicate hints.
            models.Index(
                fields=["operator", "due_at", "id"],
                name="req_op_open_due_idx",
                condition=models.Q(state__in=OPEN_STATES),
            ),
            models.Index(
                fields=["assignee", "due_at", "id"],
                name="req_assignee_open_idx",
                condition=models.Q(state__in=OPEN_STATES),
            ),
            models.Index(
                fields=["operator", "closed_at", "id"],
                name="req_op_closed_idx",
                condition=models.Q(closed_at__isnull=False),
            ),
            models.Index(
                fields=["closed_at", "id"], name="req_closed_idx", condition=models.Q(closed_at__isnull=False)
            ),
            # Overdue / due today / due within a working day: the clock runs only in these two states.
            models.Index(
                fields=["operator", "due_at", "id"],
                name="req_op_running_due_idx",
                condition=models.Q(state__in=["received", "in_progress"]),
            ),
            models.Index(
                fields=["due_at", "id"],
                name="req_running_due_idx",
                condition=models.Q(state__in=["received", "in_progress"]),
            ),
            models.Index(
                fields=["representative_email"], name="req_rep_email_idx", condition=~models.Q(representative_email="")
            ),
            models.Index(fields=["subject_phone"], name="req_phone_idx", condition=~models.Q(subject_phone="")),
            models.Index(fields=["subject_iin"], name="req_iin_idx", condition=~models.Q(subject_iin="")),
            # Duplicate candidates (selectors.duplicate_candidates): the same e-mail in any case,
            # phone or IIN among the operator's open requests. Phone and IIN have their indexes above;
            # this one serves UPPER(subject_email), so PostgreSQL answers the OR with a BitmapOr of
            # three small scans instead of reading every open request in submission order.
            models.Index(
                Upper("subject_email"), "operator", name="req_dup_email_idx", condition=models.Q(state__in=OPEN_STATES)
            ),
            # SLA dashboard (dsar/dashboard/selectors). INCLUDE makes them covering on PostgreSQL, so
            # the figures come from index-only scans however the rows lie in the table.
            models.Index(
                fields=["operator", "due_at"],
                name="req_active_queue_idx",
                condition=models.Q(state__in=ACTIVE_STATES),
                # Every column the queue conditions (dsar/queues.py) read, the blocked requests'
                # review clock included: the Now figures are index-only scans.
                include=["state", "assignee", "clock_paused_at", "received_at", "review_due_at"],
            ),
            models.Index(
                fields=["operator", "answered_at"],
                name="req_answered_idx",
                include=["kind", "due_at", "answer_working_seconds", "outcome", "refusal_ground"],
            ),
            models.Index(
                fields=["operator", "closed_at"],
                name="req_closed_unanswered_idx",
                condition=models.Q(answered_at__isnull=True),
                include=["outcome"],
            ),
            models.Index(fields=["operator", "received_at"], name="req_received_kind_idx", include=["kind"]),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def in_hours(self) -> bool:
        return KIND_RULES[self.kind].in_hours

    @property
    def requester_email(self) -> str:
        return self.representative_email if self.acting_for_other and self.representative_email else self.subject_email


class RecordedRequest(DataRequest):
    """The admin's entry point for requests staff record from paper, e-mail or a visit (no table of its own)."""

    class Meta:
        proxy = True
        verbose_name = _("paper, e-mail or in-person request")
        verbose_name_plural = _("paper, e-mail and in-person requests")
