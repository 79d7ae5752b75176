"""Who manages an operator's channels in the admin: its managers and DPO (and the platform admin).

Role checks use the membership, as the rest of the admin does until the permission module of
issue #12 replaces them.
"""

from ..models import Membership, Operator


CHANNEL_ROLES = ("manager", "dpo")


def manages_channels(user, operator_id=None) -> bool:
    if not (user and user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    members = Membership.objects.filter(user=user, role__in=CHANNEL_ROLES)
    if operator_id is not None:
        members = members.filter(operator_id=operator_id)
    return members.exists()


def channel_operators(user):
    """The operators whose channels `user` manages."""
    if user.is_superuser:
        return Operator.objects.all()
    ids = Membership.objects.filter(user=user, role__in=CHANNEL_ROLES).values("operator_id")
    return Operator.objects.filter(pk__in=ids)


class ChannelAdminMixin:
    """For OperatorScopedAdmin subclasses: managers and DPOs of the row's operator only."""

    def _allowed(self, request, obj=None) -> bool:
        if obj is None:
            return manages_channels(request.user)
        return manages_channels(request.user, self._obj_operator_id(obj))

    def has_module_permission(self, request):
        return manages_channels(request.user)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request, *args):
        return manages_channels(request.user)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        ids = list(channel_operators(request.user).values_list("pk", flat=True))
        return qs.filter(**{f"{self.operator_path}__in": ids})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Operator:
            kwargs["queryset"] = channel_operators(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)



