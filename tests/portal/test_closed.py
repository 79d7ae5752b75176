"""Invariant: no POST by a subject on a closed request answers a server error.

Every subject POST endpoint of the status pages, on every closed state, answers with a page
(or a redirect to one) that says the request is closed and what the subject can still do.
"""

import pytest
from django.urls import reverse

from dsar.models import DataRequest, State
from dsar.states import CLOSED_STATES

from .conftest import last_code, submit, token_from
from .test_status import _letter

pytestmark = pytest.mark.django_db(transaction=True)


def _closed(client, operator, state):
    token = token_from(submit(client, operator))
    client.post(reverse("portal:confirm", kwargs={"token": token}), {"email": last_code()})
    request = DataRequest.objects.get(operator=operator)
    letter = _letter(request)
    # The state as the sweep or staff left it: whatever path led there, the subject sees the same.
    extra = {"refusal_ground": "no_supporting_documents"} if state == State.REFUSED else {}
    DataRequest.objects.filter(pk=request.pk).update(state=state, **extra)
    return request, token, letter


def _posts(token, letter):
    def url(name, **kwargs):
        return reverse(f"portal:{name}", kwargs={"token": token, **kwargs})

    download = url("download", what="letter", pk=letter.pk)
    return [
        (url("confirm"), {"email": "123456"}),
        (url("confirm_resend"), {}),
        (url("status_code"), {}),
        (url("status_unlock"), {"code": "123456"}),
        (url("reply"), {"body": "Here is my answer."}),
        (url("withdraw"), {"confirm": "on"}),
        (download, {"action": "send"}),
        (download, {"code": "123456"}),
    ]


@pytest.mark.parametrize("state", CLOSED_STATES)
def test_it_answers_every_subject_post_on_a_closed_request_without_a_server_error(client, operator, state):
    _request, token, letter = _closed(client, operator, state)
    for url, data in _posts(token, letter):
        response = client.post(url, data, follow=True)
        assert response.status_code < 500, (state, url, response.status_code)


@pytest.mark.parametrize("state", CLOSED_STATES)
def test_it_tells_a_reply_to_a_closed_request_that_it_is_closed_and_what_is_left(client, operator, state):
    request, token, _letter_ = _closed(client, operator, state)
    response = client.post(reverse("portal:reply", kwargs={"token": token}), {"body": "Hello?"}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "This request is closed" in html
    # What the subject can still do: download what was sent, and make a new request.
    assert "Download" in html
    assert reverse("portal:operator", kwargs={"slug": operator.slug}) in html
    assert not request.messages.filter(body="Hello?").exists()
