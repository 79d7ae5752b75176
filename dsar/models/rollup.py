"""Daily figures per operator, kind and outcome: what the Performance page sums.

Kept current in the same transaction as each change to a request (dsar/services/rollup.py)
and rebuildable from the requests with `manage.py dsar_rollup_rebuild`. Days are local
dates in the dashboard's time zone (settings.TIME_ZONE, Asia/Almaty), like its periods.

Each figure is kept twice: per day (span "d") and per week from Monday (span "w", `day` is
the Monday). A period sums whole weeks from the weekly rows and its cut edges from the
daily ones, so a year reads about 60 rows per operator and kind instead of 365.

Time to answer is kept as a histogram with geometric buckets (each 25% wider than the one
before), so medians and percentiles over any period come from sums, within one bucket of
the exact figure.
"""

from django.db import models

from .operators import Operator

# Lower bound (working seconds) of each bucket: [0, 60), then 60 * 1.25**i up to about
# 116 days of working time; the last bucket is open-ended.
BUCKET_RATIO = 1.25
BUCKET_LOWER: tuple[int, ...] = (0, *(round(60 * BUCKET_RATIO**i) for i in range(55)))
BUCKETS = len(BUCKET_LOWER)
BUCKET_FIELDS = tuple(f"b{i:02d}" for i in range(BUCKETS))


class Span(models.TextChoices):
    DAY = "d", "day"
    WEEK = "w", "week"


class DailyFigure(models.Model):
    """One operator's requests of one kind on one day (or week): received, answered, on time, time to answer."""

    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="+")
    span = models.CharField(max_length=1, choices=Span.choices, default=Span.DAY)
    day = models.DateField()
    kind = models.CharField(max_length=40)
    received = models.IntegerField(default=0)  # received_at on this day
    answered = models.IntegerField(default=0)  # answered_at on this day
    on_time = models.IntegerField(default=0)  # ... and answered_at <= due_at
    timed = models.IntegerField(default=0)  # ... with a known working time to answer
    answer_seconds = models.BigIntegerField(default=0)  # sum of those working times
    locals().update({name: models.IntegerField(default=0) for name in BUCKET_FIELDS})

    class Meta:
        constraints = [models.UniqueConstraint(fields=["operator", "span", "day", "kind"], name="dailyfigure_key")]
        indexes = [models.Index(fields=["span", "day", "operator"], name="dailyfigure_day_idx")]


class DailyOutcome(models.Model):
    """How many requests got one outcome on one day (or week): answered then, or closed unanswered."""

    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="+")
    span = models.CharField(max_length=1, choices=Span.choices, default=Span.DAY)
    day = models.DateField()
    outcome = models.CharField(max_length=30)
    refusal_ground = models.CharField(max_length=40, blank=True)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["operator", "span", "day", "outcome", "refusal_ground"], name="dailyoutcome_key"
            )
        ]
        indexes = [models.Index(fields=["span", "day", "operator"], name="dailyoutcome_day_idx")]
