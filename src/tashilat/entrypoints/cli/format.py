"""How the commands present an answer on a terminal: money with its toman, Persian digits in
numbers, percentages, a decision's reasons and warnings, charts written beside the answer."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.table import Table

from tashilat.domain.decision import Decision, Warning
from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import format_jalali
from tashilat.domain.money import format_rial
from tashilat.domain.text import strip_number, to_persian_digits
from tashilat.entrypoints.cli.common import err, out


def digits_text(text: str, digits: str) -> str:
    return to_persian_digits(text) if digits == "fa" else text


def money(amount: int | None, digits: str) -> str:
    """``12,000 (1,200 toman)``: rial with separators, toman beside it."""
    if amount is None:
        return "—"
    rial = format_rial(amount, digits=digits)
    toman = f"{Decimal(amount) / 10:,}"
    if digits == "fa":
        toman = to_persian_digits(toman).replace(",", "٬").replace(".", "٫")
    return f"{rial} ({toman} {'تومان' if digits == 'fa' else 'toman'})"


def print_warnings(warnings: tuple[Warning, ...]) -> None:
    for w in warnings:
        colour = "red" if w.status.value == "illustrative" else "yellow"
        out.print(f"[{colour}]⚠ {w.message_fa}[/{colour}]", highlight=False)
        out.print(f"  [{colour}]{w.message_en}[/{colour}]", highlight=False)
        if w.source:
            out.print(f"  source: {w.source}", highlight=False)


def parse_int(text: str, field: str, *, low: int, high: int) -> int:
    raw = strip_number(text)
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise InvalidInput(
            f"{field}.invalid",
            f"مقدار «{text}» برای {field} باید عدد صحیح بین {low} و {high} باشد.",
            f"{field} must be a whole number between {low} and {high}, not '{text}'.",
            field=field,
        )
    return int(raw)


_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def fa_numbers(text: str, digits: str) -> str:
    """Persian digits and separators in the numbers of a text (``--digits fa``)."""
    if digits != "fa":
        return text
    return _NUMBER.sub(
        lambda m: to_persian_digits(m.group(0)).replace(",", "٬").replace(".", "٫"), text
    )


def percent(p: Decimal | None, digits: str) -> str:
    if p is None:
        return "—"
    text = format(p.normalize(), "f")
    return fa_numbers(text, digits) + ("٪" if digits == "fa" else "%")


def present(d: Decision[Any], digits: str) -> None:
    """Reasons (the figures used), warnings and the policy hash, as ``main`` prints them."""
    for r in d.reasons:
        mark = "✔" if r.passed else "✘"
        out.print(
            f"{mark} {fa_numbers(r.message_fa, digits)}\n  {r.message_en}",
            highlight=False,
            markup=False,
        )
    print_warnings(d.warnings)
    out.print(f"policy {d.policy_hash[:12]}", style="dim", highlight=False)


def income_table(income: Any, digits: str) -> Table:
    table = Table("component / جزء", "amount / مبلغ", "insurable / مشمول بیمه", "detail")
    for line in income.lines:
        table.add_row(
            f"{line.label_en} / {line.label_fa}",
            money(line.amount_rial, digits),
            money(line.insurable_rial, digits),
            fa_numbers(line.detail, digits),
        )
    table.add_row("gross / ناخالص", money(income.gross_rial, digits), "", "")
    table.add_row(
        f"insurance {percent(income.insurance_percent, digits)} / بیمه",
        money(-income.insurance_rial, digits),
        money(income.insurable_rial, digits),
        "",
    )
    table.add_row("net / خالص", money(income.net_rial, digits), "", "")
    if income.other_income_rial:
        table.add_row("other income / درآمد دیگر", money(income.other_income_rial, digits), "", "")
        table.add_row(
            "household gross / ناخالص خانوار", money(income.household_gross_rial, digits), "", ""
        )
    return table


def header(title: str, on: date, digits: str, extra: str = "") -> None:
    out.print(
        f"[bold]{title}[/bold]  on {format_jalali(on, digits=digits)}{extra}", highlight=False
    )


def chart_format(path: Path | None) -> str | None:
    """The chart format from the path's suffix, checked before any work is done."""
    if path is None:
        return None
    from tashilat.charts import check_format

    return check_format(path.suffix or "(none)")


def write_chart(path: Path | None, fmt: str | None, render: Callable[[str], bytes]) -> None:
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
    err.print(f"chart / نمودار: {path}", highlight=False)
