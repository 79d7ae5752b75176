"""The operator's key for signing letters (dsar/letters/signing/). Not the audit chain's key (dsar/signing.py)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .fields import SealedJSONField


class OperatorSigningKey(models.Model):
    """One certificate an operator signs letters with. Uploading a new one retires the old one;
    retired rows stay, so letters signed with them still verify as the operator's."""

    class Backend(models.TextChoices):
        PKCS12 = "pkcs12", _("PKCS#12 file (NCA, RSA)")
        PKCS11 = "pkcs11", _("PKCS#11 token or HSM")
        NCA_CMS = "nca_cms", _("NCA SDK, detached CMS (GOST)")

    operator = models.ForeignKey(
        "dsar.Operator", on_delete=models.CASCADE, related_name="signing_keys", verbose_name=_("operator")
    )
    backend = models.CharField(_("where the key is"), max_length=10, choices=Backend.choices, default=Backend.PKCS12)
    is_active = models.BooleanField(_("in use"), default=True)
    is_demo = models.BooleanField(_("demo certificate"), default=False)
    # {"p12": base64 of the file, "password": "..."}, sealed (dsar/outbox_crypto.py).
    secret = SealedJSONField(default=dict, blank=True, editable=False)
    pkcs11_key_label = models.CharField(_("PKCS#11 key label"), max_length=100, blank=True)
    certificate_der = models.BinaryField(editable=False)
    chain = models.JSONField(default=list, blank=True, editable=False)  # base64 DER of the issuers
    certificate_sha256 = models.CharField(_("certificate SHA-256"), max_length=64, db_index=True, editable=False)
    subject = models.CharField(_("subject"), max_length=500, editable=False)
    common_name = models.CharField(_("name"), max_length=200, editable=False)
    bin = models.CharField(_("BIN"), max_length=12, blank=True, editable=False)
    iin = models.CharField(_("IIN"), max_length=12, blank=True, editable=False)
    serial = models.CharField(_("serial number"), max_length=64, editable=False)
    issuer = models.CharField(_("issuer"), max_length=500, editable=False)
    not_before = models.DateTimeField(_("valid from"), editable=False)
    not_after = models.DateTimeField(_("valid until"), editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)
    # Expiry warnings already sent, one per threshold (dsar/letters/signing/warnings.py).
    warned_30_at = models.DateTimeField(null=True, blank=True, editable=False)
    warned_7_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("signing certificate")
        verbose_name_plural = _("signing certificates")
        ordering = ["operator", "-uploaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["operator"], condition=models.Q(is_active=True), name="signingkey_one_active"
            ),
        ]

    def __str__(self):
        return f"{self.common_name} · {self.serial}"
