import pytest
import time_machine

from dsar.dashboard.forms import Scope

from .fixture import NOW, PERIOD, build


@pytest.fixture
def world(db, roles):
    with time_machine.travel(NOW, tick=False):
        yield build()


@pytest.fixture
def scope_a(world):
    return Scope(operator_ids=(world.a.pk,), start=PERIOD[0], end=PERIOD[1])
