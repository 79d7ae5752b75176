"""With the database down the public pages answer 503 with Retry-After, in the visitor's language,
from a page that needs no database (issue 23)."""

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "words"), [("ru", "временно"), ("kk", "уақытша"), ("en", "temporarily")])
def test_it_serves_a_short_unavailable_page_when_the_database_is_down(client, operator, monkeypatch, language, words):
    with translation.override(language):
        url = reverse("portal:request_form", kwargs={"slug": operator.slug, "kind": "access"})

    def down(self, *args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", down)
    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", down)
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert words in response.content.decode().lower()
