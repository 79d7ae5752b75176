"""The register written by PostgreSQL (COPY) equals the one Python writes, cell for cell."""

import pytest
from django.utils import translation

from dsar.dashboard.csv_export import _register_copy, _register_python
from dsar.dashboard.forms import Scope
from dsar.models import DataRequest

from .fixture import PERIOD


@pytest.mark.postgres
@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_it_writes_the_same_register_with_copy_as_in_python(world, language):
    # Cells a spreadsheet would run as formulas, a quote, a comma, a line break and a number.
    world.a.short_name = '=Alpha, "the" operator'
    world.a.save(update_fields=["short_name"])
    bases = ["@SUM(A1)", "-12.5", "+7 701", "line\nbreak", "\tTab"]
    for pk, basis in zip(
        DataRequest.objects.filter(operator=world.a).order_by("pk").values_list("pk", flat=True), bases, strict=False
    ):
        DataRequest.objects.filter(pk=pk).update(refusal_basis=basis)
    scope = Scope(operator_ids=(world.a.pk, world.b.pk), start=PERIOD[0], end=PERIOD[1])
    with translation.override(language):
        python = "".join(_register_python(scope)).encode()
        copy = b"".join(_register_copy(scope))
    assert python.count(b"\n") >= 12
    assert copy == python
