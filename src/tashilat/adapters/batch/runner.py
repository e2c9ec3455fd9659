"""Running a month-end: the run directory, the partition function and the engines.

A run directory holds one month-end (one as-of date, one policy): ``manifest.json``, the
input partitions, one ``done/NNNNN.json`` per finished partition and the outputs. Running
again skips every partition whose ``done`` file and outputs are in place, so a run killed
at any point and started again finishes with the same bytes. The engine (``local`` or
``dask``) only decides where ``process_partition`` runs; the function and its output are
the same.
"""

from __future__ import annotations

import ctypes
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from tashilat.adapters.batch import layout
from tashilat.adapters.batch.calendar import DayTable, epoch_day, from_epoch_day
from tashilat.adapters.batch.kernel import (
    NO_DAY,
    OUTCOMES,
    PRIVILEGE_USED,
    AccountResults,
    Accounts,
    Context,
    LoanResults,
    Loans,
    account_month_end,
    loan_month_end,
)
from tashilat.adapters.batch.profit import profit_rates
from tashilat.adapters.batch.terms import build_terms
from tashilat.domain.decision import PolicyReader
from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import format_jalali, jalali_year

Progress = Callable[[int, dict[str, Any]], None]
TOTALS = (
    "accounts",
    "events",
    "months",
    "years",
    "eligible",
    "entitlement_rial",
    "profit_rial",
    "loans",
    "overdue_instalments",
    "overdue_rial",
    "penalties",
    "penalty_increment_rial",
)
EMP_TOTALS = (
    "employment_loans",
    "employment_overdue_instalments",
    "employment_overdue_rial",
    "employment_penalties",
    "employment_penalty_increment_rial",
)
STAT_TOTALS = (
    "allocations",
    "allocation_rial",
    "allocation_free_rial",
    "applications",
    "disbursed_loans",
)


class RunError(InvalidInput):
    pass


# -- the manifest -------------------------------------------------------------------------------


def new_manifest(
    *, as_of: date, policy: PolicyReader, source: str, partition_size: int, **extra: Any
) -> dict[str, Any]:
    return {
        "format": layout.FORMAT,
        "as_of": as_of.isoformat(),
        "as_of_jalali": format_jalali(as_of),
        "policy_hash": policy.hash,
        "source": source,
        "partition_size": partition_size,
        "exported": False,
        **extra,
    }


def read_manifest(run: Path) -> dict[str, Any]:
    path = run / "manifest.json"
    if not path.exists():
        raise RunError(
            "batch.no_manifest",
            f"پوشه اجرا {run} مانیفست ندارد.",
            f"The run directory {run} has no manifest.json.",
        )
    data: dict[str, Any] = layout.read_json(path)
    return data


def check_same_run(run: Path, as_of: date, policy: PolicyReader) -> dict[str, Any] | None:
    """The existing manifest if ``run`` holds this month-end, ``None`` if it holds nothing;
    refuses a directory that holds another as-of date or another policy."""
    path = run / "manifest.json"
    if not path.exists():
        return None
    m = read_manifest(run)
    if m.get("format") != layout.FORMAT:
        raise RunError(
            "batch.old_format",
            f"پوشه {run} با نسخه دیگری از برنامه ساخته شده است؛ پوشه دیگری بدهید.",
            f"{run} was written by another version of the batch (format "
            f"{m.get('format')}, expected {layout.FORMAT}); use another --out directory "
            "or --fresh.",
        )
    if m.get("as_of") != as_of.isoformat() or m.get("policy_hash") != policy.hash:
        raise RunError(
            "batch.other_run",
            f"پوشه {run} متعلق به اجرای دیگری است (تاریخ {m.get('as_of_jalali')}).",
            f"{run} holds another run (as of {m.get('as_of_jalali')}, policy "
            f"{str(m.get('policy_hash'))[:12]}); use another --out directory.",
        )
    return m


