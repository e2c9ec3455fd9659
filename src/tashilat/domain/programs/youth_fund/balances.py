"""Balances of a youth-fund account (docs/rules.md §1.3): its movements and the monthly
structures they give. Pure; shared by the entitlement rules and the profit on savings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from tashilat.domain.errors import InvalidInput, PolicyError
from tashilat.domain.jalali import account_month_start, format_jalali


@dataclass(frozen=True)
class Event:
    """A movement on the account: positive deposit, negative withdrawal (rial)."""

    on: date
    amount: int


def monthly_structures(
    opened_on: date, events: Iterable[Event], months: int, mode: str = "lowest_balance"
) -> list[int]:
    """s_1 … s_months: the lowest end-of-day balance of each account month (or its closing
    balance with ``mode="closing_balance"``). docs/rules.md §1.3."""
    if mode not in ("lowest_balance", "closing_balance"):
        raise PolicyError(
            "youth_fund.structure_mode",
            f"روش ساختار ماهانه ناشناخته است: {mode}",
            f"Unknown monthly structure mode: {mode}",
        )
    evs = sorted(events, key=lambda e: e.on)
    if evs and evs[0].on < opened_on:
        raise InvalidInput(
            "youth_fund.event_before_opening",
            f"تراکنشی در {format_jalali(evs[0].on)} پیش از افتتاح حساب ثبت شده است.",
            f"A movement on {format_jalali(evs[0].on)} precedes the account's opening.",
        )
    out: list[int] = []
    balance = 0
    idx, n = 0, len(evs)
    for i in range(1, months + 1):
        next_start = account_month_start(opened_on, i + 1)
        day = account_month_start(opened_on, i)
        lowest: int | None = None
        while idx < n and evs[idx].on < next_start:
            d = evs[idx].on
            if d > day:  # days before this event close at the carried balance
                lowest = balance if lowest is None else min(lowest, balance)
            while idx < n and evs[idx].on == d:
                balance += evs[idx].amount
                idx += 1
            lowest = balance if lowest is None else min(lowest, balance)
            day = d + timedelta(days=1)
        if day < next_start:
            lowest = balance if lowest is None else min(lowest, balance)
        assert lowest is not None
        out.append(balance if mode == "closing_balance" else lowest)
    return out
