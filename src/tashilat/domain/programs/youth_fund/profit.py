"""Profit on youth-fund savings (docs/rules.md §1.3): the account is a short-term investment
deposit, and banks pay short-term deposit profit monthly on the month's lowest balance.

* Account month ``i`` earns ``p_i = floor(b_i × R / 12,000,000)`` rial, where ``R`` is the
  yearly rate in 1/10,000 percent (``youth_fund.savings_profit_rate_percent`` in force on the
  month's first day: the rate is dated, not fixed by the cohort) and ``b_i`` the month's
  lowest end-of-day balance, never below 0. Rounding: down to the rial (the bank keeps the
  fraction).
* ``p_i`` is credited on the first day of month ``i + 1``, before any other movement of that
  day, so the whole of month ``i + 1`` carries it: ``b_i = low_i + C_{i−1}`` with ``low_i``
  the lowest balance of the holder's own deposits and withdrawals and ``C_{i−1} = p_1 + … +
  p_{i−1}``. Profit compounds monthly.
* Whether profit counts in the monthly structures (and so in the averages and the
  entitlement) is ``youth_fund.profit_counts_toward_averages``: when it does, ``s_i`` gains
  ``C_{i−1}`` (the profit on the account throughout month ``i``), whatever the structure
  mode.

The history given here is the holder's own movements only: profit credits already posted to
a ledger (entries of kind :data:`LEDGER_KIND`) are left out of it, since this rule computes
them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import accumulate

from tashilat.domain.decision import PolicyReader, Provenance
from tashilat.domain.errors import PolicyError
from tashilat.domain.jalali import account_month_start
from tashilat.domain.programs.youth_fund.balances import Event, monthly_structures

RATE = "youth_fund.savings_profit_rate_percent"
COUNTS = "youth_fund.profit_counts_toward_averages"
LEDGER_KIND = "youth.profit"  # journal entries crediting an account's profit
# p = floor(b × R / DENOMINATOR), R in 1/10,000 percent a year: 12 months × 100 × 10,000
DENOMINATOR = 12 * 100 * 10_000


@dataclass(frozen=True)
class MonthProfit:
    """The profit of one completed account month."""

    month: int  # account month number, 1-based
    starts_on: date
    credited_on: date  # the first day of the next account month
    base_rial: int  # lowest end-of-day balance, the profit credited before it included
    rate_percent: Decimal
    profit_rial: int


def rate_e4(rate_percent: Decimal | int | str) -> int:
    """The yearly rate in 1/10,000 percent (5% → 50,000); finer rates are refused."""
    value = Decimal(str(rate_percent)) * 10_000
    if value != value.to_integral_value() or value < 0:
        raise PolicyError(
            "youth_fund.profit_rate",
            f"نرخ سود سپرده ({rate_percent}) باید نامنفی و حداکثر با چهار رقم اعشار باشد.",
            f"The savings profit rate ({rate_percent}) must be non-negative with at most "
            "four decimals.",
        )
    return int(value)


def profit_for_month(base_rial: int, rate_e4_: int) -> int:
    """``floor(base × R / 12,000,000)``; nothing on a balance of 0 or less."""
    if base_rial <= 0:
        return 0
    return base_rial * rate_e4_ // DENOMINATOR


def profits_from_lows(lows: Sequence[int], rates_e4: Sequence[int]) -> list[int]:
    """``p_1 … p_n`` from each month's lowest own balance and rate (see module doc)."""
    if len(lows) != len(rates_e4):
        raise ValueError("one rate per month")
    out: list[int] = []
    credited = 0
    for low, r in zip(lows, rates_e4, strict=True):
        p = profit_for_month(low + credited, r)
        out.append(p)
        credited += p
    return out


def with_profit(structures: Sequence[int], profits: Sequence[int]) -> list[int]:
    """The structures with the profit on the account during each month: ``s_i + C_{i−1}``."""
    carried = [0, *accumulate(profits)]
    return [s + carried[i] for i, s in enumerate(structures)]


def month_rates(
    policy: PolicyReader, opened_on: date, months: int
) -> tuple[list[Decimal], tuple[Provenance, ...]]:
    """The rate in force on the first day of each of the first ``months`` account months,
    and the provenances of the rates used (each once)."""
    rates: list[Decimal] = []
    used: dict[date, Provenance] = {}
    for i in range(1, months + 1):
        r = policy.resolve(RATE, account_month_start(opened_on, i))
        rates.append(Decimal(str(r.value)))
        used.setdefault(r.provenance.since, r.provenance)
    return rates, tuple(used.values())


def monthly_profits(
    policy: PolicyReader, opened_on: date, events: Iterable[Event], months: int
) -> list[MonthProfit]:
    """The profit of each of the first ``months`` account months from the holder's own
    movements (deposits +, withdrawals −; profit credits left out)."""
    lows = monthly_structures(opened_on, events, months, "lowest_balance")
    rates, _ = month_rates(policy, opened_on, months)
    profits = profits_from_lows(lows, [rate_e4(r) for r in rates])
    out: list[MonthProfit] = []
    credited = 0
    for i, (low, rate, p) in enumerate(zip(lows, rates, profits, strict=True), start=1):
        out.append(
            MonthProfit(
                month=i,
                starts_on=account_month_start(opened_on, i),
                credited_on=account_month_start(opened_on, i + 1),
                base_rial=low + credited,
                rate_percent=rate,
                profit_rial=p,
            )
        )
        credited += p
    return out


def profit_counts(policy: PolicyReader, opened_on: date) -> bool:
    """Whether profit counts in the account's structures (a cohort's term)."""
    return bool(policy.resolve(COUNTS, opened_on).value)
