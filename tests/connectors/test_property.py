"""Random schemas and subjects: access finds exactly the rows reachable from the subject's
identities, and destruction changes exactly those rows' personal fields (SQLite files)."""

import tempfile
from pathlib import Path

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsar.connectors import actions, dataset
from dsar.connectors import engine as engines

EMAILS = ["a@x.kz", "b@x.kz", "c@x.kz"]


@st.composite
def worlds(draw):
    n = draw(st.integers(2, 5))
    names = [f"t{i}" for i in range(n)]
    links = {name: draw(st.integers(0, 2)) for name in names}  # link columns l0.. per table
    identity_tables = draw(st.lists(st.sampled_from(names), min_size=1, max_size=n, unique=True))
    references = []  # (table, column, target table, target column, direction)
    for name in names:
        for j in range(links[name]):
            target = draw(st.sampled_from(names))
            target_col = draw(st.sampled_from(["id"] + [f"l{k}" for k in range(links[target])]))
            if (target, target_col) == (name, f"l{j}"):
                continue
            references.append((name, f"l{j}", target, target_col, draw(st.sampled_from([None, "from", "to"]))))
    rows = {}
    next_id = 1
    for name in names:
        rows[name] = []
        for _ in range(draw(st.integers(0, 6))):
            row = {"id": next_id, "p": f"personal {next_id}", "s": next_id * 10}
            next_id += 1
            if name in identity_tables:
                row["email"] = draw(st.sampled_from([*EMAILS, None]))
            for j in range(links[name]):
                row[f"l{j}"] = draw(st.one_of(st.none(), st.integers(1, next_id + 2)))
            rows[name].append(row)
    subject = draw(st.sampled_from(EMAILS))
    return names, links, identity_tables, references, rows, subject


def _document(names, links, identity_tables, references):
    collections = []
    for name in names:
        fields = [
            {"name": "id", "fides_meta": {"primary_key": True}},
            {"name": "p", "data_categories": ["user.name"]},
            {"name": "s", "data_categories": ["system.operations"]},
        ]
        if name in identity_tables:
            fields.append(
                {"name": "email", "data_categories": ["user.contact.email"], "fides_meta": {"identity": "email"}}
            )
        for j in range(links[name]):
            refs = [
                {"field": f"{t}.{tc}", **({"direction": d} if d else {})}
                for (src, col, t, tc, d) in references
                if (src, col) == (name, f"l{j}")
            ]
            fields.append({"name": f"l{j}", "fides_meta": {"references": refs} if refs else {}})
        collections.append({"name": name, "fields": fields})
    return {"dataset": [{"fides_key": "w", "collections": collections}]}


def _reachable(rows, identity_tables, references, subject):
    """The naive fixpoint, row by row: what the subject reaches (table → ids)."""
    flows = []
    for src, col, target, target_col, direction in references:
        if direction in (None, "to"):
            flows.append((src, col, target, target_col))
        if direction in (None, "from"):
            flows.append((target, target_col, src, col))
    reached = {
        name: {r["id"] for r in rows[name] if name in identity_tables and r["email"] == subject} for name in rows
    }
    changed = True
    while changed:
        changed = False
        for src, col, target, target_col in flows:
            values = {r[col] for r in rows[src] if r["id"] in reached[src] and r[col] is not None}
            for r in rows[target]:
                if r[target_col] in values and r["id"] not in reached[target]:
                    reached[target].add(r["id"])
                    changed = True
    return {name: ids for name, ids in reached.items() if ids}


def _build(url, names, links, identity_tables, rows):
    engine = engines.create(url)
    metadata = sa.MetaData()
    tables = {}
    for name in names:
        columns = [
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("p", sa.String(50)),
            sa.Column("s", sa.Integer),
        ]
        if name in identity_tables:
            columns.append(sa.Column("email", sa.String(50)))
        columns += [sa.Column(f"l{j}", sa.Integer) for j in range(links[name])]
        tables[name] = sa.Table(name, metadata, *columns)
    metadata.create_all(engine)
    with engine.begin() as conn:
        for name in names:
            if rows[name]:
                conn.execute(tables[name].insert(), rows[name])
    return engine, tables


def _snapshot(engine, tables):
    with engine.connect() as conn:
        return {n: {r.id: dict(r._mapping) for r in conn.execute(sa.select(t))} for n, t in tables.items()}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_it_finds_and_masks_exactly_the_reachable_rows(world):
    names, links, identity_tables, references, rows, subject = world
    dataset_map = dataset.parse(_document(names, links, identity_tables, references))
    expected = _reachable(rows, identity_tables, references, subject)
    with tempfile.TemporaryDirectory() as folder:
        engine, tables = _build(f"sqlite:///{Path(folder) / 'w.db'}", names, links, identity_tables, rows)
        try:
            outcome = actions.run(engine, dataset_map, action="access", identities={"email": [subject]})
            assert {c.collection: {r["id"] for r in c.rows} for c in outcome.collections} == expected
            before = _snapshot(engine, tables)
            actions.run(engine, dataset_map, action="destruction", identities={"email": [subject]})
            after = _snapshot(engine, tables)
        finally:
            engine.dispose()
    for name in names:
        for i, row in before[name].items():
            masked = {k: (None if k in ("p", "email") else v) for k, v in row.items()}
            assert after[name][i] == (masked if i in expected.get(name, ()) else row)
