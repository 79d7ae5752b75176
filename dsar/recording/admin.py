"""The admin's "record a request": a paper letter, an e-mail or a visit, with its receipt date.

The request goes through the same intake service as the portal (`request_record_staff`), with
its channel and the moment it reached the operator; the clock starts then.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import permissions
from ..models import RecordedRequest
from ..services.channels import received_at_check, request_record_staff
from .forms import RecordRequestForm


def recording_operators(user):
    """Operators for which `user` may record requests: where their role registers and routes them."""
    return permissions.operators_where(user, "triage").filter(is_active=True)


@admin.register(RecordedRequest)
class RecordedRequestAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return recording_operators(request.user).exists()

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        operators = recording_operators(request.user)
        if not operators.exists():
            raise PermissionDenied
        initial = {
            "received_at": timezone.localtime().replace(second=0, microsecond=0),
            "identity": "in_person",
            "operator": operators.first() if operators.count() == 1 else None,
            "language": "ru",
        }
        if request.method == "POST":
            form = RecordRequestForm(request.POST, request.FILES, operators=operators)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    warning = received_at_check(received_at=data["received_at"], now=timezone.now())
                    recorded = request_record_staff(
                        operator=data["operator"],
                        fields=form.request_fields(),
                        channel=data["channel"],
                        received_at=data["received_at"],
                        actor=request.user,
                        identity=data["identity"],
                        document_type=data.get("document_type", ""),
                        files=data.get("files") or [],
                    )
                except ValidationError as exc:
                    for field, errors in exc.message_dict.items():
                        for error in errors:
                            form.add_error(field if field in form.fields else None, error)
                else:
                    return self._done(request, recorded.request, warning)
        else:
            form = RecordRequestForm(operators=operators, initial=initial)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "form": form,
            "title": _("Record a request received on paper, by e-mail or in person"),
            "has_file_field": True,
        }
        return TemplateResponse(request, "admin/dsar/recordedrequest/record.html", context)

    def _done(self, request, obj, warning: str):
        messages.success(
            request,
            gettext("Request %(reference)s recorded; due %(due)s.")
            % {
                "reference": obj.reference,
                "due": timezone.localtime(obj.due_at, obj.operator.tz).strftime("%Y-%m-%d %H:%M")
                if obj.due_at
                else "—",
            },
        )
        if warning:
            messages.warning(request, warning)
        if not obj.requester_email and obj.identity_confirmed_at:
            messages.info(
                request, gettext("There is no e-mail: print the acknowledgment letter on this page and post it.")
            )
        return redirect(reverse("admin:dsar_datarequest_change", args=[obj.pk]))
