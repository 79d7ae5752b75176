"""One formula guard for every CSV the product writes (dsar/csvsafe.py)."""

import csv
import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dsar.csvsafe import FORMULA_START, csv_cell


@pytest.mark.parametrize("value", ["=1+1", "+7 701 000 00 00", "-cmd", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("x")'])
def test_it_neutralises_a_cell_a_spreadsheet_would_run(value):
    assert csv_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["", None])
def test_it_leaves_an_empty_value_empty(value):
    assert csv_cell(value) == ""


@pytest.mark.parametrize(
    "value, expected", [(-5, "-5"), ("-12.5", "-12.5"), ("+3", "+3"), (1.5, "1.5"), ("abc", "abc")]
)
def test_it_keeps_numbers_and_plain_text(value, expected):
    assert csv_cell(value) == expected


@given(st.text())
def test_it_never_returns_a_dangerous_cell_and_only_ever_prefixes(text):
    out = csv_cell(text)
    assert out in (text, "'" + text)
    if out == text and text:
        assert not text.startswith(FORMULA_START) or text.lstrip("+-").replace(".", "").replace(",", "").isdigit()
    if not text:
        assert out == ""


def test_it_keeps_empty_values_empty_in_the_subjects_export(db):
    from django.utils import timezone

    from dsar.models.letters import AccessRecord
    from dsar.services.exports import export_payload, export_zip
    from tests.factories import OperatorFactory, make_request

    request = make_request(OperatorFactory(), subject_phone="")
    AccessRecord.objects.create(request=request, category="=cmd", content="", source="-x")
    payload = export_payload(request=request, now=timezone.now())
    with zipfile.ZipFile(io.BytesIO(export_zip(payload))) as archive:
        for name in archive.namelist():
            if not name.endswith(".csv"):
                continue
            rows = list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
            cells = [cell for row in rows[1:] for cell in row]
            assert "'" not in cells, (name, rows)
            if name.endswith("records.csv"):
                assert rows[1][0] == "'=cmd" and rows[1][1] == "" and rows[1][2] == "'-x"
