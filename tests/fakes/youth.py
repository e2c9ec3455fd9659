"""In-memory ``services.ports.youth`` repositories."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from tashilat.domain.ledger import JournalEntry
from tashilat.domain.records import (
    AccountRecord,
    CustomerRecord,
    NewAccount,
    PrivilegeTransferRecord,
)
from tashilat.services.errors import Conflict
from tests.fakes.calendar import FakeBusinessDateRepository
from tests.fakes.ledger import FakeLedgerRepository


class FakeCustomerRepository:
    def __init__(self) -> None:
        self.rows: dict[int, CustomerRecord] = {}
        self.branches: dict[int, str] = {}  # branch id -> code (seeded by a test)

    def get(self, customer_id: int) -> CustomerRecord | None:
        return self.rows.get(customer_id)

    def by_national_id(self, national_id: str) -> CustomerRecord | None:
        return next((c for c in self.rows.values() if c.national_id == national_id), None)

    def branch_code(self, branch_id: int) -> str | None:
        return self.branches.get(branch_id)

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
        if any(c.national_id == national_id for c in self.rows.values()):  # the unique key
            return None
        c = CustomerRecord(
            len(self.rows) + 1, national_id, name, birth_date, guardian_id, branch_id, created_at
        )
        self.rows[c.id] = c
        return c

    def page(
        self,
        *,
        offset: int,
        limit: int,
        customer_id: int | None = None,
        branch_id: int | None = None,
    ) -> tuple[list[CustomerRecord], int]:
        rows = [
            self.rows[i]
            for i in sorted(self.rows)
            if (customer_id is None or i == customer_id)
            and (branch_id is None or self.rows[i].branch_id == branch_id)
        ]
        return rows[offset : offset + limit], len(rows)


class FakeAccountRepository:
    """Accounts in a dict. The loans on an account belong to the loans aggregate; a test
    seeds the ones it needs in ``loans`` as (account id, status, paid-out date, principal)."""

    def __init__(self) -> None:
        self.rows: dict[int, AccountRecord] = {}
        self.transfer_rows: list[PrivilegeTransferRecord] = []
        self.loans: list[tuple[int, str, date | None, int]] = []
        # the store's other repositories this one reads or writes (see FakeStore)
        self._calendar = FakeBusinessDateRepository()
        self._ledger = FakeLedgerRepository()
        self._audit: list[Any] = []

    def wire(
        self,
        *,
        calendar: FakeBusinessDateRepository,
        ledger: FakeLedgerRepository,
        audit: list[Any],
    ) -> None:
        self._calendar, self._ledger, self._audit = calendar, ledger, audit

    def get(self, account_id: int, *, lock: bool = False) -> AccountRecord | None:
        return self.rows.get(account_id)

    def get_with_business_date(self, account_id: int) -> tuple[AccountRecord, date | None] | None:
        acc = self.rows.get(account_id)
        return None if acc is None else (acc, self._calendar.current())

    def next_number(self, prefix: str) -> str:
        seq = len(self.rows) + 1
        taken = {a.number for a in self.rows.values()}
        while f"{prefix}-{seq:07d}" in taken:
            seq += 1
        return f"{prefix}-{seq:07d}"

    def add(self, new: NewAccount) -> AccountRecord:
        if any(a.number == new.number for a in self.rows.values()):
            raise Conflict("account.exists", "شماره حساب تکراری است.", "Duplicate number.")
        acc = AccountRecord(
            id=len(self.rows) + 1,
            status="open",
            privilege_holder_id=new.customer_id,
            privilege_used=False,
            closed_on=None,
            **dataclasses.asdict(new),
        )
        self.rows[acc.id] = acc
        return acc

    def page(
        self,
        *,
        offset: int,
        limit: int,
        customer_ids: Sequence[int | None] = (),
        branch_id: int | None = None,
    ) -> tuple[list[AccountRecord], int]:
        rows = [
            a
            for _, a in sorted(self.rows.items())
            if all(a.customer_id == c for c in customer_ids)
            and (branch_id is None or a.branch_id == branch_id)
        ]
        return rows[offset : offset + limit], len(rows)

    def deposit(
        self, *, account_id: int, entry: JournalEntry, user_id: int | None, username: str
    ) -> int | None:
        from tests.fakes import AuditLine

        acc = self.rows[account_id]
        if acc.status != "open":
            return None
        self._ledger.post(entry, user_id=user_id)
        amount = entry.postings[0].amount
        self.rows[account_id] = dataclasses.replace(acc, balance=acc.balance + amount)
        self._audit.append(
            AuditLine(
                datetime.now(UTC),
                user_id,
                username,
                "accounts.deposit",
                f"account:{account_id}",
                entry.request_id,
                "ok",
                str(amount),
            )
        )
        return acc.balance + amount

    def credit(self, *, account_id: int, entry: JournalEntry, user_id: int | None) -> int | None:
        acc = self.rows[account_id]
        if acc.status != "open":
            return None
        self._ledger.post(entry, user_id=user_id)
        amount = entry.postings[0].amount
        self.rows[account_id] = dataclasses.replace(acc, balance=acc.balance + amount)
        return acc.balance + amount

    def open_accounts(self, opened_before: date) -> list[AccountRecord]:
        return [
            a
            for _, a in sorted(self.rows.items())
            if a.status == "open" and a.opened_on < opened_before
        ]

    def debit_above_floor(self, account_id: int, amount: int) -> int | None:
        acc = self.rows[account_id]
        if acc.status != "open" or acc.balance - amount < acc.min_balance:
            return None
        self.rows[account_id] = dataclasses.replace(acc, balance=acc.balance - amount)
        return acc.balance - amount

    def close(self, account_id: int, on: date) -> None:
        acc = self.rows[account_id]
        self.rows[account_id] = dataclasses.replace(
            acc, min_balance=0, balance=0, status="closed", closed_on=on
        )

    def has_open_loan(self, account_id: int) -> bool:
        return any(
            a == account_id and s in ("requested", "approved", "disbursed")
            for a, s, _, _ in self.loans
        )

    def loans_paid_out(self, account_id: int, up_to: date) -> list[tuple[date, int]]:
        return [
            (d, p)
            for a, s, d, p in self.loans
            if a == account_id and s in ("disbursed", "settled") and d is not None and d <= up_to
        ]

    def transfers(self, account_id: int, up_to: date) -> list[PrivilegeTransferRecord]:
        return [
            t for t in self.transfer_rows if t.account_id == account_id and t.business_date <= up_to
        ]

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
        t = PrivilegeTransferRecord(
            len(self.transfer_rows) + 1,
            account_id,
            from_customer_id,
            to_customer_id,
            relation,
            business_date,
            created_by,
        )
        self.transfer_rows.append(t)
        self.rows[account_id] = dataclasses.replace(
            self.rows[account_id], privilege_holder_id=to_customer_id
        )
        return t