def context_for(manifest: dict[str, Any], policy: PolicyReader) -> Context:
    """The run context: day table, cohort terms (once per cohort), penalty terms."""
    as_of = date.fromisoformat(manifest["as_of"])
    open_days = np.array(manifest.get("open_days") or [epoch_day(as_of)], dtype=np.int64)
    last = max(jalali_year(as_of), jalali_year(from_epoch_day(int(open_days.max()))))
    first = min(1380, jalali_year(from_epoch_day(int(open_days.min()))))
    days = DayTable.build(first, last + 40)
    terms = build_terms(policy, open_days)
    points = Decimal(str(policy.resolve("finance.late_penalty_points", as_of).value)) * 10_000
    if points != points.to_integral_value():
        raise RunError(
            "batch.penalty_points",
            "درصد وجه التزام بیش از چهار رقم اعشار دارد.",
            "The late-payment points have more than four decimals.",
        )
    day_count = int(policy.resolve("finance.day_count", as_of).value)
    rates = profit_rates(policy, from_epoch_day(int(open_days.min())), as_of)
    return Context(epoch_day(as_of), days, terms, int(points), day_count, policy.hash, rates)


# -- reading and writing one partition --------------------------------------------------------


def _np(col: pa.ChunkedArray | pa.Array, dtype: Any) -> Any:
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    if pa.types.is_date32(arr.type):
        arr = arr.view(pa.int32())
    return arr.to_numpy(zero_copy_only=False).astype(dtype, copy=False)


def _max_abs_from_stats(path: Path, column: str) -> int | None:
    md = pq.ParquetFile(path).metadata
    lo = hi = 0
    for rg in range(md.num_row_groups):
        col = md.row_group(rg).column(md.schema.names.index(column))
        st = col.statistics
        if st is None or not st.has_min_max:
            return None
        lo, hi = min(lo, int(st.min)), max(hi, int(st.max))
    return max(-lo, hi)


def read_accounts(run: Path, part: int) -> Accounts:
    acc = pq.read_table(layout.input_path(run, "accounts", part))
    epath = layout.input_path(run, "events", part)
    ev = pq.read_table(epath, columns=["on", "amount"])
    used = acc["privilege_used_on"]
    return Accounts(
        account_id=_np(acc["account_id"], np.int64),
        open_day=_np(acc["opened_on"], np.int32),
        tier=_np(acc["tier"], np.int8),
        n_events=_np(acc["n_events"], np.int32),
        day=_np(ev["on"], np.int32),
        amount=_np(ev["amount"], np.int64),
        max_abs_amount=_max_abs_from_stats(epath, "amount") if ev.num_rows else 0,
        privilege_day=_np(pc.fill_null(used.cast(pa.int32()), NO_DAY), np.int32)
        if used.null_count < len(used)
        else None,
    )


def read_loans(run: Path, part: int, *, employment: bool = False) -> Loans:
    """A partition's loans; ``employment``: the employment partition ``part`` (keyed by
    application id, which stands in for both loan and account id)."""
    if employment:
        ln = pq.read_table(layout.input_path(run, "emp_loans", part))
        ln = ln.append_column("loan_id", ln["application_id"]).append_column(
            "account_id", ln["application_id"]
        )
        it = pq.read_table(layout.input_path(run, "emp_instalments", part))
    else:
        ln = pq.read_table(layout.input_path(run, "loans", part))
        it = pq.read_table(layout.input_path(run, "instalments", part))

    def days_or_minus(col: pa.ChunkedArray) -> Any:
        return _np(pc.fill_null(col.cast(pa.int32()), -1), np.int32)

    return Loans(
        loan_id=_np(ln["loan_id"], np.int64),
        account_id=_np(ln["account_id"], np.int64),
        rate_e4=_np(ln["rate_e4"], np.int64),
        n_instalments=_np(ln["n_instalments"], np.int32),
        i_id=_np(it["instalment_id"], np.int64),
        i_number=_np(it["number"], np.int32),
        i_due=_np(it["due"], np.int32),
        i_amount=_np(it["amount"], np.int64),
        i_principal=_np(it["principal"], np.int64),
        i_profit=_np(it["profit"], np.int64),
        i_paid_principal=_np(it["paid_principal"], np.int64),
        i_paid_profit=_np(it["paid_profit"], np.int64),
        i_paid=_np(pc.is_valid(it["paid_on"]), np.bool_),
        i_penalty_accrued=_np(it["penalty_accrued"], np.int64),
        i_penalty_paid=_np(it["penalty_paid"], np.int64),
        i_penalty_prior=_np(it["penalty_prior"], np.int64),
        i_penalty_from=days_or_minus(it["penalty_from"]),
    )


