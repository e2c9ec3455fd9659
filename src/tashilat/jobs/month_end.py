"""The month-end job end to end: export → partitions (local or Dask) → write-back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from tashilat.adapters.batch import export, runner
from tashilat.domain.decision import PolicyReader
from tashilat.jobs import Target, writeback


@dataclass(frozen=True)
class MonthEnd:
    run: Path
    manifest: dict[str, Any]
    result: runner.RunResult
    written: writeback.WriteBack | None


def default_out(as_of: date) -> Path:
    return Path("var") / "batch" / f"month-end-{as_of.isoformat()}"


def is_generated(run: Path) -> bool:
    m = run / "manifest.json"
    return m.exists() and str(runner.read_manifest(run).get("source", "")).startswith("generated")


def month_end(
    *,
    as_of: date,
    run: Path,
    policy: PolicyReader,
    container: Target | None,
    engine: str = "local",
    scheduler: str | None = None,
    workers: int = 2,
    partition_size: int = 16384,
    post_penalties: bool = True,
    connections: int = 2,
    on_export: runner.Progress | None = None,
    on_partition: runner.Progress | None = None,
    on_write: runner.Progress | None = None,
    stop_after: int | None = None,
    write_back: bool = True,
) -> MonthEnd:
    """Run (or resume) the month-end at ``as_of`` in ``run``. With a container the input is
    exported from its database and the results are written back to it; a run directory
    that already holds generated input is only computed.

    ``write_back=False`` only computes: a recomputation with the policy as known at an
    earlier time (``PolicyStore.as_known``), to reproduce what a past run recorded, must
    not replace the results of the policy in force."""
    if is_generated(run):
        manifest = runner.check_same_run(run, as_of, policy) or {}
        container = None
    elif container is not None:
        manifest = export.export(
            container.engine,
            run,
            as_of=as_of,
            policy=policy,
            partition_size=partition_size,
            progress=on_export,
            connections=connections,
        )
    else:
        raise runner.RunError(
            "batch.no_input",
            "نه پایگاه داده‌ای داده شده و نه ورودی ساخته‌شده‌ای در پوشه اجرا هست.",
            "No database given and the run directory holds no generated input.",
        )
    result = runner.run_partitions(
        run,
        policy,
        engine=engine,
        scheduler=scheduler,
        workers=workers,
        progress=on_partition,
        stop_after=stop_after,
    )
    written = None
    if container is not None and result.complete and (stop_after is None) and write_back:
        written = writeback.write_back(
            container, run, post_penalties=post_penalties, progress=on_write
        )
    return MonthEnd(run, manifest, result, written)
