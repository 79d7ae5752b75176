"""Dataset maps: Fides YAML in, the same YAML out, every problem named."""

import pytest

from dsar.connectors import dataset

from . import shop


def test_it_keeps_unknown_keys_verbatim_on_export():
    parsed = dataset.parse(shop.DATASET)
    again = dataset.load_yaml(parsed.export())
    assert again == dataset.load_yaml(shop.DATASET)
    assert again["dataset"][0]["organization_fides_key"] == "default_organization"
    assert again["dataset"][0]["collections"][4]["x-owner"] == "marketing"


def test_it_lists_every_problem_at_once():
    text = """
dataset:
  - fides_key: d
    collections:
      - name: a
        fields:
          - name: email
            fides_meta: {identity: passport, references: [{field: b.nope}, {field: a.email, direction: sideways}]}
          - name: x
            fides_meta: {masking_strategy_override: {strategy: shred}}
      - name: c
        dsar_meta: {blocking: {field: missing, value: 1}}
        fields: [{name: id, fides_meta: {primary_key: true}}]
"""
    with pytest.raises(dataset.DatasetError) as caught:
        dataset.parse(text)
    errors = caught.value.errors
    assert "d.a.email: unknown identity 'passport' (known: email, phone_number, iin, account_id)" in errors
    assert "d.a.email: reference direction must be `from` or `to`" in errors
    assert "d.a.email: unknown reference d.b.nope" in errors
    assert any(e.startswith("d.a.x: masking_strategy_override.strategy must be one of") for e in errors)
    assert any(e.startswith("d.a: no field is marked `primary_key`") for e in errors)
    assert "d.c: the blocking field missing is not among the collection's fields" in errors
    assert any(e.startswith("no field is marked as an identity") for e in errors)


@pytest.mark.parametrize("text", ["", "[1, 2", "just a string", "dataset: 5", "!!python/object:os.system {}"])
def test_it_refuses_what_is_not_a_map_with_a_message(text):
    with pytest.raises(dataset.DatasetError) as caught:
        dataset.parse(text)
    assert caught.value.errors


def test_it_reads_fides_identity_names_and_directions():
    parsed = dataset.parse(shop.DATASET)
    customer = parsed.collections[("shop", "customer")]
    assert customer.get("phone").identity == "phone"  # Fides' phone_number
    edges = dataset.edges(parsed)
    assert dataset.Edge(("shop", "customer"), "id", ("shop", "orders"), "customer_id") in edges  # from
    assert dataset.Edge(("shop", "orders"), "customer_id", ("shop", "customer"), "id") not in edges
    assert dataset.Edge(("shop", "customer"), "id", ("shop", "tickets"), "customer_id") in edges  # to
    assert dataset.Edge(("shop", "profile"), "customer_email", ("shop", "customer"), "email") in edges  # both
