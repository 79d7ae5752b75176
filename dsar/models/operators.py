from datetime import time
from functools import cached_property
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..deadlines import WorkCalendar, calendar_for
from ..kinds import EXTENDABLE_KINDS, KIND_RULES, DeadlineUnit, Kind, duration_text, window_exceeds_cap
from ..validators import validate_iin_bin

LANGUAGE_CHOICES = [("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]
TIMEZONE_CHOICES = sorted((tz, tz) for tz in available_timezones() if tz.startswith("Asia/"))


class Operator(models.Model):
    """A holder of personal data that answers requests through the portal."""

    slug = models.SlugField(_("slug"), unique=True)
    name_kk = models.CharField(_("legal name (Kazakh)"), max_length=300)
    name_ru = models.CharField(_("legal name (Russian)"), max_length=300)
    name_en = models.CharField(_("legal name (English)"), max_length=300)
    short_name = models.CharField(
        _("short name"), max_length=100, help_text=_("Brand or product name shown to subjects.")
    )
    bin_iin = models.CharField(_("BIN/IIN"), max_length=12, validators=[validate_iin_bin])
    legal_address = models.CharField(_("legal address"), max_length=500)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    responsible_person = models.CharField(
        _("person responsible for processing"), max_length=200, help_text=_("Art. 25 of Law No. 94-V.")
    )
    languages = models.JSONField(_("languages offered"), default=list, help_text=_('E.g. ["kk", "ru", "en"].'))
    default_language = models.CharField(_("default language"), max_length=2, choices=LANGUAGE_CHOICES, default="ru")
    timezone = models.CharField(_("time zone"), max_length=64, choices=TIMEZONE_CHOICES, default="Asia/Almaty")
    reference_prefix = models.CharField(
        _("reference prefix"),
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2,6}$", _("Use 2 to 6 capital Latin letters."))],
    )
    require_phone_confirmation = models.BooleanField(
        _("confirm the phone too"), default=False, help_text=_("The subject must also confirm the phone number.")
    )
    minimum_age = models.PositiveSmallIntegerField(_("minimum age of users"), default=18)
    retention_days = models.PositiveIntegerField(
        _("retention of request records (days after last contact)"), default=3 * 365, validators=[MinValueValidator(30)]
    )
    working_hours_start = models.TimeField(
        _("working hours start"),
        default=time(9, 0),
        help_text=_("Staff reminders and escalations go out within working hours on working days."),
    )
    working_hours_end = models.TimeField(_("working hours end"), default=time(18, 0))
    about = models.TextField(_("about (shown on the operator page)"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))

    class Meta:
        verbose_name = _("operator")
        verbose_name_plural = _("operators")
        ordering = ["short_name"]

    def __str__(self):
        return self.short_name or self.name_en

    def clean(self):
        bad = [code for code in self.languages or [] if code not in dict(LANGUAGE_CHOICES)]
        if bad or not self.languages:
            raise ValidationError({"languages": _("Choose one or more of: kk, ru, en.")})
        if self.working_hours_start and self.working_hours_end and self.working_hours_start >= self.working_hours_end:
            raise ValidationError({"working_hours_end": _("The working day must end after it starts.")})
        if self.default_language not in self.languages:
            raise ValidationError({"default_language": _("The default language must be one of the languages offered.")})
        # Per-language texts (dsar/translation.py): the address and the responsible person in one
        # language at least; the others fall back to it.
        for field in ("legal_address", "responsible_person"):
            if not any(getattr(self, f"{field}_{code}", None) for code, _label in LANGUAGE_CHOICES):
                raise ValidationError(
                    {f"{field}_{self.default_language}": _("Fill this in at least in the default language.")}
                )

    def legal_name(self, language: str | None = None) -> str:
        language = (language or get_language() or "ru")[:2]
        return getattr(self, f"name_{language}", None) or self.name_ru

    def translated(self, field: str, language: str | None = None) -> str:
        """A per-language text (dsar/translation.py) in `language`, with the usual fallback."""
        with translation.override((language or get_language() or "ru")[:2]):
            return getattr(self, field)

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def working_hours(self) -> tuple[time, time]:
        return (self.working_hours_start, self.working_hours_end)

    def work_calendar(self) -> WorkCalendar:
        """Global overrides, with this operator's own overrides winning on the same date."""
        rows = CalendarOverride.objects.filter(models.Q(operator__isnull=True) | models.Q(operator=self)).order_by(
            models.F("operator").asc(nulls_first=True)
        )
        by_date = {row.date: row.is_working_day for row in rows}
        return calendar_for(overrides=by_date.items())

    def policy_for(self, kind: str) -> "Policy":
        # With prefetch_related("policies") (the portal does it) every kind costs no query:
        # the form page asks for all eight.
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("policies")
        if prefetched is not None:
            policy = next((p for p in prefetched if p.kind == kind), None)
        else:
            policy = self.policies.filter(kind=kind).first()
        return policy or Policy.default_for(self, kind)


class Policy(models.Model):
    """How one operator answers one kind of request."""

    class ClockStart(models.TextChoices):
        SUBMISSION = "submission", _("at submission")
        CONFIRMATION = "confirmation", _("at identity confirmation")

    class ClarificationOutcome(models.TextChoices):
        KEEP_OPEN = "keep_open", _("keep open and escalate")
        REFUSE = "refuse", _("refuse: identity or documents not provided")
        CLOSE = "close", _("close as withdrawn")

    operator = models.ForeignKey(
        Operator, on_delete=models.CASCADE, related_name="policies", verbose_name=_("operator")
    )
    kind = models.CharField(_("request kind"), max_length=40, choices=Kind.choices)
    enabled = models.BooleanField(_("accepted through the portal"), default=True)
    deadline_n = models.PositiveSmallIntegerField(_("answer within"), validators=[MinValueValidator(1)])
    deadline_unit = models.CharField(_("unit"), max_length=20, choices=DeadlineUnit.choices)
    promise_text = models.CharField(
        _("promise as worded in the policy"), max_length=200, blank=True, help_text=_('E.g. "1 to 15 calendar days".')
    )
    clock_starts = models.CharField(
        _("clock starts"), max_length=20, choices=ClockStart.choices, default=ClockStart.CONFIRMATION
    )
    pause_while_awaiting_subject = models.BooleanField(_("pause while awaiting the subject"), default=True)
    extension_allowed = models.BooleanField(_("extensions allowed"), default=False)
    extension_max_n = models.PositiveSmallIntegerField(_("longest extension"), default=0)
    extension_unit = models.CharField(
        _("extension unit"), max_length=20, choices=DeadlineUnit.choices, default=DeadlineUnit.CALENDAR_DAYS
    )
    reminder_offsets_hours = models.JSONField(
        _("remind the assignee this many hours before the deadline"), default=list, blank=True
    )
    identity_expiry_days = models.PositiveSmallIntegerField(
        _("expire unconfirmed requests after (days)"), default=7, validators=[MinValueValidator(1)]
    )
    clarification_timeout_days = models.PositiveSmallIntegerField(
        _("wait for the subject's answer (days)"), default=30, validators=[MinValueValidator(1)]
    )
    clarification_outcome = models.CharField(
        _("when the subject does not answer"),
        max_length=20,
        choices=ClarificationOutcome.choices,
        default=ClarificationOutcome.KEEP_OPEN,
    )

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        constraints = [models.UniqueConstraint(fields=["operator", "kind"], name="policy_one_per_kind")]
        ordering = ["operator", "kind"]

    def __str__(self):
        return f"{self.operator} · {self.get_kind_display()}"

    def clean(self):
        if self.kind and self.deadline_n and self.deadline_unit:
            calendar = self.operator.work_calendar() if self.operator_id else None
            if window_exceeds_cap(kind=self.kind, n=self.deadline_n, unit=self.deadline_unit, calendar=calendar):
                rule = KIND_RULES[self.kind]
                raise ValidationError(
                    {
                        "deadline_n": _(
                            "The law caps this kind at %(cap)s (%(basis)s); a policy may be shorter, never longer."
                        )
                        % {"cap": duration_text(rule.cap_n, rule.cap_unit), "basis": rule.basis}
                    }
                )
        if self.extension_allowed and self.kind not in EXTENDABLE_KINDS:
            raise ValidationError(
                {"extension_allowed": _("Law No. 94-V gives no extensions for this kind of request.")}
            )
        if self.extension_allowed and not self.extension_max_n:
            raise ValidationError({"extension_max_n": _("Say how long an extension may be.")})
        offsets = self.reminder_offsets_hours or []
        if not isinstance(offsets, list) or not all(isinstance(h, int) and h > 0 for h in offsets):
            raise ValidationError({"reminder_offsets_hours": _("Give a list of whole positive hours, e.g. [48, 4].")})

    def save(self, *args, **kwargs):
        # Database writes outside forms (fixtures, shell) must not slip past the caps either.
        self.full_clean(exclude=["operator"])
        super().save(*args, **kwargs)

    @classmethod
    def default_for(cls, operator: Operator, kind: str) -> "Policy":
        rule = KIND_RULES[kind]
        offsets = [4, 1] if rule.in_hours else [48, 24]
        return cls(
            operator=operator, kind=kind, deadline_n=rule.n, deadline_unit=rule.unit, reminder_offsets_hours=offsets
        )

    @property
    def in_hours(self) -> bool:
        return KIND_RULES[self.kind].in_hours


class Role(models.TextChoices):
    """What a member may do at that operator: see dsar/permissions.py (ROLE_PERMISSIONS)."""

    ASSISTANT = "assistant", _("Intake assistant (no personal data, no decisions)")
    CASEWORKER = "caseworker", _("Caseworker")
    MANAGER = "manager", _("Manager")
    DPO = "dpo", _("Responsible person (DPO)")


class Membership(models.Model):
    """A staff user works for an operator in a role. Staff see only their operators' data."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    operator = models.ForeignKey(
        Operator, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("operator")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [models.UniqueConstraint(fields=["user", "operator"], name="membership_unique")]

    def __str__(self):
        return f"{self.user} @ {self.operator} ({self.get_role_display()})"


class CalendarOverride(models.Model):
    """A day the `holidays` KZ calendar gets wrong or does not know yet (new decrees, the real Kurban Ait)."""

    operator = models.ForeignKey(
        Operator,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_overrides",
        help_text=_("Empty: applies to every operator."),
        verbose_name=_("operator"),
    )
    date = models.DateField(_("date"))
    is_working_day = models.BooleanField(
        _("working day"), help_text=_("Ticked: a weekend day made a working day. Unticked: an extra day off.")
    )
    note = models.CharField(_("reason"), max_length=200, help_text=_("E.g. the government decree."))

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["operator", "date"], name="override_unique_per_operator"),
            models.UniqueConstraint(
                fields=["date"], condition=models.Q(operator__isnull=True), name="override_unique_global"
            ),
        ]

    def __str__(self):
        what = _("working day") if self.is_working_day else _("day off")
        return f"{self.date}: {what}"


class ReferenceCounter(models.Model):
    """Per-operator, per-year sequence behind human reference numbers (QZT-2026-000123)."""

    operator = models.ForeignKey(Operator, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["operator", "year"], name="refcounter_unique")]
