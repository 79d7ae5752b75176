"""From the subject's identities to every row reachable through the map's references.

The walk goes in rounds. Round 0 looks up the identity fields; each later round looks up the
values the previous round's new rows hold in referencing fields, in whichever direction the
references allow (both, unless a reference names `direction`). Each round sends one query per
collection per batch of values (the values of all its looked-up fields OR-ed together), so the
number of queries grows with the collections and the depth, never with the rows. A value is
looked up in a field once: cycles end by themselves. Every primary key is collected before
anything changes. Passing the depth limit or the row cap fails loudly; nothing is truncated.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa

from .dataset import Collection, DatasetMap, edges

BATCH = 500  # values per query: well under every backend's parameter limit
ROW_CAP = 50_000
DEPTH_LIMIT = 20


class TraversalError(RuntimeError):
    pass


class RowCapExceeded(TraversalError):
    def __init__(self, cap: int):
        super().__init__(f"more than {cap} rows are reachable from this subject: raise the row cap or narrow the map")
        self.cap = cap


class DepthLimitReached(TraversalError):
    def __init__(self, limit: int):
        super().__init__(f"references lead more than {limit} steps from the identities: raise the depth limit")
        self.limit = limit


class SchemaMismatch(TraversalError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class Found:
    """The rows of one collection the subject reaches, by primary key (in the order found)."""

    collection: Collection
    table: sa.Table
    rows: dict[tuple, dict] = field(default_factory=dict)


def reflect(conn: sa.Connection, dataset_map: DatasetMap) -> tuple[dict, list[str]]:
    """Each collection's table as the database has it, and what the map names that it lacks."""
    inspector = sa.inspect(conn)
    metadata = sa.MetaData()
    tables, problems = {}, []
    by_schema: dict = defaultdict(list)
    for collection in dataset_map.collections.values():
        by_schema[collection.schema].append(collection)
    for schema, collections in by_schema.items():
        existing = set(inspector.get_table_names(schema=schema))
        wanted = sorted({c.name for c in collections if c.name in existing})
        if wanted:
            metadata.reflect(bind=conn, schema=schema, only=wanted)
        for collection in collections:
            where = f"{collection.dataset}.{collection.name}"
            if collection.name not in existing:
                problems.append(f"{where}: table {collection.name} is missing")
                continue
            table = metadata.tables[f"{schema}.{collection.name}" if schema else collection.name]
            for f in collection.fields:
                if f.name not in table.c:
                    problems.append(f"{where}.{f.name}: column {f.name} is missing")
            tables[collection.key] = table
    return tables, problems


def coerce(column: sa.Column, value):
    """The value as the column's type holds it, or None when it cannot be one (never an error:
    a hostile or mistyped identity simply matches nothing)."""
    if value is None:
        return None
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        return value
    if isinstance(value, python_type):
        return value
    try:
        if python_type is int:
            if isinstance(value, bool) or (isinstance(value, str) and not value.strip().lstrip("-").isdigit()):
                return None
            return int(value)
        if python_type is str:
            return str(value)
        return python_type(value)
    except (TypeError, ValueError, ArithmeticError):
        return None


def walk(
    conn: sa.Connection,
    dataset_map: DatasetMap,
    tables: dict,
    identities: dict[str, list],
    *,
    row_cap: int = ROW_CAP,
    depth_limit: int = DEPTH_LIMIT,
    lock: bool = False,
) -> dict[tuple[str, str], Found]:
    """Every reachable row, collection by collection. `lock` takes row locks (for changes)."""
    found = {key: Found(collection, tables[key]) for key, collection in dataset_map.collections.items()}
    flows = defaultdict(list)
    for edge in edges(dataset_map):
        flows[edge.source].append(edge)
    looked: dict[tuple, set] = defaultdict(set)
    pending: dict = defaultdict(lambda: defaultdict(set))
    for key, collection in dataset_map.collections.items():
        for f in collection.fields:
            if f.identity:
                for value in identities.get(f.identity) or ():
                    typed = coerce(tables[key].c[f.name], value)
                    if typed is not None:
                        pending[key][f.name].add(typed)
    total = 0
    depth = 0
    while pending:
        if depth > depth_limit:
            raise DepthLimitReached(depth_limit)
        following: dict = defaultdict(lambda: defaultdict(set))
        for key in sorted(pending):
            wanted = []
            for name, values in sorted(pending[key].items()):
                for value in sorted(values - looked[(key, name)], key=repr):
                    wanted.append((name, value))
                looked[(key, name)] |= values
            for start in range(0, len(wanted), BATCH):
                new_rows = _query(conn, found[key], wanted[start : start + BATCH], row_cap, lock)
                total += len(new_rows)
                if total > row_cap:
                    raise RowCapExceeded(row_cap)
                for row in new_rows:
                    for edge in flows[key]:
                        value = coerce(tables[edge.target].c[edge.target_field], row.get(edge.source_field))
                        if value is not None and value not in looked[(edge.target, edge.target_field)]:
                            following[edge.target][edge.target_field].add(value)
        pending = following
        depth += 1
    return found


def _query(conn, found: Found, wanted: list[tuple[str, object]], row_cap: int, lock: bool) -> list[dict]:
    """One SELECT for one batch: the rows not seen before, added to `found`."""
    table = found.table
    by_field = defaultdict(list)
    for name, value in wanted:
        by_field[name].append(value)
    where = sa.or_(*(table.c[name].in_(values) for name, values in by_field.items()))
    columns = [table.c[f.name] for f in found.collection.fields]
    pk = found.collection.primary_key
    statement = sa.select(*columns).where(where).order_by(*(table.c[n] for n in pk)).limit(row_cap + 1)
    if lock and conn.dialect.name != "sqlite":
        statement = statement.with_for_update()
    rows = conn.execute(statement).mappings().all()
    if len(rows) > row_cap:  # that many distinct rows are reachable: never cut the answer short
        raise RowCapExceeded(row_cap)
    new = []
    for row in rows:
        key = tuple(row[n] for n in pk)
        if key not in found.rows:
            found.rows[key] = dict(row)
            new.append(found.rows[key])
    return new
