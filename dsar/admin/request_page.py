"""The request page: details (masked without the right), timeline, messages, files, letters, notes,
and one button for each transition this user may take now."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from .. import deadlines, permissions
from ..kinds import HOURS_KINDS, duration_text
from ..labels import actor_label, staff_event_label, state_label
from ..letters.services import letter_issue
from ..models import DataRequest, Event, Message
from ..portal.forms.request import detail_items
from ..queues import clock_due
from ..selectors import duplicate_candidates
from ..services import triage
from ..services.transitions import transition
from ..states import OPEN_STATES
from ..workflow import STAFF_TRANSITIONS, TransitionInputError, available_transitions
from .forms import (
    FINAL_TRANSITIONS,
    SEEN_STATE,
    TRANSITION_LABELS,
    AssignForm,
    LetterForm,
    NoteForm,
    form_for,
    unanswered_jobs_ask,
)

CONFLICT = _("Someone else has just moved this request. Here it is as it stands now; check before you act again.")


def person(obj: DataRequest, visible: bool) -> dict:
    def shown(value, how):
        return value if visible else permissions.mask(value, how)

    data = {
        "subject": [
            (_("Name"), shown(obj.subject_name, "name")),
            (_("E-mail"), shown(obj.subject_email, "email")),
            (_("Phone"), shown(obj.subject_phone, "phone")),
            (_("IIN"), shown(obj.subject_iin, "iin")),
        ],
        "representative": [],
    }
    if obj.acting_for_other:
        data["representative"] = [
            (_("Name"), shown(obj.representative_name, "name")),
            (_("E-mail"), shown(obj.representative_email, "email")),
            (_("Phone"), shown(obj.representative_phone, "phone")),
            (_("Authority"), obj.get_representative_basis_display()),
            (_("Authority checked"), obj.authority_verified_at),
        ]
    return data


def time_left_label(obj, now=None) -> tuple[str, str]:
    """(text, css class) for the "time left" column: hours for the one-working-day kinds, else days."""
    if obj.state not in OPEN_STATES:
        return "—", "tl-closed"
    due = clock_due(obj)  # a blocked request counts down to the check of its data
    if due is None:
        return gettext("not started"), "tl-none"
    now = now or timezone.now()
    seconds = deadlines.time_left(now=obj.clock_paused_at or now, due_at=due).total_seconds()
    if obj.kind in HOURS_KINDS:
        amount = gettext("%(n)s h") % {"n": int(abs(seconds) // 3600)}
    else:
        amount = gettext("%(n)s d") % {"n": number_format(abs(seconds) / 86400, 1)}
    if obj.clock_paused_at:
        return gettext("paused, %(left)s left") % {"left": amount}, "tl-paused"
    if seconds < 0:
        return gettext("overdue %(by)s") % {"by": amount}, "tl-overdue"
    if seconds < 86400:
        return amount, "tl-soon"
    return amount, "tl-ok"


class RequestPageMixin:
    """Mixed into DataRequestAdmin; every view here starts from the scoped `get_object` (404 outside)."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        info = self.opts.app_label, self.opts.model_name
        return [
            path("<path:object_id>/transition/<str:name>/", wrap(self.transition_view), name="%s_%s_transition" % info),
            path("<path:object_id>/assign/", wrap(self.assign_view), name="%s_%s_assign" % info),
            path("<path:object_id>/note/", wrap(self.note_view), name="%s_%s_note" % info),
            path("<path:object_id>/issue-letter/", wrap(self.issue_letter_view), name="%s_%s_issue_letter" % info),
            path(
                "<path:object_id>/attachment/<int:file_id>/", wrap(self.attachment_view), name="%s_%s_attachment" % info
            ),
            path(
                "<path:object_id>/letter/<int:file_id>/", wrap(self.letter_file_view), name="%s_%s_letter_file" % info
            ),
        ] + super().get_urls()

    def _page_url(self, obj) -> str:
        return reverse("admin:dsar_datarequest_change", args=[obj.pk], current_app=self.admin_site.name)

    def _load(self, request, object_id, *, action="view") -> DataRequest:
        """The request if it is in the user's scope (else 404) and their role there allows `action` (else 403)."""
        obj = self.get_object(request, unquote(object_id))
        if not permissions.can(request.user, action, obj):
            raise PermissionDenied
        return obj

    # --- the page ---------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        obj = self._load(request, object_id)
        obj = DataRequest.objects.select_related("operator", "assignee", "duplicate_of").get(pk=obj.pk)
        user = request.user
        visible = permissions.can(user, "personal_data", obj)
        if visible:
            triage.request_personal_data_viewed(request=obj, actor=user)
        can_change = permissions.can(user, "triage", obj)
        names = available_transitions(obj, user) if can_change else []
        events = list(
            Event.objects.filter(request=obj)
            .exclude(action=triage.VIEWED_PERSONAL_DATA)
            .select_related("actor")
            .order_by("created_at", "seq")
        )
        for event in events:
            event.label = staff_event_label(event.action, TRANSITION_LABELS)
            event.state_label = state_label(event.to_state) if event.to_state != event.from_state else ""
            event.who = actor_label(event.actor_label)
        views = Event.objects.filter(request=obj, action=triage.VIEWED_PERSONAL_DATA).select_related("actor")
        msgs = list(obj.messages.select_related("author").order_by("created_at"))
        time_text, time_css = time_left_label(obj)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": obj.reference,
            "original": obj,
            "has_view_permission": True,
            "person": person(obj, visible),
            "personal_data_visible": visible,
            "description": obj.description if visible else "",
            "details": detail_items(obj.details) if visible else [],
            "events": events,
            "access_count": views.count(),
            "access_log": list(views.order_by("-seq")[:10]),
            "correspondence": [m for m in msgs if m.channel != Message.Channel.INTERNAL],
            "notes": [m for m in msgs if m.channel == Message.Channel.INTERNAL],
            "attachments": list(obj.attachments.order_by("created_at")) if visible else [],
            "attachment_count": obj.attachments.count(),
            "letters": list(obj.letters.order_by("created_at")),
            "transitions": [(n, TRANSITION_LABELS[n], n in FINAL_TRANSITIONS) for n in names],
            "can_change": can_change,
            "assign_form": AssignForm(user=user, operator_id=obj.operator_id, initial={"assignee": obj.assignee_id}),
            "note_form": NoteForm(),
            "letter_form": LetterForm() if can_change else None,
            "duplicates": list(duplicate_candidates(obj)),
            "time_left": time_text,
            "time_css": time_css,
            "policy": (policy := obj.operator.policy_for(obj.kind)),
            "policy_window": duration_text(policy.deadline_n, policy.deadline_unit),
            "policy_extension": duration_text(policy.extension_max_n, policy.extension_unit)
            if policy.extension_allowed and policy.extension_max_n
            else "",
        }
        context.update(extra_context or {})
        return TemplateResponse(request, "admin/dsar/datarequest/request_page.html", context)

    # --- transitions ------------------------------------------------------------

    def transition_view(self, request, object_id, name):
        if name not in STAFF_TRANSITIONS:
            raise Http404
        obj = self._load(request, object_id, action="triage")
        form_class = form_for(name)
        if request.method == "POST":
            form = form_class(request.POST, request_obj=obj)
            unanswered_jobs_ask(form, name)
            if form.is_valid():
                if form.cleaned_data[SEEN_STATE] != obj.state:
                    messages.warning(request, CONFLICT)
                    return redirect(self._page_url(obj))
                done = self._run_transition(request, obj, name, form)
                if done:
                    return redirect(self._page_url(obj))
        else:
            if name not in available_transitions(obj, request.user):
                messages.error(request, gettext("That step is not possible for this request now."))
                return redirect(self._page_url(obj))
            form = form_class(request_obj=obj)
            unanswered_jobs_ask(form, name)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": f"{TRANSITION_LABELS[name]} · {obj.reference}",
            "form": form,
            "name": name,
            "label": TRANSITION_LABELS[name],
            "final": name in FINAL_TRANSITIONS,
            "page_url": self._page_url(obj),
        }
        return TemplateResponse(request, "admin/dsar/datarequest/transition.html", context)

    def _run_transition(self, request, obj, name, form) -> bool:
        """True when the request left this page (done, or refused with a message); False to show the form again."""
        fields = form.transition_fields()
        try:
            if name == "ask_subject":
                triage.request_ask_subject(request_id=obj.pk, question=fields["question"], actor=request.user)
            else:
                with transaction.atomic():
                    transition(obj.pk, name, actor=request.user, **fields)
                    if form.unanswered_systems:
                        triage.request_answered_with_unanswered_jobs(
                            request_id=obj.pk, step=name, systems=form.unanswered_systems, actor=request.user
                        )
        except TransitionInputError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            return False
        except (TransitionNotAllowed, ConcurrentTransition) as exc:
            current = DataRequest.objects.filter(pk=obj.pk).values_list("state", flat=True).first()
            messages.warning(request, CONFLICT if current != form.cleaned_data[SEEN_STATE] else str(exc))
            return True
        except PermissionDenied as exc:
            messages.error(request, str(exc) or gettext("You may not do this to this request."))
            return True
        messages.success(request, gettext("Done: %(step)s.") % {"step": TRANSITION_LABELS[name]})
        return True

    # --- assignment, notes, letters ---------------------------------------------------

    def assign_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._load(request, object_id, action="triage")
        form = AssignForm(request.POST, user=request.user, operator_id=obj.operator_id)
        if not form.is_valid():
            messages.error(request, gettext("Choose someone who works for this operator."))
        else:
            try:
                triage.request_assign(request_id=obj.pk, assignee=form.cleaned_data["assignee"], actor=request.user)
                messages.success(request, gettext("Assignment saved."))
            except (PermissionDenied, ValidationError) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect(self._page_url(obj))

    def note_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._load(request, object_id, action="triage")
        form = NoteForm(request.POST)
        if form.is_valid():
            triage.request_note_add(request_id=obj.pk, body=form.cleaned_data["body"], actor=request.user)
            messages.success(request, gettext("Note added."))
        else:
            messages.error(request, gettext("Write the note."))
        return redirect(self._page_url(obj))

    def issue_letter_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._load(request, object_id, action="triage")
        form = LetterForm(request.POST)
        if not form.is_valid():
            messages.error(request, gettext("Choose the letter to issue."))
            return redirect(self._page_url(obj))
        try:
            letter = letter_issue(request=obj, kind=form.cleaned_data["kind"], actor=request.user)
        except (ValidationError, PermissionDenied, ValueError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, gettext("Letter %(number)s is being prepared.") % {"number": letter.number})
        return redirect(self._page_url(obj))

    # --- files: personal data, so only with the right, and every download is recorded ----

    def _send_file(self, request, obj, field_file, filename, content_type, what):
        if not permissions.can(request.user, "personal_data", obj):
            raise PermissionDenied
        if not field_file:
            raise Http404
        triage.request_personal_data_viewed(request=obj, actor=request.user, what=what)
        try:
            handle = field_file.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)

    def attachment_view(self, request, object_id, file_id):
        obj = self._load(request, object_id)
        att = obj.attachments.filter(pk=file_id).first()
        if att is None:
            raise Http404
        return self._send_file(request, obj, att.file, att.original_name, att.content_type, f"attachment:{att.pk}")

    def letter_file_view(self, request, object_id, file_id):
        obj = self._load(request, object_id)
        letter = obj.letters.filter(pk=file_id).first()
        if letter is None:
            raise Http404
        return self._send_file(
            request,
            obj,
            letter.file,
            f"{letter.number}.pdf".replace("/", "-"),
            "application/pdf",
            f"letter:{letter.pk}",
        )
