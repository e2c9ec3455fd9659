"""The ``tashilat`` command line (Typer + Rich). Thin: parse, call the domain, present.

Command names and JSON fields are a contract: scripts and the other entrypoints rely on them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.table import Table

from tashilat.domain.decision import Decision, Provenance, Warning, warnings_for
from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import format_jalali, parse_jalali
from tashilat.domain.money import format_rial, parse_percent, parse_rial
from tashilat.domain.text import strip_number, to_persian_digits
from tashilat.entrypoints.cli.common import DigitsOpt, JsonErrorsGroup, JsonOpt, check_digits
from tashilat.entrypoints.serialize import entitlement_json, jsonable, plan_json, schedule_json
from tashilat.policy import check_policy, default_policy

app = typer.Typer(
    name="tashilat",
    help="tashilat — Iran's worker and youth credit programs as code. / تسهیلات",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=JsonErrorsGroup,
)
policy_app = typer.Typer(
    help="Policy parameters: validate and show. / پارامترهای سیاستی", no_args_is_help=True
)
youth_app = typer.Typer(
    help="Youth Housing Savings Fund. / صندوق پس‌انداز مسکن جوانان", no_args_is_help=True
)
loan_app = typer.Typer(help="Loan schedules. / جدول اقساط", no_args_is_help=True)
app.add_typer(policy_app, name="policy")
app.add_typer(youth_app, name="youth-fund")
app.add_typer(loan_app, name="loan")
from tashilat.entrypoints.cli.programs import afford_app, construction_app, wages_app  # noqa: E402

app.add_typer(wages_app, name="wages")
app.add_typer(afford_app, name="afford")
app.add_typer(construction_app, name="construction")
from tashilat.entrypoints.cli.employment import employment_app  # noqa: E402

app.add_typer(employment_app, name="employment")
from tashilat.entrypoints.cli.batch import batch_app  # noqa: E402

app.add_typer(batch_app, name="batch")

from tashilat.entrypoints.cli.common import err, friendly_errors, out  # noqa: E402

F = TypeVar("F", bound=Callable[..., Any])


def _digits(text: str, digits: str) -> str:
    return to_persian_digits(text) if digits == "fa" else text


def _money(amount: int | None, digits: str) -> str:
    """``12,000 (1,200 toman)``: rial with separators, toman beside it."""
    if amount is None:
        return "—"
    rial = format_rial(amount, digits=digits)
    toman = f"{Decimal(amount) / 10:,}"
    if digits == "fa":
        toman = to_persian_digits(toman).replace(",", "٬").replace(".", "٫")
    return f"{rial} ({toman} {'تومان' if digits == 'fa' else 'toman'})"


def _check_digits(digits: str) -> None:
    check_digits(digits)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _print_warnings(warnings: tuple[Warning, ...]) -> None:
    for w in warnings:
        colour = "red" if w.status.value == "illustrative" else "yellow"
        out.print(f"[{colour}]⚠ {w.message_fa}[/{colour}]", highlight=False)
        out.print(f"  [{colour}]{w.message_en}[/{colour}]", highlight=False)
        if w.source:
            out.print(f"  source: {w.source}", highlight=False)


def _parse_int(text: str, field: str, *, low: int, high: int) -> int:
    raw = strip_number(text)
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise InvalidInput(
            f"{field}.invalid",
            f"مقدار «{text}» برای {field} باید عدد صحیح بین {low} و {high} باشد.",
            f"{field} must be a whole number between {low} and {high}, not '{text}'.",
            field=field,
        )
    return int(raw)


# -- policy ---------------------------------------------------------------------------------


def _load(path: Path) -> Any:
    from tashilat.policy import load_policy

    return load_policy(path)


@policy_app.command("check")
@friendly_errors
def policy_check(
    path: Annotated[
        Path | None, typer.Argument(help="A parameters tree (default: the shipped one).")
    ] = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """Validate a policy tree: exit 0 when clean, 1 with every finding listed."""
    findings = check_policy(path)
    if as_json:
        data: dict[str, Any] = {"valid": not findings, "findings": [str(f) for f in findings]}
        if not findings:
            snap = default_policy() if path is None else _load(path)
            data.update(parameters=len(snap), policy_hash=snap.hash)
        _print_json(data)
        if findings:
            raise typer.Exit(1)
        return
    if findings:
        err.print(f"[red]{len(findings)} finding(s) / {len(findings)} مورد:[/red]")
        for f in findings:
            err.print(f"  - {f}", highlight=False)
        raise typer.Exit(1)
    snap = default_policy() if path is None else _load(path)
    out.print(
        f"[green]OK[/green] — {len(snap)} parameters, hash {snap.short_hash} / "
        f"{len(snap)} پارامتر معتبر است.",
        highlight=False,
    )


@policy_app.command("show")
@friendly_errors
def policy_show(
    path: Annotated[str, typer.Argument(help="Parameter path, e.g. youth_fund.caps")],
    on: Annotated[str | None, typer.Option("--on", help="Jalali date YYYY/MM/DD")] = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """A parameter's value, status and source (all dated values, or the one in force --on)."""
    snap = default_policy()
    param = snap.parameter(path)
    entries = [param.entry_at(parse_jalali(on, field="on"))] if on else list(param.entries)
    values: list[dict[str, Any]] = [
        {
            "since": format_jalali(e.since),
            "value": jsonable(e.value),
            "status": e.provenance.status.value,
            "source": e.provenance.source,
            "quote": e.quote,
            "note": e.provenance.note,
            "cells": {
                k: {"status": c.status.value, "source": c.source, "note": c.note}
                for k, c in e.cells.items()
            },
        }
        for e in entries
    ]
    data: dict[str, Any] = {
        "path": param.path,
        "kind": param.kind,
        "keyed_by": param.keyed_by,
        "unit": param.unit,
        "description": param.description,
        "description_fa": param.description_fa,
        "open_question": param.open_question,
        "open_questions": [
            {"id": q.id, "question": q.question, "question_fa": q.question_fa}
            for q in snap.questions_for(param.path)
        ],
        "policy_hash": snap.hash,
        "values": values,
    }
    if as_json:
        _print_json(data)
        return
    out.print(f"[bold]{param.path}[/bold]  ({param.kind}{', by cohort' if param.keyed_by else ''})")
    if param.description:
        out.print(param.description, highlight=False)
    if param.description_fa:
        out.print(param.description_fa, highlight=False)
    table = Table("since / از", "value / مقدار", "status / وضعیت", "source / منبع")
    for v in values:
        value = v["value"]
        shown = f"{value:,}" if isinstance(value, int) else json.dumps(value, ensure_ascii=False)
        table.add_row(v["since"], shown, v["status"], v["source"] or "—")
        for cell, meta in v["cells"].items():
            table.add_row("", f"  {cell}", meta["status"], meta["source"] or "—")
    out.print(table)
    for v in values:
        if v["quote"]:
            out.print(f"quote ({v['since']}): «{v['quote']}»", highlight=False)
        if v["note"]:
            out.print(f"note ({v['since']}): {v['note']}", highlight=False)
        for cell, meta in v["cells"].items():
            if meta["note"]:
                out.print(f"note ({v['since']}, {cell}): {meta['note']}", highlight=False)
    if param.open_question:
        out.print(f"[yellow]open question:[/yellow] {param.open_question}", highlight=False)
    for q in data["open_questions"]:
        out.print(
            f"[yellow]open question {q['id']} / پرسش باز:[/yellow] {q['question']}\n"
            f"  {q['question_fa']}",
            highlight=False,
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
        return _parse_int(tier, "tier", low=1, high=3), None, ()
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
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """Simulate the deposits and show, for each account year, averages, cap and entitlement."""
    from tashilat.domain.programs.youth_fund.rules import plan

    _check_digits(digits)
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
    share_pct = _parse_int(share, "share", low=1, high=1000) if share is not None else None
    decision = plan(
        default_policy(),
        opened_on=opened_on,
        tier=tier_n,
        monthly=parse_rial(monthly, field="monthly", allow_zero=False)
        if monthly is not None
        else None,
        share_percent=(share_pct or 100) if follow_table else None,
        lump_sum=parse_rial(lump_sum, field="lump_sum") if lump_sum is not None else 0,
    )
    decision = _with_city_warnings(decision, city_figures)
    data = plan_json(decision)
    if city_name:
        data["city"] = city_name
    if as_json:
        _print_json(data)
        return
    _present_years(decision, data, digits, title="Plan / برنامه پس‌انداز")


def _present_years(decision: Decision[Any], data: dict[str, Any], digits: str, title: str) -> None:
    v = decision.value

    def d(value: object) -> str:
        return _digits(str(value), digits)

    header = (
        f"cohort {d(v.cohort)} · tier {d(v.tier)} · wait {d(v.min_wait_years)}–"
        f"{d(v.max_wait_years)} years · opened {format_jalali(v.opened_on, digits=digits)}"
    )
    if data.get("city"):
        header += f" · {data['city']}"
    out.print(f"[bold]{title}[/bold]  {header}", highlight=False)
    table = Table(
        "year / سال",
        "ends / پایان",
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
            _money(y.average_rial, digits),
            _money(y.reference_average_rial, digits),
            _money(y.cap_rial, digits),
            _money(y.entitlement_rial, digits),
            "✔" if y.eligible else "—",
        )
    out.print(table)
    for r in decision.reasons:
        mark = "✔" if r.passed else "✘"
        out.print(f"{mark} {r.message_fa}\n  {r.message_en}", highlight=False)
    _print_warnings(decision.warnings)
    out.print(f"policy {decision.policy_hash[:12]}", style="dim", highlight=False)


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

    _check_digits(digits)
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
        _print_json(data)
        return
    _present_years(decision, data, digits, title="Entitlement / امتیاز")
    e = decision.value
    out.print(
        f"[bold]{decision.outcome}[/bold]: {_money(e.entitlement_rial, digits)} "
        f"of cap {_money(e.cap_rial, digits)}",
        highlight=False,
    )


# -- loans ----------------------------------------------------------------------------------


@loan_app.command("schedule")
@friendly_errors
def loan_schedule(
    principal: Annotated[str, typer.Option("--principal", help="Loan amount, rial")],
    rate: Annotated[str, typer.Option("--rate", help="Annual rate (or fee), percent")],
    months: Annotated[str, typer.Option("--months", help="Repayment months")],
    method: Annotated[str, typer.Option("--method", help="simple | stepwise | fee")] = "simple",
    step: Annotated[
        str | None, typer.Option("--step", help="Stepwise yearly rise, percent")
    ] = None,
    grace: Annotated[str, typer.Option("--grace", help="Grace months before repayment")] = "0",
    start: Annotated[str | None, typer.Option("--start", help="Disbursement date, Jalali")] = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """An instalment schedule: simple annuity, stepwise, or qard al-hasan fee."""
    from tashilat.domain.finance import Method, build_schedule

    _check_digits(digits)
    try:
        m = Method(method.strip().lower())
    except ValueError:
        raise InvalidInput(
            "loan.method",
            f"روش بازپرداخت «{method}» ناشناخته است (simple، stepwise یا fee).",
            f"Unknown repayment method '{method}' (simple, stepwise or fee).",
            field="method",
        ) from None
    start_on = parse_jalali(start, field="start") if start else None
    policy = default_policy()
    as_of = start_on or date.today()  # only to choose the policy figures at the edge
    rounding_unit = int(policy.resolve("finance.rounding_unit", as_of).value)
    step_pct: Decimal | None = None
    if m.value == "stepwise":
        step_pct = (
            parse_percent(step, field="step")
            if step is not None
            else Decimal(str(policy.resolve("finance.stepwise_step_percent", as_of).value))
        )
    elif step is not None:
        raise InvalidInput(
            "loan.step_without_stepwise",
            "--step تنها با روش stepwise.",
            "--step needs --method stepwise.",
        )
    schedule = build_schedule(
        m,
        parse_rial(principal, field="principal", allow_zero=False),
        parse_percent(rate, field="rate"),
        _parse_int(months, "months", low=1, high=600),
        step_percent=step_pct,
        grace_months=_parse_int(grace, "grace", low=0, high=120),
        start=start_on,
        rounding_unit=rounding_unit,
    )
    data = schedule_json(schedule)
    data["policy_hash"] = policy.hash
    if as_json:
        _print_json(data)
        return
    label = "fee / کارمزد" if schedule.charge_label == "fee" else "profit / سود"
    table = Table(
        "# / قسط", "due / سررسید", "amount / مبلغ", "principal / اصل", label, "balance / مانده"
    )
    for i in schedule.instalments:
        table.add_row(
            _digits(str(i.number), digits),
            format_jalali(i.due, digits=digits) if i.due else "—",
            _money(i.amount, digits),
            _money(i.principal, digits),
            _money(i.profit, digits),
            _money(i.balance, digits),
        )
    out.print(table)
    out.print(f"total / جمع: {_money(schedule.total, digits)}", highlight=False)
    out.print(f"{label}: {_money(schedule.total_profit, digits)}", highlight=False)
    if (na := schedule.negative_amortisation) is not None:
        out.print(f"[yellow]⚠ {na.message_fa}\n  {na.message_en}[/yellow]", highlight=False)


from tashilat.entrypoints.cli.ops import (  # noqa: E402
    date_app,
    db_app,
    serve,
    users_app,
    with_output_options,
)

app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(date_app, name="business-date")
app.command("serve")(with_output_options(serve))


def main() -> None:  # pragma: no cover - console entry
    app()
