"""Port: youth-fund customers, accounts and transfers of an account's privilege."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol

from tashilat.domain.ledger import JournalEntry
from tashilat.domain.records import (
    AccountRecord,
    CustomerRecord,
    NewAccount,
    PrivilegeTransferRecord,
)


class CustomerRepository(Protocol):
    """Customers (holders and guardians) and the branches they belong to."""

    def get(self, customer_id: int) -> CustomerRecord | None: ...

    def by_national_id(self, national_id: str) -> CustomerRecord | None: ...

    def branch_code(self, branch_id: int) -> str | None:
        """The branch's code, or None if there is no such branch."""
        ...

    def add(
        self,
        *,
        national_id: str,
        name: str,
        birth_date: date,
        guardian_id: int | None,
        branch_id: int,
        created_at: datetime,
    ) -> CustomerRecord | None:
        """Record a customer; None (nothing recorded) if the national ID is already taken,
        as the database's unique key decides even between concurrent requests."""
        ...

    def page(
        self,
        *,
        offset: int,
        limit: int,
        customer_id: int | None = None,
        branch_id: int | None = None,
    ) -> tuple[list[CustomerRecord], int]:
        """Customers by id (optionally only one id, or one branch's), and how many match."""
        ...


class AccountRepository(Protocol):
    """Youth-fund accounts, their balances and the transfers of their privilege.

    Balances change only through the conditional methods below, so two concurrent movements
    can never both pass a check that only one of them may (closed account, the floor)."""

    def get(self, account_id: int, *, lock: bool = False) -> AccountRecord | None:
        """The account; ``lock`` holds it against concurrent writers until commit."""
        ...

    def get_with_business_date(self, account_id: int) -> tuple[AccountRecord, date | None] | None:
        """The account and the business date (None if unset) in one read: the hot path of
        every movement."""
        ...

    def next_number(self, prefix: str) -> str:
        """A number ``{prefix}-{n:07d}`` no account has, where n is a serial number that
        concurrent transactions never share (numbers already taken are skipped)."""
        ...

    def add(self, new: NewAccount) -> AccountRecord:
        """Record an open account; its privilege belongs to its holder."""
        ...

    def page(
        self,
        *,
        offset: int,
        limit: int,
        customer_ids: Sequence[int | None] = (),
        branch_id: int | None = None,
    ) -> tuple[list[AccountRecord], int]:
        """Accounts by id whose holder equals every id in ``customer_ids`` (and of one
        branch, if given), and how many match."""
        ...

    def deposit(
        self, *, account_id: int, entry: JournalEntry, user_id: int | None, username: str
    ) -> int | None:
        """Post ``entry`` (crediting the account), raise the balance by its amount and write
        the audit line, all in this transaction; the new balance, or None (nothing changed
        in the account) if it is not open. A used request id raises ``DuplicateRequest``."""
        ...

    def credit(self, *, account_id: int, entry: JournalEntry, user_id: int | None) -> int | None:
        """Post ``entry`` (crediting the account, e.g. its profit) and raise the balance by
        its amount in this transaction, with no audit line (the caller audits the run); the
        new balance, or None (nothing posted) if the account is not open. A used request id
        raises ``DuplicateRequest``."""
        ...

    def open_accounts(self, opened_before: date) -> list[AccountRecord]:
        """The open accounts opened before ``opened_before``, by id."""
        ...

    def debit_above_floor(self, account_id: int, amount: int) -> int | None:
        """Lower the balance by ``amount`` if the account is open and the balance stays at
        or above its floor; the new balance, or None if refused."""
        ...

    def close(self, account_id: int, on: date) -> None:
        """Mark the account closed on ``on`` with a zero balance and floor."""
        ...

    def has_open_loan(self, account_id: int) -> bool:
        """Whether a loan on the account is requested, approved or paid out."""
        ...

    def loans_paid_out(self, account_id: int, up_to: date) -> list[tuple[date, int]]:
        """(payment date, principal) of the loans paid out on the account up to ``up_to``."""
        ...

    def transfers(self, account_id: int, up_to: date) -> list[PrivilegeTransferRecord]:
        """The transfers of the account's privilege dated up to ``up_to``."""
        ...

    def transfer_privilege(
        self,
        *,
        account_id: int,
        from_customer_id: int,
        to_customer_id: int,
        relation: str,
        business_date: date,
        created_by: int | None,
    ) -> PrivilegeTransferRecord:
        """Record the transfer and make ``to_customer_id`` the privilege's holder."""
        ...


__all__ = [
    "AccountRecord",
    "AccountRepository",
    "CustomerRecord",
    "CustomerRepository",
    "NewAccount",
    "PrivilegeTransferRecord",
]
