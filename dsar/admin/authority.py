"""The check of a representative's authority, on the request page: a self-contained form and view.

Mixed into DataRequestAdmin before RequestPageMixin; it adds one URL and the form's context.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import AuthorityCheck
from ..services.authority import CHECKABLE_STATES, authority_check_record
from ..workflow import TransitionInputError, can_decide


class AuthorityCheckForm(forms.Form):
    document = forms.CharField(
        label=_("Document checked"),
        max_length=300,
        help_text=_("Which document, its number and date; e.g. notarised power of attorney No. 1-234 of 02.03.2026."),
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=AuthorityCheck.Decision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the authority is rejected: the request is then refused and the subject told why."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == AuthorityCheck.Decision.REJECTED and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason the authority is not accepted; the subject is told it."))
        return data


def authority_context(obj, user) -> dict:
    """What the request page shows about the authority: the checks so far, and the form when one is due."""
    if not obj.acting_for_other:
        return {}
    due = obj.authority_verified_at is None and obj.state in CHECKABLE_STATES and can_decide(obj, user)
    return {
        "authority_checks": list(obj.authority_checks.select_related("checked_by")),
        "authority_form": AuthorityCheckForm() if due else None,
        "authority_pending": obj.authority_verified_at is None,
    }


class AuthorityCheckMixin:
    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/authority/",
                self.admin_site.admin_view(self.authority_check_view),
                name="%s_%s_authority" % info,
            ),
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id)) if request.method == "GET" else None
        extra = authority_context(obj, request.user) if obj is not None else {}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def authority_check_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._load(request, object_id, action="decide")
        form = AuthorityCheckForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(self._page_url(obj))
        accepted = form.cleaned_data["decision"] == AuthorityCheck.Decision.ACCEPTED
        try:
            authority_check_record(
                request_id=obj.pk,
                actor=request.user,
                document=form.cleaned_data["document"],
                accepted=accepted,
                reason=form.cleaned_data["reason"],
            )
        except TransitionInputError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc) or gettext("You may not do this to this request."))
        else:
            messages.success(
                request,
                gettext("Authority accepted; the copies of the documents were deleted.")
                if accepted
                else gettext("Authority rejected: the request is refused and the subject will be told why."),
            )
        return redirect(self._page_url(obj))
