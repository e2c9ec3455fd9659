"""In-memory ``services.ports.loans`` repository. The loans on a youth account are also what
the account repository reads (``FakeAccountRepository.loans``): the two are wired together
in ``FakeStore`` and kept in step here."""

from __future__ import annotations

import dataclasses
from typing import Any

from tashilat.services.ports.loans import LoanRecord, NewLoan
from tests.fakes._instalments import FakeSchedules
from tests.fakes.youth import FakeAccountRepository


class FakeLoanRepository(FakeSchedules):
    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[int, LoanRecord] = {}
        self._accounts = FakeAccountRepository()
        # loan id -> its line in the account repository's ``loans``
        self._lines: dict[int, int] = {}

    def wire(self, *, accounts: FakeAccountRepository) -> None:
        self._accounts = accounts

    def _sync(self, loan: LoanRecord) -> None:
        line = (loan.account_id, loan.status, loan.disbursed_on, loan.principal)
        if loan.id in self._lines:
            self._accounts.loans[self._lines[loan.id]] = line
        else:
            self._lines[loan.id] = len(self._accounts.loans)
            self._accounts.loans.append(line)

    def get(self, loan_id: int, *, lock: bool = False) -> LoanRecord | None:
        return self.rows.get(loan_id)

    def add(self, new: NewLoan) -> LoanRecord:
        loan = LoanRecord(
            id=len(self.rows) + 1,
            status="requested",
            approved_by=None,
            approved_on=None,
            disbursed_on=None,
            settled_on=None,
            decision_note="",
            **dataclasses.asdict(new),
        )
        self.rows[loan.id] = loan
        self._sync(loan)
        return loan

    def update(self, loan_id: int, **changes: Any) -> None:
        self.rows[loan_id] = dataclasses.replace(self.rows[loan_id], **changes)
        self._sync(self.rows[loan_id])

    def consume_privilege(self, account_id: int) -> None:
        acc = self._accounts.rows[account_id]
        self._accounts.rows[account_id] = dataclasses.replace(acc, privilege_used=True)

    def disbursed(self) -> list[LoanRecord]:
        return [self.rows[i] for i in sorted(self.rows) if self.rows[i].status == "disbursed"]

    def page(
        self,
        *,
        customer_id: int | None,
        branch_id: int | None,
        status: str | None,
        offset: int,
        limit: int,
    ) -> tuple[list[LoanRecord], int]:
        rows = [
            self.rows[i]
            for i in sorted(self.rows)
            if (customer_id is None or self.rows[i].customer_id == customer_id)
            and (branch_id is None or self.rows[i].branch_id == branch_id)
            and (not status or self.rows[i].status == status)
        ]
        return rows[offset : offset + limit], len(rows)
