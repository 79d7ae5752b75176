"""Reference numbers: unique per operator and year, continuing after numbers given elsewhere,
and on PostgreSQL given without a lock, so submissions to one operator never queue for them."""

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection, transaction

from dsar.services.intake import reference_last, reference_next, reference_set_last
from tests.factories import OperatorFactory

AT = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def _number(reference: str) -> int:
    return int(reference.rsplit("-", 1)[1])


@pytest.mark.django_db
def test_it_numbers_one_operators_requests_in_order_and_continues_after_numbers_given_elsewhere(operator):
    with transaction.atomic():
        first = reference_next(operator=operator, at=AT)
        second = reference_next(operator=operator, at=AT)
    assert first == f"{operator.reference_prefix}-2026-000001"
    assert _number(second) == 2
    assert reference_last(operator.pk, 2026) == 2

    # A bulk import (the benchmark seed) gave numbers up to 500: the form continues after them.
    reference_set_last(operator.pk, 2026, 500)
    with transaction.atomic():
        assert _number(reference_next(operator=operator, at=AT)) == 501
    # A lower figure never moves the numbers back.
    reference_set_last(operator.pk, 2026, 10)
    with transaction.atomic():
        assert _number(reference_next(operator=operator, at=AT)) == 502


@pytest.mark.django_db
def test_it_numbers_each_operator_and_year_separately(operator):
    other = OperatorFactory()
    with transaction.atomic():
        a = reference_next(operator=operator, at=AT)
        b = reference_next(operator=other, at=AT)
        next_year = reference_next(operator=operator, at=datetime(2027, 1, 5, 9, 0, tzinfo=UTC))
    assert _number(a) == _number(b) == _number(next_year) == 1
    assert "-2027-" in next_year


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_submission_waiting_to_commit_does_not_hold_up_the_next_ones_number(operator):
    # Before: the ReferenceCounter row stayed locked until the first submission committed.
    with transaction.atomic():
        reference_next(operator=operator, at=AT)  # the sequence exists from here on
    holding, release = threading.Event(), threading.Event()
    held = {}

    def first_submission():
        try:
            with transaction.atomic():
                held["reference"] = reference_next(operator=operator, at=AT)
                holding.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=first_submission)
    thread.start()
    try:
        assert holding.wait(timeout=30)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '1s'")
            second = reference_next(operator=operator, at=AT)
    finally:
        release.set()
        thread.join(timeout=30)
    assert second != held["reference"]
    assert sorted(_number(r) for r in (second, held["reference"])) == [2, 3]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_submissions_of_a_year_get_distinct_numbers_after_the_old_counter(operator):
    # Numbers given before the sequence existed (the counter of earlier versions) are skipped.
    reference_set_last(operator.pk, 2026, 41)
    barrier = threading.Barrier(6)
    references, errors = [], []

    def submit():
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                references.append(reference_next(operator=operator, at=AT))
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(_number(r) for r in references) == list(range(42, 48))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_dropped_sequence_is_made_again_after_the_highest_reference_without_failing_a_submission(operator):
    """A restore without the sequence, or someone dropping it: the next submission still gets a
    number, after the highest one any request of that operator and year carries."""
    from dsar.services.intake import _sequence_name
    from tests.factories import make_request

    made = [make_request(operator, now=AT) for _ in range(3)]
    assert [_number(r.reference) for r in made] == [1, 2, 3]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SEQUENCE {_sequence_name(operator.pk, 2026)}")
    again = make_request(operator, now=AT)
    assert _number(again.reference) == 4
    assert _number(make_request(operator, now=AT).reference) == 5
