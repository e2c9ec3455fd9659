"""``tashilat afford …``: what a loan's instalments or a rent take of a worker's income, the
largest loan or shortest term within a limit, and the allowance that would close the gap."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import typer
from rich.table import Table

from tashilat.domain.decision import Provenance
from tashilat.domain.errors import InvalidInput
from tashilat.domain.money import parse_percent, parse_rial
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
    income_table,
    money,
    parse_int,
    percent,
    present,
    write_chart,
)
from tashilat.entrypoints.cli.options import (
    BasisOpt,
    ChartOpt,
    ChildrenOpt,
    LimitOpt,
    MarriedOpt,
    OnOpt,
    OtherOpt,
    ServiceOpt,
    WageOpt,
    worker_profile,
)
from tashilat.entrypoints.parse import loan_rate
from tashilat.entrypoints.parse import on_date as _on
from tashilat.entrypoints.parse import optional_percent as _limit
from tashilat.entrypoints.parse import signed_percent as _signed_percent
from tashilat.entrypoints.serialize import decision_json

afford_app = typer.Typer(
    help="Housing affordability against a worker's income. / توان پرداخت هزینه مسکن",
    no_args_is_help=True,
)


# -- affordability -----------------------------------------------------------------------------

LoanOpt = Annotated[
    str | None,
    typer.Option(
        "--loan",
        help="Take the rate from policy: market (the 23% cap) | youth-fund (the cohort's rate).",
    ),
]


RateOpt = Annotated[str | None, typer.Option("--rate", help="Annual rate, percent.")]


OpenedOpt = Annotated[
    str | None,
    typer.Option("--opened", help="With --loan youth-fund: the account's opening date."),
]


def _rate(
    loan: str | None, rate: str | None, opened: str | None, on: date
) -> tuple[Decimal, str, tuple[Provenance, ...]]:
    """The loan's annual rate, a label, and the provenance of the rate when it comes from
    policy (``--loan``) rather than the command line (``--rate``)."""
    from tashilat.policy import default_policy

    return loan_rate(default_policy(), loan, rate, opened, on, flag="--", high=None)


@afford_app.command("burden")
@friendly_errors
def afford_burden(
    instalment: Annotated[
        str | None, typer.Option("--instalment", help="A fixed monthly instalment, rial.")
    ] = None,
    principal: Annotated[str | None, typer.Option("--principal", help="Loan amount, rial.")] = None,
    rate: RateOpt = None,
    loan: LoanOpt = None,
    opened: OpenedOpt = None,
    months: Annotated[str | None, typer.Option("--months", help="Repayment months.")] = None,
    method: Annotated[
        str, typer.Option("--method", help="simple | stepwise | fee (with --months)")
    ] = "simple",
    step: Annotated[
        str | None, typer.Option("--step", help="Stepwise yearly rise, percent.")
    ] = None,
    grace: Annotated[str, typer.Option("--grace", help="Grace months.")] = "0",
    label: Annotated[str | None, typer.Option("--label", help="A name for the loan.")] = None,
    wage_rise: Annotated[
        str, typer.Option("--wage-rise", help="Assumed yearly rise of income, percent.")
    ] = "0",
    on: OnOpt = None,
    married: MarriedOpt = False,
    children: ChildrenOpt = "0",
    years_of_service: ServiceOpt = "0",
    wage: WageOpt = None,
    other_income: OtherOpt = None,
    basis: BasisOpt = "gross",
    limit: LimitOpt = None,
    chart: ChartOpt = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """Instalment burden on household income over the loan's whole life.

    Give a fixed --instalment (alone: one month; with --principal and a rate: until
    repaid), or --principal with a rate (--rate or --loan) and --months for a schedule."""
    from tashilat.domain.finance import Method, build_schedule
    from tashilat.domain.programs.wages.affordability import Repayment, instalment_burden
    from tashilat.policy import default_policy

    check_digits(digits)
    fmt = chart_format(chart)
    when = _on(on)
    policy = default_policy()
    profile = worker_profile(married, children, years_of_service, wage, other_income)
    amount = (
        parse_rial(instalment, field="instalment", allow_zero=False)
        if instalment is not None
        else None
    )
    p = parse_rial(principal, field="principal", allow_zero=False) if principal else None
    figures: tuple[Provenance, ...] = ()
    if amount is not None and p is None:
        if rate is not None or loan is not None:
            raise InvalidInput(
                "afford.rate_without_principal",
                "نرخ بدون --principal به کار نمی‌رود.",
                "A rate needs --principal.",
                field="rate",
            )
        n = parse_int(months, "months", low=1, high=1200) if months is not None else 1
        repayment = Repayment.constant(amount, n, label or "instalment")
    elif amount is not None and p is not None:
        if months is not None:
            raise InvalidInput(
                "afford.months_with_instalment",
                "با --instalment و --principal مدت از نرخ به دست می‌آید؛ --months ندهید.",
                "With --instalment and --principal the term follows from the rate; drop --months.",
                field="months",
            )
        r, default_label, provs = _rate(loan, rate, opened, when)
        figures += provs
        repayment = Repayment.fixed_instalment(p, r, amount, label or default_label)
    elif p is not None:
        if months is None:
            raise InvalidInput(
                "afford.months_missing",
                "برای جدول اقساط --months را بدهید (یا --instalment).",
                "Give --months for a schedule (or --instalment).",
                field="months",
            )
        r, default_label, provs = _rate(loan, rate, opened, when)
        figures += provs
        try:
            meth = Method(method.strip().lower())
        except ValueError:
            raise InvalidInput(
                "loan.method",
                f"روش بازپرداخت «{method}» ناشناخته است (simple، stepwise یا fee).",
                f"Unknown repayment method '{method}' (simple, stepwise or fee).",
                field="method",
            ) from None
        step_pct: Decimal | None = None
        if meth is Method.STEPWISE:
            if step is not None:
                step_pct = parse_percent(step, field="step")
            else:
                step_r = policy.resolve("finance.stepwise_step_percent", when)
                step_pct = Decimal(str(step_r.value))
                figures += (step_r.provenance,)
        unit_r = policy.resolve("finance.rounding_unit", when)
        figures += (unit_r.provenance,)
        schedule = build_schedule(
            meth,
            p,
            r,
            parse_int(months, "months", low=1, high=600),
            step_percent=step_pct,
            grace_months=parse_int(grace, "grace", low=0, high=120),
            rounding_unit=int(unit_r.value),
        )
        repayment = Repayment.from_schedule(schedule, label or f"{meth.value} {default_label}")
    else:
        raise InvalidInput(
            "afford.loan_missing",
            "--instalment یا --principal (با نرخ و --months) را بدهید.",
            "Give --instalment, or --principal with a rate and --months.",
            field="instalment",
        )
    d = instalment_burden(
        policy,
        profile,
        repayment,
        on=when,
        wage_rise_percent=_signed_percent(wage_rise, "wage-rise"),
        limit_percent=_limit(limit),
        basis=basis,
        figures=figures,
    )
    from tashilat.charts import burden_chart

    write_chart(chart, fmt, lambda f: burden_chart(d.value, f))
    if as_json:
        print_json(decision_json(d))
        return
    v = d.value
    header("Instalment burden / بار قسط", when, digits, f" · {v.loan.label}")
    out.print(
        f"[bold]burden / بار قسط: {percent(v.first_burden_percent, digits)}[/bold] of household "
        f"{v.income_basis} income {money(v.income_rial, digits)}; instalment "
        f"{money(v.loan.first_instalment_rial, digits)}; limit {percent(v.limit_percent, digits)} "
        f"= {money(v.limit_instalment_rial, digits)}",
        highlight=False,
    )
    out.print(income_table(v.income, digits))
    if v.loan.months > 1:
        table = Table(
            "loan year / سال", "income / درآمد", "highest instalment / قسط", "burden / بار"
        )
        for y in v.years:
            table.add_row(
                fa_numbers(str(y.loan_year), digits),
                money(y.income_rial, digits),
                money(y.max_instalment_rial, digits),
                percent(y.max_burden_percent, digits),
            )
        out.print(table)
    present(d, digits)


@afford_app.command("max-loan")
@friendly_errors
def afford_max_loan(
    months: Annotated[str, typer.Option("--months", help="Repayment months.")],
    rate: RateOpt = None,
    loan: LoanOpt = None,
    opened: OpenedOpt = None,
    method: Annotated[str, typer.Option("--method", help="simple | fee")] = "simple",
    on: OnOpt = None,
    married: MarriedOpt = False,
    children: ChildrenOpt = "0",
    years_of_service: ServiceOpt = "0",
    wage: WageOpt = None,
    other_income: OtherOpt = None,
    basis: BasisOpt = "gross",
    limit: LimitOpt = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """The largest loan whose every instalment stays within the burden limit."""
    from tashilat.domain.programs.wages.affordability import max_affordable_loan
    from tashilat.policy import default_policy

    check_digits(digits)
    when = _on(on)
    r, _, provs = _rate(loan, rate, opened, when)
    d = max_affordable_loan(
        default_policy(),
        worker_profile(married, children, years_of_service, wage, other_income),
        on=when,
        annual_rate=r,
        months=parse_int(months, "months", low=1, high=600),
        limit_percent=_limit(limit),
        basis=basis,
        method=method.strip().lower(),
        figures=provs,
    )
    if as_json:
        print_json(decision_json(d))
        return
    v = d.value
    header("Largest affordable loan / بزرگ‌ترین وام قابل پرداخت", when, digits)
    out.print(
        f"[bold]{money(v.principal_rial, digits)}[/bold] "
        f"at {percent(v.annual_rate_percent, digits)}"
        f" over {fa_numbers(str(v.months), digits)} months; instalment at most "
        f"{money(v.instalment_limit_rial, digits)} ({percent(v.limit_percent, digits)} of "
        f"{money(v.income_rial, digits)})",
        highlight=False,
    )
    present(d, digits)


@afford_app.command("months")
@friendly_errors
def afford_months(
    principal: Annotated[str, typer.Option("--principal", help="Loan amount, rial.")],
    instalment: Annotated[str, typer.Option("--instalment", help="Monthly instalment, rial.")],
    rate: RateOpt = None,
    loan: LoanOpt = None,
    opened: OpenedOpt = None,
    on: OnOpt = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """How many months a fixed instalment takes to repay a loan."""
    from tashilat.domain.programs.wages.affordability import repayment_term
    from tashilat.policy import default_policy

    check_digits(digits)
    when = _on(on)
    r, _, provs = _rate(loan, rate, opened, when)
    d = repayment_term(
        default_policy(),
        principal=parse_rial(principal, field="principal", allow_zero=False),
        annual_rate=r,
        instalment=parse_rial(instalment, field="instalment", allow_zero=False),
        on=when,
        figures=provs,
    )
    if as_json:
        print_json(decision_json(d))
        return
    v = d.value
    out.print(
        f"[bold]{fa_numbers(str(v.months), digits)} months / ماه[/bold] — last instalment "
        f"{money(v.last_instalment_rial, digits)}, total {money(v.total_rial, digits)}",
        highlight=False,
    )
    present(d, digits)


RentOpt = Annotated[
    str | None,
    typer.Option("--rent", help="Monthly rent, rial (default: the Tehran average in policy)."),
]


@afford_app.command("rent")
@friendly_errors
def afford_rent(
    rent: RentOpt = None,
    on: OnOpt = None,
    married: MarriedOpt = False,
    children: ChildrenOpt = "0",
    years_of_service: ServiceOpt = "0",
    wage: WageOpt = None,
    other_income: OtherOpt = None,
    basis: BasisOpt = "gross",
    limit: LimitOpt = None,
    chart: ChartOpt = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """Rent as a share of household income, and how much of it the housing allowance covers."""
    from tashilat.charts import rent_chart
    from tashilat.domain.programs.wages.affordability import rent_burden
    from tashilat.policy import default_policy

    check_digits(digits)
    fmt = chart_format(chart)
    when = _on(on)
    d = rent_burden(
        default_policy(),
        worker_profile(married, children, years_of_service, wage, other_income),
        on=when,
        rent=parse_rial(rent, field="rent", allow_zero=False) if rent is not None else None,
        limit_percent=_limit(limit),
        basis=basis,
    )
    write_chart(chart, fmt, lambda f: rent_chart(d.value, f))
    if as_json:
        print_json(decision_json(d))
        return
    v = d.value
    header("Rent burden / بار اجاره", when, digits)
    out.print(
        f"[bold]rent / اجاره {money(v.rent_rial, digits)} = {percent(v.burden_percent, digits)}"
        f"[/bold] of {v.income_basis} income {money(v.income_rial, digits)}; housing allowance "
        f"{money(v.housing_allowance_rial, digits)} covers "
        f"{percent(v.allowance_covers_percent, digits)}",
        highlight=False,
    )
    present(d, digits)


@afford_app.command("allowance")
@friendly_errors
def afford_allowance(
    rent: RentOpt = None,
    target: Annotated[
        str | None,
        typer.Option("--target", help="Target rent share of income, percent (default: 30%)."),
    ] = None,
    on: OnOpt = None,
    married: MarriedOpt = False,
    children: ChildrenOpt = "0",
    years_of_service: ServiceOpt = "0",
    wage: WageOpt = None,
    other_income: OtherOpt = None,
    chart: ChartOpt = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """The housing allowance that would bring the rent down to a target share of income."""
    from tashilat.charts import rent_chart
    from tashilat.domain.programs.wages.affordability import allowance_needed
    from tashilat.policy import default_policy

    check_digits(digits)
    fmt = chart_format(chart)
    when = _on(on)
    d = allowance_needed(
        default_policy(),
        worker_profile(married, children, years_of_service, wage, other_income),
        on=when,
        rent=parse_rial(rent, field="rent", allow_zero=False) if rent is not None else None,
        target_percent=_limit(target, "target"),
    )
    write_chart(chart, fmt, lambda f: rent_chart(d.value, f))
    if as_json:
        print_json(decision_json(d))
        return
    v = d.value
    header("Housing allowance needed / حق مسکن لازم", when, digits)
    out.print(
        f"[bold]{money(v.needed_allowance_rial, digits)}[/bold] a month "
        f"({fa_numbers(str(v.multiple_of_current), digits)} × the current "
        f"{money(v.current_allowance_rial, digits)}) for a rent of "
        f"{money(v.rent_rial, digits)} to be {percent(v.target_percent, digits)} of income",
        highlight=False,
    )
    present(d, digits)
