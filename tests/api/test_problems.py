"""Problems (RFC 9457) for what HTTP itself refuses: a method the path does not have is 405 with
`Allow` (before any scope or role check), and no title ever shows a placeholder."""

import pytest
from rest_framework import exceptions

from dsar.api.problems import exception_handler
from tests.factories import make_request

from .conftest import api_client

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/v1/kinds/": {"GET"},
    "/api/v1/requests/": {"GET", "POST"},
    "/api/v1/requests/{ref}/": {"GET"},
    "/api/v1/requests/{ref}/transitions/": {"GET"},
    "/api/v1/requests/{ref}/transitions/start_work/": {"POST"},
    "/api/v1/requests/{ref}/records/": {"POST"},
    "/api/v1/jobs/": {"GET"},
    "/api/v1/jobs/1/answer/": {"POST"},
}
METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


@pytest.mark.parametrize("scopes", [["read"], ["submit", "read", "manage", "system", "verified_identity"]])
@pytest.mark.parametrize("path", sorted(PATHS))
def test_it_answers_405_with_allow_for_a_method_the_path_lacks(op, path, scopes):
    client = api_client(op, scopes)
    url = path.format(ref=make_request(op).reference)
    for method in sorted(METHODS - PATHS[path]):
        response = getattr(client, method.lower())(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="k")
        assert response.status_code == 405, (method, path, response.content)
        assert response["Content-Type"] == "application/problem+json"
        allowed = {m.strip() for m in response["Allow"].split(",")}
        assert PATHS[path] <= allowed <= PATHS[path] | {"OPTIONS", "HEAD"}
        assert "{" not in response.json()["title"]


def test_it_names_the_media_type_it_refuses(op):
    client = api_client(op)
    response = client.post("/api/v1/requests/", "kind=access", content_type="text/plain", HTTP_IDEMPOTENCY_KEY="k-415")
    assert response.status_code == 415
    body = response.json()
    assert "{" not in body["title"] and "text/plain" in body.get("detail", "")


def _api_exceptions():
    found, todo = [], [exceptions.APIException]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


_ARGS = {
    exceptions.MethodNotAllowed: ("PUT",),
    exceptions.UnsupportedMediaType: ("text/plain",),
    exceptions.NotAcceptable: (),
    exceptions.Throttled: (5,),
}


@pytest.mark.parametrize("cls", _api_exceptions(), ids=lambda c: c.__name__)
def test_it_never_shows_a_placeholder_in_a_title(cls):
    exc = cls(*_ARGS.get(cls, ()))
    response = exception_handler(exc, {})
    assert response is not None
    import json

    body = json.loads(response.content)
    assert "{" not in body["title"] and "{" not in body.get("detail", "")
