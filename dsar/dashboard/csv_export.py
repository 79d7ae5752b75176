"""CSV responses: every dashboard table, and the regulator's register streamed row by row."""

import csv
from datetime import datetime

from django.db import connection
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from ..csvsafe import csv_cell
from ..kinds import Kind, RefusalGround
from ..models.channels import Channel
from ..states import Outcome, State
from .forms import DASHBOARD_TZ, Scope
from .selectors.register import register_checkpoints, register_copy_sql, register_rows
from .tables import Cell, Table

# Excel reads a UTF-8 file as the local code page unless it starts with a byte-order mark;
# Kazakh and Russian names would come out garbled.
BOM = "\ufeff"


class _Echo:
    def write(self, value):
        return value


def safe(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Cell):
        value = value.value
    if isinstance(value, datetime):
        return value.astimezone(DASHBOARD_TZ).strftime("%Y-%m-%d %H:%M")
    return csv_cell(value)


def _filename(key: str, scope: Scope) -> str:
    return f"dsar-{key}-{scope.start.isoformat()}-{scope.end.isoformat()}.csv"


def table_response(table: Table, scope: Scope) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(table.key, scope)}"'
    response.write(BOM)
    writer = csv.writer(response)
    writer.writerow([safe(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([safe(c) for c in row])
    return response


def _register_header() -> list[str]:
    return [
        _("Reference"),
        _("Operator"),
        _("Kind"),
        _("State"),
        _("Submitted"),
        _("Received"),
        _("Due"),
        _("Originally due"),
        _("Answered"),
        _("Closed"),
        _("Answered on time"),
        _("Outcome"),
        _("Refusal ground"),
        _("Legal basis of the refusal"),
        _("Letter numbers"),
        _("Channel"),
    ]


def _labels(choices) -> dict[str, str]:
    # Translated once per export: per row, gettext and Choices.values dominate the run time.
    return {value: str(label) for value, label in choices.choices}


def register_lines(scope: Scope):
    """The register as CSV lines. On PostgreSQL the database writes them (COPY) and they come as the
    server's UTF-8 bytes, chunked where it chose (not decoded here: a chunk may end inside a
    character); elsewhere Python writes str lines. Both stream straight into the response."""
    yield BOM + _register_writer().writerow(_register_header())
    yield from _register_copy(scope) if connection.vendor == "postgresql" else _register_python(scope)
    yield from checkpoint_lines(scope)


def _register_writer():
    return csv.writer(_Echo(), lineterminator="\n")  # as PostgreSQL's COPY ends its lines


def _register_python(scope: Scope):
    writer = _register_writer()
    kinds, states, outcomes, grounds = _labels(Kind), _labels(State), _labels(Outcome), _labels(RefusalGround)
    channels = _labels(Channel)
    yes, no = _("yes"), _("no")
    for row in register_rows(scope=scope):
        (
            reference,
            operator,
            kind,
            state,
            submitted,
            received,
            due,
            original_due,
            answered,
            closed,
            outcome,
            ground,
            basis,
            letters,
            channel,
        ) = row
        on_time = "" if answered is None or due is None else (yes if answered <= due else no)
        yield writer.writerow(
            [
                safe(v)
                for v in (
                    reference,
                    operator,
                    kinds.get(kind, kind),
                    states.get(state, state),
                    submitted,
                    received,
                    due,
                    original_due,
                    answered,
                    closed,
                    on_time,
                    outcomes.get(outcome, outcome),
                    grounds.get(ground, ground),
                    basis,
                    letters,
                    channels.get(channel, channel),
                )
            ]
        )


def checkpoint_lines(scope: Scope):
    """After the requests: the signed audit checkpoints, so a printed register keeps a copy of the
    chain heads outside the database (see dsar/models/events.py). Nothing when none are signed yet."""
    checkpoints = register_checkpoints(scope=scope)
    if not checkpoints:
        return
    from ..signing import public_key_text

    writer = _register_writer()
    yield writer.writerow([])
    yield writer.writerow([_("Audit checkpoints (Ed25519); public key: %(key)s") % {"key": public_key_text()}])
    yield writer.writerow(
        [_("Operator"), _("Events"), _("Hash of the last event"), _("Signed"), _("Key"), _("Signature")]
    )
    for c in checkpoints:
        yield writer.writerow(
            [safe(v) for v in (c.operator.short_name, c.seq, c.head_hash, c.signed_at, c.key_id, c.signature)]
        )


def _register_copy(scope: Scope):
    sql, params = register_copy_sql(
        scope=scope,
        labels={
            "kind": _labels(Kind),
            "state": _labels(State),
            "outcome": _labels(Outcome),
            "ground": _labels(RefusalGround),
            "channel": _labels(Channel),
        },
        yes=_("yes"),
        no=_("no"),
        tz=str(DASHBOARD_TZ),
    )
    with connection.cursor() as cursor:
        # JIT compiling this one plan costs seconds (PostgreSQL's estimate is far off); it is a plain
        # scan. A year of every operator streams for longer than DB_STATEMENT_TIMEOUT_MS allows a query.
        cursor.execute("SET jit = off")
        cursor.execute("SET statement_timeout = '30min'")
        try:
            with cursor.cursor.copy(sql, params) as copy:
                # Chunks as the server sends them: memory stays flat whatever the number of rows.
                for data in copy:
                    yield bytes(data)
        finally:
            cursor.execute("RESET jit")
            cursor.execute("RESET statement_timeout")


def register_response(scope: Scope) -> StreamingHttpResponse:
    response = StreamingHttpResponse(register_lines(scope), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("register", scope)}"'
    return response
