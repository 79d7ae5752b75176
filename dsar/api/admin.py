"""Admin: API keys. A new key is shown once, on the page that follows its creation; revoking keeps the row."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..admin.scoping import OperatorScopedAdmin
from ..models import ApiKey, ApiScope
from .keys import api_key_create, api_key_revoke


class ApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(label=_("scopes"), choices=ApiScope.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ApiKey
        fields = ["operator", "name", "scopes", "rate_per_minute"]


@admin.register(ApiKey)
class ApiKeyAdmin(OperatorScopedAdmin):
    form = ApiKeyForm
    list_display = ["name", "operator", "prefix", "scopes", "created_by", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("operator", admin.RelatedOnlyFieldListFilter)]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            "operator",
            "name",
            "prefix",
            "scopes",
            "rate_per_minute",
            "created_by",
            "created_at",
            "last_used_at",
            "revoked_at",
        ]

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj) or ["operator", "name", "scopes", "rate_per_minute"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the row keeps who made the key and when it was last used

    def has_revoke_permission(self, request):
        return self._can(request, "change")

    def save_model(self, request, obj, form, change):
        key, raw = api_key_create(
            operator=form.cleaned_data["operator"],
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            actor=request.user,
            rate_per_minute=form.cleaned_data["rate_per_minute"],
        )
        obj.pk, obj.prefix, obj._raw_key = key.pk, key.prefix, raw

    def save_related(self, request, form, formsets, change):
        pass

    def log_addition(self, request, obj, message):
        pass  # the audit chain has it (api_key_created)

    def response_add(self, request, obj, post_url_continue=None):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "key": obj,
            "raw_key": obj._raw_key,
            "title": _("New API key"),
        }
        response = TemplateResponse(request, "admin/dsar/apikey/created.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Revoke the selected keys"), permissions=["revoke"])
    def revoke(self, request, queryset):
        done = 0
        for key in queryset.filter(revoked_at__isnull=True).select_related("operator"):
            if self._can(request, "change", key):
                api_key_revoke(key=key, actor=request.user)
                done += 1
        messages.success(request, ngettext("%(n)d key revoked.", "%(n)d keys revoked.", done) % {"n": done})
