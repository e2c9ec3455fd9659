"""``tashilat batch``: the month-end over every account and loan (docs/batch.md)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tashilat.entrypoints.cli.common import DigitsOpt, JsonOpt, err, guarded, out, print_json

batch_app = typer.Typer(
    help="Month-end batch over all accounts and loans. / پردازش پایان ماه", no_args_is_help=True
)

AsOf = Annotated[str, typer.Option("--as-of", help="Business date, Jalali YYYY/MM/DD")]
Out = Annotated[
    Path | None,
    typer.Option("--out", help="Run directory (default var/batch/month-end-<date>)"),
]
Url = Annotated[
    str | None,
    typer.Option("--database-url", help="Database URL (default TASHILAT_DATABASE_URL)"),
]
PartitionSize = Annotated[
    int, typer.Option("--partition-size", min=1, help="Accounts per partition")
]


def _bar() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    )


def _money(n: int) -> str:
    return f"{n:,}"


def _statistics(run_dir: Path) -> list[tuple[str, str]]:
    """The pipeline by state and the median days to disbursement, from the run's outputs."""
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    from tashilat.adapters.batch import layout

    rows: list[tuple[str, str]] = []
    try:
        pipeline = pq.read_table(layout.stat_output_path(run_dir, "pipeline")).to_pylist()
        speed = pq.read_table(layout.stat_output_path(run_dir, "speed")).to_pylist()
    except OSError:
        return rows
    for r in pipeline:
        rows.append((f"  {r['state']}", f"{_money(r['count'])} = {_money(r['amount_rial'])} rial"))
    for r in speed:
        rows.append(
            (
                f"  median days {r['agency']}/{r['bank']}",
                f"{r['median_days']:g} ({_money(r['loans'])} loans)",
            )
        )
    return rows


@batch_app.command("month-end")
def month_end_cmd(
    as_of: AsOf,
    engine: Annotated[
        str, typer.Option("--engine", help="local (in-process) or dask (a cluster)")
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Dask scheduler, e.g. tcp://host:8786 (engine dask)"),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Local Dask worker processes (no --scheduler)")
    ] = 2,
    out_dir: Out = None,
    database_url: Url = None,
    partition_size: PartitionSize = 16384,
    no_post: Annotated[
        bool, typer.Option("--no-post", help="Write results back but post no late charges")
    ] = False,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Delete the run directory first (no resume)")
    ] = False,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """Monthly structures, yearly averages and entitlements of every youth-fund account and
    the instalments due, overdue amounts and late charges of every loan, at --as-of.

    Resumes a killed run in the same --out directory; the output is the same bytes."""

    def run() -> None:
        from tashilat.adapters.batch import runner
        from tashilat.domain.errors import InvalidInput
        from tashilat.domain.jalali import parse_jalali
        from tashilat.entrypoints.serialize import jsonable
        from tashilat.jobs import month_end as job
        from tashilat.policy import default_policy

        if engine not in ("local", "dask"):
            raise InvalidInput(
                "batch.engine", "موتور باید local یا dask باشد.", "--engine must be local or dask."
            )
        if scheduler and engine != "dask":
            raise InvalidInput(
                "batch.scheduler",
                "--scheduler فقط با --engine dask.",
                "--scheduler needs --engine dask.",
            )
        on = parse_jalali(as_of, field="as_of")
        policy = default_policy()
        run_dir = out_dir or job.default_out(on)
        if fresh:
            runner.reset(run_dir)
        container = None
        if not job.is_generated(run_dir):
            from tashilat.bootstrap import build
            from tashilat.settings import Settings

            container = build(Settings.from_env(database_url=database_url))
        started = time.perf_counter()
        with _bar() as bar:
            tasks: dict[str, Any] = {}

            def tick(name: str, total: int | None) -> runner.Progress:
                def f(part: int, rec: dict[str, Any]) -> None:
                    if name not in tasks:
                        tasks[name] = bar.add_task(name, total=total)
                    bar.advance(tasks[name])

                return f

            def parts() -> int | None:
                try:
                    m = runner.read_manifest(run_dir)
                    return (
                        int(m["partitions"])
                        + int(m.get("employment_partitions") or 0)
                        + int(bool(m.get("statistics")))
                    )
                except Exception:
                    return None

            class Lazy:
                def __init__(self, name: str) -> None:
                    self.name = name
                    self.fn: runner.Progress | None = None

                def __call__(self, part: int, rec: dict[str, Any]) -> None:
                    if self.fn is None:
                        self.fn = tick(self.name, parts())
                    self.fn(part, rec)

            try:
                result = job.month_end(
                    as_of=on,
                    run=run_dir,
                    policy=policy,
                    container=container,
                    engine=engine,
                    scheduler=scheduler,
                    workers=workers,
                    partition_size=partition_size,
                    post_penalties=not no_post,
                    on_export=Lazy("export"),
                    on_partition=Lazy("partitions"),
                    on_write=Lazy("write-back"),
                )
            finally:
                if container is not None:
                    container.dispose()
        elapsed = time.perf_counter() - started
        t = result.result.totals
        if as_json:
            w = result.written
            print_json(
                {
                    "as_of": result.manifest.get("as_of_jalali", as_of),
                    "run_directory": str(run_dir),
                    "engine": engine,
                    "scheduler": scheduler,
                    "partitions": result.result.partitions,
                    "resumed_partitions": result.result.skipped,
                    "totals": t,
                    "written": None if w is None else jsonable(w),
                    "seconds": round(elapsed, 2),
                }
            )
            return
        table = Table(title=f"month-end {result.manifest.get('as_of_jalali', as_of)}")
        table.add_column("")
        table.add_column("", justify="right")
        rows = [
            ("run directory", str(run_dir)),
            ("engine", engine + (f" ({scheduler})" if scheduler else "")),
            ("partitions (resumed)", f"{result.result.partitions} ({result.result.skipped})"),
            ("accounts", _money(t["accounts"])),
            ("movements", _money(t["events"])),
            ("account-months", _money(t["months"])),
            ("eligible accounts", _money(t["eligible"])),
            ("entitlements (rial)", _money(t["entitlement_rial"])),
            ("savings profit credited by the as-of date (rial)", _money(t.get("profit_rial", 0))),
            ("loans", _money(t["loans"])),
            ("overdue instalments", _money(t["overdue_instalments"])),
            ("overdue (rial)", _money(t["overdue_rial"])),
            (
                "late charges to post",
                f"{_money(t['penalties'])} = {_money(t['penalty_increment_rial'])} rial",
            ),
        ]
        if "employment_loans" in t:
            rows += [
                (
                    "employment loans (partitions)",
                    f"{_money(t['employment_loans'])} ({result.result.employment_partitions})",
                ),
                ("employment overdue instalments", _money(t["employment_overdue_instalments"])),
                ("employment overdue (rial)", _money(t["employment_overdue_rial"])),
                (
                    "employment late charges to post",
                    f"{_money(t['employment_penalties'])} = "
                    f"{_money(t['employment_penalty_increment_rial'])} rial",
                ),
            ]
        if "allocations" in t:
            rows += [
                (
                    "allocations (agency × province × year)",
                    f"{_money(t['allocations'])}: {_money(t['allocation_rial'])} rial, "
                    f"{_money(t['allocation_free_rial'])} free",
                ),
                (
                    "applications (disbursed)",
                    f"{_money(t['applications'])} ({_money(t['disbursed_loans'])})",
                ),
            ]
            stats = _statistics(run_dir)
            if stats:
                rows += stats
        if result.written is not None:
            w = result.written
            rows += [
                ("written back", f"{_money(w.accounts)} accounts, {_money(w.loans)} loans"),
                (
                    "late charges posted",
                    f"{_money(w.penalties_posted)} = "
                    f"{_money(w.penalty_posted_rial)} rial ({_money(w.penalties_skipped)} "
                    "already posted or changed)",
                ),
            ]
            rows.append(
                (
                    "savings profit posted",
                    f"{_money(w.profits_posted)} account-months = "
                    f"{_money(w.profit_posted_rial)} rial",
                )
            )
            if w.employment_loans or w.employment_penalties_posted:
                rows.append(
                    (
                        "employment charges posted",
                        f"{_money(w.employment_penalties_posted)} = "
                        f"{_money(w.employment_penalty_posted_rial)} rial "
                        f"({_money(w.employment_penalties_skipped)} already posted or changed)",
                    )
                )
        rows.append(("wall time", f"{elapsed:.2f} s"))
        for k, v in rows:
            table.add_row(k, v)
        out.print(table)

    guarded(run, as_json=as_json, digits=digits)


