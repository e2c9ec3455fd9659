"""``tashilat loan schedule``: a loan's instalments (equal instalments or equal principal)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import typer
from rich.table import Table

from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import format_jalali, parse_jalali
from tashilat.domain.money import parse_percent, parse_rial
from tashilat.entrypoints.cli.common import (
    DigitsOpt,
    JsonOpt,
    check_digits,
    friendly_errors,
    out,
    print_json,
)
from tashilat.entrypoints.cli.format import digits_text, money, parse_int
from tashilat.entrypoints.serialize import schedule_json
from tashilat.policy import default_policy

loan_app = typer.Typer(help="Loan schedules. / جدول اقساط", no_args_is_help=True)


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

    check_digits(digits)
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
        parse_int(months, "months", low=1, high=600),
        step_percent=step_pct,
        grace_months=parse_int(grace, "grace", low=0, high=120),
        start=start_on,
        rounding_unit=rounding_unit,
    )
    data = schedule_json(schedule)
    data["policy_hash"] = policy.hash
    if as_json:
        print_json(data)
        return
    label = "fee / کارمزد" if schedule.charge_label == "fee" else "profit / سود"
    table = Table(
        "# / قسط", "due / سررسید", "amount / مبلغ", "principal / اصل", label, "balance / مانده"
    )
    for i in schedule.instalments:
        table.add_row(
            digits_text(str(i.number), digits),
            format_jalali(i.due, digits=digits) if i.due else "—",
            money(i.amount, digits),
            money(i.principal, digits),
            money(i.profit, digits),
            money(i.balance, digits),
        )
    out.print(table)
    out.print(f"total / جمع: {money(schedule.total, digits)}", highlight=False)
    out.print(f"{label}: {money(schedule.total_profit, digits)}", highlight=False)
    if (na := schedule.negative_amortisation) is not None:
        out.print(f"[yellow]⚠ {na.message_fa}\n  {na.message_en}[/yellow]", highlight=False)
