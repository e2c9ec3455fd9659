"""``tashilat fund``: the youth fund as a whole — its forecast and policy what-ifs
(docs/forecast.md)."""

from __future__ import annotations

import csv
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tashilat.entrypoints.cli.common import DigitsOpt, JsonOpt, err, guarded, out, print_json

fund_app = typer.Typer(
    help="The youth fund as a whole: forecast and what-if. / پیش‌بینی صندوق", no_args_is_help=True
)


def _money(n: int) -> str:
    return f"{n:,}"


@fund_app.command("forecast")
def forecast_cmd(
    as_of: Annotated[str, typer.Option("--as-of", help="As-of date, Jalali YYYY/MM/DD")],
    years: Annotated[int, typer.Option("--years", help="Horizon in Jalali years (1–30)")] = 10,
    variant: Annotated[
        list[Path] | None,
        typer.Option("--variant", help="A policy overlay YAML to compare (repeatable)"),
    ] = None,
    scale_caps: Annotated[
        list[int] | None,
        typer.Option("--scale-caps", help="A variant with every cap × PERCENT (repeatable)"),
    ] = None,
    database_url: Annotated[
        str | None,
        typer.Option("--database-url", help="Database URL (default TASHILAT_DATABASE_URL)"),
    ] = None,
    run_dir: Annotated[
        Path | None,
        typer.Option("--run", help="A month-end run directory to read instead of a database"),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Keep the database export here and reuse it on the next run (default: a "
            "temporary directory, exported afresh; a Dask --scheduler needs a shared one)",
        ),
    ] = None,
    engine: Annotated[str, typer.Option("--engine", help="local or dask")] = "local",
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Dask scheduler (engine dask)")
    ] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Local Dask workers")] = 2,
    partition_size: Annotated[
        int, typer.Option("--partition-size", min=1, help="Accounts per partition (export)")
    ] = 16384,
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV on standard output")] = False,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """Project every open youth-fund account forward --years Jalali years from --as-of:
    eligible accounts, entitlements, loans paid out, deposits, profit, repayments and the
    net cash the fund needs, per year, by tier and province; each --variant beside it."""

    def run() -> None:
        from tashilat.domain.errors import InvalidInput
        from tashilat.domain.jalali import parse_jalali
        from tashilat.jobs import forecast as job
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
        if as_csv and as_json:
            raise InvalidInput(
                "forecast.format",
                "یا --json یا --csv، نه هر دو.",
                "Give --json or --csv, not both.",
            )
        if run_dir is not None and database_url is not None:
            raise InvalidInput(
                "forecast.source",
                "یا --run یا --database-url، نه هر دو.",
                "Give --run or --database-url, not both.",
            )
        on = parse_jalali(as_of, field="as_of")
        job.check_horizon(years)
        policy = default_policy()
        scenarios = [job.Scenario("baseline", policy, "وضع موجود")]
        scenarios += [job.load_variant(p) for p in variant or []]
        scenarios += [job.caps_variant(p) for p in scale_caps or []]
        scratch: Path | None = None
        if run_dir is not None:
            run = run_dir
        elif out_dir is not None:
            run = out_dir
        else:  # a fresh export every time: a kept one would not see later movements
            run = scratch = Path(tempfile.mkdtemp(prefix="tashilat-forecast-"))
        try:
            if run_dir is not None:
                manifest = job.prepare_run(as_of=on, run=run, policy=policy, container=None)
            else:
                from tashilat.bootstrap import build
                from tashilat.settings import Settings

                container = build(Settings.from_env(database_url=database_url))
                try:
                    manifest = job.prepare_run(
                        as_of=on,
                        run=run,
                        policy=policy,
                        container=container,
                        partition_size=partition_size,
                        province_of=job.province_of_city,
                    )
                finally:
                    container.dispose()
            with Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=err,
                transient=True,
            ) as bar:
                task = bar.add_task("partitions", total=int(manifest.get("partitions") or 0))
                result = job.run_forecast(
                    as_of=on,
                    years=years,
                    run=run,
                    manifest=manifest,
                    scenarios=scenarios,
                    engine=engine,
                    scheduler=scheduler,
                    workers=workers,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )
        finally:
            if scratch is not None:
                shutil.rmtree(scratch, ignore_errors=True)
        if as_json:
            print_json(job.as_json(result))
            return
        if as_csv:
            w = csv.writer(sys.stdout, lineterminator="\n")
            w.writerow(job.CSV_COLUMNS)
            w.writerows(job.csv_rows(result))
            return
        doc = job.as_json(result)
        blocks = [("baseline / وضع موجود", doc["years"])]
        for v in doc["variants"]:
            blocks.append((f"{v['name']} − baseline", v["difference"]))
        for title, rows in blocks:
            table = Table(title=f"{title} — {doc['as_of']}, {doc['accounts']:,} accounts")
            for col in (
                "year",
                "reaching",
                "eligible",
                "entitlements",
                "loans",
                "paid out",
                "deposits",
                "profit",
                "repaid",
                "net need",
            ):
                table.add_column(col, justify="right")
            for r in rows:
                table.add_row(
                    str(r["year"]),
                    *(
                        _money(r[k])
                        for k in (
                            "reaching_min_wait",
                            "eligible_accounts",
                            "entitlements_rial",
                            "loans",
                            "disbursements_rial",
                            "deposits_rial",
                            "profit_rial",
                            "repayments_rial",
                            "net_rial",
                        )
                    ),
                )
            out.print(table)
        err.print("amounts in rial; forecast figures are assumed (docs/forecast.md)")

    guarded(run, as_json=as_json, digits=digits)
