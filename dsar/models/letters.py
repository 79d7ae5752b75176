"""Letters to subjects, their editable texts, and the processing register behind access answers."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .operators import LANGUAGE_CHOICES


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
    NO_DATA_HELD = "no_data_held", _("Answer: no data held")
    WITHDRAWN = "withdrawn", _("Notice: request closed as withdrawn")
    DUPLICATE = "duplicate", _("Notice: request closed as a duplicate")
    EXPIRED = "expired", _("Notice: unconfirmed request closed")


def _letter_path(instance, filename):
    return f"letters/{instance.request.operator_id}/{instance.request_id}/{uuid.uuid4().hex}.pdf"


class Letter(models.Model):
    """A letter to the subject. Rendered once to PDF in Celery and then never changed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed after all attempts")

    request = models.ForeignKey(
        "dsar.DataRequest", on_delete=models.CASCADE, related_name="letters", verbose_name=_("request")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=LetterKind.choices)
    number = models.CharField(_("outgoing number"), max_length=40)
    language = models.CharField(_("language"), max_length=2)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(_("PDF"), upload_to=_letter_path, blank=True, max_length=300)
    sha256 = models.CharField(max_length=64, blank=True, verbose_name=_("SHA-256"))
    verification_code = models.CharField(_("verification code"), max_length=16, unique=True)
    context = models.JSONField(default=dict, blank=True, help_text=_("What the letter says, frozen at issue."))
    # What caused the letter (e.g. "event:<id>"): issuing twice for one cause makes one letter.
    cause = models.CharField(_("cause"), max_length=60, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    rendered_at = models.DateTimeField(null=True, blank=True, verbose_name=_("rendered"))
    # The outbox schedule (dsar/outbox.py): the render task and the sweep both respect it.
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(default=timezone.now, null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    # Who signed the stored file (dsar/letters/signing/): certificate SHA-256, serial, subject, level, time.
    signature = models.JSONField(default=dict, blank=True, editable=False)
    # Since when the letter waits for a usable signing certificate (None: not waiting).
    signing_wait_since = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["request", "number"], name="letter_number_unique"),
            # The number carries the operator's unique prefix, so globally unique means unique per operator.
            models.UniqueConstraint(fields=["number"], name="letter_number_global_unique"),
            models.UniqueConstraint(
                fields=["request", "cause"], condition=~models.Q(cause=""), name="letter_one_per_cause"
            ),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="letter_due_idx", condition=models.Q(status="pending")),
            # A PDF someone uploads to check is found by its digest.
            models.Index(fields=["sha256"], name="letter_sha256_idx"),
        ]

    def __str__(self):
        return f"{self.number} · {self.get_kind_display()}"


class LetterCounter(models.Model):
    """Per-operator, per-year sequence behind outgoing numbers (QZT-OUT-2026-000045)."""

    operator = models.ForeignKey("dsar.Operator", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["operator", "year"], name="lettercounter_unique")]


class LetterTemplate(models.Model):
    """An operator's own wording of one kind of letter in one language.

    Placeholders are written as $reference, $received, $due, $subject_name, $addressee, $operator,
    $question, $reason, $new_due, $explanation, $original (see dsar/letters/texts.py). Legal blocks
    (refusal grounds, the right to complain, the access items) are fixed and cannot be edited away.
    """

    operator = models.ForeignKey(
        "dsar.Operator", on_delete=models.CASCADE, related_name="letter_templates", verbose_name=_("operator")
    )
    kind = models.CharField(_("kind of letter"), max_length=30, choices=LetterKind.choices)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Blank lines separate paragraphs. Placeholders: $reference, $received, $due, $subject_name, $addressee (the representative, if any, else the subject), $operator, $question, $reason, $new_due, $explanation, $original."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))

    class Meta:
        verbose_name = _("letter text")
        verbose_name_plural = _("letter texts")
        ordering = ["operator", "kind", "language"]
        constraints = [models.UniqueConstraint(fields=["operator", "kind", "language"], name="lettertemplate_unique")]

    def __str__(self):
        return f"{self.operator} · {self.get_kind_display()} · {self.language}"


class ProcessingActivity(models.Model):
    """One entry of an operator's processing register: what an access answer tells the subject
    (art. 24(1)(1), 25(2)(6),(7),(9) of Law No. 94-V). Kept per language so letters stay in one language."""

    operator = models.ForeignKey(
        "dsar.Operator", on_delete=models.CASCADE, related_name="processing_activities", verbose_name=_("operator")
    )
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("processing activity"), max_length=200)
    purposes = models.TextField(_("purposes"))
    legal_grounds = models.TextField(_("legal grounds"))
    data_categories = models.TextField(_("categories of data"))
    sources = models.TextField(_("sources of the data"))
    methods = models.TextField(_("methods of processing"), blank=True)
    recipients = models.TextField(_("recipients and processors, with their location"), blank=True)
    cross_border = models.TextField(_("cross-border transfers (made or planned)"), blank=True)
    storage_period = models.TextField(_("storage period"))
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("processing activity")
        verbose_name_plural = _("processing register")
        ordering = ["operator", "language", "order", "pk"]

    def __str__(self):
        return f"{self.operator} · {self.name} ({self.language})"


class AccessRecord(models.Model):
    """What staff found about this subject: a record they enter, or a file they upload.
    Listed in the access answer and included in the machine-readable export."""

    request = models.ForeignKey(
        "dsar.DataRequest", on_delete=models.CASCADE, related_name="access_records", verbose_name=_("request")
    )
    category = models.CharField(_("category of data"), max_length=200)
    content = models.TextField(_("the data held"), blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    attachment = models.ForeignKey(
        "dsar.Attachment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded file"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))

    class Meta:
        verbose_name = _("record for the subject")
        verbose_name_plural = _("records for the subject")
        ordering = ["request", "created_at", "pk"]

    def __str__(self):
        return self.category
