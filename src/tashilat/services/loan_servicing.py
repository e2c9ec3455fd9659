"""Servicing shared by every loan kind (housing loans and employment loans): the instalment
rows of a schedule, the receivable accounts and the disbursement posting, late charges
accrued at a business date, a payment spread over what is owed, and the repayment posting.
The arithmetic is pure and lives in ``domain.servicing``; this module posts it.

A loan kind supplies what differs: its account codes, the income account its profit or fee
goes to, the contract rate its late charge runs at, and the request ids of its postings.
Instalments are any objects with the instalment attributes (``principal``, ``profit``,
``paid_principal``, ``paid_profit``, ``penalty_accrued``, ``penalty_paid``, ``penalty_prior``,
``penalty_from``, ``due``, ``paid_on``, ``id``); the functions here update them in place.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from tashilat.domain.decision import PolicyReader
from tashilat.domain.ledger import split, transfer
from tashilat.domain.servicing import apply_payment, charge_increment, owed
from tashilat.services import ledger
from tashilat.services.errors import Conflict


@dataclass(frozen=True)
class Receivables:
    """The two asset accounts a disbursed loan owes on, and how they are named."""

    principal: str
    penalty: str
    principal_name: str
    penalty_name: str


def instalment_fields(schedule: Any) -> list[dict[str, Any]]:
    """One row's fields per instalment of ``schedule`` (a ``domain.finance`` schedule),
    nothing paid and no late charge yet."""
    rows = []
    for i in schedule.instalments:
        assert i.due is not None
        rows.append(
            {
                "number": i.number,
                "due": i.due,
                "amount": i.amount,
                "principal": i.principal,
                "profit": i.profit,
                "paid_principal": 0,
                "paid_profit": 0,
                "penalty_accrued": 0,
                "penalty_paid": 0,
                "penalty_prior": 0,
            }
        )
    return rows


def post_disbursement(
    uow: Any,
    accounts: Receivables,
    *,
    request_id: str,
    kind: str,
    on: date,
    amount: int,
    user_id: int | None,
) -> None:
    """Open the loan's receivable accounts and pay the principal out of settlement."""
    ledger.ensure_account(uow, accounts.principal, accounts.principal_name, "asset")
    ledger.ensure_account(uow, accounts.penalty, accounts.penalty_name, "asset")
    ledger.post(
        uow,
        transfer(
            request_id, kind, on, debit=accounts.principal, credit=ledger.SETTLEMENT, amount=amount
        ),
        user_id=user_id,
    )


def penalty_terms(policy: PolicyReader, on: date) -> tuple[Decimal, int]:
    """The late-charge points over the contract rate and the day count in force on ``on``."""
    return (
        Decimal(str(policy.resolve("finance.late_penalty_points", on).value)),
        int(str(policy.resolve("finance.day_count", on).value)),
    )


def accrue_charge(
    uow: Any,
    inst: Any,
    *,
    to: date,
    rate: Decimal,
    points: Decimal,
    day_count: int,
    receivable: str,
    request_prefix: str,
    user_id: int | None,
) -> int:
    """Bring an instalment's late charge up to ``to``: (contract rate + points) a year,
    simple, from its due date, on what is still unpaid (docs/rules.md §5). Posted once per
    instalment and business date (the request id says which), so a rerun posts nothing."""
    increment = charge_increment(inst, to=to, rate=rate, points=points, day_count=day_count)
    if increment <= 0:
        return 0
    target = inst.penalty_accrued + increment
    ledger.post(
        uow,
        transfer(
            f"{request_prefix}:{inst.id}:{to.isoformat()}",
            "loan.penalty",
            to,
            debit=receivable,
            credit=ledger.PENALTY_INCOME,
            amount=increment,
        ),
        user_id=user_id,
    )
    inst.penalty_accrued = target
    if inst.penalty_from is None:
        inst.penalty_from = inst.due
    return int(increment)


def accrue_instalments(
    uow: Any,
    insts: Iterable[Any],
    *,
    to: date,
    rate: Decimal,
    policy: PolicyReader,
    receivable: str,
    request_prefix: str,
    user_id: int | None,
) -> int:
    """Late charges up to ``to`` on every instalment given that fell due before ``to`` and is
    unpaid (oldest first); returns the total newly charged."""
    points, day_count = penalty_terms(policy, to)
    total = 0
    for inst in sorted(insts, key=lambda i: i.number):
        if inst.paid_on is not None or not inst.due < to:
            continue
        total += accrue_charge(
            uow,
            inst,
            to=to,
            rate=rate,
            points=points,
            day_count=day_count,
            receivable=receivable,
            request_prefix=request_prefix,
            user_id=user_id,
        )
    return total


def take_payment(
    uow: Any,
    insts: Sequence[Any],
    accounts: Receivables,
    *,
    amount: int,
    on: date,
    request_id: str,
    kind: str,
    income_account: str,
    user_id: int | None,
) -> tuple[int, int, int]:
    """Apply ``amount`` to the unpaid instalments ``insts`` (oldest first) and post it: the
    settlement account is debited, the late charge, profit or fee and principal credited.
    More than everything owed is refused. Returns (charge, profit, principal)."""
    total = owed(insts)
    if amount > total:
        raise Conflict(
            "repayment.overpaid",
            f"مبلغ {amount:,} ریال بیش از کل بدهی ({total:,} ریال) است.",
            f"{amount:,} rial is more than everything owed ({total:,} rial).",
        )
    pen, prof, princ = apply_payment(insts, amount, on)
    legs = [
        (ledger.SETTLEMENT, amount),
        (accounts.principal, -princ),
        (income_account, -prof),
        (accounts.penalty, -pen),
    ]
    ledger.post(uow, split(request_id, kind, on, legs=legs), user_id=user_id)
    return pen, prof, princ


__all__ = [
    "Receivables",
    "accrue_charge",
    "accrue_instalments",
    "apply_payment",
    "instalment_fields",
    "owed",
    "penalty_terms",
    "post_disbursement",
    "take_payment",
]
