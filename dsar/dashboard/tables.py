"""Selector results as labelled tables: one shape for the HTML table, the chart and the CSV.

A chart is drawn from exactly the numbers in its table, so the two never disagree.
"""

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode

from django.template import Context
from django.template.base import render_value_in_context
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from ..kinds import Kind, RefusalGround
from ..states import Outcome
from . import selectors
from .forms import Scope


@dataclass(frozen=True)
class Cell:
    value: object
    url: str = ""

    def __str__(self):
        return "" if self.value is None else str(self.value)


@dataclass
class Table:
    key: str
    title: str
    columns: list
    rows: list[list] = field(default_factory=list)
    empty_text: str = ""
    note: str = ""
    chart: dict | None = None

    @property
    def display_rows(self) -> list[list[dict]]:
        """Rows as the template wants them: value, link and whether to align it as a number."""
        out = []
        for row in self.rows:
            cells = []
            for cell in row:
                value, url = (cell.value, cell.url) if isinstance(cell, Cell) else (cell, "")
                cells.append({"value": value, "url": url, "num": isinstance(value, (int, float))})
            out.append(cells)
        return out

    @property
    def body_html(self) -> str:
        """The table's rows as HTML, as _table.html wrote them cell by cell with template tags,
        which cost more than every query of the page for a year of weekly rows. Values are
        localised and escaped exactly as {{ value }} in a template."""
        context = Context(autoescape=True)
        shown_cache: dict = {}

        def shown(value) -> str:
            key = (type(value), value) if isinstance(value, (int, float, str)) or value is None else None
            if key is None:
                return render_value_in_context(value, context)
            if key not in shown_cache:
                shown_cache[key] = render_value_in_context(value, context)
            return shown_cache[key]

        lines = []
        for row in self.display_rows:
            cells = []
            for position, cell in enumerate(row):
                value = cell["value"]
                if position == 0:
                    cells.append(f'<th scope="row">{shown(value)}</th>')
                    continue
                numeric = ' class="num"' if cell["num"] or value is None else ""
                if cell["url"]:
                    inner = f'<a href="{escape(cell["url"])}">{shown(value)}</a>'
                elif value is None or value == "":
                    inner = "—"
                else:
                    inner = shown(value)
                cells.append(f"<td{numeric}>{inner}</td>")
            lines.append("<tr>" + "".join(cells) + "</tr>")
        return mark_safe("\n".join(lines))  # noqa: S308 (every part escaped above)


def admin_list_url(*, queue: str = "", operator_id: int | None = None) -> str:
    params = {}
    if queue:
        params["queue"] = queue
    if operator_id is not None:
        params["operator__id__exact"] = operator_id
    base = reverse("admin:dsar_datarequest_changelist")
    return f"{base}?{urlencode(params)}" if params else base


# (attribute of OperatorNow, admin queue, column label). "open" has no queue of its own:
# the admin list filtered by operator is the nearest list.
NOW_FIGURES = [
    ("open", "", _("Open")),
    ("due_today", "due_today", _("Due today")),
    ("due_1wd", "due_1wd", _("Due within 1 working day")),
    ("overdue", "overdue", _("Overdue")),
    ("awaiting_subject", "awaiting_subject", _("Awaiting the subject")),
    ("unassigned", "unassigned", _("Unassigned")),
]


def now_table(*, operators, now: datetime, **unused) -> Table:
    table = Table(
        "now",
        _("Now, per operator"),
        [_("Operator")] + [label for _a, _q, label in NOW_FIGURES],
        empty_text=_("No operator to show."),
    )
    for row in selectors.now_figures(operators=list(operators), now=now):
        cells = [row.operator_name]
        for attr, queue, _label in NOW_FIGURES:
            cells.append(Cell(getattr(row, attr), admin_list_url(queue=queue, operator_id=row.operator_id)))
        table.rows.append(cells)
    return table


def now_totals(table: Table, *, operator_ids) -> list[dict]:
    """The headline cards: the Now table summed over the operators in view."""
    single = operator_ids[0] if len(operator_ids) == 1 else None
    cards = []
    for i, (attr, queue, label) in enumerate(NOW_FIGURES, start=1):
        total = sum(row[i].value for row in table.rows)
        cards.append(
            {"key": attr, "label": label, "value": total, "url": admin_list_url(queue=queue, operator_id=single)}
        )
    return cards


def age_table(*, scope: Scope, now: datetime, **unused) -> Table:
    rows = selectors.age_of_open(operator_ids=scope.operator_ids, now=now)
    table = Table(
        "age",
        _("How long open requests have been waiting"),
        [_("Waiting (calendar days since receipt)"), _("Open"), _("Of which overdue")],
        empty_text=_("No open requests."),
    )
    for row in rows:
        label = f"{row['from_days']}–{row['to_days']}" if row["to_days"] is not None else f"{row['from_days']}+"
        table.rows.append([label, row["open"], row["overdue"]])
    if not any(row["open"] for row in rows):
        table.rows = []
    table.chart = _bar_chart(table, [1, 2], stacked=False)
    return table


def workload_table(*, scope: Scope, now: datetime, **unused) -> Table:
    table = Table(
        "workload",
        _("Workload per assignee"),
        [_("Assignee"), _("Open"), _("Overdue")],
        empty_text=_("No open requests."),
    )
    for row in selectors.workload(operator_ids=scope.operator_ids, now=now):
        table.rows.append([row["assignee"] or _("Unassigned"), row["open"], row["overdue"]])
    table.chart = _bar_chart(table, [1, 2], horizontal=True)
    return table


