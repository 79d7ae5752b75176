"""The staff security log: second-factor enrolments, resets and recovery-code uses.

The audit `Event` belongs to one request in one operator's hash chain; these events belong
to a person, across operators, so they have their own table. Append-only: a row is never
changed or deleted (the admin shows it read-only; save() and delete() refuse).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffSecurityEvent(models.Model):
    class Action(models.TextChoices):
        TOTP_ENROLLED = "totp_enrolled", _("Authenticator app set up")
        RECOVERY_CODES_ISSUED = "recovery_codes_issued", _("New recovery codes issued")
        RECOVERY_CODE_USED = "recovery_code_used", _("Recovery code used to sign in")
        PASSKEY_ADDED = "passkey_added", _("Passkey added")
        DEVICES_RESET = "devices_reset", _("Second factor reset by the administrator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="security_events"
    )
    username = models.CharField(_("username"), max_length=150)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who did it, when not the member."),
    )
    action = models.CharField(_("what happened"), max_length=40, choices=Action.choices)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("staff security event")
        verbose_name_plural = _("staff security events")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.username}: {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("The staff security log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The staff security log is append-only.")
