"""Read-only views of what services write: the audit trail, messages, files and letters."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..labels import STAFF_EVENT_LABELS, actor_label, staff_event_label, state_label
from ..models import Attachment, ChainCheckpoint, Event, Letter, Message
from .requests import CappedPaginator
from .scoping import ReadOnlyAdmin


class _RequestLinkMixin:
    @admin.display(description=_("request"))
    def request_link(self, obj):
        if obj.request_id is None:
            return "—"
        url = reverse("admin:dsar_datarequest_change", args=[obj.request_id])
        return format_html('<a href="{}">{}</a>', url, obj.request.reference)


class ActionFilter(admin.SimpleListFilter):
    title = _("what happened")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return sorted(((code, label) for code, label in STAFF_EVENT_LABELS.items()), key=lambda c: str(c[1]))

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(Event)
class EventAdmin(_RequestLinkMixin, ReadOnlyAdmin):
    list_display = ["seq", "operator", "request_link", "what", "state_before", "state_after", "who", "created_at"]
    list_filter = [ActionFilter]
    list_select_related = ["operator", "request", "actor"]
    search_fields = ["request__reference"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = CappedPaginator
    # The note and data may hold personal data: they are shown on the request page, not here.
    fields = [
        "operator",
        "request",
        "seq",
        "created_at",
        "who",
        "what",
        "state_before",
        "state_after",
        "public",
        "hash",
        "prev_hash",
    ]
    readonly_fields = fields

    @admin.display(description=_("what happened"), ordering="action")
    def what(self, obj):
        return staff_event_label(obj.action)

    @admin.display(description=_("state before"))
    def state_before(self, obj):
        return state_label(obj.from_state) or "—"

    @admin.display(description=_("state after"))
    def state_after(self, obj):
        return state_label(obj.to_state) or "—"

    @admin.display(description=_("who"))
    def who(self, obj):
        if obj.actor_id:
            return obj.actor.get_full_name() or obj.actor.username
        return actor_label(obj.actor_label)

    def get_ordering(self, request):
        return ["-created_at", "-id"]


@admin.register(ChainCheckpoint)
class ChainCheckpointAdmin(ReadOnlyAdmin):
    """Signed audit checkpoints: shown, never added, changed or deleted here (beat signs them)."""

    list_display = ["operator", "seq", "signed_at", "key_id", "head_hash"]
    list_select_related = ["operator"]
    fields = ["operator", "seq", "head_hash", "signed_at", "key_id", "signature"]
    readonly_fields = fields

    def get_ordering(self, request):
        return ["-signed_at", "-id"]


class _RequestChildAdmin(_RequestLinkMixin, ReadOnlyAdmin):
    operator_path = "request__operator_id"
    list_select_related = ["request"]
    search_fields = ["request__reference"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = CappedPaginator

    def get_model_perms(self, request):
        # Reached from the request page; kept out of the menu to keep the admin index short.
        return {}


@admin.register(Message)
class MessageAdmin(_RequestChildAdmin):
    list_display = ["request_link", "channel", "author", "created_at"]
    fields = ["request", "channel", "author", "created_at"]
    readonly_fields = fields


@admin.register(Attachment)
class AttachmentAdmin(_RequestChildAdmin):
    list_display = ["request_link", "purpose", "content_type", "size", "created_at"]
    # The file itself only through the request page, which checks the right and records the view.
    fields = ["request", "purpose", "content_type", "size", "sha256", "uploaded_by_subject", "created_at"]
    readonly_fields = fields


@admin.register(Letter)
class LetterAdmin(_RequestChildAdmin):
    list_display = ["number", "request_link", "kind", "status", "created_at"]
    fields = [
        "request",
        "number",
        "kind",
        "language",
        "status",
        "verification_code",
        "issued_by",
        "created_at",
        "rendered_at",
    ]
    readonly_fields = fields
