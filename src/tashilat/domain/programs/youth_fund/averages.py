"""From an account's history to its yearly averages (docs/rules.md §1.3): the history
checks, monthly structures with profit, and the averages against the cohort's reference.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tashilat.domain.decision import PolicyReader, Usage
from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import format_jalali
from tashilat.domain.programs.youth_fund import profit
from tashilat.domain.programs.youth_fund.balances import Event
from tashilat.domain.programs.youth_fund.cohort import CohortTerms
from tashilat.domain.programs.youth_fund.servicing import check_withdrawal

# -- balances -------------------------------------------------------------------------------


def check_history(policy: PolicyReader, terms: CohortTerms, events: Iterable[Event]) -> None:
    """Refuse a history the bank would not have accepted, with the rules the account services
    apply (docs/rules.md §1.3): a deposit on the opening day of at least the cohort's minimum
    opening deposit, no withdrawal that takes the balance below that floor, never a negative
    balance. The error names the offending movement (``details["movement"]``: its number,
    counted from 1 in the order given)."""
    # movements are numbered as given, and replayed in date order (same-day ones as given)
    evs = sorted(enumerate(events, start=1), key=lambda ne: ne[1].on)
    opened = terms.opened_on
    when = format_jalali(opened)
    first_day = sum(e.amount for _, e in evs if e.on == opened and e.amount > 0)
    floor = terms.min_opening_deposit
    if first_day == 0:
        raise InvalidInput(
            "youth_fund.no_opening_deposit",
            f"در روز افتتاح حساب ({when}) واریزی ثبت نشده است؛ حساب با واریز دست‌کم "
            f"{floor:,} ریال در همان روز افتتاح می‌شود.",
            f"There is no deposit on the opening day ({when}); the account is opened with a "
            f"deposit of at least {floor:,} rial that day.",
            field="deposit",
        )
    if first_day < floor:
        raise InvalidInput(
            "youth_fund.opening_deposit_too_low",
            f"واریز روز افتتاح ({when}: {first_day:,} ریال) کمتر از حداقل مبلغ افتتاح حساب "
            f"({floor:,} ریال) است.",
            f"The opening-day deposit ({when}: {first_day:,} rial) is below the minimum "
            f"opening deposit ({floor:,} rial).",
            field="deposit",
        )
    balance = 0
    for n, e in evs:
        day = format_jalali(e.on)
        if e.amount < 0:
            d = check_withdrawal(
                policy, opened_on=opened, balance=balance, amount=-e.amount, on=e.on
            )
            if d.outcome != "accepted" and balance + e.amount >= 0:
                raise InvalidInput(
                    "youth_fund.withdrawal_below_floor",
                    f"تراکنش {n} (برداشت {-e.amount:,} ریال در {day}) مانده را از "
                    f"{balance:,} به {balance + e.amount:,} ریال، کمتر از حداقل مانده "
                    f"({floor:,} ریال)، می‌رساند؛ بانک چنین برداشتی را نمی‌پذیرد.",
                    f"Movement {n} (a withdrawal of {-e.amount:,} rial on {day}) takes the "
                    f"balance from {balance:,} to {balance + e.amount:,} rial, below the "
                    f"floor of {floor:,} rial; the bank refuses such a withdrawal.",
                    field="deposit",
                    details={"movement": n},
                )
        balance += e.amount
        if balance < 0:
            raise InvalidInput(
                "youth_fund.negative_balance",
                f"تراکنش {n} (برداشت {-e.amount:,} ریال در {day}) مانده را منفی می‌کند "
                f"({balance:,} ریال)؛ مانده حساب هرگز منفی نمی‌شود.",
                f"Movement {n} (a withdrawal of {-e.amount:,} rial on {day}) makes the "
                f"balance negative ({balance:,} rial); an account balance is never negative.",
                field="deposit",
                details={"movement": n},
            )


def structures_with_profit(
    policy: PolicyReader,
    terms: CohortTerms,
    events: Iterable[Event],
    structures: Sequence[int],
    usage: Usage,
) -> list[int]:
    """The structures with the profit credited to the account in each month
    (``youth_fund.profit_counts_toward_averages``; ``profit`` has the rule)."""
    n = len(structures)
    _, provenances = profit.month_rates(policy, terms.opened_on, n)
    usage.extend(provenances)
    months = profit.monthly_profits(policy, terms.opened_on, events, n)
    return profit.with_profit(structures, [m.profit_rial for m in months])


def yearly_averages(structures: Sequence[int]) -> list[int]:
    """a_k = floor(sum of s_i over year k / 12), for each complete year (sourced formula)."""
    return [sum(structures[12 * k : 12 * k + 12]) // 12 for k in range(len(structures) // 12)]


def reference_averages(terms: CohortTerms, years: int) -> list[int]:
    """r_k: the yearly average of a holder who deposits exactly d_k on the first day of every
    month: ``12·(d_1+…+d_{k-1}) + 6.5·d_k`` (floored like a_k, so a follower's ratio is 1)."""
    out: list[int] = []
    before = 0
    for k in range(1, years + 1):
        d = terms.deposit_for_year(k)
        out.append((24 * before + 13 * d) // 2)
        before += d
    return out