def _rate_rows(rows, label_of) -> list[list]:
    return [[label_of(r), r["answered"], r["on_time"], r["late"], r["rate"]] for r in rows]


RATE_COLUMNS = [_("Answered"), _("On time"), _("Late"), _("On-time rate, %")]


def on_time_kind_table(*, scope: Scope, **unused) -> Table:
    rows = selectors.on_time_by_kind(scope=scope)
    table = Table(
        "on_time_kind",
        _("On-time rate by kind"),
        [_("Kind")] + RATE_COLUMNS,
        rows=_rate_rows(rows, lambda r: Kind(r["kind"]).label),
        empty_text=_("No request was answered in this period."),
        note=_(
            "Requests answered in the period; on time means answered by the due date. "
            "Withdrawn, expired and duplicate requests were never answered and are not counted."
        ),
    )
    _append_total(table)
    table.chart = _bar_chart(table, [4], percent=True, horizontal=True, skip_last=True)
    return table


def on_time_operator_table(*, scope: Scope, **unused) -> Table:
    rows = selectors.on_time_by_operator(scope=scope)
    table = Table(
        "on_time_operator",
        _("On-time rate by operator"),
        [_("Operator")] + RATE_COLUMNS,
        rows=_rate_rows(rows, lambda r: r["operator"]),
        empty_text=_("No request was answered in this period."),
    )
    if len(table.rows) > 1:  # one bar compares nothing; the table says it all
        table.chart = _bar_chart(table, [4], percent=True, horizontal=True)
    return table


def _append_total(table: Table) -> None:
    if not table.rows:
        return
    answered = sum(r[1] for r in table.rows)
    on_time = sum(r[2] for r in table.rows)
    rate = round(100.0 * on_time / answered, 1) if answered else None
    table.rows.append([_("All kinds"), answered, on_time, answered - on_time, rate])


def answer_time_table(*, scope: Scope, **unused) -> Table:
    units = {"hours": _("working hours"), "days": _("working days")}
    table = Table(
        "answer_time",
        _("Time to answer"),
        [_("Kind"), _("Unit"), _("Answered"), _("Median"), _("90th percentile")],
        empty_text=_("No request was answered in this period."),
        note=_(
            "Working time from receipt to answer, less pauses while awaiting the subject. "
            "Hours for the 1-working-day kinds, working days for the rest."
        ),
    )
    for row in selectors.answer_times(scope=scope):
        table.rows.append([Kind(row.kind).label, units[row.unit], row.answered, row.median, row.p90])
    return table


def volume_table(*, scope: Scope, **unused) -> Table:
    data = selectors.volume_by_week(scope=scope)
    kinds = data["kinds"]
    table = Table(
        "volume",
        _("Requests received per week"),
        [_("Week from (Monday)")] + [Kind(k).label for k in kinds] + [_("Total")],
        empty_text=_("No request was received in this period."),
        note=_("Weeks run Monday to Sunday in Asia/Almaty; the first and last may be cut by the period."),
    )
    if kinds:
        for i, week in enumerate(data["weeks"]):
            table.rows.append([week.isoformat()] + [data["counts"][k][i] for k in kinds] + [data["totals"][i]])
        table.chart = _bar_chart(table, list(range(1, len(kinds) + 1)), stacked=True)
    return table


def outcomes_table(*, scope: Scope, **unused) -> Table:
    table = Table(
        "outcomes",
        _("Outcomes"),
        [_("Outcome"), _("Refusal ground"), _("Requests")],
        empty_text=_("No request was answered or closed in this period."),
    )
    for row in selectors.outcomes(scope=scope):
        ground = RefusalGround(row["ground"]).label if row["ground"] in RefusalGround.values else row["ground"]
        table.rows.append([Outcome(row["outcome"]).label, ground, row["count"]])
    chart_rows = [r for r in table.rows if not r[1]]
    if chart_rows:
        table.chart = {
            "type": "bar",
            "horizontal": True,
            "labels": [str(r[0]) for r in chart_rows],
            "datasets": [{"label": str(_("Requests")), "data": [r[2] for r in chart_rows]}],
        }
    return table


def _bar_chart(table: Table, value_cols: list[int], *, stacked=False, horizontal=False, percent=False, skip_last=False):
    rows = table.rows[:-1] if skip_last else table.rows
    if not rows:
        return None
    return {
        "type": "bar",
        "stacked": stacked,
        "horizontal": horizontal,
        "percent": percent,
        "labels": [str(r[0]) for r in rows],
        "datasets": [{"label": str(table.columns[c]), "data": [_plain(r[c]) for r in rows]} for c in value_cols],
    }


def _plain(value):
    return value.value if isinstance(value, Cell) else value


NOW_PAGE = {"now": now_table, "age": age_table, "workload": workload_table}
PERFORMANCE_PAGE = {
    "on_time_kind": on_time_kind_table,
    "on_time_operator": on_time_operator_table,
    "answer_time": answer_time_table,
    "volume": volume_table,
    "outcomes": outcomes_table,
}
ALL_TABLES = {**NOW_PAGE, **PERFORMANCE_PAGE}
