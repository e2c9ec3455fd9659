"""The ``tashilat wages …``, ``tashilat afford …`` and ``tashilat construction …`` commands.

Thin, like ``main``: parse what a person typed (Persian digits welcome), call the domain,
present the ``Decision`` (a Rich table, the reasons naming the figures used, the warnings)
or its JSON (``--json``: the value's fields plus ``outcome``, ``as_of``, ``policy_hash``,
``reasons`` and ``warnings``). ``--chart PATH.svg|png`` writes a chart where one helps.

``main`` imports this module while it is still being defined, so the helpers it provides
(``friendly_errors``, ``_money``, consoles) are looked up at call time, never at import.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import wraps
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any, TypeVar

import typer
from rich.table import Table

from tashilat.domain.decision import Decision, Provenance
from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import format_jalali, parse_jalali
from tashilat.domain.money import parse_percent, parse_rial
from tashilat.domain.text import to_persian_digits
from tashilat.entrypoints.cli.common import DigitsOpt, JsonOpt
from tashilat.entrypoints.parse import fee as _fee
from tashilat.entrypoints.parse import floor_area, loan_rate
from tashilat.entrypoints.parse import on_date as _on
from tashilat.entrypoints.parse import optional_percent as _limit
from tashilat.entrypoints.parse import signed_percent as _signed_percent
from tashilat.entrypoints.serialize import contribution_json, decision_json

wages_app = typer.Typer(
    help="Worker wages and Labour Law article 149. / دستمزد کارگران و ماده ۱۴۹ قانون کار",
    no_args_is_help=True,
)
afford_app = typer.Typer(
    help="Housing affordability against a worker's income. / توان پرداخت هزینه مسکن",
    no_args_is_help=True,
)
construction_app = typer.Typer(
    help="Construction workers' insurance. / بیمه کارگران ساختمانی", no_args_is_help=True
)

F = TypeVar("F", bound=Callable[..., Any])


def _main() -> ModuleType:
    from tashilat.entrypoints.cli import main

    return main


def friendly(fn: F) -> F:
    """``main.friendly_errors``, looked up when the command runs (see the module note)."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return _main().friendly_errors(fn)(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


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


def _int(text: str, field: str, *, low: int, high: int) -> int:
    value: int = _main()._parse_int(text, field, low=low, high=high)
    return value


def _profile(married: bool, children: str, years: str, wage: str | None, other: str | None) -> Any:
    from tashilat.domain.programs.wages.income import WorkerProfile

    return WorkerProfile(
        married=married,
        children=_int(children, "children", low=0, high=20),
        years_of_service=_int(years, "years-of-service", low=0, high=60),
        base_wage=parse_rial(wage, field="wage", allow_zero=False) if wage is not None else None,
        other_income=parse_rial(other, field="other-income") if other is not None else 0,
    )


def _decision_json(d: Decision[Any]) -> dict[str, Any]:
    return decision_json(d)


def _chart_path(path: Path | None) -> str | None:
    """The chart format from the path's suffix, checked before any work is done."""
    if path is None:
        return None
    from tashilat.charts import check_format

    return check_format(path.suffix or "(none)")


def _write_chart(path: Path | None, fmt: str | None, render: Callable[[str], bytes]) -> None:
    if path is None or fmt is None:
        return
    try:
        path.write_bytes(render(fmt))
    except OSError as exc:
        raise InvalidInput(
            "chart.write",
            f"نوشتن نمودار در «{path}» ممکن نشد: {exc.strerror}",
            f"Could not write the chart to '{path}': {exc.strerror}",
            field="chart",
        ) from None
    _main().err.print(f"chart / نمودار: {path}", highlight=False)


_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _fa(text: str, digits: str) -> str:
    """Persian digits and separators in the numbers of a text (``--digits fa``)."""
    if digits != "fa":
        return text
    return _NUMBER.sub(
        lambda m: to_persian_digits(m.group(0)).replace(",", "٬").replace(".", "٫"), text
    )


def _pct(p: Decimal | None, digits: str) -> str:
    if p is None:
        return "—"
    text = format(p.normalize(), "f")
    return _fa(text, digits) + ("٪" if digits == "fa" else "%")


