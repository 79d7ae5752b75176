"""Dataset maps in the Fides dataset YAML format: parse, validate, export.

A map is a list of datasets (`dataset: [...]`), each with `fides_key` and `collections`; a
collection is a table and lists its `fields`; a field has `data_categories` and `fides_meta`
(`identity`, `primary_key`, `references`, `data_type`, `masking_strategy_override`). What
Fides defines and we do not use, and anything else an operator wrote, is kept verbatim: the
parsed document is stored as it came and exported as it came. Our own extension keys live
under `dsar_meta` (on a collection: `blocking: {field, value}`; `unblocked_value`).

Validation returns every problem at once as readable lines; nothing here touches a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

# The identities a request can carry, under the names Fides uses and ours.
IDENTITY_ALIASES = {
    "email": "email",
    "phone_number": "phone",
    "phone": "phone",
    "iin": "iin",
    "account_id": "account_id",
    "user_id": "account_id",
}
IDENTITIES = ("email", "phone", "iin", "account_id")
STRATEGIES = ("null_rewrite", "string_rewrite", "hash", "random_string_rewrite")
DIRECTIONS = (None, "from", "to")
PERSONAL_PREFIX = "user"
KEPT_PREFIX = "system"


class DatasetError(ValueError):
    """A map that cannot be used; `errors` lists every problem found."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Reference:
    dataset: str
    collection: str
    field: str
    direction: str | None  # None: both ways; "from": values flow from the target to us; "to": from us


@dataclass(frozen=True)
class Masking:
    strategy: str = "null_rewrite"
    configuration: dict = field(default_factory=dict)


@dataclass
class Field:
    name: str
    data_categories: tuple[str, ...] = ()
    identity: str | None = None
    primary_key: bool = False
    data_type: str | None = None
    references: tuple[Reference, ...] = ()
    masking: Masking | None = None  # masking_strategy_override

    @property
    def personal(self) -> bool:
        """A field holding personal data: some category under user.*, none under system.*."""
        cats = self.data_categories
        return any(_under(c, PERSONAL_PREFIX) for c in cats) and not any(_under(c, KEPT_PREFIX) for c in cats)

    @property
    def category(self) -> str:
        """The name the field goes by in an answer: its first data category (or its own name)."""
        return self.data_categories[0] if self.data_categories else self.name


