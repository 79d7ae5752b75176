"""Time-driven work: the sweep (reminders, escalations, expiries, retention) and daily digests."""

from .digest import digests_send
from .run import SweepResult, sweep_run

__all__ = ["SweepResult", "digests_send", "sweep_run"]
