"""The connector library against real PostgreSQL, MariaDB and SQLite (tests/connectors/conftest.py)."""

import hashlib
import hmac
import re

import pytest
import sqlalchemy as sa

from dsar.connectors import actions, dataset
from dsar.connectors import engine as engines
from dsar.connectors.traversal import RowCapExceeded, SchemaMismatch

from . import shop

KEY = b"k" * 32


@pytest.fixture
def db(backend_url):
    engine = engines.create(backend_url, statement_timeout=20)
    shop.build(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def shop_map():
    return dataset.parse(shop.DATASET)


def _ids(outcome):
    return {c.collection: {row["id"] for row in c.rows} for c in outcome.collections}


def _changed(before, after):
    return {
        table: {i for i in rows if rows[i] != after[table].get(i)}
        for table, rows in before.items()
        if rows != after[table]
    }


@pytest.mark.parametrize(
    "identity",
    [{"email": ["anna@example.kz"]}, {"phone": ["+77011234567"]}, {"iin": ["900101300011"]}, {"account_id": ["501"]}],
)
def test_it_finds_the_subject_by_each_identity_and_follows_references_both_ways(db, shop_map, identity):
    outcome = actions.run(db, shop_map, action="access", identities=identity)
    found = _ids(outcome)
    expected = dict(shop.ANNA_ROWS)
    if "email" not in identity:  # the newsletter knows only the e-mail; profile hangs on customer.email
        expected.pop("newsletter")
    assert found == expected


def test_it_returns_the_mapped_fields_and_the_primary_key(db, shop_map):
    outcome = actions.run(db, shop_map, action="access", identities=shop.ANNA)
    customer = next(c for c in outcome.collections if c.collection == "customer")
    (row,) = customer.rows
    assert row["id"] == 1 and row["email"] == "anna@example.kz" and row["name"] == "Anna Abaeva"
    assert row["born"] == "1990-01-01"  # dates as ISO text: the result is JSON
    assert all(c.affected == 0 for c in outcome.collections)


@pytest.mark.parametrize(
    "hostile",
    [
        {"email": ["' OR '1'='1"]},
        {"email": ["anna@example.kz' OR 1=1 --", 'x"; DROP TABLE customer; --']},
        {"iin": ["1 OR 1=1"]},
        {"account_id": ["501 OR 1=1", "0x1F5", "1e3", "-1"]},
        {"phone": ["%", "_"]},
    ],
)
def test_it_binds_hostile_identity_values_and_matches_only_what_equals_them(db, shop_map, hostile):
    before = shop.snapshot(db)
    outcome = actions.run(db, shop_map, action="destruction", identities=hostile, key=KEY)
    found = _ids(outcome)
    if hostile == {"email": ["' OR '1'='1"]}:
        # customer 5's e-mail is literally that string: they and their orders, nobody else
        assert found == {"customer": {5}, "orders": {14, 20}, "payments": {104, 110}}
    else:
        assert found == {}
        assert shop.snapshot(db) == before


def test_it_leaves_lookalike_people_untouched(db, shop_map):
    before = shop.snapshot(db)
    actions.run(db, shop_map, action="destruction", identities=shop.ANNA, key=KEY)
    changed = _changed(before, shop.snapshot(db))
    assert changed == shop.ANNA_ROWS


def test_it_masks_with_each_strategy_and_keeps_keys_and_system_fields(db, shop_map):
    actions.run(db, shop_map, action="destruction", identities=shop.ANNA, key=KEY)
    after = shop.snapshot(db)
    anna = after["customer"][1]
    assert anna["email"] is None and anna["phone"] is None  # null_rewrite, the default
    assert anna["name"] == "MASKED"  # string_rewrite
    expected_hash = hmac.new(KEY, b"900101300011", hashlib.sha256).hexdigest()[:11]
    assert anna["iin"] == "#" + expected_hash  # hash: HMAC with the operator's key, cut to the column
    assert anna["born"] is None
    assert anna["id"] == 1 and anna["account_id"] == 501 and anna["blocked"] == 0  # key and system.* kept
    holders = [after["payments"][i]["card_holder"] for i in (100, 106)]
    assert all(re.fullmatch(r"~[a-z0-9]{12}-x", h) for h in holders) and holders[0] != holders[1]
    assert str(after["payments"][100]["amount"]) == "9.50"
    assert after["orders"][10]["customer_id"] == 1 and after["orders"][10]["address"] is None


def test_it_reports_what_destruction_would_change_on_a_dry_run_and_changes_nothing(db, shop_map):
    before = shop.snapshot(db)
    preview = actions.run(db, shop_map, action="destruction", identities=shop.ANNA, dry_run=True, key=KEY)
    assert shop.snapshot(db) == before
    assert _ids(preview) == shop.ANNA_ROWS
    done = actions.run(db, shop_map, action="destruction", identities=shop.ANNA, key=KEY)
    assert done.keys_hash() == preview.keys_hash()
    assert done.counts() == preview.counts()


def test_it_changes_nothing_on_a_second_run(db, shop_map):
    first = actions.run(db, shop_map, action="destruction", identities=shop.ANNA, key=KEY)
    assert first.affected == sum(len(v) for v in shop.ANNA_ROWS.values())
    masked = shop.snapshot(db)
    # The account id (system.*) still finds customer 1 and what hangs on it; all of it is masked.
    second = actions.run(db, shop_map, action="destruction", identities=shop.ANNA, key=KEY)
    assert second.affected == 0
    assert shop.snapshot(db) == masked


def test_it_rolls_back_the_whole_connector_when_one_change_fails(db, shop_map):
    document = dataset.load_yaml(shop.DATASET)
    payments = document["dataset"][0]["collections"][2]
    holder = next(f for f in payments["fields"] if f["name"] == "card_holder")
    holder["fides_meta"]["masking_strategy_override"] = {
        "strategy": "string_rewrite",
        "configuration": {"rewrite_value": "FORBIDDEN"},  # the table's CHECK refuses it
    }
    before = shop.snapshot(db)
    with pytest.raises(sa.exc.DBAPIError):
        actions.run(db, dataset.parse(document), action="destruction", identities=shop.ANNA, key=KEY)
    assert shop.snapshot(db) == before


def test_it_runs_access_in_a_read_only_transaction(db):
    with pytest.raises(sa.exc.DBAPIError), engines.read_only(db) as conn:
        conn.execute(shop.customer.update().values(name="changed"))
    with db.connect() as conn:
        assert "changed" not in conn.execute(sa.select(shop.customer.c.name)).scalars().all()


def test_it_blocks_and_unblocks_the_subjects_rows_only(db, shop_map):
    outcome = actions.run(db, shop_map, action="blocking", identities=shop.ANNA)
    assert [(c.collection, c.affected) for c in outcome.collections] == [("customer", 1)]
    after = shop.snapshot(db)
    assert {i for i, r in after["customer"].items() if r["blocked"]} == {1}
    assert actions.run(db, shop_map, action="blocking", identities=shop.ANNA).affected == 0
    actions.run(db, shop_map, action="unblocking", identities=shop.ANNA)
    assert not any(r["blocked"] for r in shop.snapshot(db)["customer"].values())


def test_it_writes_approved_corrections_into_the_mapped_fields(db, shop_map):
    corrections = {"user.contact.address": "Abai 1, Almaty", "customer.name": "Anna Abayeva"}
    outcome = actions.run(db, shop_map, action="rectification", identities=shop.ANNA, corrections=corrections)
    after = shop.snapshot(db)
    assert after["customer"][1]["name"] == "Anna Abayeva"
    assert {after["orders"][i]["address"] for i in (10, 16)} == {"Abai 1, Almaty"}
    assert after["orders"][11]["address"] == "street 1"
    assert outcome.affected == 3


def test_it_fails_loudly_at_the_row_cap(db, shop_map):
    before = shop.snapshot(db)
    with pytest.raises(RowCapExceeded):
        actions.run(db, shop_map, action="destruction", identities=shop.ANNA, key=KEY, row_cap=5)
    assert shop.snapshot(db) == before


def test_it_reports_not_null_columns_no_strategy_can_mask_and_missing_columns(db):
    document = dataset.load_yaml(shop.DATASET)
    customer = document["dataset"][0]["collections"][0]
    name = next(f for f in customer["fields"] if f["name"] == "name")
    del name["fides_meta"]["masking_strategy_override"]
    customer["fields"].append({"name": "nickname", "data_categories": ["user.name"]})
    document["dataset"][0]["collections"].append(
        {"name": "ghost", "fields": [{"name": "id", "fides_meta": {"primary_key": True}}]}
    )
    dataset_map = dataset.parse(document)
    with db.connect() as conn:
        problems = actions.check(conn, dataset_map)
    assert any(p.startswith("shop.customer.name: NOT NULL column") for p in problems)
    assert "shop.customer.nickname: column nickname is missing" in problems
    assert "shop.ghost: table ghost is missing" in problems
    assert not any("payments.card_holder" in p for p in problems)  # NOT NULL, but random_string_rewrite fits
    with pytest.raises(SchemaMismatch):
        actions.run(db, dataset_map, action="access", identities=shop.ANNA)


def test_it_finds_nothing_wrong_with_a_map_that_fits(db, shop_map):
    with db.connect() as conn:
        assert actions.check(conn, shop_map) == []
