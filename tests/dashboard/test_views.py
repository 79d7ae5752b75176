"""Who sees what, and what the pages and CSV files say."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from dsar.models import Membership, Role
from tests.factories import UserFactory, otp_login, staff_user

from .fixture import PERIOD, within_one_bucket

PERIOD_QUERY = {"start": PERIOD[0].isoformat(), "end": PERIOD[1].isoformat()}
PAGES = ["dashboard:now", "dashboard:performance"]
TABLE_KEYS = ["now", "age", "workload", "on_time_kind", "on_time_operator", "answer_time", "volume", "outcomes"]


def _body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8-sig")


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(_body(response))))


def _all_urls(extra=None):
    params = {**PERIOD_QUERY, **(extra or {})}
    urls = [(reverse(name), params) for name in PAGES]
    urls += [(reverse("dashboard:csv", args=[key]), params) for key in TABLE_KEYS]
    urls.append((reverse("dashboard:register"), params))
    return urls


def test_it_sends_anonymous_visitors_to_the_login(client, world):
    response = client.get(reverse("dashboard:now"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_it_refuses_a_caseworker(client, world):
    otp_login(client, world.caseworker)
    for url, params in _all_urls():
        assert client.get(url, params).status_code == 403, url


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.ASSISTANT])
def test_it_refuses_a_member_whose_role_there_has_no_dashboard(client, world, role):
    user = UserFactory(username="no-perm")
    Membership.objects.create(user=user, operator=world.a, role=role)
    otp_login(client, user)
    assert client.get(reverse("dashboard:now")).status_code == 403


def test_it_shows_a_manager_the_figures_linked_to_the_admin_queues(client, world):
    otp_login(client, world.manager_a)
    response = client.get(reverse("dashboard:now"))
    assert response.status_code == 200
    body = response.content.decode()
    cards = {c["key"]: c for c in response.context["cards"]}
    assert {k: c["value"] for k, c in cards.items()} == {
        "open": 5,
        "due_today": 1,
        "due_1wd": 2,
        "overdue": 2,
        "awaiting_subject": 1,
        "unassigned": 2,
    }
    assert cards["overdue"]["url"] == f"/admin/dsar/datarequest/?queue=overdue&operator__id__exact={world.a.pk}"
    assert f"/admin/dsar/datarequest/?queue=due_1wd&amp;operator__id__exact={world.a.pk}" in body
    assert "Bravo" not in body


def test_it_renders_charts_and_tables_with_the_same_numbers(client, world):
    otp_login(client, world.manager_a)
    response = client.get(reverse("dashboard:performance"), PERIOD_QUERY)
    assert response.status_code == 200
    chart = response.context["charts"]["on_time_kind"]
    table = response.context["tables"]["on_time_kind"]
    assert chart["datasets"][0]["data"] == [row[4] for row in table.rows[:-1]] == [66.7, 66.7, 100.0, 100.0]
    body = response.content.decode()
    assert 'src="/static/vendor/chartjs/chart.umd.min.js"' in body
    assert 'id="dashboard-charts"' in body


def test_it_shows_a_manager_only_their_operator(client, world):
    otp_login(client, world.manager_b)
    for url, params in _all_urls():
        body = _body(client.get(url, params))
        assert "Alpha" not in body, url
        assert world.refs["a1"] not in body, url
    rows = _csv(client.get(reverse("dashboard:csv", args=["now"])))
    assert [r[0] for r in rows[1:]] == ["Bravo"]


def test_it_rejects_another_operator_in_the_filter(client, world):
    otp_login(client, world.manager_b)
    for url, params in _all_urls({"operator": world.a.pk}):
        response = client.get(url, params)
        assert response.status_code == 400, url
        body = _body(response)
        assert "Alpha" not in body and world.refs["a1"] not in body, url


def test_it_limits_a_caseworker_of_one_operator_who_manages_another(client, world):
    Membership.objects.create(user=world.manager_b, operator=world.a, role=Role.CASEWORKER)
    otp_login(client, world.manager_b)
    assert "Alpha" not in _body(client.get(reverse("dashboard:now")))
    assert client.get(reverse("dashboard:now"), {"operator": world.a.pk}).status_code == 400


def test_it_shows_the_platform_administrator_every_operator(client, world):
    admin = get_user_model().objects.create_superuser("root", "root@example.kz", "pw-for-tests-123")
    otp_login(client, admin)
    rows = _csv(client.get(reverse("dashboard:csv", args=["on_time_operator"]), PERIOD_QUERY))
    assert rows[1:] == [["Alpha", "8", "6", "2", "75.0"], ["Bravo", "1", "1", "0", "100.0"]]
    rows = _csv(client.get(reverse("dashboard:csv", args=["now"]), {"operator": world.b.pk}))
    assert rows == [rows[0], ["Bravo", "1", "0", "0", "0", "0", "1"]]


def test_it_exports_every_table_as_csv(client, world):
    otp_login(client, world.manager_a)
    for key in TABLE_KEYS:
        response = client.get(reverse("dashboard:csv", args=[key]), PERIOD_QUERY)
        assert response.status_code == 200, key
        assert response["Content-Type"].startswith("text/csv")
        assert f"dsar-{key}-2026-11-02-2026-11-15.csv" in response["Content-Disposition"]
        assert len(_csv(response)) >= 2, key
    rows = _csv(client.get(reverse("dashboard:csv", args=["answer_time"]), PERIOD_QUERY))
    # Exact medians and 90th percentiles 2.0 / 3.6 days and 28 / 44 hours; the histogram's within one bucket.
    assert [r[:3] for r in rows[1:3]] == [
        ["Access to my data", "working days", "3"],
        ["Rectification (change or supplement)", "working hours", "3"],
    ]
    for row, exact, per_unit in ((rows[1], (2.0, 3.6), 86400), (rows[2], (28.0, 44.0), 3600)):
        assert all(within_one_bucket(float(cell), value, per_unit) for cell, value in zip(row[3:], exact, strict=True))
    rows = _csv(client.get(reverse("dashboard:csv", args=["volume"]), PERIOD_QUERY))
    assert rows == [
        ["Week from (Monday)", "Access to my data", "Rectification (change or supplement)", "Blocking", "Total"],
        ["2026-11-02", "3", "2", "1", "6"],
        ["2026-11-09", "3", "2", "0", "5"],
    ]


def test_it_streams_the_register_with_dates_in_almaty(client, world):
    otp_login(client, world.manager_a)
    response = client.get(reverse("dashboard:register"), PERIOD_QUERY)
    assert response.status_code == 200 and response.streaming
    rows = _csv(response)
    header, lines = rows[0], rows[1:]
    assert header[:3] == ["Reference", "Operator", "Kind"] and header[-2:] == ["Letter numbers", "Channel"]
    assert len(lines) == 12
    a1 = next(r for r in lines if r[0] == world.refs["a1"])
    # Submitted, received, due, originally due, answered, closed; then on time, outcome, ground, basis, letters
    assert a1[4:] == [
        "2026-11-02 09:00",
        "2026-11-02 09:00",
        "2026-11-05 23:59",
        "2026-11-05 23:59",
        "2026-11-04 09:00",
        "2026-11-04 09:00",
        "yes",
        "Fulfilled",
        "",
        "",
        "ALP-2026/1; ALP-2026/2",
        "Web form",
    ]
    a9 = next(r for r in lines if r[0] == world.refs["a9"])
    assert a9[4] == "2026-11-09 02:00" and a9[8] == "2026-11-16 00:30"


def test_it_neutralises_formulas_in_csv_cells(client, world):
    from dsar.dashboard.csv_export import safe

    assert safe('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert safe("-12.5") == "-12.5"
    assert safe(None) == ""


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2026-11-15", "end": "2026-11-01"},
        {"start": "not-a-date"},
        {"start": "2020-01-01", "end": "2026-01-01"},
        {"operator": "x"},
    ],
)
def test_it_answers_bad_filters_with_a_clear_error(client, world, params):
    otp_login(client, world.manager_a)
    response = client.get(reverse("dashboard:performance"), params)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert client.get(reverse("dashboard:register"), params).status_code == 400


def test_it_shows_empty_states(client, db, roles):
    from tests.factories import OperatorFactory

    manager = staff_user(OperatorFactory(), Role.DPO)
    otp_login(client, manager)
    body = client.get(reverse("dashboard:performance")).content.decode()
    assert "No request was answered in this period." in body
    assert "No request was received in this period." in body
    assert "No open requests." in client.get(reverse("dashboard:now")).content.decode()


def test_it_asks_staff_for_the_second_factor_first(client, world):
    client.force_login(world.manager_a)  # password only, no verified TOTP device
    response = client.get("/dashboard/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
