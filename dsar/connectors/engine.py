"""SQLAlchemy Core engines for the operator's databases, with timeouts and read-only access.

URLs are written as SQLAlchemy writes them. A bare scheme gets the driver the project ships:
`postgresql://` (or `postgres://`) → psycopg 3, `mysql://` and `mariadb://` → PyMySQL;
`sqlite:///path` as it is. Every connection has a connect timeout and a statement timeout.
"""

from __future__ import annotations

import contextlib
import time

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

DRIVERS = {
    "postgres": "postgresql+psycopg",
    "postgresql": "postgresql+psycopg",
    "postgresql+psycopg": "postgresql+psycopg",
    "mysql": "mysql+pymysql",
    "mysql+pymysql": "mysql+pymysql",
    "mariadb": "mariadb+pymysql",
    "mariadb+pymysql": "mariadb+pymysql",
    "sqlite": "sqlite",
    "sqlite+pysqlite": "sqlite",
}
CONNECT_TIMEOUT = 10
STATEMENT_TIMEOUT = 30


class ConnectorURLError(ValueError):
    pass


def parse_url(url: str) -> URL:
    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001 - whatever SQLAlchemy raises, the person sees one message
        raise ConnectorURLError("not a database URL (e.g. postgresql://user:password@host:5432/name)") from None
    driver = DRIVERS.get(parsed.drivername)
    if driver is None:
        raise ConnectorURLError(f"unsupported database {parsed.drivername!r}: use postgresql, mysql, mariadb or sqlite")
    return parsed.set(drivername=driver)


def redacted(url: str) -> str:
    """The URL as a person may see it again: the password is never shown back."""
    try:
        return parse_url(url).render_as_string(hide_password=True)
    except ConnectorURLError:
        return "(invalid URL)"


def family(engine_or_url) -> str:
    name = (
        engine_or_url.dialect.name if hasattr(engine_or_url, "dialect") else parse_url(engine_or_url).get_backend_name()
    )
    return "mysql" if name in ("mysql", "mariadb") else name


def create(
    url: str, *, connect_timeout: int = CONNECT_TIMEOUT, statement_timeout: int = STATEMENT_TIMEOUT
) -> sa.Engine:
    parsed = parse_url(url)
    backend = parsed.get_backend_name()
    connect_args: dict = {}
    if backend == "postgresql":
        connect_args = {
            "connect_timeout": connect_timeout,
            "options": f"-c statement_timeout={statement_timeout * 1000} -c lock_timeout={statement_timeout * 1000}",
        }
    elif backend in ("mysql", "mariadb"):
        connect_args = {
            "connect_timeout": connect_timeout,
            "read_timeout": statement_timeout + 5,
            "write_timeout": statement_timeout + 5,
            "charset": "utf8mb4",
        }
    elif backend == "sqlite":
        connect_args = {"timeout": connect_timeout}
    engine = sa.create_engine(parsed, connect_args=connect_args, poolclass=sa.pool.NullPool)
    if backend in ("mysql", "mariadb"):

        @sa.event.listens_for(engine, "connect")
        def _timeouts(dbapi_connection, _record):
            with dbapi_connection.cursor() as cursor:
                # MariaDB counts seconds in max_statement_time; MySQL milliseconds in max_execution_time.
                cursor.execute("SELECT VERSION()")
                version = cursor.fetchone()[0]
                if "mariadb" in version.lower():
                    cursor.execute(f"SET SESSION max_statement_time = {int(statement_timeout)}")
                else:
                    cursor.execute(f"SET SESSION max_execution_time = {int(statement_timeout) * 1000}")
                cursor.execute(f"SET SESSION innodb_lock_wait_timeout = {int(statement_timeout)}")

    elif backend == "sqlite":

        @sa.event.listens_for(engine, "connect")
        def _deadline(dbapi_connection, record):
            # SQLite has no statement timeout: a progress handler interrupts what runs too long.
            dbapi_connection.isolation_level = None  # SQLAlchemy's begin() then issues BEGIN itself
            started = record.info.setdefault("dsar_started", {})

            def check():
                first = started.setdefault("at", time.monotonic())
                return 1 if time.monotonic() - first > statement_timeout else 0

            dbapi_connection.set_progress_handler(check, 10000)

        @sa.event.listens_for(engine, "begin")
        def _begin(conn):
            conn.exec_driver_sql("BEGIN")

        @sa.event.listens_for(engine, "before_cursor_execute")
        def _reset(conn, cursor, statement, parameters, context, executemany):
            conn.connection.info.get("dsar_started", {}).clear()

    return engine


@contextlib.contextmanager
def read_only(engine: sa.Engine):
    """A connection in a read-only transaction: any write attempted in it fails."""
    with engine.connect() as conn:
        kind = family(engine)
        if kind == "sqlite":
            conn.exec_driver_sql("PRAGMA query_only = ON")
            conn.commit()
        with conn.begin():
            if kind in ("postgresql", "mysql"):
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            yield conn
        if kind == "sqlite":
            conn.exec_driver_sql("PRAGMA query_only = OFF")
            conn.commit()


@contextlib.contextmanager
def read_write(engine: sa.Engine):
    """One transaction for the whole connector: a failure anywhere rolls back all of it."""
    with engine.begin() as conn:
        yield conn
