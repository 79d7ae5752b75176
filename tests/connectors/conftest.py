"""Operator databases for connector tests: SQLite always; PostgreSQL and MariaDB when their
servers answer (each test database is `conn_<random>`, dropped afterwards). A server that does
not answer skips its tests, unless DSAR_REQUIRE_SERVICES=1, where it fails them."""

import os
import uuid

import pytest
import sqlalchemy as sa

from dsar.connectors import engine as engines

SERVERS = {
    "postgresql": os.environ.get("DSAR_CONNECTORS_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    "mariadb": os.environ.get("DSAR_CONNECTORS_MYSQL_URL", "mariadb://root@127.0.0.1:3306/"),
}


def _server_or_skip(kind: str) -> sa.Engine:
    admin = engines.create(SERVERS[kind], connect_timeout=3)
    try:
        with admin.connect():
            pass
    except sa.exc.OperationalError as exc:
        if os.environ.get("DSAR_REQUIRE_SERVICES") == "1":
            raise
        pytest.skip(f"needs {kind} at {engines.redacted(SERVERS[kind])}: {type(exc.orig).__name__}")
    return admin


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def backend_url(request, tmp_path):
    """A fresh, empty operator database on each backend; its URL."""
    kind = request.param
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'operator.db'}"
        return
    admin = _server_or_skip(kind)
    name = f"conn_{uuid.uuid4().hex[:12]}"
    autocommit = admin.execution_options(isolation_level="AUTOCOMMIT")
    with autocommit.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    url = engines.parse_url(SERVERS[kind]).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with autocommit.connect() as conn:
            if kind == "postgresql":
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            else:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        admin.dispose()
