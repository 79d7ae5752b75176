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
