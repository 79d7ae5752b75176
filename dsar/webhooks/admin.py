"""Admin: webhook endpoints, their deliveries (attempts, responses, "send again"), data systems."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import permissions
from ..admin.scoping import OperatorScopedAdmin
from ..kinds import Kind
from ..models import DataSystem, SystemJob, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from ..models.channels import WebhookEvent
from .delivery import target_check, webhook_send_again
from .systems import SYSTEM_KINDS

SUBSCRIBABLE = [c for c in WebhookEvent.choices if c[0] != WebhookEvent.JOB]


class EndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("events"),
        choices=SUBSCRIBABLE,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Data-system jobs go to a system's endpoint whatever is ticked."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["operator", "url", "description", "events", "is_active"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        target_check(url)
        return url


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(OperatorScopedAdmin):
    form = EndpointForm
    list_display = ["url", "operator", "is_active", "failing_since", "disabled_at"]
    list_filter = ["is_active", ("operator", admin.RelatedOnlyFieldListFilter)]
    readonly_fields = ["secret", "failing_since", "disabled_at"]

    def get_fields(self, request, obj=None):
        fields = ["operator", "url", "description", "events", "is_active"]
        return fields + (["secret", "failing_since", "disabled_at"] if obj else [])

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change and "is_active" in form.changed_data and obj.is_active:
            obj.failing_since = obj.disabled_at = None  # switched on again: a fresh start
        super().save_model(request, obj, form, change)


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = readonly_fields = ["at", "status_code", "response", "duration_ms"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(OperatorScopedAdmin):
    operator_path = "endpoint__operator_id"
    list_display = ["created_at", "event", "endpoint", "status", "attempts", "last_status_code", "next_attempt_at"]
    list_filter = ["status", "event"]
    list_select_related = ["endpoint"]
    readonly_fields = [
        "endpoint",
        "msg_id",
        "event",
        "payload",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_response",
        "created_at",
        "sent_at",
    ]
    fields = readonly_fields
    inlines = [AttemptInline]
    actions = ["send_again"]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_send_again_permission(self, request):
        return self._can(request, "change")

    @admin.action(description=_("Send again"), permissions=["send_again"])
    def send_again(self, request, queryset):
        sent = 0
        for delivery in queryset.select_related("endpoint"):
            if not self._can(request, "change", delivery):
                continue
            sent += webhook_send_again(delivery_id=delivery.pk).status == WebhookDelivery.Status.SENT
        messages.info(request, ngettext("%(n)d delivery accepted.", "%(n)d deliveries accepted.", sent) % {"n": sent})


class DataSystemForm(forms.ModelForm):
    kinds = forms.MultipleChoiceField(
        label=_("request kinds"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(k, Kind(k).label) for k in SYSTEM_KINDS],
        help_text=_("None ticked: all four."),
    )

    class Meta:
        model = DataSystem
        fields = ["operator", "name", "endpoint", "kinds", "is_active"]

    def clean(self):
        data = super().clean()
        operator, endpoint = data.get("operator"), data.get("endpoint")
        if operator and endpoint and endpoint.operator_id != operator.pk:
            raise ValidationError({"endpoint": _("Choose an endpoint of the same operator.")})
        return data


@admin.register(DataSystem)
class DataSystemAdmin(OperatorScopedAdmin):
    form = DataSystemForm
    list_display = ["name", "operator", "endpoint", "is_active"]
    list_filter = ["is_active", ("operator", admin.RelatedOnlyFieldListFilter)]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "endpoint" and not request.user.is_superuser:
            kwargs["queryset"] = WebhookEndpoint.objects.filter(
                operator__in=permissions.operators_where(request.user, "change_datasystem")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(SystemJob)
class SystemJobAdmin(OperatorScopedAdmin):
    operator_path = "system__operator_id"
    list_display = ["request", "system", "action", "status", "sent_at", "answered_at", "reminded_at", "escalated_at"]
    list_filter = ["status"]
    search_fields = ["request__reference"]
    list_select_related = ["request", "system"]
    fields = readonly_fields = list_display + ["note"]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False
