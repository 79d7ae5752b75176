"""Isolation and roles for every ModelAdmin: lists, object URLs, inlines, choices, widgets, search.

What a user may do to an object follows their role at that object's operator
(`dsar.permissions.can`); a list shows only the operators where the role may view the model.
"""

from django.contrib import admin
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404

from .. import permissions
from ..models import Operator
from ..selectors import staff_users_for

USER_FIELDS = ("user", "assignee", "author", "uploaded_by", "issued_by", "created_by", "actor")


def operator_path_for(model) -> str | None:
    """How rows of `model` reach their operator (None: not operator data)."""
    if model is Operator:
        return "id"
    names = {f.name for f in model._meta.get_fields()}
    if "operator" in names:
        return "operator_id"
    if "request" in names:
        return "request__operator_id"
    return None


def scoped_choices(user, model, action: str = "view"):
    """Objects of `model` a relation widget may offer: only those of operators where the user may act."""
    path = operator_path_for(model)
    if path is None:
        return None
    verb = f"{action}_{model._meta.model_name}" if action in ("view", "change", "add") else action
    return permissions.limit(model._default_manager.all(), user, verb, path)


class ScopedRawIdWidget(ForeignKeyRawIdWidget):
    """The raw-id widget looks the typed id up only among the objects the user may see.

    Django's widget fetches the label through the model's default manager, which would print
    the reference of any operator's request for `?request=<id>`.
    """

    def __init__(self, rel, admin_site, *, queryset, **kwargs):
        super().__init__(rel, admin_site, **kwargs)
        self.queryset = queryset

    def label_and_url_for_value(self, value):
        key = self.rel.get_related_field().name
        try:
            found = self.queryset.filter(**{key: value}).exists()
        except (ValueError, TypeError, ValidationError):
            found = False
        if not found:
            return "", ""
        return super().label_and_url_for_value(value)


def _limit_relations(user, db_field, kwargs, formfield_factory):
    """Narrow every foreign key's choices (select, raw id, autocomplete) to the user's scope."""
    model = db_field.related_model
    if "queryset" not in kwargs:
        if db_field.name in USER_FIELDS or model._meta.label_lower == "auth.user":
            if not user.is_superuser:
                kwargs["queryset"] = staff_users_for(user)
        else:
            choices = scoped_choices(user, model)
            if choices is not None:
                kwargs["queryset"] = choices
    field = formfield_factory(db_field, **kwargs)
    if field is not None and isinstance(field.widget, ForeignKeyRawIdWidget):
        widget = field.widget
        field.widget = ScopedRawIdWidget(widget.rel, widget.admin_site, queryset=field.queryset, using=widget.db)
    return field


class ScopedInline:
    """For inlines on an operator's page: the role at that operator decides each right."""

    def _can(self, request, verb, obj):
        return permissions.can(request.user, f"{verb}_{self.opts.model_name}", obj)

    def has_view_permission(self, request, obj=None):
        return self._can(request, "view", obj) or self._can(request, "change", obj)

    def has_change_permission(self, request, obj=None):
        return self._can(request, "change", obj)

    def has_add_permission(self, request, obj=None):
        return self._can(request, "add", obj)

    def has_delete_permission(self, request, obj=None):
        return self._can(request, "delete", obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        parent = super()
        return _limit_relations(
            request.user, db_field, kwargs, lambda f, **kw: parent.formfield_for_foreignkey(f, request, **kw)
        )


class OperatorScopedAdmin(admin.ModelAdmin):
    """Rows reachable through `operator_path` belong to one operator; staff see only theirs,
    and may do to each row what their role at its operator allows.

    An object of another operator is a 404 (never a redirect that confirms it exists).
    """

    operator_path = "operator_id"
    # Global rows (operator empty) are visible to all staff but changed only by superusers.
    allow_global = False

    def _verb(self, verb: str) -> str:
        return f"{verb}_{self.opts.model_name}"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        ids = permissions.operator_ids_where(request.user, self._verb("view"))
        changeable = permissions.operator_ids_where(request.user, self._verb("change"))
        if ids is None or changeable is None:
            return qs
        ids = sorted(set(ids) | set(changeable))
        scope = Q(**{f"{self.operator_path}__in": ids})
        if self.allow_global:
            scope |= Q(**{f"{self.operator_path}__isnull": True})
        return qs.filter(scope)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def _obj_operator_id(self, obj):
        value = obj
        for part in self.operator_path.split("__"):
            value = getattr(value, part, None)
            if value is None:
                return None
        return value

    def _can(self, request, verb, obj=None) -> bool:
        target = None if obj is None else self._obj_operator_id(obj)
        if obj is not None and target is None:
            return request.user.is_superuser
        return permissions.can(request.user, self._verb(verb), target)

    def has_view_permission(self, request, obj=None):
        if obj is not None and self.allow_global and self._obj_operator_id(obj) is None:
            return permissions.can(request.user, self._verb("view")) or request.user.is_superuser
        return self._can(request, "view", obj) or self._can(request, "change", obj)

    def has_change_permission(self, request, obj=None):
        return self._can(request, "change", obj)

    def has_add_permission(self, request):
        return self._can(request, "add")

    def has_delete_permission(self, request, obj=None):
        return self._can(request, "delete", obj)

    def has_module_permission(self, request):
        return request.user.is_superuser or bool(permissions.roles_of(request.user))

    def save_model(self, request, obj, form, change):
        # The form already limits the choices; this also holds for a form that forgot to.
        if not self._can(request, "change" if change else "add", obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Operator and "queryset" not in kwargs:
            # Only the operators where this user may create or change this kind of row.
            ids = permissions.operator_ids_where(request.user, self._verb("change"))
            adds = permissions.operator_ids_where(request.user, self._verb("add"))
            if ids is not None and adds is not None:
                kwargs["queryset"] = Operator.objects.filter(pk__in=set(ids) | set(adds))
        parent = super()
        return _limit_relations(
            request.user, db_field, kwargs, lambda f, **kw: parent.formfield_for_foreignkey(f, request, **kw)
        )


class ReadOnlyAdmin(OperatorScopedAdmin):
    """Records written by services only (audit events, messages, files, letters)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
