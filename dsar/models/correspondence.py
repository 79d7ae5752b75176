import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    """A message between the operator and the subject, or a staff-only note."""

    class Channel(models.TextChoices):
        TO_SUBJECT = "to_subject", _("To the subject")
        FROM_SUBJECT = "from_subject", _("From the subject")
        INTERNAL = "internal", _("Internal note")

    request = models.ForeignKey(
        "dsar.DataRequest", on_delete=models.CASCADE, related_name="messages", verbose_name=_("request")
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("created"))

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.get_channel_display()} · {self.created_at:%Y-%m-%d %H:%M}"


def _private_upload_path(instance, filename):
    # Generated names only: the original name is kept in a column, never on disk.
    return f"requests/{instance.request.operator_id}/{instance.request_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file uploaded by the subject or staff. Stored outside any public root."""

    class Purpose(models.TextChoices):
        AUTHORITY = "authority", _("Proof of authority")
        IDENTITY = "identity", _("Proof of identity")
        EVIDENCE = "evidence", _("Supporting document")
        REPLY = "reply", _("Reply from the subject")
        STAFF = "staff", _("Staff document")
        EXPORT = "export", _("Data export")

    request = models.ForeignKey(
        "dsar.DataRequest", on_delete=models.CASCADE, related_name="attachments", verbose_name=_("request")
    )
    message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments", verbose_name=_("message")
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    file = models.FileField(_("file"), upload_to=_private_upload_path, max_length=300)
    original_name = models.CharField(_("original name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256"))
    uploaded_by_subject = models.BooleanField(default=False, verbose_name=_("uploaded by the subject"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at"]

    def __str__(self):
        return self.original_name