def _date(days: Any) -> pa.Array:
    return pa.array(np.asarray(days, dtype=np.int32), type=pa.int32()).cast(pa.date32())


def _masked(values: Any, valid: Any) -> pa.Array:
    return pa.array(np.asarray(values, dtype=np.int64), type=pa.int64(), mask=~np.asarray(valid))


def account_tables(r: AccountResults) -> dict[str, pa.Table]:
    outcome = pa.DictionaryArray.from_arrays(
        pa.array(r.outcome, type=pa.int8()), pa.array(OUTCOMES, type=pa.string())
    ).cast(pa.string())
    has_m = r.completed_months > 0
    has_y = r.counted_years > 0
    accounts = pa.table(
        {
            "account_id": r.account_id,
            "opened_on": _date(r.open_day),
            "cohort": r.cohort,
            "tier": r.tier,
            "completed_months": r.completed_months,
            "completed_years": r.completed_years,
            "counted_years": r.counted_years,
            "balance_rial": r.balance,
            "profit_rial": r.profit,
            "structure_rial": _masked(r.structure, has_m),
            "average_rial": _masked(r.average, has_y),
            "reference_average_rial": _masked(r.reference, has_y),
            "cap_rial": r.cap,
            "entitlement_rial": r.entitlement,
            "outcome": outcome,
            "eligible_on": _date(r.eligible_on),
            "privilege_used_on": pa.array(
                np.asarray(r.privilege_used_on, dtype=np.int32),
                type=pa.int32(),
                mask=np.asarray(r.outcome) != PRIVILEGE_USED,
            ).cast(pa.date32()),
        }
    )
    years = pa.table(
        {
            "account_id": r.y_account,
            "year": r.y_year,
            "average_rial": r.y_average,
            "reference_average_rial": r.y_reference,
            "cap_rial": _masked(r.y_cap, r.y_eligible),
            "entitlement_rial": r.y_entitlement,
            "eligible": r.y_eligible,
        }
    )
    offsets = np.zeros(len(r.account_id) + 1, dtype=np.int32)
    np.cumsum(r.completed_months, out=offsets[1:])
    months = pa.table(
        {
            "account_id": r.account_id,
            "structures_rial": pa.ListArray.from_arrays(
                pa.array(offsets, type=pa.int32()), pa.array(r.m_structure, type=pa.int64())
            ),
            "profits_rial": pa.ListArray.from_arrays(
                pa.array(offsets, type=pa.int32()), pa.array(r.m_profit, type=pa.int64())
            ),
        }
    )
    return {"accounts": accounts, "years": years, "months": months}


