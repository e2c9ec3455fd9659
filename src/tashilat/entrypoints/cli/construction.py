"""``tashilat construction …``: the 1% construction-fund contribution of building permits (one
permit or a CSV of them), and the fund's projection over the years."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from tashilat.domain.decision import Decision
from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import format_jalali, parse_jalali
from tashilat.domain.money import parse_rial
from tashilat.entrypoints.cli.common import (
    DigitsOpt,
    JsonOpt,
    check_digits,
    friendly_errors,
    out,
    print_json,
)
from tashilat.entrypoints.cli.format import (
    chart_format,
    fa_numbers,
    header,
    money,
    parse_int,
    percent,
    present,
    write_chart,
)
from tashilat.entrypoints.cli.options import ChartOpt
from tashilat.entrypoints.parse import fee as _fee
from tashilat.entrypoints.parse import floor_area
from tashilat.entrypoints.parse import signed_percent as _signed_percent
from tashilat.entrypoints.serialize import contribution_json, decision_json

construction_app = typer.Typer(
    help="Construction workers' insurance. / بیمه کارگران ساختمانی", no_args_is_help=True
)


# -- construction ---------------------------------------------------------------------------

CSV_COLUMNS = (
    "reference",
    "date",
    "permit_fees",
    "density_fees",
    "demolition_renovation_fees",
    "major_repair_fees",
    "area_m2",
    "daily_wage",
)


_AREA = re.compile(r"^\d+(\.\d+)?$")


def _permits_from_csv(path: Path) -> list[Any]:
    """Permits from a CSV with a header row: ``date`` and any of the fee columns,
    ``reference``, ``area_m2``, ``daily_wage`` (see ``CSV_COLUMNS``). Errors name the row."""
    from tashilat.domain.programs.construction.contributions import Permit

    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InvalidInput(
            "construction.batch_file",
            f"فایل «{path}» خوانده نشد: {exc.strerror}",
            f"Could not read '{path}': {exc.strerror}",
            field="batch",
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if "date" not in header or unknown:
        raise InvalidInput(
            "construction.batch_header",
            f"سرستون‌های CSV باید از {', '.join(CSV_COLUMNS)} باشند و date را داشته باشند"
            + (f"؛ ناشناخته: {', '.join(unknown)}" if unknown else ""),
            f"The CSV header must use {', '.join(CSV_COLUMNS)} and include date"
            + (f"; unknown: {', '.join(unknown)}" if unknown else ""),
            field="batch",
        )
    permits: list[Any] = []
    for n, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
        if not any(row.values()):
            continue
        try:
            permits.append(
                Permit(
                    dated=parse_jalali(row.get("date", ""), field="date"),
                    permit_fees=_fee(row.get("permit_fees"), "permit_fees"),
                    density_fees=_fee(row.get("density_fees"), "density_fees"),
                    demolition_renovation_fees=_fee(
                        row.get("demolition_renovation_fees"), "demolition_renovation_fees"
                    ),
                    major_repair_fees=_fee(row.get("major_repair_fees"), "major_repair_fees"),
                    area_m2=floor_area(row.get("area_m2"), "area"),
                    daily_wage=parse_rial(row["daily_wage"], field="daily_wage")
                    if row.get("daily_wage")
                    else None,
                    reference=row.get("reference") or f"row {n}",
                )
            )
        except InvalidInput as exc:
            raise InvalidInput(
                exc.code,
                f"سطر {n} فایل: {exc.message_fa}",
                f"Row {n} of the file: {exc.message_en}",
                field=exc.field,
            ) from None
    if not permits:
        raise InvalidInput(
            "construction.empty_batch",
            "فایل هیچ پروانه‌ای ندارد.",
            "The file has no permits.",
            field="batch",
        )
    return permits


@construction_app.command("contribution")
@friendly_errors
def construction_contribution(
    date_: Annotated[
        str | None, typer.Option("--date", help="Permit date, Jalali YYYY/MM/DD.")
    ] = None,
    permit_fees: Annotated[
        str | None, typer.Option("--permit-fees", help="Building-permit fees, rial.")
    ] = None,
    density_fees: Annotated[
        str | None, typer.Option("--density-fees", help="Density fees, rial.")
    ] = None,
    demolition_fees: Annotated[
        str | None,
        typer.Option("--demolition-fees", help="Demolition/renovation fees, rial."),
    ] = None,
    major_repair_fees: Annotated[
        str | None, typer.Option("--major-repair-fees", help="Major-repair fees, rial.")
    ] = None,
    area: Annotated[
        str | None, typer.Option("--area", help="Floor area, m² (the 1379 per-m² formula).")
    ] = None,
    daily_wage: Annotated[
        str | None,
        typer.Option("--daily-wage", help="Minimum daily wage, when policy has none for the date."),
    ] = None,
    worker_base: Annotated[
        str | None,
        typer.Option("--worker-base", help="Base of the worker's share (default: minimum wage)."),
    ] = None,
    batch: Annotated[
        Path | None,
        typer.Option("--batch", help="A CSV of permits (header: " + ",".join(CSV_COLUMNS) + ")."),
    ] = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """The owner's share for one permit (--date and fees) or a CSV batch (--batch), by the
    law in force on each permit's date; for one permit, also the worker's 7%."""
    from tashilat.domain.errors import TashilatError
    from tashilat.domain.programs.construction.contributions import (
        Permit,
        batch_contribution,
        permit_contribution,
        worker_contribution,
    )
    from tashilat.policy import default_policy

    check_digits(digits)
    policy = default_policy()
    single = [date_, permit_fees, density_fees, demolition_fees, major_repair_fees, area]
    if batch is not None:
        if any(x is not None for x in [*single, daily_wage, worker_base]):
            raise InvalidInput(
                "construction.batch_conflict",
                "با --batch گزینه‌های یک پروانه را ندهید.",
                "With --batch, give no single-permit options.",
                field="batch",
            )
        bd = batch_contribution(policy, _permits_from_csv(batch))
        if as_json:
            print_json(decision_json(bd))
            return
        b = bd.value
        table = Table(
            "#",
            "reference",
            "date / تاریخ",
            "law / قانون",
            "base / مبنا",
            "owner / سهم مالک",
            "outcome",
        )
        for row in b.rows:
            s = row.share
            computed = s is not None and s.owner_share_rial is not None
            table.add_row(
                fa_numbers(str(row.row), digits),
                row.reference,
                format_jalali(row.dated, digits=digits),
                s.version if s else "—",
                money(s.counted_fees_rial, digits) if s and computed else "—",
                money(s.owner_share_rial, digits) if s and computed else "—",
                row.outcome,
            )
        out.print(table)
        for row in b.rows:
            if row.outcome in ("not_modelled", "error"):
                for r in row.reasons:
                    out.print(
                        f"✘ #{row.row}: {fa_numbers(r.message_fa, digits)}\n  {r.message_en}",
                        highlight=False,
                        markup=False,
                    )
        out.print(
            f"[bold]total / جمع: {money(b.total_owner_share_rial, digits)}[/bold]",
            highlight=False,
        )
        present(bd, digits)
        return
    if date_ is None:
        raise InvalidInput(
            "construction.date_missing",
            "تاریخ پروانه (--date) یا فایل (--batch) را بدهید.",
            "Give the permit date (--date) or a file (--batch).",
            field="date",
        )
    dated = parse_jalali(date_, field="date")
    permit = Permit(
        dated=dated,
        permit_fees=_fee(permit_fees, "permit-fees"),
        density_fees=_fee(density_fees, "density-fees"),
        demolition_renovation_fees=_fee(demolition_fees, "demolition-fees"),
        major_repair_fees=_fee(major_repair_fees, "major-repair-fees"),
        area_m2=floor_area(area, "area"),
        daily_wage=parse_rial(daily_wage, field="daily-wage", allow_zero=False)
        if daily_wage is not None
        else None,
    )
    d = permit_contribution(policy, permit)
    base = (
        parse_rial(worker_base, field="worker-base", allow_zero=False)
        if worker_base is not None
        else None
    )
    worker: Decision[Any] | None = None
    worker_error: TashilatError | None = None
    try:
        worker = worker_contribution(policy, on=dated, base=base)
    except TashilatError as exc:
        worker_error = exc
    if as_json:
        print_json(contribution_json(d, worker, worker_error))
        return
    v = d.value
    header(
        "Construction workers' insurance / بیمه کارگران ساختمانی",
        dated,
        digits,
        f" · law {v.version}: {v.version_name_en}",
    )
    if v.owner_share_rial is not None:
        out.print(
            f"[bold]owner's share / سهم مالک: {money(v.owner_share_rial, digits)}[/bold]",
            highlight=False,
        )
    else:
        out.print("[bold red]owner's share: not computed / محاسبه نشد[/bold red]")
    present(d, digits)
    if worker is not None and worker.value.monthly_rial is not None:
        out.print(
            f"worker's share / سهم کارگر: {money(worker.value.monthly_rial, digits)} a month",
            highlight=False,
        )
        present(worker, digits)
    elif worker is not None:
        present(worker, digits)
    elif worker_error is not None:
        out.print(
            f"worker's share not computed: {worker_error.message_en} / "
            f"{fa_numbers(worker_error.message_fa, digits)}",
            highlight=False,
            markup=False,
        )


@construction_app.command("project")
@friendly_errors
def construction_project(
    start_year: Annotated[str, typer.Option("--start-year", help="First Jalali year.")],
    per_capita_cost: Annotated[
        str,
        typer.Option(
            "--per-capita-cost", help="Yearly cost per insured worker, rial (not published)."
        ),
    ],
    permit_revenue: Annotated[
        str, typer.Option("--permit-revenue", help="Owners' contributions in the first year, rial.")
    ],
    years: Annotated[str, typer.Option("--years", help="Number of years.")] = "10",
    insured: Annotated[
        str | None, typer.Option("--insured", help="Insured workers (default: 800,000, seed).")
    ] = None,
    insured_trend: Annotated[
        str, typer.Option("--insured-trend", help="Yearly change of the insured, percent.")
    ] = "0",
    cost_trend: Annotated[
        str, typer.Option("--cost-trend", help="Yearly change of the per-capita cost, percent.")
    ] = "0",
    permit_trend: Annotated[
        str, typer.Option("--permit-trend", help="Yearly change of permit revenue, percent (-10).")
    ] = "0",
    worker_contributions: Annotated[
        str | None,
        typer.Option(
            "--worker-contributions",
            help="Workers' contributions in the first year, rial (default: 7% × minimum wage).",
        ),
    ] = None,
    worker_trend: Annotated[
        str, typer.Option("--worker-trend", help="Yearly change of a worker's share, percent.")
    ] = "0",
    chart: ChartOpt = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """The fund's resources, obligations and deficit by year."""
    from tashilat.charts import fund_chart
    from tashilat.domain.programs.construction.projection import FundInputs, project_fund
    from tashilat.policy import default_policy

    check_digits(digits)
    fmt = chart_format(chart)
    inputs = FundInputs(
        start_year=parse_int(start_year, "start-year", low=1300, high=1500),
        years=parse_int(years, "years", low=1, high=50),
        per_capita_cost=parse_rial(per_capita_cost, field="per-capita-cost"),
        permit_revenue=parse_rial(permit_revenue, field="permit-revenue"),
        insured=parse_int(insured, "insured", low=1, high=100_000_000)
        if insured is not None
        else None,
        insured_trend_percent=_signed_percent(insured_trend, "insured-trend"),
        cost_trend_percent=_signed_percent(cost_trend, "cost-trend"),
        permit_trend_percent=_signed_percent(permit_trend, "permit-trend"),
        worker_contributions=parse_rial(worker_contributions, field="worker-contributions")
        if worker_contributions is not None
        else None,
        worker_trend_percent=_signed_percent(worker_trend, "worker-trend"),
    )
    d = project_fund(default_policy(), inputs)
    write_chart(chart, fmt, lambda f: fund_chart(d.value, f))
    if as_json:
        print_json(decision_json(d))
        return
    v = d.value
    table = Table(
        "year / سال",
        "insured / بیمه‌شده",
        "resources / منابع",
        "obligations / تعهدات",
        "deficit / کسری",
        "coverage / پوشش",
    )
    for y in v.years:
        table.add_row(
            fa_numbers(str(y.year), digits),
            fa_numbers(f"{y.insured:,}", digits),
            money(y.resources_rial, digits),
            money(y.obligations_rial, digits),
            money(y.deficit_rial, digits),
            percent(y.coverage_percent, digits),
        )
    out.print(table)
    out.print(
        f"[bold]total deficit / جمع کسری: {money(v.total_deficit_rial, digits)}[/bold]",
        highlight=False,
    )
    present(d, digits)
