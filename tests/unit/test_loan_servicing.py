"""The loan servicing both loan kinds share: instalment rows, late charges, payment
allocation and the repayment posting (docs/rules.md §5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from tashilat.domain.jalali import from_jalali
from tashilat.policy import default_policy
from tashilat.services import ledger, loan_servicing
from tashilat.services.errors import Conflict

DUE = from_jalali(1403, 2, 1)


@dataclass
class Inst:
    id: int
    number: int
    due: date
    principal: int
    profit: int
    paid_principal: int = 0
    paid_profit: int = 0
    penalty_accrued: int = 0
    penalty_paid: int = 0
    penalty_prior: int = 0
    penalty_from: date | None = None
    paid_on: date | None = None


@pytest.fixture
def posted(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    entries: list[Any] = []

    def post(uow: Any, entry: Any, *, user_id: int | None) -> int:
        entries.append(entry)
        return len(entries)

    monkeypatch.setattr(ledger, "post", post)
    return entries


def test_a_late_charge_runs_at_the_contract_rate_plus_six_points(posted: list[Any]) -> None:
    inst = Inst(7, 1, DUE, principal=9_000_000, profit=1_000_000)
    charged = loan_servicing.accrue_instalments(
        None,
        [inst],
        to=date.fromordinal(DUE.toordinal() + 30),
        rate=Decimal(9),
        policy=default_policy(),
        receivable="LOAN:1:PENALTY",
        request_prefix="penalty",
        user_id=None,
    )
    # floor(10,000,000 x 15% x 30 / 365)
    assert charged == 123_287
    assert inst.penalty_accrued == 123_287
    assert inst.penalty_from == DUE
    assert [e.request_id for e in posted] == [f"penalty:7:{date.fromordinal(DUE.toordinal() + 30)}"]


def test_an_instalment_not_yet_due_or_paid_is_not_charged(posted: list[Any]) -> None:
    later = Inst(1, 2, date.fromordinal(DUE.toordinal() + 40), 5_000_000, 0)
    paid = Inst(2, 1, DUE, 5_000_000, 0, paid_on=DUE)
    charged = loan_servicing.accrue_instalments(
        None,
        [later, paid],
        to=date.fromordinal(DUE.toordinal() + 30),
        rate=Decimal(9),
        policy=default_policy(),
        receivable="LOAN:1:PENALTY",
        request_prefix="penalty",
        user_id=None,
    )
    assert charged == 0
    assert posted == []


def test_a_payment_goes_to_the_late_charge_then_profit_then_principal_oldest_first() -> None:
    first = Inst(1, 1, DUE, principal=900_000, profit=100_000, penalty_accrued=5_000)
    second = Inst(2, 2, date(2024, 5, 21), principal=900_000, profit=100_000)
    on = date(2024, 5, 30)
    assert loan_servicing.owed([first, second]) == 2_005_000
    assert loan_servicing.apply_payment([first, second], 1_150_000, on) == (5_000, 200_000, 945_000)
    assert (first.paid_on, first.paid_principal, first.penalty_paid) == (on, 900_000, 5_000)
    assert (second.paid_on, second.paid_profit, second.paid_principal) == (None, 100_000, 45_000)
    # the overdue second instalment changed: its late charge restarts from the payment date
    assert second.penalty_from == on
    assert loan_servicing.owed([first, second]) == 855_000


def test_a_repayment_posts_settlement_against_principal_income_and_charge(
    posted: list[Any],
) -> None:
    inst = Inst(1, 1, DUE, principal=900_000, profit=100_000, penalty_accrued=5_000)
    accounts = loan_servicing.Receivables("EMP:3:PRINCIPAL", "EMP:3:PENALTY", "p", "c")
    got = loan_servicing.take_payment(
        None,
        [inst],
        accounts,
        amount=305_000,
        on=date(2024, 5, 30),
        request_id="r-1",
        kind="employment.repay",
        income_account=ledger.FEE_INCOME,
        user_id=None,
    )
    assert got == (5_000, 100_000, 200_000)
    (entry,) = posted
    assert sorted((p.account, p.amount) for p in entry.postings) == [
        ("BANK:SETTLEMENT", 305_000),
        ("EMP:3:PENALTY", -5_000),
        ("EMP:3:PRINCIPAL", -200_000),
        ("INCOME:FEE", -100_000),
    ]


def test_more_than_everything_owed_is_refused_and_nothing_is_posted(posted: list[Any]) -> None:
    inst = Inst(1, 1, DUE, principal=900_000, profit=100_000)
    accounts = loan_servicing.Receivables("LOAN:3:PRINCIPAL", "LOAN:3:PENALTY", "p", "c")
    with pytest.raises(Conflict) as e:
        loan_servicing.take_payment(
            None,
            [inst],
            accounts,
            amount=1_000_001,
            on=DUE,
            request_id="r-2",
            kind="loan.repay",
            income_account=ledger.PROFIT_INCOME,
            user_id=None,
        )
    assert e.value.code == "repayment.overpaid"
    assert "1,000,000" in e.value.message_en
    assert posted == []
    assert inst.paid_principal == 0


def test_schedule_rows_start_with_nothing_paid() -> None:
    from tashilat.domain.finance import fee_schedule

    sched = fee_schedule(12_000_000, Decimal(4), 12, grace_months=0, start=DUE, rounding_unit=1)
    rows = loan_servicing.instalment_fields(sched)
    assert len(rows) == 12
    assert rows[0]["number"] == 1
    assert sum(r["principal"] for r in rows) == 12_000_000
    assert {
        k: rows[0][k]
        for k in (
            "paid_principal",
            "paid_profit",
            "penalty_accrued",
            "penalty_paid",
            "penalty_prior",
        )
    } == dict.fromkeys(
        ("paid_principal", "paid_profit", "penalty_accrued", "penalty_paid", "penalty_prior"), 0
    )
