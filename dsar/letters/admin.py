"""Admin for letters, letter texts, the processing register and the records staff keep for a subject.

Registered from DsarConfig.ready() so it lives apart from dsar/admin.py.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models.letters import AccessRecord, LetterTemplate, ProcessingActivity
from . import texts


class OperatorScopedAdmin(admin.ModelAdmin):
    """Staff see and edit only the rows of operators they work for."""

    operator_path = "operator"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.operator_path}__memberships__user": request.user}).distinct()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "operator" and not request.user.is_superuser:
            from ..models import Operator

            kwargs["queryset"] = Operator.objects.filter(memberships__user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(LetterTemplate)
class LetterTemplateAdmin(OperatorScopedAdmin):
    list_display = ["operator", "kind", "language", "title", "updated_at"]
    list_filter = ["operator", "kind", "language"]

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
    list_filter = ["operator", "language", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["name", "purposes", "data_categories"]
    fieldsets = [
        (None, {"fields": ["operator", "language", "order", "name", "is_active"]}),
        (_("What is processed and why (art. 24–25)"), {"fields": ["purposes", "legal_grounds", "data_categories", "sources", "methods"]}),
        (_("Who gets it, where, and for how long"), {"fields": ["recipients", "cross_border", "storage_period"]}),
    ]


@admin.register(AccessRecord)
class AccessRecordAdmin(OperatorScopedAdmin):
    operator_path = "request__operator"
    list_display = ["request", "category", "source", "created_at"]
    search_fields = ["request__reference", "category"]
    raw_id_fields = ["request", "attachment"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
