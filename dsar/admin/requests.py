"""The request list (queues, filters, search) and bulk actions. The request page is in `request_page.py`."""

import csv
import re
from functools import cached_property

from django.contrib import admin, messages
from django.contrib.admin.filters import RelatedFieldListFilter
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_fsm import TransitionNotAllowed

from .. import permissions
from ..csvsafe import csv_cell
from ..kinds import Kind
from ..models import DataRequest, Operator
from ..selectors import (
    QUEUES,
    apply_queue,
    limit_to_user,
    operator_ids_for,
    queue_ordering,
    requests_for_user,
    staff_users_for,
)
from ..services import triage
from ..states import State
from ..workflow import TransitionInputError
from .authority import AuthorityCheckMixin
from .forms import AssignForm
from .holdings import HoldingsMixin
from .request_page import RequestPageMixin, time_left_label  # noqa: F401 (the list shows it too)
from .scoping import OperatorScopedAdmin

QUEUE_LABELS = {
    "mine": _("Mine"),
    "unassigned": _("Unassigned"),
    "due_today": _("Due today"),
    "due_1wd": _("Due within 1 working day"),
    "overdue": _("Overdue"),
    "awaiting_subject": _("Awaiting the subject"),
    "closed": _("Closed"),
}
KIND_LABELS = dict(Kind.choices)
STATE_LABELS = dict(State.choices)
COUNT_CAP = 10_000
REFERENCE_RE = re.compile(r"^[A-Za-z]{2,6}-\d{4}-\d{1,7}$")


