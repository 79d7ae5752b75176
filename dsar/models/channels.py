"""Channels other than the web form: API keys, idempotent API calls, webhook endpoints and
their delivery outbox, and the operator's data systems with the jobs sent to them.

Secrets: an API key is shown once and only its SHA-256 is stored (it is 256 random bits, so a
slow hash adds nothing). A webhook secret must be kept in clear: the portal signs with it.
"""

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..validators import webhook_target_check
from .operators import Operator

KEY_PREFIX = "dsar_"


class Channel(models.TextChoices):
    """How a request reached the operator."""

    WEB = "web", _("Web form")
    API = "api", _("Operator's app (API)")
    PAPER = "paper", _("Paper letter")
    EMAIL = "email", _("E-mail")
    IN_PERSON = "in_person", _("In person")


class ApiScope(models.TextChoices):
    SUBMIT = "submit", _("Submit requests")
    READ = "read", _("Read requests")
    MANAGE = "manage", _("Move requests and add records")
    VERIFIED_IDENTITY = "verified_identity", _("Submit for users the app has signed in (verified identity)")
    SYSTEM = "system", _("Answer data-system jobs")


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiKey(models.Model):
    """A key for one operator's app or system. Acts with at most the rights of the staff member who made it."""

    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(_("name"), max_length=100, help_text=_('E.g. "mobile app backend".'))
    prefix = models.CharField(_("key starts with"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    rate_per_minute = models.PositiveIntegerField(_("calls per minute"), default=120)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["operator", "-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def generate(cls) -> tuple[str, str, str]:
        """A new raw key, its display prefix and its hash."""
        raw = KEY_PREFIX + secrets.token_urlsafe(32)
        return raw, raw[: len(KEY_PREFIX) + 8], hash_secret(raw)

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])


class IdempotencyRecord(models.Model):
    """The first answer to a POST carrying an Idempotency-Key, replayed for every retry."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["api_key", "key"], name="idempotency_unique")]


class WebhookEvent(models.TextChoices):
    RECEIVED = "request.received", _("Request received")
    TRANSITION = "request.transition", _("Request moved (every transition)")
    LETTER = "letter.issued", _("Letter issued")
    APPROACHING = "request.deadline_approaching", _("Deadline approaching")
    OVERDUE = "request.overdue", _("Request overdue")
    JOB = "system.job", _("Job for a data system")


def _new_webhook_secret() -> str:
    return "whsec_" + __import__("base64").b64encode(secrets.token_bytes(32)).decode()


class WebhookEndpoint(models.Model):
    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="webhook_endpoints")
    # The number of the last message recorded for this endpoint (webhooks/ordering.py).
    last_sequence = models.PositiveBigIntegerField(default=0, editable=False)
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list, blank=True)
    secret = models.CharField(_("signing secret"), max_length=100, default=_new_webhook_secret)
    description = models.CharField(_("description"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    disabled_at = models.DateTimeField(_("disabled automatically"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["operator", "pk"]

    def __str__(self):
        return self.url

    def clean(self):
        super().clean()
        try:
            webhook_target_check(self.url)
        except ValidationError as exc:
            raise ValidationError({"url": exc.messages}) from None


class WebhookDelivery(models.Model):
    """The webhook outbox: one row per message, written in the transaction that caused it.

    `msg_id` is unique: whoever inserts it owns the message, and it is the `webhook-id` header,
    so a receiver that saw it already can drop a redelivery.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Delivered")
        FAILED = "failed", _("Failed after all retries")

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    msg_id = models.CharField(max_length=100)
    event = models.CharField(_("event"), max_length=40)
    payload = models.JSONField()
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last response code"), null=True, blank=True)
    last_response = models.CharField(_("last response"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["msg_id"], name="webhook_msg_unique")]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="webhook_due_idx", condition=models.Q(status="pending")),
        ]

    def __str__(self):
        return self.msg_id


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(_("at"))
    status_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    response = models.CharField(_("response"), max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        ordering = ["at", "pk"]


class DataSystem(models.Model):
    """One of the operator's systems that hold personal data (app backend, CRM, billing)."""

    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="data_systems")
    name = models.CharField(_("name"), max_length=100)
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.PROTECT,
        related_name="systems",
        verbose_name=_("webhook endpoint"),
        help_text=_("Jobs go to this endpoint as system.job events."),
    )
    kinds = models.JSONField(
        _("request kinds"),
        default=list,
        blank=True,
        help_text=_("Empty: access, rectification, blocking and destruction."),
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("data system")
        verbose_name_plural = _("data systems")
        ordering = ["operator", "name"]
        constraints = [models.UniqueConstraint(fields=["operator", "name"], name="datasystem_name_unique")]

    def __str__(self):
        return self.name


class SystemJob(models.Model):
    """What one data system must do for one request, and how it answered."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent, waiting for the answer")
        RECORDS = "records", _("Answered with records")
        DONE = "done", _("Done")
        NOTHING_HELD = "nothing_held", _("Nothing held")

    request = models.ForeignKey("dsar.DataRequest", on_delete=models.CASCADE, related_name="system_jobs")
    system = models.ForeignKey(DataSystem, on_delete=models.CASCADE, related_name="jobs")
    action = models.CharField(_("action"), max_length=40)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SENT)
    sent_at = models.DateTimeField(_("sent"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    remind_at = models.DateTimeField(null=True, blank=True)
    escalate_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    note = models.TextField(_("note from the system"), blank=True)

    class Meta:
        verbose_name = _("data-system job")
        verbose_name_plural = _("data-system jobs")
        ordering = ["request", "system__name"]
        constraints = [models.UniqueConstraint(fields=["request", "system"], name="systemjob_unique")]
        indexes = [models.Index(fields=["remind_at"], name="systemjob_open_idx", condition=models.Q(status="sent"))]

    def __str__(self):
        return f"{self.system} · {self.get_status_display()}"
