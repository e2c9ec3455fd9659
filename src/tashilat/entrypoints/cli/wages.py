"""``tashilat wages …``: a worker's monthly income by the labour law, and an employer's
Article 149 housing obligations, with the figures used as reasons."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from tashilat.entrypoints.cli.common import (
    DigitsOpt,
    JsonOpt,
    check_digits,
    friendly_errors,
    out,
    print_json,
)
from tashilat.entrypoints.cli.format import fa_numbers, header, income_table, parse_int, present
from tashilat.entrypoints.cli.options import (
    ChildrenOpt,
    MarriedOpt,
    OnOpt,
    OtherOpt,
    ServiceOpt,
    WageOpt,
    worker_profile,
)
from tashilat.entrypoints.parse import on_date as _on
from tashilat.entrypoints.serialize import decision_json

wages_app = typer.Typer(
    help="Worker wages and Labour Law article 149. / دستمزد کارگران و ماده ۱۴۹ قانون کار",
    no_args_is_help=True,
)


# -- wages ----------------------------------------------------------------------------------


@wages_app.command("profile")
@friendly_errors
def wages_profile(
    on: OnOpt = None,
    married: MarriedOpt = False,
    children: ChildrenOpt = "0",
    years_of_service: ServiceOpt = "0",
    wage: WageOpt = None,
    other_income: OtherOpt = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """Gross monthly income by component, the worker's 7% insurance and net pay."""
    from tashilat.domain.programs.wages.income import monthly_income
    from tashilat.policy import default_policy

    check_digits(digits)
    when = _on(on)
    d = monthly_income(
        default_policy(),
        worker_profile(married, children, years_of_service, wage, other_income),
        when,
    )
    if as_json:
        print_json(decision_json(d))
        return
    v = d.value
    header(
        "Monthly income / درآمد ماهانه",
        when,
        digits,
        f" · wage figures of {fa_numbers(str(v.wage_year), digits)}",
    )
    out.print(income_table(v, digits))
    present(d, digits)


@wages_app.command("article149")
@friendly_errors
def wages_article149(
    workers: Annotated[str, typer.Option("--workers", help="Number of workers in the workshop.")],
    cooperative: Annotated[
        bool,
        typer.Option(
            "--cooperative/--no-cooperative",
            help="Whether a workers' housing co-operative exists.",
        ),
    ] = False,
    large: Annotated[
        bool | None,
        typer.Option(
            "--large/--not-large",
            help="Whether the workshop is large (default: by the policy threshold).",
        ),
    ] = None,
    on: OnOpt = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """The employer's housing obligations under Labour Law article 149, with its text."""
    from tashilat.domain.programs.wages.article149 import Workshop, employer_obligations
    from tashilat.policy import default_policy

    check_digits(digits)
    when = _on(on)
    d = employer_obligations(
        default_policy(),
        Workshop(parse_int(workers, "workers", low=1, high=10_000_000), cooperative, large),
        on=when,
    )
    if as_json:
        print_json(decision_json(d))
        return
    v = d.value
    header("Labour Law article 149 / ماده ۱۴۹ قانون کار", when, digits)
    out.print(v.article_fa, highlight=False, markup=False)
    out.print(v.article_en, highlight=False, markup=False)
    table = Table("applies", "party", "obligation / تکلیف", "basis")
    for o in v.obligations:
        table.add_row("✔" if o.applies else "—", o.party, f"{o.text_fa}\n{o.text_en}", o.basis)
    out.print(table)
    present(d, digits)