def queue_counts(user, cap: int = 999) -> dict[str, int]:
    """How many requests each queue holds, counted only up to `cap` (the front page shows "999+")."""
    base = requests_for_user(user)
    return {q: apply_queue(base, q, user).order_by()[: cap + 1].count() for q in QUEUES}


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 rows: a full COUNT(*) over a million rows on every page costs seconds."""

    @cached_property
    def count(self):
        return self.object_list.order_by()[: COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP


class QueueFilter(admin.SimpleListFilter):
    title = _("queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [(q, QUEUE_LABELS[q]) for q in QUEUES]

    def choices(self, changelist):
        choices = list(super().choices(changelist))
        choices[0]["display"] = _("All open")
        return choices

    def queryset(self, request, queryset):
        value = self.value()
        if value not in QUEUES and "state__exact" in request.GET:
            return queryset  # filtering by a state reaches closed ones too
        return apply_queue(queryset, value, request.user, timezone.now())


class OperatorFilter(RelatedFieldListFilter):
    def field_choices(self, field, request, model_admin):
        return [(op.pk, str(op)) for op in limit_to_user(Operator.objects.all(), request.user, "id")]


class AssigneeFilter(RelatedFieldListFilter):
    def field_choices(self, field, request, model_admin):
        return [(u.pk, u.get_full_name() or u.username) for u in staff_users_for(request.user)]


class _Echo:
    def write(self, value):
        return value


@admin.register(DataRequest)
class DataRequestAdmin(HoldingsMixin, AuthorityCheckMixin, RequestPageMixin, OperatorScopedAdmin):
    list_display = ["reference", "kind_label", "state_label", "time_left", "assignee_name"]
    list_display_links = ["reference"]
    list_filter = [
        QueueFilter,
        ("operator", OperatorFilter),
        "kind",
        "state",
        ("assignee", AssigneeFilter),
        ("received_at", admin.DateFieldListFilter),
    ]
    search_fields = ["reference"]
    search_help_text = _("Reference, name, e-mail, phone or IIN.")
    list_select_related = ["assignee", "operator"]
    list_per_page = 50
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # a COUNT per filter option over a million rows
    paginator = CappedPaginator
    actions = ["assign_selected", "close_selected_as_duplicate", "export_csv"]

    class Media:
        css = {"all": ["dsar/admin/staff.css"]}

    # --- the list ----------------------------------------------------------------

    def get_list_display(self, request):
        ids = operator_ids_for(request.user)
        if ids is None or len(ids) > 1:
            return ["reference", "operator", "kind_label", "state_label", "time_left", "assignee_name"]
        return self.list_display

    def get_ordering(self, request):
        return queue_ordering(request.GET.get("queue"))

    # Plain look-ups: the admin's generic choice display rebuilds the choices dict for every cell.
    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, obj):
        return KIND_LABELS.get(obj.kind, obj.kind)

    @admin.display(description=_("state"), ordering="state")
    def state_label(self, obj):
        return STATE_LABELS.get(obj.state, obj.state)

    @admin.display(description=_("time left"))
    def time_left(self, obj):
        text, css = time_left_label(obj)
        return format_html('<span class="{}">{}</span>', css, text)

    @admin.display(description=_("assignee"), ordering="assignee__username")
    def assignee_name(self, obj):
        if obj.assignee is None:
            return "—"
        return obj.assignee.get_full_name() or obj.assignee.username

    def get_search_results(self, request, queryset, search_term):
        """Exact look-ups on indexed columns where the term's shape tells which one; names by substring.

        Without the right to see personal data (at the request's operator), only references are
        searchable (a name search would otherwise confirm who asked).
        """
        term = search_term.strip()
        if not term:
            return queryset, False
        if REFERENCE_RE.match(term):
            return queryset.filter(reference=term.upper()), False
        personal = permissions.operator_ids_where(request.user, "personal_data")
        if personal is not None:
            if not personal:
                return queryset.filter(reference__istartswith=term), False
            queryset = queryset.filter(operator_id__in=personal)
        if "@" in term:
            return queryset.filter(
                Q(subject_email=term) | Q(subject_email=term.lower()) | Q(representative_email=term.lower())
            ), False
        digits = re.sub(r"\D", "", term)
        if digits and len(digits) >= 10 and not re.search(r"[^\d\s()+-]", term):
            if len(digits) == 12 and not term.startswith("+"):
                return queryset.filter(subject_iin=digits), False
            phone = "+7" + digits[-10:]
            return queryset.filter(Q(subject_phone=phone) | Q(representative_phone=phone)), False
        return queryset.filter(Q(subject_name__icontains=term) | Q(representative_name__icontains=term)), False

    def has_add_permission(self, request):
        return False  # requests arrive through the portal (request_create)

    def has_delete_permission(self, request, obj=None):
        return False  # records are kept; retention purges personal data, never the row

    def changelist_view(self, request, extra_context=None):
        extra_context = dict(extra_context or {})
        extra_context["queue_links"] = [(q, QUEUE_LABELS[q]) for q in QUEUES]
        extra_context["current_queue"] = request.GET.get("queue", "")
        extra_context["count_cap"] = COUNT_CAP
        return super().changelist_view(request, extra_context)

    # --- bulk actions -----------------------------------------------------------

    def _action_page(self, request, queryset, *, action, title, form, intro):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "intro": intro,
            "form": form,
            "action": action,
            "queryset": queryset[:200],
            "count": queryset.count(),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/dsar/datarequest/action_form.html", context)

    @admin.action(description=_("Assign selected requests"), permissions=["change"])
    def assign_selected(self, request, queryset):
        form = AssignForm(request.POST if "apply" in request.POST else None, user=request.user)
        if "apply" in request.POST and form.is_valid():
            try:
                changed = triage.requests_bulk_assign(
                    request_ids=list(queryset.values_list("pk", flat=True)),
                    assignee=form.cleaned_data["assignee"],
                    actor=request.user,
                )
            except (PermissionDenied, TransitionInputError) as exc:
                self.message_user(request, _message_of(exc), messages.ERROR)
                return None
            self.message_user(
                request,
                ngettext("%(n)s request assigned.", "%(n)s requests assigned.", changed) % {"n": changed},
                messages.SUCCESS,
            )
            return None
        return self._action_page(
            request,
            queryset,
            action="assign_selected",
            title=gettext("Assign requests"),
            form=form,
            intro=gettext("Choose who works on these requests."),
        )

    @admin.action(description=_("Close selected as duplicates of another request"), permissions=["change"])
    def close_selected_as_duplicate(self, request, queryset):
        from django import forms

        class OriginalForm(forms.Form):
            original = forms.CharField(label=_("Reference of the original request"), max_length=32)

        form = OriginalForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            ref = form.cleaned_data["original"].strip().upper()
            original = requests_for_user(request.user).filter(reference=ref).first()
            if original is None:
                form.add_error("original", _("No request you can see has this reference."))
            else:
                try:
                    closed = triage.requests_close_as_duplicate(
                        request_ids=list(queryset.values_list("pk", flat=True)), original=original, actor=request.user
                    )
                except (PermissionDenied, TransitionInputError, TransitionNotAllowed) as exc:
                    self.message_user(
                        request, gettext("Nothing was closed: %(why)s") % {"why": _message_of(exc)}, messages.ERROR
                    )
                    return None
                url = reverse("admin:dsar_datarequest_change", args=[original.pk], current_app=self.admin_site.name)
                self.message_user(
                    request,
                    format_html(
                        gettext('{} closed as duplicates of <a href="{}">{}</a>.'),
                        ", ".join(r.reference for r in closed),
                        url,
                        original.reference,
                    ),
                    messages.SUCCESS,
                )
                return None
        return self._action_page(
            request,
            queryset,
            action="close_selected_as_duplicate",
            title=gettext("Close as duplicates"),
            form=form,
            intro=gettext(
                "Each selected request is closed and linked to the original; the subject is not asked again."
            ),
        )

    @admin.action(description=_("Export selected to CSV (no personal data)"), permissions=["view"])
    def export_csv(self, request, queryset):
        header = ["reference", "operator", "kind", "state", "received_at", "due_at", "closed_at", "outcome", "assignee"]
        rows = queryset.order_by("pk").values_list(
            "reference",
            "operator__slug",
            "kind",
            "state",
            "received_at",
            "due_at",
            "closed_at",
            "outcome",
            "assignee__username",
        )
        writer = csv.writer(_Echo())

        def stream():
            yield writer.writerow(header)
            for row in rows.iterator(chunk_size=2000):
                yield writer.writerow([csv_cell(v.isoformat() if hasattr(v, "isoformat") else v) for v in row])

        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="requests.csv"'
        return response


def _message_of(exc) -> str:
    if hasattr(exc, "message_dict"):
        return " ".join(str(m) for msgs in exc.message_dict.values() for m in msgs)
    if hasattr(exc, "messages"):
        return " ".join(str(m) for m in exc.messages)
    return str(exc) or gettext("This is not possible now.")
