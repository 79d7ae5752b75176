"""Isolation between operators for every ModelAdmin: lists, object URLs, choices, search."""

from django.contrib import admin
from django.http import Http404

from ..models import Operator
from ..selectors import limit_to_user, operator_ids_for, staff_users_for


def in_scope(user, operator_id) -> bool:
    ids = operator_ids_for(user)
    return ids is None or operator_id in ids


class OperatorScopedAdmin(admin.ModelAdmin):
    """Rows reachable through `operator_path` belong to one operator; staff see only theirs.

    An object of another operator is a 404 (never a redirect that confirms it exists).
    """

    operator_path = "operator_id"
    # Global rows (operator empty) are visible to all staff but changed only by superusers.
    allow_global = False

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        ids = operator_ids_for(request.user)
        if ids is None:
            return qs
        if self.allow_global:
            from django.db.models import Q

            return qs.filter(Q(**{f"{self.operator_path}__in": ids}) | Q(**{f"{self.operator_path}__isnull": True}))
        return limit_to_user(qs, request.user, self.operator_path)

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

    def _editable(self, request, obj) -> bool:
        if obj is None or request.user.is_superuser:
            return True
        operator_id = self._obj_operator_id(obj)
        return operator_id is not None and in_scope(request.user, operator_id)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (
            obj is None or self.allow_global and self._obj_operator_id(obj) is None or self._editable(request, obj)
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._editable(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Operator:
            kwargs["queryset"] = limit_to_user(Operator.objects.all(), request.user, "id")
        elif db_field.name in ("user", "assignee", "author", "uploaded_by", "issued_by"):
            # A subclass may have narrowed the choices already (e.g. membership candidates).
            kwargs.setdefault("queryset", staff_users_for(request.user) if not request.user.is_superuser else
                              db_field.related_model.objects.filter(is_active=True))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyAdmin(OperatorScopedAdmin):
    """Records written by services only (audit events, messages, files, letters)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
