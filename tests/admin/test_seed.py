"""bench/seed.py writes realistic rows fast, without breaking references or the audit chains."""

from collections import Counter

from bench.seed import seed
from dsar.models import DataRequest, ReferenceCounter
from dsar.models.events import verify_chain
from tests.admin.conftest import in_state
from tests.factories import make_request


def test_it_seeds_a_realistic_mix_that_the_portal_can_continue(op_a, op_b, worker_a, worker_b):
    in_state(op_a, worker_a, "received")
    assert seed(600, operators=[op_a, op_b], chunk=250, random_seed=7) == 600
    rows = DataRequest.objects.all()
    assert rows.count() == 601
    states = Counter(rows.values_list("state", flat=True))
    assert states["fulfilled"] > 100 and states["in_progress"] > 0 and states["refused"] > 0
    assert not rows.filter(state="refused", refusal_ground="").exists()
    assert rows.filter(assignee__isnull=False).exists()
    assert set(rows.filter(assignee__isnull=False, operator=op_b).values_list("assignee", flat=True)) == {worker_b.pk}
    assert rows.filter(state__in=["received", "in_progress"], due_at__isnull=True).count() == 0
    # A request made afterwards gets the next free reference, and the audit chains still verify.
    later = make_request(op_a)
    assert DataRequest.objects.filter(operator=op_a, reference=later.reference).count() == 1
    assert ReferenceCounter.objects.filter(operator=op_a).exists()
    assert verify_chain(op_a.pk) is None and verify_chain(op_b.pk) is None
