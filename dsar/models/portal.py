"""Secrets the public portal hands to data subjects. Only hashes are stored.

A leaked database must not let anyone open a status page, pass a code check or
download a letter: tokens are stored as SHA-256, codes as HMAC-SHA256 keyed with
SECRET_KEY (a 6-digit code alone is trivial to brute-force offline).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CodePurpose(models.TextChoices):
    EMAIL = "email", _("Confirm the e-mail address")
    PHONE = "phone", _("Confirm the phone number")
    STATUS = "status", _("Open the status page")
    DOWNLOAD = "download", _("Download a document")


class OneTimeCode(models.Model):
    """A one-time code: single use, expiring, with a limited number of attempts."""

    request = models.ForeignKey("dsar.DataRequest", on_delete=models.CASCADE, related_name="one_time_codes")
    purpose = models.CharField(max_length=20, choices=CodePurpose.choices)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=5)
    used_at = models.DateTimeField(null=True, blank=True)
    # Replaced by a newer code for the same purpose: dead even if unexpired.
    superseded = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        indexes = [models.Index(fields=["request", "purpose", "created_at"], name="otc_lookup_idx")]

    def __str__(self):
        return f"{self.get_purpose_display()} · {self.created_at:%Y-%m-%d %H:%M}"


class StatusAccess(models.Model):
    """The unguessable link to one request's status page."""

    request = models.ForeignKey("dsar.DataRequest", on_delete=models.CASCADE, related_name="status_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("status page link")
        verbose_name_plural = _("status page links")

    def __str__(self):
        return f"{self.request_id} · {self.created_at:%Y-%m-%d}"


class DownloadLink(models.Model):
    """An expiring link to one letter or export, handed out after a fresh code."""

    request = models.ForeignKey("dsar.DataRequest", on_delete=models.CASCADE, related_name="download_links")
    token_hash = models.CharField(max_length=64, unique=True)
    letter = models.ForeignKey("dsar.Letter", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    attachment = models.ForeignKey("dsar.Attachment", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    downloads = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("download link")
        verbose_name_plural = _("download links")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(letter__isnull=False, attachment__isnull=True)
                | models.Q(letter__isnull=True, attachment__isnull=False),
                name="download_link_one_target",
            )
        ]

    def __str__(self):
        return f"{self.request_id} · {self.expires_at:%Y-%m-%d %H:%M}"
