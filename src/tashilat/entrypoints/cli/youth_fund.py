"""``tashilat youth-fund …``: a saver's plan and the loan a Youth Housing Savings Fund account
earns (by city or tier, as of a date), as a table or JSON."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Annotated, Any

import typer
from rich.table import Table

from tashilat.domain.decision import Decision, Provenance, warnings_for
from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import format_jalali, parse_jalali
from tashilat.domain.money import parse_rial
from tashilat.domain.text import strip_number
from tashilat.entrypoints.cli.common import (
    DigitsOpt,
    JsonOpt,
    check_digits,
    friendly_errors,
    out,
    print_json,
)
from tashilat.entrypoints.cli.format import (
    digits_text,
    money,
    parse_int,
    percent,
    print_warnings,
)
from tashilat.entrypoints.serialize import (
    decision_envelope,
    entitlement_json,
    jsonable,
    plan_json,
)
from tashilat.policy import default_policy

youth_app = typer.Typer(
    help="Youth Housing Savings Fund. / صندوق پس‌انداز مسکن جوانان", no_args_is_help=True
)


# -- youth fund -------------------------------------------------------------------------------


def _resolve_tier(
    city: str | None, tier: str | None, opened_on: date, province: str | None = None
) -> tuple[int, str | None, tuple[Provenance, ...]]:
    """The tier from --tier, or from --city (and --province where names repeat), with the
    provenance of the figures that decided a city's tier."""
    if (city is None) == (tier is None):
        raise InvalidInput(
            "plan.city_or_tier",
            "دقیقاً یکی از --city یا --tier را بدهید.",
            "Give exactly one of --city or --tier.",
        )
    if province is not None and city is None:
        raise InvalidInput(
            "plan.province_without_city",
            "--province تنها همراه --city.",
            "--province needs --city.",
            field="province",
        )
    if tier is not None:
        return parse_int(tier, "tier", low=1, high=3), None, ()
    assert city is not None
    from tashilat.data import load_city_index
    from tashilat.domain.programs.youth_fund.cities import tier_of

    found = load_city_index().lookup(city, province)
    t = tier_of(default_policy(), found, opened_on)
    name = f"{found.name_fa} ({found.name_en}), {found.province_fa} / {found.province_en}"
    return t.tier, name, t.provenances


def _with_city_warnings(decision: Decision[Any], used: tuple[Provenance, ...]) -> Decision[Any]:
    """The decision with the warnings of the figures that decided the city's tier."""
    extra = tuple(w for w in warnings_for(used) if w not in decision.warnings)
    return replace(decision, warnings=decision.warnings + extra) if extra else decision


ProvinceOpt = Annotated[
    str | None,
    typer.Option("--province", help="Province, where several cities share the name / استان"),
]


