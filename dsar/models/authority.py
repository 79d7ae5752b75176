from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuthorityCheck(models.Model):
    """Staff's check of a representative's authority document (power of attorney, birth certificate...).

    Kept for the life of the request, while the copies of the documents themselves are deleted once
    the check is recorded (domain.md, "Identity"). See dsar/services/authority.py.
    """

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    request = models.ForeignKey("dsar.DataRequest", on_delete=models.CASCADE, related_name="authority_checks")
    document = models.CharField(
        _("document checked"),
        max_length=300,
        help_text=_("What was checked, e.g. notarised power of attorney No. 1-234 of 02.03.2026."),
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    reason = models.TextField(_("reason"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("checked by")
    )
    checked_at = models.DateTimeField(_("checked at"))
    documents_deleted = models.PositiveIntegerField(_("copies of documents deleted"), default=0)

    class Meta:
        verbose_name = _("authority check")
        verbose_name_plural = _("authority checks")
        ordering = ["checked_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(decision="rejected") | ~models.Q(reason=""), name="authority_rejection_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.request} · {self.get_decision_display()}"
