"""The SMS hint sits under the phone the code actually goes to."""

import pytest
from django.utils import translation

from dsar.portal.forms.request import RequestForm
from dsar.services.verification import code_recipient
from tests.factories import OperatorFactory, make_request

pytestmark = pytest.mark.django_db
HINT = "the code goes to this number"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _form(data, operator):
    return RequestForm(data, operator=operator, kind="access", language="en")


def test_it_puts_the_hint_under_the_representatives_phone_when_one_acts():
    operator = OperatorFactory(require_phone_confirmation=True)
    form = _form(
        {"acting_for_other": "on", "subject_phone": "+77011234567", "representative_phone": "+77017654321"}, operator
    )
    assert HINT in str(form.fields["representative_phone"].help_text)
    assert HINT not in str(form.fields["subject_phone"].help_text)
    request = make_request(
        operator,
        acting_for_other=True,
        representative_name="R",
        representative_email="r@example.kz",
        representative_phone="+77017654321",
        representative_basis="power_of_attorney",
    )
    assert code_recipient(request=request, purpose="phone") == ("sms", "+77017654321")


def test_it_puts_the_hint_under_the_subjects_phone_otherwise():
    operator = OperatorFactory(require_phone_confirmation=True)
    form = _form({"subject_phone": "+77011234567"}, operator)
    assert HINT in str(form.fields["subject_phone"].help_text)
    assert HINT not in str(form.fields["representative_phone"].help_text)


def test_it_says_nothing_about_sms_for_operators_that_do_not_confirm_the_phone():
    form = _form(None, OperatorFactory(require_phone_confirmation=False))
    assert "SMS" not in str(form.fields["subject_phone"].help_text) + str(form.fields["representative_phone"].help_text)
