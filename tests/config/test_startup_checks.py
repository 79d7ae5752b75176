"""A fresh start on the embedded default shows no warnings (issue 23): the system checks with the
database, as migrate and runserver run them under bin/dev, report nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_it_starts_without_system_check_warnings():
    out, err = StringIO(), StringIO()
    call_command("check", databases=["default"], stdout=out, stderr=err)
    assert "WARNINGS" not in err.getvalue() + out.getvalue(), err.getvalue()
    assert "W040" not in err.getvalue()
