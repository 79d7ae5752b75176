"""The permission module's invariants: one answer whichever way it is asked, and only the role there counts."""

import pytest

from dsar import permissions
from dsar.models import Membership, Role
from tests.factories import OperatorFactory, UserFactory, staff_user

ALL_CODENAMES = sorted(set().union(*permissions.ROLE_PERMISSIONS.values()) | {"delete_operator", "add_operator"})


@pytest.fixture
def two_operators(db):
    return OperatorFactory(), OperatorFactory()


@pytest.mark.parametrize("role", Role.values)
def test_it_answers_the_same_through_django_has_perm_and_can(two_operators, role):
    here, there = two_operators
    user = staff_user(here, role)
    for codename in ALL_CODENAMES:
        assert user.has_perm(f"dsar.{codename}", here) == permissions.can(user, codename, here), codename
        assert user.has_perm(f"dsar.{codename}", there) is False, codename
        assert permissions.can(user, codename, there.pk) is False, codename
        assert user.has_perm(f"dsar.{codename}") == permissions.can(user, codename), codename


def test_it_gives_each_role_at_least_the_rights_of_the_role_below():
    order = [Role.ASSISTANT, Role.CASEWORKER, Role.MANAGER, Role.DPO]
    for lower, higher in zip(order, order[1:], strict=False):
        assert permissions.ROLE_PERMISSIONS[lower] < permissions.ROLE_PERMISSIONS[higher], (lower, higher)


@pytest.mark.parametrize("other_role", Role.values)
def test_it_never_lets_a_role_at_one_operator_act_at_another(two_operators, other_role):
    here, there = two_operators
    user = staff_user(here, Role.DPO)
    Membership.objects.create(user=user, operator=there, role=other_role)
    permissions.forget(user)
    allowed_there = {c for c in ALL_CODENAMES if permissions.can(user, c, there)}
    assert allowed_there == set(permissions.ROLE_PERMISSIONS[other_role])
    assert permissions.operator_ids_where(user, "change_operator") == [here.pk] + (
        [there.pk] if other_role == Role.DPO else []
    )


def test_it_lets_the_platform_administrator_do_everything_but_change_their_own_membership(two_operators):
    here, _there = two_operators
    root = UserFactory(is_superuser=True)
    assert permissions.can(root, "decide", here) and permissions.operator_ids_where(root, "dashboard") is None
    own = Membership.objects.create(user=root, operator=here, role=Role.CASEWORKER)
    assert not permissions.can_change_membership(root, own)


def test_it_refuses_an_inactive_or_anonymous_user(two_operators):
    from django.contrib.auth.models import AnonymousUser

    here, _there = two_operators
    user = staff_user(here, Role.DPO)
    user.is_active = False
    assert not permissions.can(user, "view", here) and not user.has_perm("dsar.view_datarequest", here)
    assert not permissions.can(AnonymousUser(), "view", here)
