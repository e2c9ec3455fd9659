"""Port: the double-entry ledger — accounts, journal entries, postings, balances."""

from __future__ import annotations

from typing import Protocol

from tashilat.domain.ledger import JournalEntry
from tashilat.domain.records import AccountMovement, JournalEntryRecord, LedgerAccountRecord


class LedgerRepository(Protocol):
    """The double-entry ledger: accounts, journal entries, postings, balances."""

    def ensure_account(self, code: str, name: str, type_: str) -> LedgerAccountRecord:
        """The ledger account with ``code``, created if it does not exist."""
        ...

    def find_entry(self, request_id: str) -> JournalEntryRecord | None: ...

    def post(self, entry: JournalEntry, *, user_id: int | None) -> int:
        """Write a journal entry and its postings; returns the entry's id. Accounts the
        entry names that do not exist yet are created (system accounts with their names).
        A second entry with the same ``request_id`` is refused with ``DuplicateRequest``
        (here or at commit); the entry must balance by commit."""
        ...

    def posted_amount(self, entry_id: int, ledger_account_id: int) -> int | None:
        """What ``entry_id`` posted on one ledger account (None: nothing)."""
        ...

    def movements(self, ledger_account_id: int) -> list[AccountMovement]:
        """Every posting on one ledger account, by business date then entry id."""
        ...

    def raw_balance(self, code: str) -> int:
        """Sum of postings (debit-positive) on one ledger account (0 if unknown)."""
        ...

    def trial_balance(self) -> dict[str, int]:
        """Every ledger account's debit-positive balance, by code."""
        ...

    def total(self) -> int:
        """Sum of all postings (zero when the books balance)."""
        ...


__all__ = [
    "AccountMovement",
    "JournalEntryRecord",
    "LedgerAccountRecord",
    "LedgerRepository",
]
