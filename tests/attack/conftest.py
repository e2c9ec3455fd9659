"""Fixtures of the attack suite: one fresh PostgreSQL database with branches and staff, and
``tashilat serve --workers 2`` over it in a subprocess. After the run, one summary line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tashilat.bootstrap import build, init_database
from tashilat.domain.jalali import parse_jalali
from tashilat.settings import Settings
from tests.integration.conftest import create_pg_database, drop_pg_database
from tests.integration.employment_helpers import emp_world

from .harness import STATS, Server


@pytest.fixture(scope="session")
def attack_db() -> Iterator[str]:
    """A migrated database with the branches, staff, agencies, banks and allocations of
    ``tests.integration.employment_helpers.emp_world`` (password ``correct horse 1``), at
    business date 1403/09/01."""
    name, url = create_pg_database()
    c = build(Settings(database_url=url))
    try:
        init_database(c, business_date=parse_jalali("1403/01/15"))
        emp_world(c)
    finally:
        c.dispose()
    try:
        yield url
    finally:
        drop_pg_database(name)


@pytest.fixture(scope="session")
def server(attack_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log: Path = tmp_path_factory.mktemp("attack") / "serve.log"
    srv = Server(attack_db, log)
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if STATS.requests == 0:
        return
    for route, n in STATS.by_route.most_common():
        terminalreporter.write_line(f"attack 5xx: {n} × {route}")
    for sample in STATS.samples[:5]:
        terminalreporter.write_line(f"attack 5xx sample: {sample}")
    for v in STATS.violations:
        terminalreporter.write_line(f"attack invariant broken: {v}")
    terminalreporter.write_line(STATS.line())
