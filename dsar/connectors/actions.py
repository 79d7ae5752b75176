"""What a connector does for one request: access, destruction, blocking, unblocking, rectification.

Each run opens one connection and one transaction. Access reads in a read-only transaction.
The others collect every reachable primary key first (with row locks where the database has
them), then change rows by primary key in one statement per collection per batch; a failure
anywhere rolls back the whole connector. A dry run does the same walk and reports the rows that
would change, without changing any.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import json
import uuid
from dataclasses import asdict, dataclass

import sqlalchemy as sa

from . import engine as engines
from . import masking
from .dataset import DatasetMap
from .traversal import DEPTH_LIMIT, ROW_CAP, SchemaMismatch, reflect, walk

ACCESS = "access"
DESTRUCTION = "destruction"
BLOCKING = "blocking"
UNBLOCKING = "unblocking"
RECTIFICATION = "rectification"
ACTIONS = (ACCESS, DESTRUCTION, BLOCKING, UNBLOCKING, RECTIFICATION)
CHANGES = (DESTRUCTION, BLOCKING, UNBLOCKING, RECTIFICATION)


class ActionError(RuntimeError):
    pass


@dataclass
class CollectionResult:
    dataset: str
    collection: str
    rows: list[dict]
    affected: int
    primary_key: list[str]

    def as_dict(self) -> dict:
        out = asdict(self)
        del out["primary_key"]
        return out


@dataclass
class Outcome:
    action: str
    dry_run: bool
    collections: list[CollectionResult]

    @property
    def affected(self) -> int:
        return sum(c.affected for c in self.collections)

    @property
    def rows(self) -> int:
        return sum(len(c.rows) for c in self.collections)

    def keys_hash(self) -> str:
        """SHA-256 over the affected (or found) primary keys: proves what changed without saying it."""
        digest = hashlib.sha256()
        for c in sorted(self.collections, key=lambda c: (c.dataset, c.collection)):
            keys = sorted(json.dumps([row.get(n) for n in c.primary_key], default=str) for row in c.rows)
            digest.update(f"{c.dataset}.{c.collection}:{','.join(keys)};".encode())
        return digest.hexdigest()

    def counts(self) -> dict:
        return {f"{c.dataset}.{c.collection}": {"rows": len(c.rows), "affected": c.affected} for c in self.collections}

    def as_dict(self) -> dict:
        return {"collections": [c.as_dict() for c in self.collections]}


def jsonable(value):
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode()
    return value


def check(conn: sa.Connection, dataset_map: DatasetMap) -> list[str]:
    """What `test` reports: missing tables and columns, and personal columns that cannot be masked."""
    tables, problems = reflect(conn, dataset_map)
    for key, collection in dataset_map.collections.items():
        if key in tables:
            problems.extend(masking.problems(collection, tables[key]))
            blocking = collection.blocking
            if blocking and blocking.get("unblocked_value") is None and blocking["field"] in tables[key].c:
                if not tables[key].c[blocking["field"]].nullable:
                    problems.append(
                        f"{collection.dataset}.{collection.name}.{blocking['field']}: NOT NULL blocking field "
                        "needs dsar_meta.blocking.unblocked_value"
                    )
    return problems


def run(
    engine: sa.Engine,
    dataset_map: DatasetMap,
    *,
    action: str,
    identities: dict[str, list],
    dry_run: bool = False,
    key: bytes = b"",
    held_categories: frozenset[str] = frozenset(),
    corrections: dict | None = None,
    row_cap: int = ROW_CAP,
    depth_limit: int = DEPTH_LIMIT,
) -> Outcome:
    if action not in ACTIONS:
        raise ActionError(f"unknown action {action!r}")
    if action == DESTRUCTION and not key and not dry_run:
        hashing = any(
            f.masking and f.masking.strategy == "hash" for c in dataset_map.collections.values() for f in c.fields
        )
        if hashing:
            raise ActionError("the hash strategy needs the operator's key")
    changing = action in CHANGES and not dry_run
    opener = engines.read_write if changing else engines.read_only
    with opener(engine) as conn:
        tables, problems = reflect(conn, dataset_map)
        if problems:
            raise SchemaMismatch(problems)
        found = walk(conn, dataset_map, tables, identities, row_cap=row_cap, depth_limit=depth_limit, lock=changing)
        results = []
        for result in found.values():
            if not result.rows:
                continue
            step = _STEPS[action]
            done = step(conn, result, dry_run=dry_run, key=key, held=held_categories, corrections=corrections)
            if done is not None:
                results.append(done)
        return Outcome(action=action, dry_run=dry_run, collections=results)


def _result(found, rows, affected) -> CollectionResult:
    collection = found.collection
    return CollectionResult(
        dataset=collection.dataset,
        collection=collection.name,
        rows=[{k: jsonable(v) for k, v in row.items()} for row in rows],
        affected=affected,
        primary_key=collection.primary_key,
    )


def _access(conn, found, **_):
    return _result(found, found.rows.values(), 0)


def _apply(conn, found, changes: list[tuple[tuple, dict]], dry_run: bool) -> None:
    """One UPDATE per collection per batch of rows, keyed by primary key (executemany)."""
    if dry_run or not changes:
        return
    table = found.table
    pk = found.collection.primary_key
    by_columns: dict[tuple, list] = {}
    for key, values in changes:
        params = {f"k_{i}": v for i, v in enumerate(key)}
        params.update({f"v_{name}": v for name, v in values.items()})
        by_columns.setdefault(tuple(sorted(values)), []).append(params)
    for columns, params in by_columns.items():
        statement = (
            table.update()
            .where(sa.and_(*(table.c[n] == sa.bindparam(f"k_{i}") for i, n in enumerate(pk))))
            .values({name: sa.bindparam(f"v_{name}") for name in columns})
        )
        for start in range(0, len(params), 1000):
            conn.execute(statement, params[start : start + 1000])


def _destruction(conn, found, *, dry_run, key, held, **_):
    maskers = masking.maskers(found.collection, found.table, key, held)
    changes, shown = [], []
    pk = found.collection.primary_key
    for row_key, row in found.rows.items():
        values = {m.field.name: m.mask(row[m.field.name]) for m in maskers if not m.masked(row[m.field.name])}
        if values:
            changes.append((row_key, values))
            shown.append({**{n: row[n] for n in pk}, **values})
    _apply(conn, found, changes, dry_run)
    return _result(found, shown, len(changes))


def _blocking(conn, found, *, dry_run, unblock=False, **_):
    blocking = found.collection.blocking
    if not blocking:
        return None  # a collection the map does not restrict
    name = blocking["field"]
    target = blocking.get("unblocked_value") if unblock else blocking["value"]
    pk = found.collection.primary_key
    changes = [(k, {name: target}) for k, row in found.rows.items() if row[name] != target]
    _apply(conn, found, changes, dry_run)
    return _result(found, [{**{n: k[i] for i, n in enumerate(pk)}, name: target} for k, _v in changes], len(changes))


def _unblocking(conn, found, **kwargs):
    return _blocking(conn, found, unblock=True, **kwargs)


def _rectification(conn, found, *, dry_run, corrections, **_):
    """`corrections` maps a data category (or `collection.field`) to the approved new value."""
    corrections = corrections or {}
    collection = found.collection
    targets = {}
    for f in collection.fields:
        if f.primary_key:
            continue
        for name in (f"{collection.name}.{f.name}", *f.data_categories):
            if name in corrections:
                targets[f.name] = corrections[name]
                break
    pk = collection.primary_key
    changes = []
    for k, row in found.rows.items():
        values = {n: v for n, v in targets.items() if row[n] != v}
        if values:
            changes.append((k, values))
    _apply(conn, found, changes, dry_run)
    shown = [{**{n: k[i] for i, n in enumerate(pk)}, **v} for k, v in changes]
    return _result(found, shown, len(changes))


_STEPS = {
    ACCESS: _access,
    DESTRUCTION: _destruction,
    BLOCKING: _blocking,
    UNBLOCKING: _unblocking,
    RECTIFICATION: _rectification,
}
