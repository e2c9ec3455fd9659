"""Options shared by the commands about a worker (the wage, the family, the date asked about)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from tashilat.domain.money import parse_rial
from tashilat.entrypoints.cli.format import parse_int

# -- options shared by the commands ---------------------------------------------------------

OnOpt = Annotated[
    str | None,
    typer.Option("--on", help="Business date, Jalali YYYY/MM/DD, or a year YYYY (default: today)"),
]


MarriedOpt = Annotated[
    bool, typer.Option("--married/--single", help="Married (marriage allowance) or single.")
]


ChildrenOpt = Annotated[str, typer.Option("--children", help="Number of children.")]


ServiceOpt = Annotated[
    str, typer.Option("--years-of-service", help="Whole years of service (seniority base).")
]


WageOpt = Annotated[
    str | None,
    typer.Option("--wage", help="Monthly base wage, rial (default: the legal minimum)."),
]


OtherOpt = Annotated[
    str | None,
    typer.Option("--other-income", help="Other household income a month (a spouse's), rial."),
]


BasisOpt = Annotated[
    str, typer.Option("--basis", help="Income basis: gross | net (after the worker's 7%).")
]


LimitOpt = Annotated[
    str | None,
    typer.Option("--limit", help="Burden limit, percent of income (default: policy, 30%)."),
]


ChartOpt = Annotated[
    Path | None, typer.Option("--chart", help="Also write a chart to PATH.svg or PATH.png.")
]


def worker_profile(
    married: bool, children: str, years: str, wage: str | None, other: str | None
) -> Any:
    from tashilat.domain.programs.wages.income import WorkerProfile

    return WorkerProfile(
        married=married,
        children=parse_int(children, "children", low=0, high=20),
        years_of_service=parse_int(years, "years-of-service", low=0, high=60),
        base_wage=parse_rial(wage, field="wage", allow_zero=False) if wage is not None else None,
        other_income=parse_rial(other, field="other-income") if other is not None else 0,
    )
