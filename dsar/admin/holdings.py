""" "What we hold" for an access answer, on the request page next to the transition buttons.

Self-contained: a form and its URL (`<pk>/hold/`), mixed into the request admin, and a template
tag (`{% holdings_panel %}` in templatetags/dsar_holdings.py) that the request page includes.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..kinds import Kind
from ..services.holdings import access_record_add


class HoldingRules:
    """Checks shared by this form and the admin's own AccessRecord form (dsar/letters/admin.py)."""

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload and upload.size > settings.DSAR_MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is too large."))
        return upload

    def clean(self):
        cleaned = super().clean()
        kept_file = getattr(getattr(self, "instance", None), "attachment_id", None)
        if not cleaned.get("content") and not cleaned.get("upload") and not kept_file:
            raise ValidationError(_("Enter the data held, or upload a file with it."))
        return cleaned


class HoldingForm(HoldingRules, forms.Form):
    category = forms.CharField(
        label=_("Category of data"), max_length=200, help_text=_("E.g. contact details, order history, payment data.")
    )
    content = forms.CharField(label=_("The data held"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    source = forms.CharField(
        label=_("Source"),
        max_length=200,
        required=False,
        help_text=_("Where it came from, e.g. the subject, a partner."),
    )
    upload = forms.FileField(label=_("or upload a file"), required=False)


def shows_holdings(obj) -> bool:
    return obj.kind == Kind.ACCESS


class HoldingsMixin:
    """Adds the POST target of the "what we hold" form to the request admin."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("<path:object_id>/hold/", self.admin_site.admin_view(self.holding_view), name="%s_%s_hold" % info),
        ] + super().get_urls()

    def holding_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._load(request, object_id, action="add_accessrecord")
        page = reverse("admin:dsar_datarequest_change", args=[obj.pk], current_app=self.admin_site.name)
        if not shows_holdings(obj):
            return redirect(page)
        form = HoldingForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            access_record_add(
                request=obj,
                actor=request.user,
                category=data["category"],
                content=data["content"],
                source=data["source"],
                upload=data["upload"],
            )
            messages.success(request, gettext("Recorded. It will be listed in the access answer."))
        else:
            errors = " ".join(str(e) for errs in form.errors.values() for e in errs)
            messages.error(request, errors)
        return redirect(page + "#holdings")
