"""The database path at COPY speed against the row-by-row path, on the same fixture
database: the export writes the same input bytes (so the outputs are the same bytes), and
the set-based write-back leaves the database exactly as posting charge by charge does —
same result rows, same instalments, same journal entries and postings — exactly once."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import text

from tashilat.adapters.batch import export, layout, runner
from tashilat.bootstrap import Container, build, init_database
from tashilat.jobs import month_end as job
from tashilat.jobs import writeback
from tashilat.settings import Settings
from tests.batch.test_database import AS_OF, seed
from tests.integration.conftest import (
    START,
    _pg_conninfo,
    create_pg_database,
    drop_pg_database,
    postgres_admin_url,
)


def _files(run: Path, sub: str) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((run / sub).glob("*.parquet"))}


@pytest.mark.postgres
def test_copy_export_is_byte_identical(pg_container: Container, tmp_path: Path) -> None:
    c = pg_container
    seed(c)
    rows, copied = tmp_path / "rows", tmp_path / "copy"
    export.export(c.engine, rows, as_of=AS_OF, policy=c.policy, partition_size=50, copy=False)
    export.export(
        c.engine, copied, as_of=AS_OF, policy=c.policy, partition_size=50, copy=True, connections=2
    )
    a, b = _files(rows, "input"), _files(copied, "input")
    assert len(a) == 4 * 3 + 2 and sorted(a) == sorted(b)
    assert a == b
    assert layout.read_json(rows / "manifest.json") == layout.read_json(copied / "manifest.json")
    for run in (rows, copied):
        assert runner.run_partitions(run, c.policy).complete
    assert _files(rows, "output") == _files(copied, "output")
    assert (rows / "summary.json").read_bytes() == (copied / "summary.json").read_bytes()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def twins(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Container, Container]]:
    """Two databases holding the same seeded book (the second a copy of the first)."""
    pg: list[str] = []
    if request.param == "sqlite":
        first, second = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
        url_a, url_b = f"sqlite:///{first}", f"sqlite:///{second}"
    else:
        name, url_a = create_pg_database()
        pg.append(name)
    a = build(Settings(database_url=url_a))
    init_database(a, business_date=START)
    seed(a)
    a.dispose()
    if request.param == "sqlite":
        shutil.copyfile(first, second)
    else:
        copy = f"tashilat_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(_pg_conninfo(postgres_admin_url()), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{pg[0]}"')
        pg.append(copy)
        url_b = url_a.rpartition("/")[0] + f"/{copy}"
    a = build(Settings(database_url=url_a))
    b = build(Settings(database_url=url_b))
    try:
        yield a, b
    finally:
        a.dispose()
        b.dispose()
        for name in pg:
            drop_pg_database(name)


SNAPSHOT = {
    "month_end_accounts": "SELECT * FROM month_end_accounts ORDER BY as_of, account_id",
    "month_end_loans": "SELECT * FROM month_end_loans ORDER BY as_of, loan_id",
    "month_end_runs": "SELECT as_of, policy_hash, accounts, eligible, entitlement_rial, loans, "
    "overdue_rial, penalties_posted, penalty_posted_rial, output_digest FROM month_end_runs",
    "loan_instalments": "SELECT * FROM loan_instalments ORDER BY id",
    "entries": "SELECT request_id, kind, business_date, memo, created_by FROM journal_entries "
    "ORDER BY request_id",
    "postings": "SELECT j.request_id, la.code, la.name, la.type, p.amount FROM postings p "
    "JOIN journal_entries j ON j.id = p.entry_id JOIN ledger_accounts la "
    "ON la.id = p.ledger_account_id ORDER BY j.request_id, la.code",
}


def snapshot(c: Container) -> dict[str, list[Any]]:
    with c.engine.connect() as conn:
        return {k: [tuple(r) for r in conn.execute(text(q))] for k, q in SNAPSHOT.items()}


def test_database_path_equals_the_row_path(
    twins: tuple[Container, Container], tmp_path: Path
) -> None:
    old, new = twins
    assert snapshot(old) == snapshot(new)
    ran = []
    for c, fast in ((old, False), (new, True)):
        run = tmp_path / ("new" if fast else "old")
        export.export(c.engine, run, as_of=AS_OF, policy=c.policy, partition_size=50, copy=fast)
        assert runner.run_partitions(run, c.policy).complete
        ran.append(writeback.write_back(c, run, set_based=fast))
    assert ran[0] == ran[1]
    assert ran[1].penalties_posted > 0 and ran[1].penalty_posted_rial > 0
    assert _files(tmp_path / "old", "output") == _files(tmp_path / "new", "output")
    after = snapshot(new)
    assert snapshot(old) == after
    late = [e for e in after["entries"] if e[1] == "loan.penalty"]
    assert len(late) == ran[1].penalties_posted

    # exactly once: another run directory at the same date posts nothing (its loan rows now
    # show the charges as accrued, nothing left to post), and the first directory's charges
    # written back again, set-based from scratch, find every request id taken
    def ledger(c: Container) -> list[Any]:
        s = snapshot(c)
        return [s[k] for k in ("entries", "postings", "loan_instalments", "month_end_accounts")]

    before = ledger(new)
    again = job.month_end(as_of=AS_OF, run=tmp_path / "again", policy=new.policy, container=new)
    assert again.written is not None and again.written.penalties_posted == 0
    assert again.result.totals["penalties"] == 0
    assert ledger(new) == before
    for marker in (tmp_path / "new" / "done").glob("*.db.json"):
        marker.unlink()
    redo = writeback.write_back(new, tmp_path / "new")
    assert redo.penalties_posted == 0 and redo.penalties_skipped == ran[1].penalties_posted
    assert ledger(new) == before
