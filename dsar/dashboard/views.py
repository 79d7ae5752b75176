"""Dashboard pages. Each view checks who may see which operators, validates the filter
and renders tables built by tables.py; a tampered operator id is a 400, never data."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from . import csv_export
from .access import dashboard_operators, staff_verified_required
from .forms import DashboardFilterForm
from .tables import ALL_TABLES, NOW_PAGE, PERFORMANCE_PAGE, now_totals


def _filter(request):
    operators = dashboard_operators(user=request.user)
    if not operators.exists():
        raise PermissionDenied
    # Always bound: every field is optional and the defaults are filled in clean().
    form = DashboardFilterForm(request.GET, operators=operators)
    if not form.is_valid():
        return form, None, []
    scope = form.scope()
    chosen = form.cleaned_data.get("operator")
    shown = [chosen] if chosen else list(operators.order_by("short_name"))
    return form, scope, shown


def _page(request, template: str, builders: dict, page: str, status_title: str):
    form, scope, operators = _filter(request)
    context = {
        **admin.site.each_context(request),
        "title": status_title,
        "form": form,
        "page": page,
        "query": request.GET.urlencode(),
        "shown_operators": operators,
    }
    if scope is None:
        return render(request, template, context, status=400)
    now = timezone.now()
    tables = {key: build(scope=scope, operators=operators, now=now) for key, build in builders.items()}
    charts = {key: table.chart for key, table in tables.items() if table.chart}
    context.update(scope=scope, tables=tables, now=now, charts=charts)
    if "now" in tables:
        context["cards"] = now_totals(tables["now"], operator_ids=scope.operator_ids)
        from ..letters.signing.alerts import signing_notices

        # Letters that cannot be signed, or a certificate that expires within 30 days (issue 27).
        context["signing_cards"] = signing_notices(operator_ids=[o.pk for o in operators], now=now)
    return render(request, template, context)


@staff_verified_required
def now_view(request):
    return _page(request, "dsar/dashboard/now.html", NOW_PAGE, "now", _("SLA dashboard: now"))


@staff_verified_required
def performance_view(request):
    return _page(
        request, "dsar/dashboard/performance.html", PERFORMANCE_PAGE, "performance", _("SLA dashboard: performance")
    )


def _validated_scope(request):
    form, scope, operators = _filter(request)
    if scope is None:
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        return None, None, HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
    return scope, operators, None


@staff_verified_required
def table_csv(request, key: str):
    if key not in ALL_TABLES:
        raise Http404
    scope, operators, error = _validated_scope(request)
    if error:
        return error
    table = ALL_TABLES[key](scope=scope, operators=operators, now=timezone.now())
    return csv_export.table_response(table, scope)


@staff_verified_required
def register_csv(request):
    scope, _operators, error = _validated_scope(request)
    if error:
        return error
    return csv_export.register_response(scope)