def employment_tables(r: LoanResults, as_of: date) -> dict[str, pa.Table]:
    """The employment partition's outputs: one row per live loan, one per charge to post
    (request ids ``emp-penalty:{instalment}:{date}``, as ``employment.accrue`` posts)."""
    suffix = f":{as_of.isoformat()}"
    loans = pa.table(
        {
            "application_id": r.loan_id,
            "instalments_due": r.instalments_due,
            "due_rial": r.due,
            "paid_rial": r.paid,
            "overdue_instalments": r.overdue_instalments,
            "overdue_rial": r.overdue,
            "penalty_accrued_rial": r.penalty_accrued,
            "penalty_increment_rial": r.penalty_increment,
            "penalty_unpaid_rial": r.penalty_unpaid,
        }
    )
    penalties = pa.table(
        {
            "instalment_id": r.p_instalment,
            "application_id": r.p_loan,
            "due": _date(r.p_due),
            "increment_rial": r.p_increment,
            "target_rial": r.p_target,
            "expected_accrued_rial": r.p_expected,
            "paid_principal": r.p_paid_principal,
            "paid_profit": r.p_paid_profit,
            "request_id": pa.array(
                [f"emp-penalty:{i}{suffix}" for i in r.p_instalment.tolist()], type=pa.string()
            ),
        }
    )
    return {"emp_loans": loans, "emp_penalties": penalties}


def loan_tables(r: LoanResults, as_of: date) -> dict[str, pa.Table]:
    loans = pa.table(
        {
            "loan_id": r.loan_id,
            "account_id": r.account_id,
            "instalments_due": r.instalments_due,
            "due_rial": r.due,
            "paid_rial": r.paid,
            "overdue_instalments": r.overdue_instalments,
            "overdue_rial": r.overdue,
            "penalty_accrued_rial": r.penalty_accrued,
            "penalty_increment_rial": r.penalty_increment,
            "penalty_unpaid_rial": r.penalty_unpaid,
        }
    )
    suffix = f":{as_of.isoformat()}"
    penalties = pa.table(
        {
            "instalment_id": r.p_instalment,
            "loan_id": r.p_loan,
            "due": _date(r.p_due),
            "increment_rial": r.p_increment,
            "target_rial": r.p_target,
            "expected_accrued_rial": r.p_expected,
            "paid_principal": r.p_paid_principal,
            "paid_profit": r.p_paid_profit,
            "request_id": pa.array(
                [f"penalty:{i}{suffix}" for i in r.p_instalment.tolist()], type=pa.string()
            ),
        }
    )
    return {"loans": loans, "penalties": penalties}


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


# -- engines -------------------------------------------------------------------------------------


@contextmanager
def dask_client(scheduler: str | None, workers: int = 2) -> Iterator[Any]:
    """A client of ``scheduler`` (``tcp://host:8786``), or of a local cluster of worker
    processes (one thread each) when no scheduler is given."""
    from dask.distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler) as client:  # type: ignore[no-untyped-call]
            yield client
        return
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers,
            processes=True,
            threads_per_worker=1,
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        yield client


@dataclass(frozen=True)
class RunResult:
    """``partitions``/``skipped``/``computed`` count youth-fund partitions; the
    ``employment_*`` fields the employment partitions; ``statistics`` whether the run has
    (and ``complete`` whether it finished) its statistics task."""

    partitions: int
    skipped: int
    computed: int
    totals: dict[str, int]
    employment_partitions: int = 0
    employment_skipped: int = 0
    employment_computed: int = 0
    statistics: bool = False
    complete: bool = True


Task = tuple[str, int]  # ("accounts" | "employment" | "statistics", partition)


def run_task(run_dir: str, task: Task, ctx: Context) -> dict[str, Any]:
    """Run one task of a month-end (what the engines submit)."""
    kind, part = task
    if kind == "accounts":
        return process_partition(run_dir, part, ctx)
    if kind == "employment":
        return process_employment_partition(run_dir, part, ctx)
    return process_statistics(run_dir, ctx)


def task_done(run: Path, task: Task) -> dict[str, Any] | None:
    kind, part = task
    if kind == "accounts":
        return finished(run, part)
    if kind == "employment":
        return _finished_record(run, layout.emp_done_path(run, part))
    return _finished_record(run, layout.stats_done_path(run))