@dataclass
class Collection:
    dataset: str
    name: str
    fields: list[Field]
    schema: str | None = None
    blocking: dict | None = None  # dsar_meta.blocking: {field, value, unblocked_value?}

    @property
    def key(self) -> tuple[str, str]:
        return (self.dataset, self.name)

    @property
    def primary_key(self) -> list[str]:
        return [f.name for f in self.fields if f.primary_key]

    def get(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass
class DatasetMap:
    document: dict  # as it came, unknown keys and all
    collections: dict[tuple[str, str], Collection]

    @property
    def fides_keys(self) -> list[str]:
        return sorted({d for d, _c in self.collections})

    def export(self) -> str:
        return export_yaml(self.document)


def _under(category: str, prefix: str) -> bool:
    return category == prefix or category.startswith(prefix + ".")


def load_yaml(text: str | bytes) -> dict:
    """The YAML document; safe_load only (no tags that build objects)."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise DatasetError([f"not valid YAML{where}"]) from None
    if isinstance(document, list):
        document = {"dataset": document}
    if not isinstance(document, dict):
        raise DatasetError(["a dataset map is a mapping with a `dataset` list"])
    return document


def export_yaml(document: dict) -> str:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def parse(source: str | bytes | dict) -> DatasetMap:
    """A usable map, or DatasetError listing every problem."""
    document = load_yaml(source) if isinstance(source, (str, bytes)) else source
    errors: list[str] = []
    collections: dict[tuple[str, str], Collection] = {}
    datasets = document.get("dataset")
    if not isinstance(datasets, list) or not datasets:
        raise DatasetError(["`dataset` must be a non-empty list"])
    for i, raw in enumerate(datasets):
        if not isinstance(raw, dict) or not isinstance(raw.get("fides_key"), str) or not raw.get("fides_key"):
            errors.append(f"dataset #{i + 1}: `fides_key` is missing")
            continue
        key = raw["fides_key"]
        meta = raw.get("fides_meta") or {}
        namespace = meta.get("namespace") if isinstance(meta, dict) else None
        schema = namespace.get("schema") if isinstance(namespace, dict) else None
        raw_collections = raw.get("collections")
        if not isinstance(raw_collections, list) or not raw_collections:
            errors.append(f"{key}: `collections` must be a non-empty list")
            continue
        for raw_collection in raw_collections:
            collection = _collection(key, raw_collection, schema, errors)
            if collection is None:
                continue
            if collection.key in collections:
                errors.append(f"{key}.{collection.name}: the collection appears twice")
            collections[collection.key] = collection
    _check_references(collections, errors)
    if collections and not any(f.identity for c in collections.values() for f in c.fields):
        errors.append("no field is marked as an identity (fides_meta.identity): nothing can be looked up")
    if errors:
        raise DatasetError(errors)
    return DatasetMap(document=document, collections=collections)


def _collection(dataset: str, raw, schema, errors: list[str]) -> Collection | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw.get("name"):
        errors.append(f"{dataset}: a collection has no `name`")
        return None
    name = raw["name"]
    where = f"{dataset}.{name}"
    raw_fields = raw.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        errors.append(f"{where}: `fields` must be a non-empty list")
        return None
    fields = [f for f in (_field(where, dataset, item, errors) for item in raw_fields) if f is not None]
    names = [f.name for f in fields]
    for dup in sorted({n for n in names if names.count(n) > 1}):
        errors.append(f"{where}.{dup}: the field appears twice")
    collection = Collection(dataset=dataset, name=name, fields=fields, schema=schema)
    if not collection.primary_key:
        errors.append(f"{where}: no field is marked `primary_key` (rows must be told apart to be changed)")
    dsar_meta = raw.get("dsar_meta") or {}
    if not isinstance(dsar_meta, dict):
        errors.append(f"{where}: `dsar_meta` must be a mapping")
    elif "blocking" in dsar_meta:
        blocking = dsar_meta["blocking"]
        if not isinstance(blocking, dict) or not isinstance(blocking.get("field"), str) or "value" not in blocking:
            errors.append(f"{where}: `dsar_meta.blocking` needs `field` and `value`")
        elif collection.get(blocking["field"]) is None:
            errors.append(f"{where}: the blocking field {blocking['field']} is not among the collection's fields")
        else:
            collection.blocking = blocking
    return collection


def _field(where: str, dataset: str, raw, errors: list[str]) -> Field | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw.get("name"):
        errors.append(f"{where}: a field has no `name`")
        return None
    name = raw["name"]
    here = f"{where}.{name}"
    if raw.get("fields"):
        errors.append(f"{here}: nested fields are for document stores; a SQL column cannot have them")
    categories = raw.get("data_categories") or []
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        errors.append(f"{here}: `data_categories` must be a list of strings")
        categories = []
    meta = raw.get("fides_meta") or {}
    if not isinstance(meta, dict):
        errors.append(f"{here}: `fides_meta` must be a mapping")
        meta = {}
    identity = meta.get("identity")
    if identity is not None:
        if identity not in IDENTITY_ALIASES:
            errors.append(f"{here}: unknown identity {identity!r} (known: email, phone_number, iin, account_id)")
            identity = None
        else:
            identity = IDENTITY_ALIASES[identity]
    references = []
    for ref in meta.get("references") or []:
        parsed = _reference(here, dataset, ref, errors)
        if parsed:
            references.append(parsed)
    masking = None
    override = meta.get("masking_strategy_override")
    if override is not None:
        if not isinstance(override, dict) or override.get("strategy") not in STRATEGIES:
            errors.append(f"{here}: masking_strategy_override.strategy must be one of {', '.join(STRATEGIES)}")
        else:
            configuration = override.get("configuration") or {}
            if not isinstance(configuration, dict):
                errors.append(f"{here}: masking_strategy_override.configuration must be a mapping")
                configuration = {}
            masking = Masking(override["strategy"], configuration)
    data_type = meta.get("data_type")
    if data_type is not None and not isinstance(data_type, str):
        errors.append(f"{here}: `data_type` must be a string")
        data_type = None
    return Field(
        name=name,
        data_categories=tuple(categories),
        identity=identity,
        primary_key=bool(meta.get("primary_key")),
        data_type=data_type,
        references=tuple(references),
        masking=masking,
    )


def _reference(here: str, dataset: str, raw, errors: list[str]) -> Reference | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("field"), str) or raw["field"].count(".") != 1:
        errors.append(f"{here}: a reference needs `field: collection.field`")
        return None
    direction = raw.get("direction")
    if direction not in DIRECTIONS:
        errors.append(f"{here}: reference direction must be `from` or `to`")
        return None
    collection, field_name = raw["field"].split(".")
    return Reference(
        dataset=raw.get("dataset") or dataset, collection=collection, field=field_name, direction=direction
    )


def _check_references(collections: dict, errors: list[str]) -> None:
    for collection in collections.values():
        for f in collection.fields:
            for ref in f.references:
                target = collections.get((ref.dataset, ref.collection))
                if target is None or target.get(ref.field) is None:
                    errors.append(
                        f"{collection.dataset}.{collection.name}.{f.name}: unknown reference "
                        f"{ref.dataset}.{ref.collection}.{ref.field}"
                    )


@dataclass(frozen=True)
class Edge:
    """Values of `source.source_field` are looked up in `target.target_field`."""

    source: tuple[str, str]
    source_field: str
    target: tuple[str, str]
    target_field: str


def edges(dataset_map: DatasetMap) -> list[Edge]:
    """Every way values flow between collections, whichever side declared the reference."""
    out: set[Edge] = set()
    for collection in dataset_map.collections.values():
        for f in collection.fields:
            for ref in f.references:
                target = (ref.dataset, ref.collection)
                if ref.direction in (None, "to"):
                    out.add(Edge(collection.key, f.name, target, ref.field))
                if ref.direction in (None, "from"):
                    out.add(Edge(target, ref.field, collection.key, f.name))
    return sorted(out, key=lambda e: (e.source, e.source_field, e.target, e.target_field))


def summary(document: Any) -> list[str]:
    """The validation errors of a stored document (empty when it is usable)."""
    try:
        parse(document)
    except DatasetError as exc:
        return exc.errors
    return []
