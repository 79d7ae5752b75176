"""Operator A's staff never reach operator B's objects: every admin, file and export URL.

Every role at A is tried (the role dimension); what each role may do at its own operator,
and that a role at one operator never leaks into another, is in test_roles.py.
"""

import pytest

from dsar.models import DataRequest, Event, Role
from tests.admin.conftest import in_state, otp_login
from tests.factories import staff_user


def b_urls(b):
    r = b["request"].pk
    return [
        f"/admin/dsar/datarequest/{r}/change/",
        f"/admin/dsar/datarequest/{r}/history/",
        f"/admin/dsar/datarequest/{r}/delete/",
        f"/admin/dsar/datarequest/{r}/transition/fulfil/",
        f"/admin/dsar/datarequest/{r}/transition/refuse/",
        f"/admin/dsar/datarequest/{r}/attachment/{b['attachment'].pk}/",
        f"/admin/dsar/datarequest/{r}/letter/{b['letter'].pk}/",
        f"/admin/dsar/event/{b['event'].pk}/change/",
        f"/admin/dsar/message/{b['message'].pk}/change/",
        f"/admin/dsar/attachment/{b['attachment'].pk}/change/",
        f"/admin/dsar/letter/{b['letter'].pk}/change/",
        f"/admin/dsar/operator/{b['operator'].pk}/change/",
        f"/admin/dsar/operator/{b['operator'].pk}/history/",
        f"/admin/dsar/policy/{b['policy'].pk}/change/",
        f"/admin/dsar/membership/{b['membership'].pk}/change/",
        f"/admin/dsar/membership/{b['membership'].pk}/delete/",
        f"/admin/dsar/calendaroverride/{b['override'].pk}/change/",
    ]


@pytest.mark.parametrize("role", Role.values)
def test_it_answers_403_or_404_for_every_url_of_another_operator(client, op_a, role, b_objects):
    otp_login(client, staff_user(op_a, role))
    for url in b_urls(b_objects):
        assert client.get(url).status_code in (403, 404), url
        assert client.post(
            url, {"seen_state": "in_progress", "ground": "other", "explanation": "x", "post": "yes"}
        ).status_code in (403, 404, 405), url


@pytest.mark.parametrize("action", ["assign", "note", "issue-letter", "transition/start_work"])
def test_it_changes_nothing_of_another_operator_by_post(client_a, worker_a, b_objects, action):
    r = b_objects["request"]
    events = Event.objects.filter(request=r).count()
    response = client_a.post(
        f"/admin/dsar/datarequest/{r.pk}/{action}/",
        {"assignee": worker_a.pk, "body": "hi", "kind": "acknowledgment", "seen_state": r.state},
    )
    assert response.status_code == 404
    assert Event.objects.filter(request=r).count() == events
    assert DataRequest.objects.get(pk=r.pk).assignee_id == r.assignee_id


def test_it_does_not_serve_a_file_of_another_operator_through_an_own_request(client_a, worker_a, op_a, b_objects):
    own = in_state(op_a, worker_a, "received")
    for kind, obj in (("attachment", b_objects["attachment"]), ("letter", b_objects["letter"])):
        assert client_a.get(f"/admin/dsar/datarequest/{own.pk}/{kind}/{obj.pk}/").status_code == 404


B_SECRETS = ("Bravo", "bolat@bravo.kz", "B secret note", "b-passport.pdf", "77019998877")


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize(
    "model",
    [
        "datarequest",
        "event",
        "message",
        "attachment",
        "letter",
        "operator",
        "policy",
        "membership",
        "calendaroverride",
        "accessrecord",
        "lettertemplate",
        "processingactivity",
    ],
)
def test_it_never_lists_another_operators_objects(client, dpo_a, op_a, b_objects, model, role):
    in_state(op_a, dpo_a, "received", subject_name="Aida Alpha")
    otp_login(client, staff_user(op_a, role))
    b_ref = b_objects["request"].reference
    queries = ["", f"?q={b_ref}", "?q=bolat@bravo.kz", "?q=Bolat", "?q=%2B77019998877", "?q=Bravo"]
    if model == "datarequest":
        queries += [
            "?queue=closed",
            "?queue=unassigned",
            "?state__exact=in_progress",
            f"?operator__id__exact={b_objects['operator'].pk}",
        ]
    for query in queries:
        response = client.get(f"/admin/dsar/{model}/{query}")
        assert response.status_code in (200, 302, 403), (model, query)
        if response.status_code != 200:
            continue
        rows = list(response.context["cl"].result_list)
        assert all(_operator_of(obj) != b_objects["operator"].pk for obj in rows), (model, query)
        body = response.content.decode()
        shown = [s for s in B_SECRETS + (b_ref,) if s not in query and s in body]
        assert shown == [], (model, query)


def _operator_of(obj):
    for path in ("operator_id", "request.operator_id"):
        value = obj
        for part in path.split("."):
            value = getattr(value, part, None)
        if value is not None:
            return value
    return obj.pk  # an Operator


def test_it_lists_own_requests(client_a, worker_a, op_a):
    own = in_state(op_a, worker_a, "received")
    assert own.reference in client_a.get("/admin/dsar/datarequest/").content.decode()


def test_it_exports_only_own_requests_even_when_others_are_posted(client_a, worker_a, op_a, b_objects):
    own = in_state(op_a, worker_a, "received")
    response = client_a.post(
        "/admin/dsar/datarequest/",
        {
            "action": "export_csv",
            "_selected_action": [own.pk, b_objects["request"].pk],
        },
    )
    body = b"".join(response.streaming_content).decode()
    assert own.reference in body
    assert b_objects["request"].reference not in body
    assert "Dana" not in body  # no personal data in exports


def test_it_ignores_another_operators_requests_in_bulk_assign(client_a, worker_a, b_objects):
    client_a.post(
        "/admin/dsar/datarequest/",
        {
            "action": "assign_selected",
            "apply": "1",
            "assignee": worker_a.pk,
            "_selected_action": [b_objects["request"].pk],
        },
    )
    assert DataRequest.objects.get(pk=b_objects["request"].pk).assignee_id != worker_a.pk


def test_it_offers_only_own_staff_and_operators_as_choices(client, dpo_a, worker_a, worker_b, op_a, b_objects):
    otp_login(client, dpo_a)
    own = in_state(op_a, dpo_a, "received")
    page = client.get(f"/admin/dsar/datarequest/{own.pk}/change/").content.decode()
    assert worker_a.username in page or "Aigerim" in page
    assert worker_b.username not in page
    listing = client.get("/admin/dsar/datarequest/").content.decode()
    assert "bravo-cw" not in listing and "Bravo" not in listing


def test_it_keeps_autocomplete_inside_the_operator(client_a, b_objects):
    response = client_a.get(
        "/admin/autocomplete/",
        {
            "app_label": "dsar",
            "model_name": "datarequest",
            "field_name": "duplicate_of",
            "term": b_objects["request"].reference,
        },
    )
    assert response.status_code in (403, 404) or b_objects["request"].reference not in response.content.decode()


def test_it_lets_the_platform_administrator_see_every_operator(client, b_objects, op_a):
    from tests.factories import UserFactory

    admin = UserFactory(username="root", is_superuser=True)
    otp_login(client, admin)
    assert client.get(f"/admin/dsar/datarequest/{b_objects['request'].pk}/change/").status_code == 200
    assert b_objects["request"].reference in client.get("/admin/dsar/datarequest/").content.decode()
