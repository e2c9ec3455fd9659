"""The partition functions (local and Dask alike) and their ``done`` records (docs/batch.md).

Each reads one input partition, computes, writes its outputs atomically, then its ``done``
record; a partition whose ``done`` file and outputs are in place is finished and is skipped
when a run is started again.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from tashilat.adapters.batch import layout
from tashilat.adapters.batch.calendar import from_epoch_day
from tashilat.adapters.batch.kernel import Context, account_month_end, loan_month_end
from tashilat.adapters.batch.partition_io import (
    account_tables,
    employment_tables,
    loan_tables,
    read_accounts,
    read_loans,
)

_TUNED = False


def tune_allocator() -> None:
    """Keep freed memory in the process instead of returning it to the kernel after every
    array (glibc ``mallopt``): each partition then reuses the pages of the one before
    rather than faulting in fresh ones, which halves the partition function's time on these
    virtual machines. Memory stays bounded by the largest partition. Once per process;
    ``TASHILAT_BATCH_MALLOPT=0`` turns it off; a no-op without glibc."""
    global _TUNED
    if _TUNED or os.environ.get("TASHILAT_BATCH_MALLOPT") == "0":
        return
    _TUNED = True
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    m_trim_threshold, m_top_pad, m_mmap_threshold = -1, -2, -3
    libc.mallopt(m_mmap_threshold, 256 << 20)
    libc.mallopt(m_trim_threshold, 1 << 30)
    libc.mallopt(m_top_pad, 64 << 20)


def process_partition(run_dir: str, part: int, ctx: Context) -> dict[str, Any]:
    """THE partition function (local and Dask alike): read one input partition, compute,
    write its outputs atomically, then its ``done`` record. Returns the record."""
    tune_allocator()
    run = Path(run_dir)
    acc = read_accounts(run, part)
    res = account_month_end(acc, ctx)
    loans = loan_month_end(read_loans(run, part), ctx)
    tables = account_tables(res) | loan_tables(loans, from_epoch_day(ctx.as_of))
    files: dict[str, dict[str, Any]] = {}
    for kind in layout.OUTPUTS:
        path = layout.output_path(run, kind, part)
        layout.write_table(path, tables[kind], delta=kind == "months")
        files[kind] = {
            "file": path.name,
            "rows": tables[kind].num_rows,
            "bytes": path.stat().st_size,
            "sha256": layout.sha256(path),
        }
    totals = {
        "accounts": len(res.account_id),
        "events": len(acc.day),
        "months": int(res.completed_months.sum()),
        "years": len(res.y_year),
        "eligible": int(np.count_nonzero(res.outcome == 2)),
        "entitlement_rial": int(res.entitlement.sum()),
        "profit_rial": int(res.profit.sum()),
        "loans": len(loans.loan_id),
        "overdue_instalments": int(loans.overdue_instalments.sum()),
        "overdue_rial": int(loans.overdue.sum()),
        "penalties": len(loans.p_instalment),
        "penalty_increment_rial": int(loans.p_increment.sum()),
    }
    record = {
        "partition": part,
        "accounts": [int(acc.account_id[0]), int(acc.account_id[-1])]
        if len(acc.account_id)
        else None,
        "files": files,
        "totals": totals,
    }
    layout.write_json(layout.done_path(run, part), record)
    return record


def _write_outputs(
    run: Path, tables: dict[str, pa.Table], path_of: Callable[[str], Path]
) -> dict[str, dict[str, Any]]:
    files: dict[str, dict[str, Any]] = {}
    for kind, table in tables.items():
        path = path_of(kind)
        layout.write_table(path, table)
        files[kind] = {
            "file": path.name,
            "rows": table.num_rows,
            "bytes": path.stat().st_size,
            "sha256": layout.sha256(path),
        }
    return files


def process_employment_partition(run_dir: str, part: int, ctx: Context) -> dict[str, Any]:
    """The employment partition function (local and Dask alike): the same loan kernel as
    the youth-fund loans, on live employment loans keyed by application id."""
    tune_allocator()
    run = Path(run_dir)
    loans = loan_month_end(read_loans(run, part, employment=True), ctx)
    tables = employment_tables(loans, from_epoch_day(ctx.as_of))
    files = _write_outputs(run, tables, lambda kind: layout.output_path(run, kind, part))
    totals = {
        "employment_loans": len(loans.loan_id),
        "employment_overdue_instalments": int(loans.overdue_instalments.sum()),
        "employment_overdue_rial": int(loans.overdue.sum()),
        "employment_penalties": len(loans.p_instalment),
        "employment_penalty_increment_rial": int(loans.p_increment.sum()),
    }
    record = {"employment_partition": part, "files": files, "totals": totals}
    layout.write_json(layout.emp_done_path(run, part), record)
    return record


def _median(values: list[int]) -> float:
    v = sorted(values)
    k = len(v) // 2
    return float(v[k]) if len(v) % 2 else (v[k - 1] + v[k]) / 2


def statistics_tables(allocs: pa.Table, apps: pa.Table) -> dict[str, pa.Table]:
    """Allocation use per agency × province × year, the pipeline by state and the median
    days from submission to disbursement per agency and bank (the figures of
    ``employment.allocation_report``, ``pipeline_report`` and ``speed_report``)."""
    a = allocs.to_pydict()
    allocations = pa.table(
        {
            "agency": allocs["agency"],
            "agency_name": allocs["agency_name"],
            "province": allocs["province"],
            "year": allocs["year"],
            "amount_rial": allocs["amount_rial"],
            "reserved_rial": allocs["reserved_rial"],
            "posted_rial": allocs["posted_rial"],
            "free_rial": pa.array(
                [
                    x - r - p
                    for x, r, p in zip(
                        a["amount_rial"], a["reserved_rial"], a["posted_rial"], strict=True
                    )
                ],
                type=pa.int64(),
            ),
            "category_cap_rial": allocs["category_cap_rial"],
            "category_used_rial": pc.add(
                allocs["category_reserved_rial"], allocs["category_posted_rial"]
            ),
            "repeat_cap_rial": allocs["repeat_cap_rial"],
            "repeat_used_rial": pc.add(
                allocs["repeat_reserved_rial"], allocs["repeat_posted_rial"]
            ),
        }
    )
    p = apps.to_pydict()
    by_state: dict[str, list[int]] = {}
    speed: dict[tuple[str, str], list[int]] = {}
    for st, amount, agency, bank, sub, dis in zip(
        p["state"],
        p["amount_rial"],
        p["agency"],
        p["bank"],
        p["submitted_on"],
        p["disbursed_on"],
        strict=True,
    ):
        c = by_state.setdefault(st, [0, 0])
        c[0] += 1
        c[1] += amount
        if dis is not None and bank is not None:
            speed.setdefault((agency, bank), []).append((dis - sub).days)
    states = sorted(by_state)
    pipeline = pa.table(
        {
            "state": pa.array(states, type=pa.string()),
            "count": pa.array([by_state[s][0] for s in states], type=pa.int64()),
            "amount_rial": pa.array([by_state[s][1] for s in states], type=pa.int64()),
        }
    )
    keys = sorted(speed)
    speeds = pa.table(
        {
            "agency": pa.array([k[0] for k in keys], type=pa.string()),
            "bank": pa.array([k[1] for k in keys], type=pa.string()),
            "loans": pa.array([len(speed[k]) for k in keys], type=pa.int64()),
            "median_days": pa.array([_median(speed[k]) for k in keys], type=pa.float64()),
        }
    )
    return {"allocations": allocations, "pipeline": pipeline, "speed": speeds}


def process_statistics(run_dir: str, ctx: Context) -> dict[str, Any]:
    """The run's allocation and pipeline statistics (one small task after the export)."""
    run = Path(run_dir)
    tables = statistics_tables(
        pq.read_table(layout.stat_input_path(run, "allocations")),
        pq.read_table(layout.stat_input_path(run, "applications")),
    )
    files = _write_outputs(run, tables, lambda kind: layout.stat_output_path(run, kind))
    al, pl, sp = tables["allocations"], tables["pipeline"], tables["speed"]
    totals = {
        "allocations": al.num_rows,
        "allocation_rial": int(pc.sum(al["amount_rial"]).as_py() or 0),
        "allocation_free_rial": int(pc.sum(al["free_rial"]).as_py() or 0),
        "applications": int(pc.sum(pl["count"]).as_py() or 0),
        "disbursed_loans": int(pc.sum(sp["loans"]).as_py() or 0),
    }
    record = {"statistics": True, "files": files, "totals": totals}
    layout.write_json(layout.stats_done_path(run), record)
    return record


def _finished_record(run: Path, done: Path) -> dict[str, Any] | None:
    record: dict[str, Any] | None = layout.try_read_json(done)
    if not record:
        return None
    for info in record["files"].values():
        out = run / "output" / info["file"]
        if not out.exists() or out.stat().st_size != info["bytes"]:
            return None
    return record


def finished(run: Path, part: int) -> dict[str, Any] | None:
    """The partition's ``done`` record if it and every output it names are in place."""
    record: dict[str, Any] | None = layout.try_read_json(layout.done_path(run, part))
    if not record:
        return None
    for info in record["files"].values():
        out = run / "output" / info["file"]
        if not out.exists() or out.stat().st_size != info["bytes"]:
            return None
    return record
