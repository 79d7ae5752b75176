"""Connectors: the operator's own databases, their dataset maps, and what each did per request.

A connector's URL (with its password) is kept only inside `secret`, a SealedJSONField
(dsar/outbox_crypto.py); what a person sees again is `url_hint`, the URL with the password
hidden. A run's rows can hold personal data, so `preview` and `result` are sealed too.
"""

from __future__ import annotations

import secrets as _secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..models.fields import SealedJSONField
from ..models.operators import Operator


class Connector(models.Model):
    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="connectors")
    name = models.CharField(_("name"), max_length=100)
    secret = SealedJSONField(default=dict, blank=True, editable=False)
    url_hint = models.CharField(_("database"), max_length=300, editable=False)
    dataset = models.JSONField(_("dataset map"), default=dict, editable=False)
    kinds = models.JSONField(
        _("request kinds"),
        default=list,
        blank=True,
        help_text=_("Empty: access, rectification, blocking and destruction."),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    row_cap = models.PositiveIntegerField(_("row cap per run"), default=50_000)
    depth_limit = models.PositiveSmallIntegerField(_("depth limit"), default=20)
    statement_timeout = models.PositiveSmallIntegerField(_("statement timeout (seconds)"), default=30)
    pause_after = models.PositiveSmallIntegerField(_("pause after this many errors in a row"), default=3)
    failures_in_row = models.PositiveIntegerField(_("errors in a row"), default=0, editable=False)
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))

    class Meta:
        app_label = "dsar"
        verbose_name = _("connector")
        verbose_name_plural = _("connectors")
        ordering = ["operator", "name"]
        constraints = [models.UniqueConstraint(fields=["operator", "name"], name="connector_name_unique")]

    def __str__(self):
        return self.name

    @property
    def url(self) -> str:
        return (self.secret or {}).get("url", "")

    def serves(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


class ConnectorKey(models.Model):
    """The operator's own HMAC key for the `hash` masking strategy (sealed at rest)."""

    operator = models.OneToOneField(Operator, on_delete=models.CASCADE, related_name="connector_key")
    secret = SealedJSONField(default=dict, editable=False)

    class Meta:
        app_label = "dsar"

    @classmethod
    def for_operator(cls, operator) -> bytes:
        row, _created = cls.objects.get_or_create(
            operator=operator, defaults={"secret": {"key": _secrets.token_hex(32)}}
        )
        return bytes.fromhex(row.secret["key"])


class LegalHold(models.Model):
    """Data a law requires the operator to keep (tax, telecom records): destruction leaves it."""

    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="legal_holds")
    data_category = models.CharField(
        _("data category"), max_length=200, help_text=_("For example user.financial: the category and those under it.")
    )
    ground = models.CharField(_("legal ground"), max_length=300, help_text=_("Stated in the letter to the subject."))
    is_active = models.BooleanField(_("in force"), default=True)

    class Meta:
        app_label = "dsar"
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        constraints = [models.UniqueConstraint(fields=["operator", "data_category"], name="legalhold_unique")]

    def __str__(self):
        return self.data_category


class ConnectorRun(models.Model):
    """What one connector did, or is to do, for one request: one row per (request, connector).

    Access runs straight away. A change (destruction, blocking, rectification) runs twice: a
    dry run (the preview) and, once staff approve it, the real run. `step` says which of these
    is next, so a failed run resumes from the step that failed.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to run")
        AWAITING_APPROVAL = "awaiting_approval", _("Preview ready, waiting for approval")
        SUCCEEDED = "succeeded", _("Done")
        FAILED = "failed", _("Failed")
        PAUSED = "paused", _("Waiting: the connector is paused")

    class Step(models.TextChoices):
        ACCESS = "access", _("Access")
        PREVIEW = "preview", _("Preview")
        APPLY = "apply", _("Apply the change")

    request = models.ForeignKey("dsar.DataRequest", on_delete=models.CASCADE, related_name="connector_runs")
    connector = models.ForeignKey(Connector, on_delete=models.CASCADE, related_name="runs")
    action = models.CharField(_("action"), max_length=20)
    step = models.CharField(_("step"), max_length=10, choices=Step.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    preview = SealedJSONField(default=dict, blank=True, editable=False)
    result = SealedJSONField(default=dict, blank=True, editable=False)
    counts = models.JSONField(default=dict, blank=True, editable=False)
    affected = models.PositiveIntegerField(default=0, editable=False)
    keys_hash = models.CharField(max_length=64, blank=True, editable=False)
    error = models.CharField(_("error"), max_length=1000, blank=True, editable=False)
    attempts = models.PositiveIntegerField(default=0, editable=False)
    next_attempt_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        app_label = "dsar"
        verbose_name = _("connector run")
        verbose_name_plural = _("connector runs")
        ordering = ["request", "connector__name"]
        constraints = [models.UniqueConstraint(fields=["request", "connector"], name="connectorrun_unique")]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="connectorrun_due_idx", condition=models.Q(status="pending"))
        ]

    def __str__(self):
        return f"{self.connector} / {self.action}"