def _money(amount: int | None, digits: str) -> str:
    text: str = _main()._money(amount, digits)
    return text


def _present(d: Decision[Any], digits: str) -> None:
    """Reasons (the figures used), warnings and the policy hash, as ``main`` prints them."""
    m = _main()
    for r in d.reasons:
        mark = "✔" if r.passed else "✘"
        m.out.print(
            f"{mark} {_fa(r.message_fa, digits)}\n  {r.message_en}", highlight=False, markup=False
        )
    m._print_warnings(d.warnings)
    m.out.print(f"policy {d.policy_hash[:12]}", style="dim", highlight=False)


def _income_table(income: Any, digits: str) -> Table:
    table = Table("component / جزء", "amount / مبلغ", "insurable / مشمول بیمه", "detail")
    for line in income.lines:
        table.add_row(
            f"{line.label_en} / {line.label_fa}",
            _money(line.amount_rial, digits),
            _money(line.insurable_rial, digits),
            _fa(line.detail, digits),
        )
    table.add_row("gross / ناخالص", _money(income.gross_rial, digits), "", "")
    table.add_row(
        f"insurance {_pct(income.insurance_percent, digits)} / بیمه",
        _money(-income.insurance_rial, digits),
        _money(income.insurable_rial, digits),
        "",
    )
    table.add_row("net / خالص", _money(income.net_rial, digits), "", "")
    if income.other_income_rial:
        table.add_row("other income / درآمد دیگر", _money(income.other_income_rial, digits), "", "")
        table.add_row(
            "household gross / ناخالص خانوار", _money(income.household_gross_rial, digits), "", ""
        )
    return table


def _header(title: str, on: date, digits: str, extra: str = "") -> None:
    _main().out.print(
        f"[bold]{title}[/bold]  on {format_jalali(on, digits=digits)}{extra}", highlight=False
    )


# -- wages ----------------------------------------------------------------------------------


@wages_app.command("profile")
@friendly
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

    m = _main()
    m._check_digits(digits)
    when = _on(on)
    d = monthly_income(
        default_policy(), _profile(married, children, years_of_service, wage, other_income), when
    )
    if as_json:
        m._print_json(_decision_json(d))
        return
    v = d.value
    _header(
        "Monthly income / درآمد ماهانه",
        when,
        digits,
        f" · wage figures of {_fa(str(v.wage_year), digits)}",
    )
    m.out.print(_income_table(v, digits))
    _present(d, digits)


@wages_app.command("article149")
@friendly
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

    m = _main()
    m._check_digits(digits)
    when = _on(on)
    d = employer_obligations(
        default_policy(),
        Workshop(_int(workers, "workers", low=1, high=10_000_000), cooperative, large),
        on=when,
    )
    if as_json:
        m._print_json(_decision_json(d))
        return
    v = d.value
    _header("Labour Law article 149 / ماده ۱۴۹ قانون کار", when, digits)
    m.out.print(v.article_fa, highlight=False, markup=False)
    m.out.print(v.article_en, highlight=False, markup=False)
    table = Table("applies", "party", "obligation / تکلیف", "basis")
    for o in v.obligations:
        table.add_row("✔" if o.applies else "—", o.party, f"{o.text_fa}\n{o.text_en}", o.basis)
    m.out.print(table)
    _present(d, digits)


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
@friendly
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

    m = _main()
    m._check_digits(digits)
    fmt = _chart_path(chart)
    when = _on(on)
    policy = default_policy()
    profile = _profile(married, children, years_of_service, wage, other_income)
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
        n = _int(months, "months", low=1, high=1200) if months is not None else 1
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
            _int(months, "months", low=1, high=600),
            step_percent=step_pct,
            grace_months=_int(grace, "grace", low=0, high=120),
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

    _write_chart(chart, fmt, lambda f: burden_chart(d.value, f))
    if as_json:
        m._print_json(_decision_json(d))
        return
    v = d.value
    _header("Instalment burden / بار قسط", when, digits, f" · {v.loan.label}")
    m.out.print(
        f"[bold]burden / بار قسط: {_pct(v.first_burden_percent, digits)}[/bold] of household "
        f"{v.income_basis} income {_money(v.income_rial, digits)}; instalment "
        f"{_money(v.loan.first_instalment_rial, digits)}; limit {_pct(v.limit_percent, digits)} "
        f"= {_money(v.limit_instalment_rial, digits)}",
        highlight=False,
    )
    m.out.print(_income_table(v.income, digits))
    if v.loan.months > 1:
        table = Table(
            "loan year / سال", "income / درآمد", "highest instalment / قسط", "burden / بار"
        )
        for y in v.years:
            table.add_row(
                _fa(str(y.loan_year), digits),
                _money(y.income_rial, digits),
                _money(y.max_instalment_rial, digits),
                _pct(y.max_burden_percent, digits),
            )
        m.out.print(table)
    _present(d, digits)