@youth_app.command("plan")
@friendly_errors
def youth_plan(
    opened: Annotated[str, typer.Option("--opened", help="Opening date, Jalali YYYY/MM/DD")],
    city: Annotated[
        str | None, typer.Option("--city", help="City name (Persian or English)")
    ] = None,
    province: ProvinceOpt = None,
    tier: Annotated[str | None, typer.Option("--tier", help="City tier 1|2|3")] = None,
    monthly: Annotated[
        str | None, typer.Option("--monthly", help="Fixed monthly deposit, rial")
    ] = None,
    follow_table: Annotated[
        bool, typer.Option("--follow-table", help="Deposit the cohort table's amount")
    ] = False,
    share: Annotated[
        str | None, typer.Option("--share", help="With --follow-table: percent of the table")
    ] = None,
    lump_sum: Annotated[
        str | None, typer.Option("--lump-sum", help="Deposit on the opening day, rial")
    ] = None,
    kind: Annotated[
        str, typer.Option("--kind", help="Loan: purchase | construction / خرید یا ساخت")
    ] = "purchase",
    method: Annotated[
        str, typer.Option("--method", help="Repayment: simple | stepwise / ساده یا پلکانی")
    ] = "simple",
    income: Annotated[
        str | None,
        typer.Option("--income", help="Household monthly income, rial / درآمد ماهانه خانوار"),
    ] = None,
    minimum_wage_children: Annotated[
        str | None,
        typer.Option(
            "--minimum-wage-children",
            help="Measure against a married worker on the minimum wage with N children",
        ),
    ] = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """Simulate the deposits and show, for each account year, averages, cap and entitlement,
    and from the minimum wait the fund's loan it buys, its instalments and, with an income,
    their share of it."""
    from tashilat.services.youth_planner import Household, plan_with_loan

    check_digits(digits)
    opened_on = parse_jalali(opened, field="opened")
    tier_n, city_name, city_figures = _resolve_tier(city, tier, opened_on, province)
    if monthly is not None and follow_table:
        raise InvalidInput(
            "plan.conflict",
            "یا --monthly یا --follow-table، نه هر دو.",
            "Give --monthly or --follow-table, not both.",
        )
    if share is not None and not follow_table:
        raise InvalidInput(
            "plan.share_without_table",
            "--share تنها با --follow-table.",
            "--share needs --follow-table.",
        )
    share_pct = parse_int(share, "share", low=1, high=1000) if share is not None else None
    household = Household(
        income_rial=parse_rial(income, field="income", allow_zero=False)
        if income is not None
        else None,
        minimum_wage_children=parse_int(
            minimum_wage_children, "minimum_wage_children", low=0, high=20
        )
        if minimum_wage_children is not None
        else None,
    )
    decision = plan_with_loan(
        default_policy(),
        opened_on=opened_on,
        tier=tier_n,
        monthly=parse_rial(monthly, field="monthly", allow_zero=False)
        if monthly is not None
        else None,
        share_percent=(share_pct or 100) if follow_table else None,
        lump_sum=parse_rial(lump_sum, field="lump_sum") if lump_sum is not None else 0,
        kind=kind.strip().lower(),
        method=method.strip().lower(),
        household=household,
    )
    decision = _with_city_warnings(decision, city_figures)
    data = plan_json(decision)
    if city_name:
        data["city"] = city_name
    if as_json:
        print_json(data)
        return
    _present_years(decision, data, digits, title="Plan / برنامه پس‌انداز")


def _present_years(decision: Decision[Any], data: dict[str, Any], digits: str, title: str) -> None:
    v = decision.value

    def d(value: object) -> str:
        return digits_text(str(value), digits)

    header = (
        f"cohort {d(v.cohort)} · tier {d(v.tier)} · wait {d(v.min_wait_years)}–"
        f"{d(v.max_wait_years)} years · opened {format_jalali(v.opened_on, digits=digits)}"
    )
    if data.get("city"):
        header += f" · {data['city']}"
    out.print(f"[bold]{title}[/bold]  {header}", highlight=False)
    # a plan also shows each year's savings profit and the balance with it
    with_profit = any(getattr(y, "profit_rial", None) is not None for y in v.years)
    table = Table(
        "year / سال",
        "ends / پایان",
        *(["profit / سود", "balance / مانده"] if with_profit else []),
        "average / میانگین",
        "reference / مرجع",
        "cap / سقف",
        "entitlement / امتیاز",
        "eligible",
    )
    for y in v.years:
        table.add_row(
            d(y.year),
            format_jalali(y.ends_on, digits=digits),
            *([money(y.profit_rial, digits), money(y.balance_rial, digits)] if with_profit else []),
            money(y.average_rial, digits),
            money(y.reference_average_rial, digits),
            money(y.cap_rial, digits),
            money(y.entitlement_rial, digits),
            "✔" if y.eligible else "—",
        )
    out.print(table)
    _present_loans(v, digits)
    for r in decision.reasons:
        mark = "✔" if r.passed else "✘"
        out.print(f"{mark} {r.message_fa}\n  {r.message_en}", highlight=False)
    print_warnings(decision.warnings)
    out.print(f"policy {decision.policy_hash[:12]}", style="dim", highlight=False)


def _present_loans(v: Any, digits: str) -> None:
    """The loan each year buys (a plan with loans): a table of its own, so that the plan's
    table keeps its width."""
    rows = [y for y in v.years if getattr(y, "loan", None) is not None]
    if not rows:
        return
    with_burden = any(y.loan.burden_percent is not None for y in rows)
    table = Table(
        "year / سال",
        "loan / وام",
        *(f"{x.method} / {'ساده' if x.method == 'simple' else 'پلکانی'}" for x in rows[0].loans),
        "repayable / بازپرداخت",
        *(["burden / سهم از درآمد"] if with_burden else []),
        title=f"Loan / وام ({v.kind}, {v.rate_percent}%, {v.months} months, {v.method})",
    )
    for y in rows:
        table.add_row(
            digits_text(str(y.year), digits),
            money(y.loan.principal_rial, digits),
            *(money(x.first_instalment_rial, digits) for x in y.loans),
            money(y.loan.total_repayable_rial, digits),
            *([percent(y.loan.burden_percent, digits)] if with_burden else []),
        )
    out.print(table)


@youth_app.command("entitlement")
@friendly_errors
def youth_entitlement(
    opened: Annotated[str, typer.Option("--opened", help="Opening date, Jalali YYYY/MM/DD")],
    on: Annotated[str, typer.Option("--on", help="Business date, Jalali YYYY/MM/DD")],
    city: Annotated[str | None, typer.Option("--city")] = None,
    province: ProvinceOpt = None,
    tier: Annotated[str | None, typer.Option("--tier")] = None,
    deposit: Annotated[
        list[str] | None,
        typer.Option("--deposit", help="DATE=RIAL (repeatable); a negative amount is a withdrawal"),
    ] = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """Entitlement at a business date from a real history of deposits and withdrawals."""
    from tashilat.domain.programs.youth_fund.rules import Event, entitlement

    check_digits(digits)
    opened_on = parse_jalali(opened, field="opened")
    tier_n, city_name, city_figures = _resolve_tier(city, tier, opened_on, province)
    events: list[Event] = []
    for item in deposit or []:
        when, sep, amount = item.partition("=")
        if not sep:
            raise InvalidInput(
                "deposit.format",
                f"«{item}» باید به شکل تاریخ=مبلغ باشد.",
                f"'{item}' must be DATE=RIAL.",
            )
        raw = strip_number(amount)
        sign = -1 if raw.startswith("-") else 1
        events.append(
            Event(
                parse_jalali(when, field="deposit"),
                sign * parse_rial(raw.lstrip("-"), field="deposit"),
            )
        )
    decision = entitlement(
        default_policy(),
        opened_on=opened_on,
        tier=tier_n,
        events=events,
        as_of=parse_jalali(on, field="on"),
        check=True,
    )
    decision = _with_city_warnings(decision, city_figures)
    data = entitlement_json(decision)
    if city_name:
        data["city"] = city_name
    if as_json:
        print_json(data)
        return
    _present_years(decision, data, digits, title="Entitlement / امتیاز")
    e = decision.value
    out.print(
        f"[bold]{decision.outcome}[/bold]: {money(e.entitlement_rial, digits)} "
        f"of cap {money(e.cap_rial, digits)}",
        highlight=False,
    )


@youth_app.command("target")
@friendly_errors
def youth_target(
    opened: Annotated[str, typer.Option("--opened", help="Opening date, Jalali YYYY/MM/DD")],
    city: Annotated[
        str | None, typer.Option("--city", help="City name (Persian or English)")
    ] = None,
    province: ProvinceOpt = None,
    tier: Annotated[str | None, typer.Option("--tier", help="City tier 1|2|3")] = None,
    amount: Annotated[
        str | None, typer.Option("--amount", help="The loan amount to reach, rial")
    ] = None,
    cap: Annotated[bool, typer.Option("--cap", help="Aim at the whole cap of the year")] = False,
    by_year: Annotated[
        str | None,
        typer.Option("--by-year", help="The least deposits that reach it by the end of year K"),
    ] = None,
    monthly: Annotated[
        str | None,
        typer.Option("--monthly", help="The first year this monthly deposit reaches it, rial"),
    ] = None,
    lump_sum: Annotated[
        str | None,
        typer.Option("--lump-sum", help="The first year this opening-day deposit reaches it"),
    ] = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """The inverse planner: the least monthly deposit (and lump sum) that reaches an amount
    by a year, or the first year a given deposit reaches it."""
    from tashilat.services.youth_planner import deposit_target

    check_digits(digits)
    opened_on = parse_jalali(opened, field="opened")
    tier_n, city_name, city_figures = _resolve_tier(city, tier, opened_on, province)
    if (amount is None) == (not cap):
        raise InvalidInput(
            "target.amount_or_cap",
            "دقیقاً یکی از --amount یا --cap را بدهید.",
            "Give exactly one of --amount or --cap.",
            field="amount",
        )
    if sum(x is not None for x in (by_year, monthly, lump_sum)) != 1:
        raise InvalidInput(
            "target.mode",
            "دقیقاً یکی از --by-year، --monthly یا --lump-sum را بدهید.",
            "Give exactly one of --by-year, --monthly or --lump-sum.",
            field="by_year",
        )
    decision = deposit_target(
        default_policy(),
        opened_on=opened_on,
        tier=tier_n,
        amount=parse_rial(amount, field="amount", allow_zero=False) if amount else None,
        by_year=parse_int(by_year, "by_year", low=1, high=100) if by_year else None,
        monthly=parse_rial(monthly, field="monthly", allow_zero=False) if monthly else None,
        lump_sum=parse_rial(lump_sum, field="lump_sum", allow_zero=False) if lump_sum else None,
    )
    decision = _with_city_warnings(decision, city_figures)
    data = {**jsonable(decision.value), **decision_envelope(decision)}
    if city_name:
        data["city"] = city_name
    if as_json:
        print_json(data)
        return
    v = decision.value
    out.print(
        f"[bold]Target / هدف[/bold]  cohort {digits_text(str(v.cohort), digits)} · tier "
        f"{digits_text(str(v.tier), digits)} · opened {format_jalali(v.opened_on, digits=digits)}"
        + (f" · {city_name}" if city_name else ""),
        highlight=False,
    )
    table = Table("", "")
    table.add_row("amount / مبلغ هدف", money(v.amount_rial, digits))
    if v.solve == "deposit":
        table.add_row("by year / تا پایان سال", digits_text(str(v.by_year), digits))
        table.add_row("least monthly / کمترین واریز ماهانه", money(v.monthly_rial, digits))
        table.add_row("or lump sum / یا واریز یکجا", money(v.lump_sum_rial, digits))
    else:
        given = v.monthly_rial if v.monthly_rial is not None else v.lump_sum_rial
        table.add_row("deposit / واریز", money(given, digits))
        table.add_row(
            "first year / نخستین سال", digits_text(str(v.year), digits) if v.year else "—"
        )
    if v.loan_from:
        table.add_row("loan from / وام از", format_jalali(v.loan_from, digits=digits))
    out.print(table)
    for r in decision.reasons:
        mark = "✔" if r.passed else "✘"
        out.print(f"{mark} {r.message_fa}\n  {r.message_en}", highlight=False)
    print_warnings(decision.warnings)
    out.print(f"policy {decision.policy_hash[:12]}", style="dim", highlight=False)
