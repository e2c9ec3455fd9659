"""Engines and sessions. Nothing connects at import time: call :func:`make_engine`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def normalise_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 here."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str, **kw: Any) -> Engine:
    """An engine for ``url``. Its errors and logs never show the statements' parameters
    (``hide_parameters``): they are national IDs, names and amounts. On PostgreSQL every
    pooled connection is checked before use (``pool_pre_ping``), so the loss of the database's
    connections costs at most the requests then running, not a restart."""
    url = normalise_url(url)
    kw.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **kw)

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
            # pysqlite's own transaction handling off, so that BEGIN IMMEDIATE below applies:
            # writers take the lock at BEGIN and queue instead of failing mid-transaction.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            if ":memory:" not in url:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # A unit for reads only (READ_ONLY below) begins deferred: under WAL it reads the
            # last committed state while a writer holds the lock, instead of queueing behind
            # it (which deadlocks when the writer itself waits for that read).
            if conn.get_execution_options().get(READ_ONLY):
                conn.exec_driver_sql("BEGIN")
            else:
                conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    kw.setdefault("pool_size", 10)
    kw.setdefault("max_overflow", 20)
    return create_engine(url, pool_pre_ping=True, **kw)


READ_ONLY = "tashilat_read_only"
"""Execution option marking an engine whose transactions only read (see ``read_only``)."""


def read_only(engine: Engine) -> Engine:
    """The same database for transactions that only read: autocommit on PostgreSQL (no
    BEGIN/ROLLBACK round trips), a deferred BEGIN on SQLite (no write lock taken)."""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="AUTOCOMMIT")
    return engine.execution_options(**{READ_ONLY: True})


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