@afford_app.command("max-loan")
@friendly
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

    m = _main()
    m._check_digits(digits)
    when = _on(on)
    r, _, provs = _rate(loan, rate, opened, when)
    d = max_affordable_loan(
        default_policy(),
        _profile(married, children, years_of_service, wage, other_income),
        on=when,
        annual_rate=r,
        months=_int(months, "months", low=1, high=600),
        limit_percent=_limit(limit),
        basis=basis,
        method=method.strip().lower(),
        figures=provs,
    )
    if as_json:
        m._print_json(_decision_json(d))
        return
    v = d.value
    _header("Largest affordable loan / بزرگ‌ترین وام قابل پرداخت", when, digits)
    m.out.print(
        f"[bold]{_money(v.principal_rial, digits)}[/bold] at {_pct(v.annual_rate_percent, digits)}"
        f" over {_fa(str(v.months), digits)} months; instalment at most "
        f"{_money(v.instalment_limit_rial, digits)} ({_pct(v.limit_percent, digits)} of "
        f"{_money(v.income_rial, digits)})",
        highlight=False,
    )
    _present(d, digits)


@afford_app.command("months")
@friendly
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

    m = _main()
    m._check_digits(digits)
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
        m._print_json(_decision_json(d))
        return
    v = d.value
    m.out.print(
        f"[bold]{_fa(str(v.months), digits)} months / ماه[/bold] — last instalment "
        f"{_money(v.last_instalment_rial, digits)}, total {_money(v.total_rial, digits)}",
        highlight=False,
    )
    _present(d, digits)


RentOpt = Annotated[
    str | None,
    typer.Option("--rent", help="Monthly rent, rial (default: the Tehran average in policy)."),
]


@afford_app.command("rent")
@friendly
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

    m = _main()
    m._check_digits(digits)
    fmt = _chart_path(chart)
    when = _on(on)
    d = rent_burden(
        default_policy(),
        _profile(married, children, years_of_service, wage, other_income),
        on=when,
        rent=parse_rial(rent, field="rent", allow_zero=False) if rent is not None else None,
        limit_percent=_limit(limit),
        basis=basis,
    )
    _write_chart(chart, fmt, lambda f: rent_chart(d.value, f))
    if as_json:
        m._print_json(_decision_json(d))
        return
    v = d.value
    _header("Rent burden / بار اجاره", when, digits)
    m.out.print(
        f"[bold]rent / اجاره {_money(v.rent_rial, digits)} = {_pct(v.burden_percent, digits)}"
        f"[/bold] of {v.income_basis} income {_money(v.income_rial, digits)}; housing allowance "
        f"{_money(v.housing_allowance_rial, digits)} covers "
        f"{_pct(v.allowance_covers_percent, digits)}",
        highlight=False,
    )
    _present(d, digits)


