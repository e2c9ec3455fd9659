"""Running a month-end: the run directory, the partition function and the engines.

A run directory holds one month-end (one as-of date, one policy): ``manifest.json``, the
input partitions, one ``done/NNNNN.json`` per finished partition and the outputs. Running
again skips every partition whose ``done`` file and outputs are in place, so a run killed
at any point and started again finishes with the same bytes. The engine (``local`` or
``dask``) only decides where ``process_partition`` runs; the function and its output are
the same.

The manifest (:mod:`.manifest`), reading and writing a partition (:mod:`.partition_io`) and
the partition functions (:mod:`.partition`) live in their own modules; this one runs the
engines and re-exports their names for callers.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tashilat.adapters.batch import layout
from tashilat.adapters.batch.kernel import Context
from tashilat.adapters.batch.manifest import (
    EMP_TOTALS,
    STAT_TOTALS,
    TOTALS,
    Progress,
    RunError,
    check_same_run,
    context_for,
    new_manifest,
    read_manifest,
)
from tashilat.adapters.batch.partition import (
    _finished_record,
    finished,
    process_employment_partition,
    process_partition,
    process_statistics,
    statistics_tables,
    tune_allocator,
)
from tashilat.adapters.batch.partition_io import (
    account_tables,
    employment_tables,
    loan_tables,
    read_accounts,
    read_loans,
)
from tashilat.domain.decision import PolicyReader

__all__ = [
    "EMP_TOTALS",
    "STAT_TOTALS",
    "TOTALS",
    "Progress",
    "RunError",
    "account_tables",
    "check_same_run",
    "context_for",
    "employment_tables",
    "finished",
    "loan_tables",
    "new_manifest",
    "process_employment_partition",
    "process_partition",
    "process_statistics",
    "read_accounts",
    "read_loans",
    "read_manifest",
    "statistics_tables",
    "tune_allocator",
]


# -- engines -------------------------------------------------------------------------------------


def warm_worker() -> None:
    """Ready a worker process for partitions: running this imports this module and with it
    the partition functions, numpy and pyarrow (about half a second in a fresh process),
    and sets the allocator up (``tune_allocator``). Run once on every worker when the
    cluster starts, so the month-end's first partition on each worker does not pay it;
    the outputs are the same either way."""
    tune_allocator()


@contextmanager
def dask_client(scheduler: str | None, workers: int = 2) -> Iterator[Any]:
    """A client of ``scheduler`` (``tcp://host:8786``), or of a local cluster of worker
    processes (one thread each) when no scheduler is given; its workers are warmed
    (``warm_worker``) before the client is handed out, so start-up is paid here and not
    by the run.

    One thread per worker process: the partition function is single-threaded numpy
    (docs/batch.md, "On a Dask cluster"), and the Dask nanny starts each worker with
    ``OMP_NUM_THREADS=1``, which also keeps Arrow's thread pool to one thread, so a worker
    is one core. The default memory limit (the machine's memory shared equally among the
    workers) is far above what a partition needs (a few hundred MB at 16,384 accounts,
    BENCHMARKS.md "Month-end batch"), so a worker never spills or pauses; results are
    small records, the partitions' data stays on disk."""
    from dask.distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler) as client:  # type: ignore[no-untyped-call]
            client.run(warm_worker)
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
        client.run(warm_worker)
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


def task_key(run: Path, task: Task, ctx: Context) -> str:
    """The Dask key of one task: readable (kind, partition, as-of day) and the run
    directory's own, so two month-ends on one shared scheduler at the same time never
    share a key (the scheduler would give the second the first one's record and never run
    its partition)."""
    from dask.base import tokenize

    token = tokenize(str(run.resolve()), ctx.policy_hash)[:12]
    return f"month-end-{task[0]}-{task[1]:05d}-{ctx.as_of}-{token}"


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
                    key=task_key(run, task, ctx),
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
