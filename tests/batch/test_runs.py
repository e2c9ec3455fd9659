"""Determinism, restart after a kill, the Dask engine and the DuckDB comparison."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tashilat.adapters.batch import layout
from tashilat.adapters.batch.baseline import run_query
from tashilat.adapters.batch.generate import write_partitions
from tashilat.adapters.batch.runner import (
    RunError,
    context_for,
    dask_client,
    read_manifest,
    run_partitions,
    task_key,
)
from tashilat.policy import PolicySnapshot
from tests.batch.conftest import small_spec


def tree(run: Path, sub: str) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((run / sub).glob("*.parquet"))}


def test_same_input_gives_byte_identical_files(tmp_path: Path, policy: PolicySnapshot) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    write_partitions(small_spec(), policy, a)
    write_partitions(small_spec(), policy, b)
    assert tree(a, "input") == tree(b, "input") and len(tree(a, "input")) == 16
    ra = run_partitions(a, policy)
    run_partitions(b, policy)
    assert tree(a, "output") == tree(b, "output") and len(tree(a, "output")) == 20
    assert (a / "summary.json").read_bytes() == (b / "summary.json").read_bytes()
    assert ra.totals["accounts"] == 1500 and ra.totals["penalties"] > 0
    meta = pq.ParquetFile(a / "output" / "accounts-00000.parquet").metadata
    assert meta.metadata is None or not any(b"time" in k for k in meta.metadata)
    # and again in the same directory: nothing recomputed, nothing changed
    again = run_partitions(a, policy)
    assert again.computed == 0 and tree(a, "output") == tree(b, "output")


def test_a_killed_run_restarts_and_finishes_identically(
    generated: Path, tmp_path: Path, policy: PolicySnapshot
) -> None:
    clean = tmp_path / "clean"
    shutil.copytree(generated, clean)
    run_partitions(clean, policy)
    # killed after two partitions ...
    first = run_partitions(generated, policy, stop_after=2)
    assert first.computed == 2 and not (generated / "summary.json").exists()
    # ... while writing a third: a temporary file and a half-written output, no record
    (generated / "output" / ".accounts-00002.parquet.x.tmp").write_bytes(b"partial")
    (generated / "output" / "accounts-00002.parquet").write_bytes(b"torn")
    # and one finished partition whose output was torn after its record
    torn = layout.output_path(generated, "months", 1)
    torn.write_bytes(torn.read_bytes()[:100])
    second = run_partitions(generated, policy)
    assert second.skipped == 1 and second.computed == 3
    assert tree(generated, "output") == tree(clean, "output")
    assert (generated / "summary.json").read_bytes() == (clean / "summary.json").read_bytes()
    assert not list((generated / "output").glob(".*.tmp"))


def test_a_run_directory_holds_one_month_end(generated: Path, policy: PolicySnapshot) -> None:
    with pytest.raises(RunError):
        write_partitions(small_spec(as_of=small_spec().as_of.replace(day=2)), policy, generated)


def _worker_state() -> tuple[bool, str | None]:
    import os

    from tashilat.adapters.batch import partition

    return partition._TUNED, os.environ.get("OMP_NUM_THREADS")


def test_dask_engine_equals_local(generated: Path, tmp_path: Path, policy: PolicySnapshot) -> None:
    local = tmp_path / "local"
    shutil.copytree(generated, local)
    run_partitions(local, policy, engine="local")
    with dask_client(None, workers=2) as client:
        # warmed before any partition (the allocator set up, which only the warm-up and a
        # partition do), one thread per worker (the nanny's OMP_NUM_THREADS keeps Arrow's
        # pool to one thread too)
        assert sorted(client.run(_worker_state).values()) == [(True, "1")] * 2
        result = run_partitions(generated, policy, engine="dask", client=client)
        assert result.computed == 4
        assert len(client.scheduler_info()["workers"]) == 2
    assert tree(generated, "output") == tree(local, "output")
    assert (generated / "summary.json").read_bytes() == (local / "summary.json").read_bytes()


def test_dask_keys_are_the_run_directorys_own(
    generated: Path, tmp_path: Path, policy: PolicySnapshot
) -> None:
    ctx = context_for(read_manifest(generated), policy)
    a = task_key(tmp_path / "a", ("accounts", 3), ctx)
    assert a.startswith("month-end-accounts-00003-20168-")  # 1404/01/01 is epoch day 20168
    assert a == task_key(tmp_path / "a", ("accounts", 3), ctx)
    assert a != task_key(tmp_path / "b", ("accounts", 3), ctx)
    assert a != task_key(tmp_path / "a", ("employment", 3), ctx)


def test_hand_written_duckdb_query_agrees(generated: Path, policy: PolicySnapshot) -> None:
    run_partitions(generated, policy)
    duck = run_query(generated, policy)

    def cat(kind: str) -> pa.Table:
        return pa.concat_tables(
            pq.read_table(p) for p in sorted((generated / "output").glob(f"{kind}-*.parquet"))
        )

    months = cat("months")["structures_rial"].combine_chunks().flatten().to_numpy()
    assert np.array_equal(months, duck["months"]["structure"].to_numpy())
    years = cat("years")
    for ours, theirs in (
        ("average_rial", "average"),
        ("reference_average_rial", "ref"),
        ("entitlement_rial", "entitlement"),
        ("cap_rial", "cap"),
    ):
        assert years[ours].to_pylist() == [
            None if v is None else int(v) for v in duck["years"][theirs].to_pylist()
        ]
    accounts = cat("accounts")
    assert accounts["cap_rial"].to_pylist() == [int(v) for v in duck["accounts"]["cap"].to_pylist()]
    assert accounts["entitlement_rial"].to_pylist() == [
        int(v) for v in duck["accounts"]["entitlement"].to_pylist()
    ]
    assert sum(accounts["entitlement_rial"].to_pylist()) > 0
