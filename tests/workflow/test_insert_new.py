"""`insert_new()` (dsar/models/insert.py) stores a new row exactly as `save()` would."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django_fsm import ConcurrentTransition

from dsar.models import DataRequest, Event, OneTimeCode, StatusAccess
from dsar.models.insert import insert_new
from dsar.models.portal import CodePurpose
from dsar.states import State
from tests.factories import make_request

AT = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def _stored(obj) -> dict:
    """Every column of the row as read back, but its id."""
    row = type(obj).objects.filter(pk=obj.pk).values().get()
    row.pop("id")
    return row


def _new_request(operator, **fields) -> DataRequest:
    values = dict(
        operator=operator,
        kind="access",
        reference="",
        subject_name="Dana Serikova",
        subject_email="dana@example.kz",
        details={"systems": ["crm"]},
        submitted_at=AT,
        last_contact_at=AT,
        language="kk",
    )
    values.update(fields)
    return DataRequest(**values)


@pytest.mark.django_db
@time_machine.travel(AT, tick=False)  # auto_now fields alike
def test_a_request_is_stored_as_save_stores_it_signals_and_defaults_included(operator):
    by_save = _new_request(operator, reference="REF-1")
    by_save.start_clock(AT)
    by_save.save()
    fast = _new_request(operator, reference="REF-2")
    fast.start_clock(AT)
    insert_new(fast)

    assert fast.pk is not None and fast.pk != by_save.pk
    assert not fast._state.adding and fast._state.db == "default"
    saved, inserted = _stored(by_save), _stored(fast)
    assert (saved.pop("reference"), inserted.pop("reference")) == ("REF-1", "REF-2")
    assert inserted == saved
    # The pre_save receiver (dsar/services/sweep/receivers.py) scheduled the first reminder.
    assert inserted["next_action_at"] is not None


@pytest.mark.django_db
@time_machine.travel(AT, tick=False)
def test_small_rows_are_stored_as_save_stores_them(operator):
    request = make_request(operator, now=AT)
    pairs = []
    for make in (
        lambda n: StatusAccess(request=request, token_hash=f"{n:064d}", created_at=AT),
        lambda n: OneTimeCode(
            request=request,
            purpose=CodePurpose.EMAIL,
            code_hash="c" * 64,
            created_at=AT,
            expires_at=AT + timedelta(minutes=n),
        ),
    ):
        by_save, fast = make(1), make(2)
        by_save.save()
        insert_new(fast)
        pairs.append((_stored(by_save), _stored(fast)))
    (saved_link, fast_link), (saved_code, fast_code) = pairs
    assert (saved_link.pop("token_hash"), fast_link.pop("token_hash")) == ("0" * 63 + "1", "0" * 63 + "2")
    assert fast_link == saved_link
    assert fast_code.pop("expires_at") - saved_code.pop("expires_at") == timedelta(minutes=1)
    assert fast_code == saved_code
    assert fast_code["attempts"] == 0 and fast_code["max_attempts"] == 5  # the model's defaults


@pytest.mark.django_db
def test_signals_are_sent_with_what_save_sends(operator):
    seen = []

    def before(sender, instance, raw, using, update_fields, **kwargs):
        seen.append(("pre", instance.pk, raw, using, update_fields))

    def after(sender, instance, created, raw, using, update_fields, **kwargs):
        seen.append(("post", instance.pk, created, raw, using, update_fields))

    pre_save.connect(before, sender=StatusAccess)
    post_save.connect(after, sender=StatusAccess)
    try:
        link = StatusAccess(request=make_request(operator, now=AT), token_hash="a" * 64, created_at=AT)
        insert_new(link)
    finally:
        pre_save.disconnect(before, sender=StatusAccess)
        post_save.disconnect(after, sender=StatusAccess)
    assert seen == [("pre", None, False, "default", None), ("post", link.pk, True, False, "default", None)]


@pytest.mark.django_db
def test_a_preset_primary_key_goes_through_save(operator):
    request = make_request(operator, now=AT)
    link = StatusAccess(pk=987654, request=request, token_hash="b" * 64, created_at=AT)
    insert_new(link)
    assert StatusAccess.objects.get(pk=987654).token_hash == "b" * 64
    assert not link._state.adding


@pytest.mark.django_db(transaction=True)
def test_the_state_recorded_for_concurrent_transitions_is_the_state_inserted(operator):
    """A transition made before the insert is what django-fsm compares against at the next save."""
    request = _new_request(operator, reference="REF-3")
    request.confirm_identity(now=AT)  # awaiting identity -> received, on the unsaved instance
    insert_new(request)
    assert DataRequest.objects.get(pk=request.pk).state == State.RECEIVED
    request.subject_name = "Dana Serikova-Abenova"
    with transaction.atomic():
        request.save()  # the row is "received" as the instance believes: no conflict
    # Someone else moves the row on; this instance still believes it is "received".
    DataRequest.objects.filter(pk=request.pk).update(state=State.IN_PROGRESS)
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        request.save()


@pytest.mark.django_db
def test_an_audit_event_is_inserted_although_event_save_refuses(operator):
    request = make_request(operator, now=AT)
    with transaction.atomic():
        event = Event.append(request=request, action="note", actor_label="staff", note="called back", at=AT)
    stored = Event.objects.get(pk=event.pk)
    assert (stored.seq, stored.hash, stored.note) == (event.seq, event.hash, "called back")


@pytest.mark.django_db
def test_unless_taken_inserts_nothing_when_the_unique_value_is_stored(operator):
    from dsar.models import Notification

    first = Notification(key="once", channel="email", to="a@example.kz", template="t", context={}, language="ru")
    again = Notification(key="once", channel="email", to="b@example.kz", template="t", context={}, language="ru")
    assert insert_new(first, unless_taken="key") is True
    assert insert_new(again, unless_taken="key") is False
    assert again.pk is None and again._state.adding
    assert list(Notification.objects.values_list("key", "to")) == [("once", "a@example.kz")]
