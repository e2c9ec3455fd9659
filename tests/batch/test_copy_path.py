"""The PostgreSQL COPY path against the row-by-row path on the same fixture database: the
export writes the same input bytes, so the month-end's outputs are the same bytes; the
set-based write-back writes the same rows and posts the same charges, exactly once."""

from __future__ import annotations

from pathlib import Path

import pytest

from tashilat.adapters.batch import export, layout, runner
from tashilat.bootstrap import Container
from tests.batch.test_database import AS_OF, seed


def _files(run: Path, sub: str) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((run / sub).glob("*.parquet"))}


@pytest.mark.postgres
def test_copy_export_is_byte_identical(pg_container: Container, tmp_path: Path) -> None:
    c = pg_container
    seed(c)
    rows, copied = tmp_path / "rows", tmp_path / "copy"
    export.export(c.engine, rows, as_of=AS_OF, policy=c.policy, partition_size=50, copy=False)
    export.export(
        c.engine, copied, as_of=AS_OF, policy=c.policy, partition_size=50, copy=True, connections=3
    )
    a, b = _files(rows, "input"), _files(copied, "input")
    assert len(a) == 4 * 3 + 2 and sorted(a) == sorted(b)
    assert a == b
    assert layout.read_json(rows / "manifest.json") == layout.read_json(copied / "manifest.json")
    for run in (rows, copied):
        assert runner.run_partitions(run, c.policy).complete
    assert _files(rows, "output") == _files(copied, "output")
    assert (rows / "summary.json").read_bytes() == (copied / "summary.json").read_bytes()