@afford_app.command("allowance")
@friendly
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

    m = _main()
    m._check_digits(digits)
    fmt = _chart_path(chart)
    when = _on(on)
    d = allowance_needed(
        default_policy(),
        _profile(married, children, years_of_service, wage, other_income),
        on=when,
        rent=parse_rial(rent, field="rent", allow_zero=False) if rent is not None else None,
        target_percent=_limit(target, "target"),
    )
    _write_chart(chart, fmt, lambda f: rent_chart(d.value, f))
    if as_json:
        m._print_json(_decision_json(d))
        return
    v = d.value
    _header("Housing allowance needed / حق مسکن لازم", when, digits)
    m.out.print(
        f"[bold]{_money(v.needed_allowance_rial, digits)}[/bold] a month "
        f"({_fa(str(v.multiple_of_current), digits)} × the current "
        f"{_money(v.current_allowance_rial, digits)}) for a rent of "
        f"{_money(v.rent_rial, digits)} to be {_pct(v.target_percent, digits)} of income",
        highlight=False,
    )
    _present(d, digits)


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
@friendly
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

    m = _main()
    m._check_digits(digits)
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
            m._print_json(_decision_json(bd))
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
                _fa(str(row.row), digits),
                row.reference,
                format_jalali(row.dated, digits=digits),
                s.version if s else "—",
                _money(s.counted_fees_rial, digits) if s and computed else "—",
                _money(s.owner_share_rial, digits) if s and computed else "—",
                row.outcome,
            )
        m.out.print(table)
        for row in b.rows:
            if row.outcome in ("not_modelled", "error"):
                for r in row.reasons:
                    m.out.print(
                        f"✘ #{row.row}: {_fa(r.message_fa, digits)}\n  {r.message_en}",
                        highlight=False,
                        markup=False,
                    )
        m.out.print(
            f"[bold]total / جمع: {_money(b.total_owner_share_rial, digits)}[/bold]",
            highlight=False,
        )
        _present(bd, digits)
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
        m._print_json(contribution_json(d, worker, worker_error))
        return
    v = d.value
    _header(
        "Construction workers' insurance / بیمه کارگران ساختمانی",
        dated,
        digits,
        f" · law {v.version}: {v.version_name_en}",
    )
    if v.owner_share_rial is not None:
        m.out.print(
            f"[bold]owner's share / سهم مالک: {_money(v.owner_share_rial, digits)}[/bold]",
            highlight=False,
        )
    else:
        m.out.print("[bold red]owner's share: not computed / محاسبه نشد[/bold red]")
    _present(d, digits)
    if worker is not None and worker.value.monthly_rial is not None:
        m.out.print(
            f"worker's share / سهم کارگر: {_money(worker.value.monthly_rial, digits)} a month",
            highlight=False,
        )
        _present(worker, digits)
    elif worker is not None:
        _present(worker, digits)
    elif worker_error is not None:
        m.out.print(
            f"worker's share not computed: {worker_error.message_en} / "
            f"{_fa(worker_error.message_fa, digits)}",
            highlight=False,
            markup=False,
        )


@construction_app.command("project")
@friendly
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

    m = _main()
    m._check_digits(digits)
    fmt = _chart_path(chart)
    inputs = FundInputs(
        start_year=_int(start_year, "start-year", low=1300, high=1500),
        years=_int(years, "years", low=1, high=50),
        per_capita_cost=parse_rial(per_capita_cost, field="per-capita-cost"),
        permit_revenue=parse_rial(permit_revenue, field="permit-revenue"),
        insured=_int(insured, "insured", low=1, high=100_000_000) if insured is not None else None,
        insured_trend_percent=_signed_percent(insured_trend, "insured-trend"),
        cost_trend_percent=_signed_percent(cost_trend, "cost-trend"),
        permit_trend_percent=_signed_percent(permit_trend, "permit-trend"),
        worker_contributions=parse_rial(worker_contributions, field="worker-contributions")
        if worker_contributions is not None
        else None,
        worker_trend_percent=_signed_percent(worker_trend, "worker-trend"),
    )
    d = project_fund(default_policy(), inputs)
    _write_chart(chart, fmt, lambda f: fund_chart(d.value, f))
    if as_json:
        m._print_json(_decision_json(d))
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
            _fa(str(y.year), digits),
            _fa(f"{y.insured:,}", digits),
            _money(y.resources_rial, digits),
            _money(y.obligations_rial, digits),
            _money(y.deficit_rial, digits),
            _pct(y.coverage_percent, digits),
        )
    m.out.print(table)
    m.out.print(
        f"[bold]total deficit / جمع کسری: {_money(v.total_deficit_rial, digits)}[/bold]",
        highlight=False,
    )
    _present(d, digits)
