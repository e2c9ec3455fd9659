"""Integration fixtures: a fresh database built by the migrations, on SQLite and on
PostgreSQL. PostgreSQL tests read ``TASHILAT_TEST_POSTGRES_URL`` (an admin URL such as
``postgresql://postgres@127.0.0.1:5432/postgres``); in CI (``CI=true``) a missing URL is a
failure, not a skip."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tashilat.bootstrap import Container, build, init_database
from tashilat.domain.jalali import parse_jalali
from tashilat.settings import Settings

PG_ADMIN_URL = os.environ.get("TASHILAT_TEST_POSTGRES_URL")


def postgres_admin_url() -> str:
    if not PG_ADMIN_URL:
        if os.environ.get("CI"):
            pytest.fail("TASHILAT_TEST_POSTGRES_URL is not set in CI: PostgreSQL tests must run")
        pytest.skip("TASHILAT_TEST_POSTGRES_URL not set")
    return PG_ADMIN_URL


def _pg_conninfo(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def create_pg_database() -> tuple[str, str]:
    admin = _pg_conninfo(postgres_admin_url())
    name = f"tashilat_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = admin.rpartition("/")
    return name, f"{base}/{name}"


def drop_pg_database(name: str) -> None:
    admin = _pg_conninfo(postgres_admin_url())
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


START = parse_jalali("1403/01/15")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def container(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Container]:
    """A migrated, initialised database on each backend."""
    if request.param == "sqlite":
        url, name = f"sqlite:///{tmp_path / 'tashilat.sqlite3'}", None
    else:
        name, url = create_pg_database()
    c = build(Settings(database_url=url))
    init_database(c, business_date=START)
    try:
        yield c
    finally:
        c.dispose()
        if name:
            drop_pg_database(name)


@pytest.fixture
def pg_container() -> Iterator[Container]:
    """PostgreSQL only (concurrency tests)."""
    name, url = create_pg_database()
    c = build(Settings(database_url=url))
    init_database(c, business_date=START)
    try:
        yield c
    finally:
        c.dispose()
        drop_pg_database(name)
