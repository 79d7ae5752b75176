from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection
from django.utils import timezone

from dsar import deadlines
from dsar.kinds import KIND_RULES, Kind
from dsar.models import Operator

NO_TABLES = (
    "The database has no tables yet: run `.venv/bin/python manage.py migrate` (bin/dev does) "
    "and load the demo operators with `.venv/bin/python manage.py dsar_demo`. Without --operator "
    "the statutory defaults work before that."
)


class Command(BaseCommand):
    help = "When is a request due? Prints the due moment (ISO 8601, operator's time zone) on the last line."

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, choices=[k.value for k in Kind])
        parser.add_argument("--received", required=True, help="ISO 8601; without an offset, Asia/Almaty is assumed.")
        parser.add_argument("--operator", help="Operator slug; without it, the statutory defaults apply.")

    def handle(self, *args, kind, received, operator=None, **options):
        try:
            received_at = datetime.fromisoformat(received)
        except ValueError:
            raise CommandError(
                f"--received must be ISO 8601, e.g. 2026-03-20T18:30:00+05:00 (got {received!r})."
            ) from None
        if operator:
            try:
                op = Operator.objects.get(slug=operator)
            except Operator.DoesNotExist:
                raise CommandError(f"No operator with slug {operator!r}.") from None
            except DatabaseError:
                raise CommandError(NO_TABLES) from None
            tz, calendar = op.tz, op.work_calendar()
            policy = op.policy_for(kind)
            n, unit, source = policy.deadline_n, policy.deadline_unit, f"policy of {op.slug}"
        else:
            tz, calendar = deadlines.KZ_TZ, deadlines.calendar_for(overrides=_global_overrides())
            rule = KIND_RULES[kind]
            n, unit, source = rule.n, rule.unit, "statutory default"
        if timezone.is_naive(received_at):
            received_at = received_at.replace(tzinfo=tz)
        due = deadlines.due_at(received_at=received_at, n=n, unit=unit, calendar=calendar, tz=tz)
        words = unit.replace("_", " ")
        words = words[:-1] if n == 1 else words  # "1 working day", "3 working days"
        self.stdout.write(f"{kind}: {n} {words} ({source}), received {received_at.astimezone(tz).isoformat()}")
        self.stdout.write(due.astimezone(tz).isoformat())


def _global_overrides():
    """Calendar overrides from the admin; none before the first migrate (a fresh clone)."""
    from dsar.models import CalendarOverride

    if CalendarOverride._meta.db_table not in connection.introspection.table_names():
        return []
    return [(o.date, o.is_working_day) for o in CalendarOverride.objects.filter(operator__isnull=True)]
