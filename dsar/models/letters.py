import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LetterKind(models.TextChoices):
    ACKNOWLEDGMENT = "acknowledgment", _("Acknowledgment of receipt")
    CLARIFICATION = "clarification", _("Request for clarification or documents")
    EXTENSION = "extension", _("Extension notice")
    FULFILLED = "fulfilled", _("Answer: fulfilled")
    PARTLY_FULFILLED = "partly_fulfilled", _("Answer: partly fulfilled")
    REFUSAL = "refusal", _("Refusal")
    BLOCKED = "blocked", _("Notice: data blocked")
    UNBLOCKED = "unblocked", _("Notice: data unblocked")
    DESTROYED = "destroyed", _("Notice: data destroyed")
    CLAIM_RESULT = "claim_result", _("Result of the claim review")
    ACCESS_ANSWER = "access_answer", _("Answer to an access request")


def _letter_path(instance, filename):
    return f"letters/{instance.request.operator_id}/{instance.request_id}/{uuid.uuid4().hex}.pdf"


class Letter(models.Model):
    """A letter to the subject. Rendered once to PDF in Celery and then never changed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed; retrying")

    request = models.ForeignKey("dsar.DataRequest", on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(_("kind"), max_length=30, choices=LetterKind.choices)
    number = models.CharField(_("outgoing number"), max_length=40)
    language = models.CharField(_("language"), max_length=2)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(_("PDF"), upload_to=_letter_path, blank=True, max_length=300)
    sha256 = models.CharField(max_length=64, blank=True)
    verification_code = models.CharField(_("verification code"), max_length=16, unique=True)
    context = models.JSONField(default=dict, blank=True, help_text=_("What the letter says, frozen at issue."))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["request", "number"], name="letter_number_unique")]

    def __str__(self):
        return f"{self.number} · {self.get_kind_display()}"
