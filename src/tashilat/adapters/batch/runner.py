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
    OUTCOMES,
    AccountResults,
    Accounts,
    Context,
    LoanResults,
    Loans,
    account_month_end,
    loan_month_end,
)
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
    "loans",
    "overdue_instalments",
    "overdue_rial",
    "penalties",
    "penalty_increment_rial",
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
    return Context(epoch_day(as_of), days, terms, int(points), day_count, policy.hash)


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
    return Accounts(
        account_id=_np(acc["account_id"], np.int64),
        open_day=_np(acc["opened_on"], np.int32),
        tier=_np(acc["tier"], np.int8),
        n_events=_np(acc["n_events"], np.int32),
        day=_np(ev["on"], np.int32),
        amount=_np(ev["amount"], np.int64),
        max_abs_amount=_max_abs_from_stats(epath, "amount") if ev.num_rows else 0,
    )


def read_loans(run: Path, part: int) -> Loans:
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
            "structure_rial": _masked(r.structure, has_m),
            "average_rial": _masked(r.average, has_y),
            "reference_average_rial": _masked(r.reference, has_y),
            "cap_rial": r.cap,
            "entitlement_rial": r.entitlement,
            "outcome": outcome,
            "eligible_on": _date(r.eligible_on),
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
        }
    )
    return {"accounts": accounts, "years": years, "months": months}


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
    partitions: int
    skipped: int
    computed: int
    totals: dict[str, int]


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
    records: dict[int, dict[str, Any]] = {}
    todo = []
    for part in range(n):
        rec = finished(run, part)
        if rec is None:
            todo.append(part)
        else:
            records[part] = rec
            if progress:
                progress(part, rec)
    if stop_after is not None:
        todo = todo[:stop_after]
    if engine == "local":
        for part in todo:
            records[part] = process_partition(str(run), part, ctx)
            if progress:
                progress(part, records[part])
    elif todo:
        from dask.distributed import as_completed

        def submit(c: Any) -> None:
            shared = c.scatter(ctx, broadcast=True)
            futures = [
                c.submit(
                    process_partition,
                    str(run),
                    part,
                    shared,
                    key=f"month-end-{part:05d}-{ctx.as_of}",
                    pure=False,
                )
                for part in todo
            ]
            for fut in as_completed(futures):  # type: ignore[no-untyped-call]
                rec = fut.result()
                records[int(rec["partition"])] = rec
                if progress:
                    progress(int(rec["partition"]), rec)

        if client is not None:
            submit(client)
        else:
            with dask_client(scheduler, workers) as c:
                submit(c)
    totals = {k: 0 for k in TOTALS}
    for rec in records.values():
        for k in TOTALS:
            totals[k] += int(rec["totals"][k])
    if len(records) == n:
        layout.write_json(
            run / "summary.json",
            {
                "as_of": manifest["as_of"],
                "as_of_jalali": manifest["as_of_jalali"],
                "policy_hash": manifest["policy_hash"],
                "partitions": n,
                "totals": totals,
                "outputs": {
                    f"{part:05d}": {k: v["sha256"] for k, v in records[part]["files"].items()}
                    for part in range(n)
                },
            },
        )
    return RunResult(n, n - len(todo), len(todo), totals)


def reset(run: Path) -> None:
    """Forget a run directory (``--fresh``)."""
    if run.exists():
        shutil.rmtree(run)
