"""Operator settings: profile, a policy per kind (statutory caps from Policy.clean), calendar, staff.

Who changes what follows the role at the operator (dsar/permissions.py): managers edit the
policies, the DPO also the profile, the calendar and the staff; nobody their own membership.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .. import permissions
from ..models import CalendarOverride, Membership, Operator, Policy
from ..selectors import staff_users_for
from .scoping import OperatorScopedAdmin, ScopedInline


def membership_candidates(user):
    """Whom a DPO may add: colleagues, or staff accounts not yet given to any operator; never themselves."""
    mine = staff_users_for(user).values("pk")
    return (
        get_user_model()
        .objects.filter(Q(pk__in=mine) | Q(is_staff=True, memberships__isnull=True), is_active=True)
        .exclude(pk=user.pk)
        .distinct()
    )


class MembershipForm(forms.ModelForm):
    """Refuses a membership for the person filling the form: nobody changes their own."""

    actor = None  # set per request by `_for_actor`

    class Meta:
        model = Membership
        fields = ["user", "operator", "role"]

    def clean_user(self):
        user = self.cleaned_data.get("user")
        if user is not None and self.actor is not None and user.pk == self.actor.pk:
            raise forms.ValidationError(_("Nobody changes their own membership; ask the platform administrator."))
        return user


def _for_actor(form_class, user):
    return type(form_class.__name__, (form_class,), {"actor": user})


class PolicyInline(ScopedInline, admin.StackedInline):
    model = Policy
    extra = 0
    can_delete = False
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("kind", "enabled"),
                    ("deadline_n", "deadline_unit"),
                    "promise_text_kk",
                    "promise_text_ru",
                    "promise_text_en",
                    "clock_starts",
                ]
            },
        ),
        (
            _("Pauses and extensions"),
            {
                "fields": [
                    "pause_while_awaiting_subject",
                    ("extension_allowed", "extension_max_n", "extension_unit"),
                ]
            },
        ),
        (
            _("Reminders and time-outs"),
            {
                "fields": [
                    "reminder_offsets_hours",
                    "identity_expiry_days",
                    ("clarification_timeout_days", "clarification_outcome"),
                ]
            },
        ),
    ]

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser  # one policy per kind exists from the operator's creation


class MembershipInline(ScopedInline, admin.TabularInline):
    model = Membership
    form = MembershipForm
    extra = 0

    def get_queryset(self, request):
        # One's own membership is not even offered for editing.
        return super().get_queryset(request).exclude(user=request.user)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = _for_actor(formset.form, request.user)
        return formset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = membership_candidates(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CalendarOverrideInline(ScopedInline, admin.TabularInline):
    model = CalendarOverride
    extra = 0


@admin.register(Operator)
class OperatorAdmin(OperatorScopedAdmin):
    operator_path = "id"
    list_display = ["short_name", "slug", "bin_iin", "reference_prefix", "is_active"]
    search_fields = ["short_name", "slug", "reference_prefix"]
    inlines = [PolicyInline, CalendarOverrideInline, MembershipInline]
    fieldsets = [
        (
            _("Profile"),
            {
                "fields": [
                    ("short_name", "slug"),
                    "name_kk",
                    "name_ru",
                    "name_en",
                    ("bin_iin", "reference_prefix"),
                    ("contact_email", "contact_phone"),
                    "website",
                ]
            },
        ),
        # Per language (dsar/translation.py); an empty one falls back to Russian, then English.
        (
            _("Texts for subjects, per language"),
            {
                "fields": [
                    "legal_address_kk",
                    "legal_address_ru",
                    "legal_address_en",
                    "responsible_person_kk",
                    "responsible_person_ru",
                    "responsible_person_en",
                    "about_kk",
                    "about_ru",
                    "about_en",
                ]
            },
        ),
        (
            _("Requests"),
            {
                "fields": [
                    "languages",
                    "default_language",
                    "timezone",
                    "require_phone_confirmation",
                    "minimum_age",
                    "retention_days",
                    ("working_hours_start", "working_hours_end"),
                    "is_active",
                ]
            },
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None or request.user.is_superuser:
            return []
        if not permissions.can(request.user, "change_operator", obj):
            # A manager edits the policies on this page, not the profile.
            return flatten_fieldsets(self.fieldsets)
        # Slug and prefix are in URLs and every reference already issued.
        return ["slug", "reference_prefix", "is_active"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False  # requests and the audit chain hang off it

    def save_formset(self, request, form, formset, change):
        # Calendar days saved here move deadlines too; the audit events name who saved them.
        for inline_form in formset.forms:
            inline_form.instance._dsar_actor = request.user
        super().save_formset(request, form, formset, change)

    def has_view_permission(self, request, obj=None):
        # Managers change policies through the operator page without being allowed to edit the profile.
        return super().has_view_permission(request, obj) or permissions.can(request.user, "view_policy", obj)

    def has_change_permission(self, request, obj=None):
        # Editing the page saves the inlines (policies) too; the inlines check their own rights.
        return any(
            permissions.can(request.user, verb, obj)
            for verb in ("change_operator", "change_policy", "change_calendaroverride", "change_membership")
        )

    def save_model(self, request, obj, form, change):
        # The profile fields are read-only without change_operator, so nothing of them changed.
        admin.ModelAdmin.save_model(self, request, obj, form, change)


@admin.register(Policy)
class PolicyAdmin(OperatorScopedAdmin):
    list_display = ["operator", "kind", "enabled", "deadline_n", "deadline_unit", "extension_allowed"]
    list_filter = [("operator", admin.RelatedOnlyFieldListFilter), "kind"]
    fieldsets = [(None, {"fields": ["operator"]})] + PolicyInline.fieldsets

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(OperatorScopedAdmin):
    allow_global = True
    list_display = ["date", "is_working_day", "operator", "note"]
    list_filter = ["is_working_day", ("operator", admin.RelatedOnlyFieldListFilter)]

    # A global day (operator empty) affects every operator: only the platform administrator
    # changes it (OperatorScopedAdmin._can answers so for rows without an operator).

    def save_model(self, request, obj, form, change):
        if obj.operator_id is None and not request.user.is_superuser:
            raise PermissionDenied
        obj._dsar_actor = request.user  # named on the audit event of each deadline it moves
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        obj._dsar_actor = request.user
        super().delete_model(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not request.user.is_superuser and "operator" in form.base_fields:
            form.base_fields["operator"].required = True
        return form


@admin.register(Membership)
class MembershipAdmin(OperatorScopedAdmin):
    form = MembershipForm
    list_display = ["user", "operator", "role"]
    list_filter = ["role", ("operator", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "user__first_name", "user__last_name"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        return _for_actor(super().get_form(request, obj, change=change, **kwargs), request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.can_change_membership(request.user, obj) if obj else super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return permissions.can_change_membership(request.user, obj) if obj else super().has_delete_permission(request)

    def save_model(self, request, obj, form, change):
        if not permissions.can_change_membership(request.user, obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = membership_candidates(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
