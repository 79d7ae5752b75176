"""Read queries behind the dashboard. Every figure is an aggregate computed in the database."""

from .now import age_of_open, now_figures, workload
from .performance import answer_times, on_time_by_kind, on_time_by_operator, outcomes, volume_by_week
from .register import register_rows

__all__ = [
    "age_of_open",
    "answer_times",
    "now_figures",
    "on_time_by_kind",
    "on_time_by_operator",
    "outcomes",
    "register_rows",
    "volume_by_week",
    "workload",
]
