"""The schema and the interactive reference are public and served from our own static files."""

import re

import pytest
import yaml

pytestmark = pytest.mark.django_db


def test_it_serves_the_openapi_schema(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/requests/" in schema["paths"] and "/api/v1/jobs/{job_id}/answer/" in schema["paths"]
    post = schema["paths"]["/api/v1/requests/"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["required"] for p in post["parameters"])
    assert "application/problem+json" in post["responses"]["400"]["content"]


def test_the_reference_page_loads_nothing_from_elsewhere(client):
    body = client.get("/api/docs/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', body)
    assert sources and all(s.startswith("/static/") or s.startswith("/api/") for s in sources), sources
    assert "cdn" not in body.lower() and "googleapis" not in body


def test_the_reference_page_has_no_inline_script(client):
    body = client.get("/api/docs/").content.decode()
    assert "<script>" not in body.replace(" ", "")
    script = re.search(r'<script src="(/api/docs/\?[^"]+)"', body).group(1).replace("&amp;", "&")
    assert "SwaggerUIBundle" in client.get(script).content.decode()


def _served(client):
    return yaml.safe_load(client.get("/api/schema/").content)


def test_it_serves_a_schema_that_openapi_spec_validator_accepts(client):
    from openapi_spec_validator import validate

    validate(_served(client))  # raises on the first error


POSTS = [
    "/api/v1/requests/",
    "/api/v1/requests/{reference}/transitions/{name}/",
    "/api/v1/requests/{reference}/records/",
    "/api/v1/jobs/{job_id}/answer/",
]


def test_every_post_documents_the_idempotency_key_constraints(client):
    from dsar.api.idempotency import HEADER, MAX_LENGTH

    paths = _served(client)["paths"]
    assert sorted(p for p, ops in paths.items() if "post" in ops) == sorted(POSTS)
    for path in POSTS:
        post = paths[path]["post"]
        (header,) = [p for p in post["parameters"] if p["name"] == HEADER]
        assert header["in"] == "header" and header["required"] is True
        assert header["schema"]["minLength"] == 1 and header["schema"]["maxLength"] == MAX_LENGTH
        assert str(MAX_LENGTH) in header["description"] and "422" in header["description"]
        assert "application/problem+json" in post["responses"]["422"]["content"], path
        assert "application/problem+json" in post["responses"]["400"]["content"], path


def _docs_scopes() -> dict[tuple[str, str], set[str]]:
    """(method, path) -> scopes, from the table in docs/integrators/api.md."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs/integrators/api.md").read_text()
    found = {}
    for row in re.findall(r"^\|[^|\n]+\|([^|\n]+)\|([^|\n]+)\|$", text, re.M):
        calls, scope = row
        for method, path in re.findall(r"`(GET|POST) (/api/v1/[^`?]*)", calls):
            path = re.sub(r"\{[^}]+\}", "{}", path)
            found[(method, path)] = {s for s in re.findall(r"[a-z_]+", scope) if s not in ("or", "any")}
            if scope.strip() == "any":
                found[(method, path)] = {"any"}
    return found


def test_the_scopes_in_the_docs_the_schema_and_the_code_agree(client):
    from django.urls import resolve

    from dsar.models import ApiScope

    docs = _docs_scopes()
    schema = _served(client)["paths"]
    seen = set()
    for path, ops in schema.items():
        for method, op in ops.items():
            key = (method.upper(), re.sub(r"\{[^}]+\}", "{}", path))
            seen.add(key)
            view = resolve(re.sub(r"\{[^}]+\}", "1", path)).func.view_class
            code = set(view.required_scopes[method.upper()].split("|"))
            if code == {"submit", "read", "manage"} or code == set(ApiScope.values):
                code = {"any"}
            documented = docs[key] - {"verified_identity"}
            assert documented == code, (key, documented, code)
            assert set(op["x-required-scopes"]) == set(view.required_scopes[method.upper()].split("|")), key
            assert "Scope" in op["description"]
    assert seen == set(docs)


def test_a_read_only_key_may_not_list_the_data_system_jobs(db):
    from tests.factories import OperatorFactory

    from .conftest import api_client

    operator = OperatorFactory()
    assert api_client(operator, ["read"]).get("/api/v1/jobs/").status_code == 403
    assert api_client(operator, ["system"]).get("/api/v1/jobs/").status_code == 200