@batch_app.command("generate")
def generate_cmd(
    accounts: Annotated[int, typer.Option("--accounts", min=1, help="How many accounts")],
    as_of: AsOf,
    out_dir: Out = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same data)")] = 7,
    partition_size: PartitionSize = 16384,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            help="Load a migrated, initialised database instead of writing Parquet",
        ),
    ] = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """Synthetic accounts across cohorts 1397–1403 and tiers (table followers, partial
    savers, lump sums, withdrawals, late payers), reproducible from --seed: as a run
    directory of Parquet input, or loaded into a database."""

    def run() -> None:
        from tashilat.adapters.batch import generate
        from tashilat.domain.jalali import parse_jalali
        from tashilat.jobs import month_end as job
        from tashilat.policy import default_policy

        on = parse_jalali(as_of, field="as_of")
        policy = default_policy()
        spec = generate.Spec(accounts=accounts, as_of=on, seed=seed, partition_size=partition_size)
        started = time.perf_counter()
        if database_url:
            counts = generate.load_database(spec, policy, database_url)
            if as_json:
                print_json({"database": True, **counts})
                return
            out.print(
                f"[green]loaded[/green] {counts['accounts']:,} accounts, "
                f"{counts['events']:,} movements, {counts['loans']:,} loans, "
                f"{counts['instalments']:,} instalments in {time.perf_counter() - started:.1f} s"
            )
            return
        run_dir = out_dir or job.default_out(on)
        with _bar() as bar:
            task = bar.add_task("generate", total=spec.partitions)
            m = generate.write_partitions(
                spec, policy, run_dir, progress=lambda part, rec: bar.advance(task)
            )
        if as_json:
            print_json(
                {
                    "run_directory": str(run_dir),
                    "accounts": m["accounts"],
                    "events": m.get("events", 0),
                    "partitions": spec.partitions,
                }
            )
            return
        out.print(
            f"[green]generated[/green] {m['accounts']:,} accounts, {m.get('events', 0):,} "
            f"movements in {spec.partitions} partitions → {run_dir} "
            f"({time.perf_counter() - started:.1f} s)"
        )

    guarded(run, as_json=as_json, digits=digits)
