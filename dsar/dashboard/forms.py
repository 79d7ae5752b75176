"""The dashboard's filters: which operator (among those the user may see) and which period."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# Weeks, periods and "today" are counted in the country's time zone, like every deadline.
DASHBOARD_TZ = ZoneInfo(settings.TIME_ZONE)
DEFAULT_PERIOD_DAYS = 90
MAX_PERIOD_DAYS = 731


@dataclass(frozen=True)
class Scope:
    """What every selector is limited to. `operator_ids` is never empty for a permitted user."""

    operator_ids: tuple[int, ...]
    start: date
    end: date  # inclusive, local date

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time(0), tzinfo=DASHBOARD_TZ)

    @property
    def end_before(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=DASHBOARD_TZ)


class DashboardFilterForm(forms.Form):
    operator = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Operator"), empty_label=_("All my operators")
    )
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, operators, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.operators = operators
        self.fields["operator"].queryset = operators
        self.today = today or timezone.localdate(timezone=DASHBOARD_TZ)

    def clean(self):
        data = super().clean()
        end = data.get("end") or self.today
        start = data.get("start") or end - timedelta(days=DEFAULT_PERIOD_DAYS - 1)
        if start > end:
            raise forms.ValidationError(_("The start of the period must not be after its end."))
        if (end - start).days >= MAX_PERIOD_DAYS:
            raise forms.ValidationError(
                ngettext(
                    "Choose a period of at most %(days)s day.",
                    "Choose a period of at most %(days)s days.",
                    MAX_PERIOD_DAYS,
                )
                % {"days": MAX_PERIOD_DAYS}
            )
        data["start"], data["end"] = start, end
        return data

    def scope(self) -> Scope:
        """The validated scope; call after is_valid()."""
        chosen = self.cleaned_data.get("operator")
        ids = (chosen.pk,) if chosen else tuple(self.operators.values_list("pk", flat=True).order_by("pk"))
        return Scope(operator_ids=ids, start=self.cleaned_data["start"], end=self.cleaned_data["end"])
