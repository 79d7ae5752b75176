"""Admin for letters, letter texts, the processing register and the records staff keep for a subject.

Registered from DsarConfig.ready(); operator isolation comes from dsar.admin.scoping.
Letters themselves are listed by dsar/admin/events.py and downloaded from the request page.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .. import permissions
from ..admin.holdings import HoldingRules
from ..admin.scoping import OperatorScopedAdmin
from ..models import DataRequest
from ..models.letters import AccessRecord, LetterTemplate, ProcessingActivity
from ..services.holdings import attachment_from_upload
from . import texts
from .signing import admin as signing_admin  # noqa: F401 (registers the certificates' admin)


@admin.register(LetterTemplate)
class LetterTemplateAdmin(OperatorScopedAdmin):
    list_display = ["operator", "kind", "language", "title", "updated_at"]
    list_filter = [("operator", admin.RelatedOnlyFieldListFilter), "kind", "language"]

    def get_changeform_initial_data(self, request):
        """A new text starts from the default wording for the chosen kind and language (?kind=&language=)."""
        initial = super().get_changeform_initial_data(request)
        kind, language = initial.get("kind") or "acknowledgment", initial.get("language") or "ru"
        if kind in texts.DEFAULTS and language in texts.LANGUAGES:
            title, body = texts.default_text(kind, language)
            initial.setdefault("kind", kind)
            initial.setdefault("language", language)
            initial.setdefault("title", title)
            initial.setdefault("body", body)
        return initial


@admin.register(ProcessingActivity)
class ProcessingActivityAdmin(OperatorScopedAdmin):
    list_display = ["operator", "language", "order", "name", "is_active"]
    list_filter = [("operator", admin.RelatedOnlyFieldListFilter), "language", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["name", "purposes", "data_categories"]
    fieldsets = [
        (None, {"fields": ["operator", "language", "order", "name", "is_active"]}),
        (
            _("What is processed and why (art. 24–25)"),
            {"fields": ["purposes", "legal_grounds", "data_categories", "sources", "methods"]},
        ),
        (_("Who gets it, where, and for how long"), {"fields": ["recipients", "cross_border", "storage_period"]}),
    ]


class AccessRecordForm(HoldingRules, forms.ModelForm):
    upload = forms.FileField(label=_("or upload a file"), required=False)

    class Meta:
        model = AccessRecord
        fields = ["request", "category", "content", "source", "upload"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_request(self):
        request = self.cleaned_data["request"]
        if self.user is not None and not permissions.can(self.user, "add_accessrecord", request):
            raise ValidationError(_("You do not work for this request's operator."))
        return request


@admin.register(AccessRecord)
class AccessRecordAdmin(OperatorScopedAdmin):
    operator_path = "request__operator_id"
    form = AccessRecordForm
    list_display = ["request", "category", "source", "attachment", "created_at"]
    search_fields = ["request__reference", "category"]
    raw_id_fields = ["request"]
    readonly_fields = ["attachment", "created_by", "created_at"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class ScopedForm(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, user=request.user, **kw)

        return ScopedForm

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "request":
            kwargs["queryset"] = permissions.limit(DataRequest.objects.all(), request.user, "add_accessrecord")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        upload = form.cleaned_data.get("upload")
        if upload:
            obj.attachment = attachment_from_upload(request=obj.request, upload=upload, actor=request.user)
        super().save_model(request, obj, form, change)
