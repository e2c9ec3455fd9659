"""Posting journal entries and reading balances (ADR 0004: debit +, credit −)."""

from __future__ import annotations

from tashilat.domain.ledger import JournalEntry
from tashilat.domain.records import JournalEntryRecord, LedgerAccountRecord
from tashilat.services.ports import UnitOfWork

SETTLEMENT = "BANK:SETTLEMENT"
PROFIT_INCOME = "INCOME:PROFIT"
FEE_INCOME = "INCOME:FEE"
PENALTY_INCOME = "INCOME:PENALTY"
SAVINGS_PROFIT_EXPENSE = "EXPENSE:SAVINGS_PROFIT"

SYSTEM_ACCOUNTS = {
    SETTLEMENT: ("Bank settlement / funding account", "asset"),
    PROFIT_INCOME: ("Loan profit income", "income"),
    FEE_INCOME: ("Qard al-hasan fee income", "income"),
    PENALTY_INCOME: ("Late-payment charge income", "income"),
    SAVINGS_PROFIT_EXPENSE: ("Profit paid on youth-fund savings", "expense"),
}


def ensure_account(uow: UnitOfWork, code: str, name: str, type_: str) -> LedgerAccountRecord:
    return uow.ledger.ensure_account(code, name, type_)


def ensure_system_accounts(uow: UnitOfWork) -> None:
    for code, (name, type_) in SYSTEM_ACCOUNTS.items():
        ensure_account(uow, code, name, type_)


def find_entry(uow: UnitOfWork, request_id: str) -> JournalEntryRecord | None:
    return uow.ledger.find_entry(request_id)


def post(uow: UnitOfWork, entry: JournalEntry, *, user_id: int | None) -> int:
    """Write a (balanced by construction) entry; returns its id. The unique ``request_id``
    makes a retry fail with ``DuplicateRequest``, which the caller turns into "already
    posted"."""
    return uow.ledger.post(entry, user_id=user_id)


def raw_balance(uow: UnitOfWork, code: str) -> int:
    """Sum of postings (debit-positive) on one ledger account."""
    return uow.ledger.raw_balance(code)


def trial_balance(uow: UnitOfWork) -> dict[str, int]:
    return uow.ledger.trial_balance()


def ledger_total(uow: UnitOfWork) -> int:
    return uow.ledger.total()
