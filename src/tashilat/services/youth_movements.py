"""Money in and out of a youth-fund account: deposits, withdrawals above the floor, the
statement with its running balance, and closing (docs/rules.md §1). A retried request posts
nothing and answers as the first time. Re-exported by ``services.youth``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tashilat.domain.decision import PolicyReader
from tashilat.domain.errors import InvalidInput
from tashilat.domain.ledger import DuplicateRequest, transfer
from tashilat.domain.programs.youth_fund.servicing import check_withdrawal
from tashilat.services import calendar, ledger
from tashilat.services.auth import Actor, require
from tashilat.services.errors import Conflict, refused_from
from tashilat.services.ports import UnitOfWork
from tashilat.services.ports.youth import AccountRecord
from tashilat.services.youth_access import _account, _account_on, _require_open, _require_room


@dataclass(frozen=True)
class Movement:
    """The result of a deposit or withdrawal (or its earlier result, for a retry)."""

    account_id: int
    request_id: str
    amount: int
    balance: int
    business_date: date
    replayed: bool


def _replay(
    uow: UnitOfWork, account: AccountRecord, request_id: str, amount: int, kind: str
) -> Movement:
    """The request was posted before: answer as then, or refuse a different body."""
    entry = ledger.find_entry(uow, request_id)
    assert entry is not None
    posted = uow.ledger.posted_amount(entry.id, account.ledger_account_id)
    signed = -amount if kind == "youth.deposit" else amount
    if entry.kind != kind or posted != signed:
        raise Conflict(
            "idempotency.mismatch",
            "این کلید یکتا پیش‌تر برای درخواست دیگری به کار رفته است.",
            "This Idempotency-Key was used for a different request.",
        )
    now = uow.accounts.get(account.id)
    bal = now.balance if now is not None else 0
    return Movement(account.id, request_id, amount, bal, entry.business_date, True)


def deposit(
    uow: UnitOfWork, actor: Actor, *, account_id: int, amount: int, request_id: str
) -> Movement:
    """Credit the account. A retry with the same ``request_id`` posts nothing and returns the
    first result (the unique request id in the journal decides, even under concurrency)."""
    require(actor, "accounts.write")
    if amount <= 0:
        raise InvalidInput(
            "amount.not_positive",
            "مبلغ واریز باید مثبت باشد.",
            "A deposit must be positive.",
            field="amount",
        )
    for attempt in range(2):
        try:
            with uow:
                acc, on = _account_on(uow, actor, account_id)
                # A first attempt goes straight to the insert: the journal's unique request
                # id decides whether it is new. Only a retry (or a closed account) looks up
                # the earlier result.
                if (attempt or acc.status != "open") and ledger.find_entry(uow, request_id):
                    return _replay(uow, acc, request_id, amount, "youth.deposit")
                _require_open(acc)
                _require_room(acc, amount)
                code = f"YF:{acc.number}"
                entry = transfer(
                    request_id,
                    "youth.deposit",
                    on,
                    debit=ledger.SETTLEMENT,
                    credit=code,
                    amount=amount,
                )
                balance = uow.accounts.deposit(
                    account_id=acc.id,
                    entry=entry,
                    user_id=actor.user_id or None,
                    username=actor.username,
                )
                if balance is None:  # closed between the read and the write
                    uow.rollback()
                    raise Conflict(
                        "account.closed",
                        f"حساب {acc.number} بسته است.",
                        f"Account {acc.number} is closed.",
                    )
                uow.commit()
                return Movement(acc.id, request_id, amount, balance, on, False)
        except DuplicateRequest:
            if attempt:
                raise
    raise AssertionError("unreachable")


def withdraw(
    uow: UnitOfWork,
    actor: Actor,
    policy: PolicyReader,
    *,
    account_id: int,
    amount: int,
    request_id: str,
) -> Movement:
    """Debit the account unless the balance would fall below the floor. The floor is a
    CHECK constraint and the update is conditional, so concurrent withdrawals cannot pass
    it together; the rule explains the refusal."""
    require(actor, "accounts.write")
    if amount <= 0:
        raise InvalidInput(
            "amount.not_positive",
            "مبلغ برداشت باید مثبت باشد.",
            "A withdrawal must be positive.",
            field="amount",
        )
    for attempt in range(2):
        try:
            with uow:
                acc, on = _account_on(uow, actor, account_id)
                if (attempt or acc.status != "open") and ledger.find_entry(uow, request_id):
                    return _replay(uow, acc, request_id, amount, "youth.withdraw")
                _require_open(acc)
                code = f"YF:{acc.number}"
                ledger.post(
                    uow,
                    transfer(
                        request_id,
                        "youth.withdraw",
                        on,
                        debit=code,
                        credit=ledger.SETTLEMENT,
                        amount=amount,
                    ),
                    user_id=actor.user_id or None,
                )
                balance = uow.accounts.debit_above_floor(acc.id, amount)
                if balance is None:
                    uow.rollback()
                    current = uow.accounts.get(acc.id)
                    assert current is not None
                    decision = check_withdrawal(
                        policy,
                        opened_on=current.opened_on,
                        balance=current.balance,
                        amount=amount,
                        on=on,
                    )
                    raise refused_from(decision, "withdrawal.below_floor")
                uow.audit(
                    user_id=actor.user_id or None,
                    username=actor.username,
                    action="accounts.withdraw",
                    target=f"account:{acc.id}",
                    request_id=request_id,
                    outcome="ok",
                    detail=str(amount),
                )
                uow.commit()
                return Movement(acc.id, request_id, amount, balance, on, False)
        except DuplicateRequest:
            if attempt:
                raise
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class StatementLine:
    entry_id: int
    business_date: date
    kind: str
    request_id: str
    amount: int  # + deposit, − withdrawal (customer's view)
    balance: int


def statement(
    uow: UnitOfWork,
    actor: Actor,
    account_id: int,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
) -> tuple[AccountRecord, int, list[StatementLine]]:
    """Movements with a running balance; returns (account, opening balance, lines)."""
    require(actor, "accounts.read")
    with uow:
        acc = _account(uow, actor, account_id)
        running = 0
        opening = 0
        lines: list[StatementLine] = []
        for m in uow.ledger.movements(acc.ledger_account_id):
            entry_id, on, kind, rid, amount = (
                m.entry_id,
                m.business_date,
                m.kind,
                m.request_id,
                m.amount,
            )
            running += -amount
            if date_from and on < date_from:
                opening = running
                continue
            if date_to and on > date_to:
                break
            lines.append(StatementLine(entry_id, on, kind, rid, -amount, running))
        return acc, opening, lines


def close_account(uow: UnitOfWork, actor: Actor, *, account_id: int, request_id: str) -> Movement:
    """Pay out the whole balance and close. Refused while a loan on the account is open."""
    require(actor, "accounts.write")
    with uow:
        acc = _account(uow, actor, account_id, lock=True)
        _require_open(acc)
        if uow.accounts.has_open_loan(acc.id):
            raise Conflict(
                "account.open_loan",
                "تا تسویه وام، حساب بسته نمی‌شود.",
                "The account cannot close while a loan on it is open.",
            )
        on = calendar.current(uow)
        balance = acc.balance
        if balance:
            ledger.post(
                uow,
                transfer(
                    request_id,
                    "youth.close",
                    on,
                    debit=f"YF:{acc.number}",
                    credit=ledger.SETTLEMENT,
                    amount=balance,
                ),
                user_id=actor.user_id or None,
            )
        uow.accounts.close(acc.id, on)
        uow.audit(
            user_id=actor.user_id or None,
            username=actor.username,
            action="accounts.close",
            target=f"account:{acc.id}",
            request_id=request_id,
            outcome="ok",
            detail=str(balance),
        )
        uow.commit()
        return Movement(acc.id, request_id, balance, 0, on, False)
