"""A loan's instalments after disbursement, for every loan kind: what is owed, how a payment
is spread over it, and how far an instalment's late charge has run (docs/rules.md §5).

Pure: the functions take instalments (``Instalment`` or any object with its attributes) and
update them in place; recording them and posting the money is the service layer's work."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from tashilat.domain.finance import late_penalty


@dataclass
class Instalment:
    """One instalment of a disbursed loan and what has been paid and charged on it."""

    id: int
    number: int
    due: date
    amount: int
    principal: int
    profit: int
    paid_principal: int = 0
    paid_profit: int = 0
    penalty_accrued: int = 0
    penalty_paid: int = 0
    penalty_prior: int = 0
    penalty_from: date | None = None
    paid_on: date | None = None


def charge_increment(inst: Any, *, to: date, rate: Decimal, points: Decimal, day_count: int) -> int:
    """How much late charge ``inst`` gains by ``to``: (contract rate + points) a year, simple,
    from its due date (or from the last payment that changed it), on what is still unpaid.
    Zero when nothing is overdue. ``inst.penalty_accrued`` plus the increment is the new
    charge to date."""
    outstanding = (inst.principal - inst.paid_principal) + (inst.profit - inst.paid_profit)
    if outstanding <= 0 or to <= inst.due:
        return 0
    start = inst.penalty_from or inst.due
    target = inst.penalty_prior + late_penalty(
        outstanding,
        rate,
        days_late=(to - start).days,
        penalty_points=points,
        day_count=day_count,
    )
    return max(0, int(target - inst.penalty_accrued))


def apply_payment(insts: Sequence[Any], amount: int, on: date) -> tuple[int, int, int]:
    """Spread a payment over unpaid instalments, oldest first: late charge, then profit or
    fee, then principal. Returns (charge, profit, principal) taken. An instalment whose
    overdue amount changes starts a new stretch of late charge from ``on``."""
    remaining = amount
    pen = prof = princ = 0
    for inst in insts:
        if remaining <= 0:
            break
        before = (inst.principal - inst.paid_principal) + (inst.profit - inst.paid_profit)
        take = min(remaining, inst.penalty_accrued - inst.penalty_paid)
        inst.penalty_paid += take
        pen += take
        remaining -= take
        take = min(remaining, inst.profit - inst.paid_profit)
        inst.paid_profit += take
        prof += take
        remaining -= take
        take = min(remaining, inst.principal - inst.paid_principal)
        inst.paid_principal += take
        princ += take
        remaining -= take
        after = (inst.principal - inst.paid_principal) + (inst.profit - inst.paid_profit)
        if after != before and inst.due < on:
            inst.penalty_prior = inst.penalty_accrued
            inst.penalty_from = on
        if after == 0 and inst.penalty_paid == inst.penalty_accrued:
            inst.paid_on = on
    return pen, prof, princ


def owed(insts: Iterable[Any]) -> int:
    """Everything still owed on ``insts``: late charge, profit or fee, principal."""
    return int(
        sum(
            (i.penalty_accrued - i.penalty_paid)
            + (i.profit - i.paid_profit)
            + (i.principal - i.paid_principal)
            for i in insts
        )
    )
