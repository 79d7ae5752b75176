"""The notification outbox: one row per message, recorded under a unique key before it is sent.

The key is the idempotency guard. Whoever inserts the row first owns the notification; a
second sweep, a task run twice or a redelivered message finds the row and sends nothing
new. Delivery locks the row, sends, and marks it sent in one transaction, so a worker
killed mid-send rolls back to "pending" and the outbox sweep queues it again (once).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .fields import SealedJSONField


class Notification(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed after all retries")

    key = models.CharField(_("key"), max_length=200)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    to = models.CharField(_("recipient"), max_length=254)
    template = models.CharField(_("template"), max_length=100)
    # Encrypted at rest (it may hold a one-time code or a status link) and emptied once sent.
    context = SealedJSONField(default=dict, blank=True)
    language = models.CharField(_("language"), max_length=2)
    request = models.ForeignKey(
        "dsar.DataRequest", on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The row's one retry schedule (dsar/outbox.py), read by the delivery task and the sweep alike:
    # no attempt before `next_attempt_at`; `queued_at` is when a message for it was last queued.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(default=timezone.now, null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        # A constraint rather than unique=True: PostgreSQL then builds no second (LIKE) index,
        # which the sweep's bulk inserts would have to maintain for nothing.
        constraints = [models.UniqueConstraint(fields=["key"], name="notification_key_unique")]
        indexes = [
            # What a stuck-outbox check (and the health page) reads.
            models.Index(fields=["created_at"], name="notif_pending_idx", condition=models.Q(status="pending")),
            # What the outbox sweep reads: pending rows whose next attempt has come.
            models.Index(fields=["next_attempt_at"], name="notif_due_idx", condition=models.Q(status="pending")),
        ]

    def __str__(self):
        return self.key