def run_partitions(
    run: Path,
    policy: PolicyReader,
    *,
    engine: str = "local",
    scheduler: str | None = None,
    workers: int = 2,
    progress: Progress | None = None,
    stop_after: int | None = None,
    client: Any = None,
) -> RunResult:
    """Compute every partition not finished yet, then write ``summary.json``.

    ``stop_after`` stops (as if killed) after that many partitions: used to test restarts."""
    manifest = read_manifest(run)
    if not manifest.get("exported"):
        raise RunError(
            "batch.not_exported",
            "ورودی این اجرا کامل نشده است.",
            "This run's input is not complete; prepare it again.",
        )
    if engine not in ("local", "dask"):
        raise RunError("batch.engine", "موتور نامعتبر است.", "--engine must be local or dask.")
    layout.clean_temporaries(run)
    ctx = context_for(manifest, policy)
    n = int(manifest["partitions"])
    n_emp = int(manifest.get("employment_partitions") or 0)
    has_stats = bool(manifest.get("statistics"))
    tasks: list[Task] = [("accounts", p) for p in range(n)]
    tasks += [("employment", p) for p in range(n_emp)]
    if has_stats:
        tasks.append(("statistics", 0))
    records: dict[Task, dict[str, Any]] = {}
    todo: list[Task] = []
    for task in tasks:
        rec = task_done(run, task)
        if rec is None:
            todo.append(task)
        else:
            records[task] = rec
            if progress:
                progress(task[1], rec)
    skipped = dict.fromkeys(("accounts", "employment", "statistics"), 0)
    for task in records:
        skipped[task[0]] += 1
    if stop_after is not None:
        todo = todo[:stop_after]
    if engine == "local":
        for task in todo:
            records[task] = run_task(str(run), task, ctx)
            if progress:
                progress(task[1], records[task])
    elif todo:
        from dask.distributed import as_completed

        def submit(c: Any) -> None:
            shared = c.scatter(ctx, broadcast=True)
            futures = {
                c.submit(
                    run_task,
                    str(run),
                    task,
                    shared,
                    key=f"month-end-{task[0]}-{task[1]:05d}-{ctx.as_of}",
                    pure=False,
                ): task
                for task in todo
            }
            for fut in as_completed(list(futures)):  # type: ignore[no-untyped-call]
                task = futures[fut]
                records[task] = fut.result()
                if progress:
                    progress(task[1], records[task])

        if client is not None:
            submit(client)
        else:
            with dask_client(scheduler, workers) as c:
                submit(c)
    keys = TOTALS + (EMP_TOTALS if n_emp or has_stats else ()) + (STAT_TOTALS if has_stats else ())
    totals = dict.fromkeys(keys, 0)
    for rec in records.values():
        for k, v in rec["totals"].items():
            totals[k] += int(v)
    complete = len(records) == len(tasks)
    if complete:
        outputs = {
            f"{part:05d}": {k: v["sha256"] for k, v in records[("accounts", part)]["files"].items()}
            for part in range(n)
        }
        for part in range(n_emp):
            outputs[f"emp-{part:05d}"] = {
                k: v["sha256"] for k, v in records[("employment", part)]["files"].items()
            }
        if has_stats:
            outputs["statistics"] = {
                k: v["sha256"] for k, v in records[("statistics", 0)]["files"].items()
            }
        summary: dict[str, Any] = {
            "as_of": manifest["as_of"],
            "as_of_jalali": manifest["as_of_jalali"],
            "policy_hash": manifest["policy_hash"],
            "partitions": n,
            "totals": totals,
            "outputs": outputs,
        }
        if n_emp or has_stats:
            summary["employment_partitions"] = n_emp
        layout.write_json(run / "summary.json", summary)
    computed = dict.fromkeys(("accounts", "employment", "statistics"), 0)
    for task in todo:
        computed[task[0]] += 1
    return RunResult(
        n,
        skipped["accounts"],
        computed["accounts"],
        totals,
        employment_partitions=n_emp,
        employment_skipped=skipped["employment"],
        employment_computed=computed["employment"],
        statistics=has_stats,
        complete=complete,
    )


def reset(run: Path) -> None:
    """Forget a run directory (``--fresh``)."""
    if run.exists():
        shutil.rmtree(run)
