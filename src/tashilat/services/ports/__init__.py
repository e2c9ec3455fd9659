"""The service layer's only view of storage: repository protocols and the unit of work.

A use case takes a ``UnitOfWork`` and plain values, calls the domain, records through the
repositories and commits once. It never builds a query or sees an ORM row: repositories
return the plain records defined beside their protocols (one module per aggregate here).
What the database must decide — a conditional update against an allocation, a unique
registry slot, a sequence number — is a repository method whose contract the in-memory
fake (``tests/fakes``) honours and whose SQL implementation (``adapters/db/repositories``)
is tested on SQLite and PostgreSQL. See docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self

from tashilat.services.ports.auth import UserRepository
from tashilat.services.ports.calendar import BusinessDateRepository
from tashilat.services.ports.employment import EmploymentRepository
from tashilat.services.ports.ledger import LedgerRepository
from tashilat.services.ports.loans import LoanRepository
from tashilat.services.ports.policy import PolicyRepository
from tashilat.services.ports.reports import ReportsReader
from tashilat.services.ports.youth import AccountRepository, CustomerRepository


class UnitOfWork(Protocol):
    """One transaction: ``with uow: ...; uow.commit()``; whatever is not committed is
    rolled back when the block ends. Every journal entry written in the transaction must
    balance before ``commit`` succeeds."""

    # Read-only members: an implementation may hand out its own repository classes.
    @property
    def users(self) -> UserRepository: ...
    @property
    def business_date(self) -> BusinessDateRepository: ...
    @property
    def customers(self) -> CustomerRepository: ...
    @property
    def accounts(self) -> AccountRepository: ...
    @property
    def ledger(self) -> LedgerRepository: ...
    @property
    def loans(self) -> LoanRepository: ...
    @property
    def employment(self) -> EmploymentRepository: ...
    @property
    def reports(self) -> ReportsReader: ...
    @property
    def policy(self) -> PolicyRepository: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    def after_commit(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` once the transaction has committed (never if it rolls back)."""
        ...

    def audit(
        self,
        *,
        user_id: int | None,
        username: str,
        action: str,
        target: str,
        request_id: str,
        outcome: str,
        detail: str = "",
    ) -> None:
        """Append a line to the audit log inside this transaction."""
        ...


__all__ = [
    "AccountRepository",
    "BusinessDateRepository",
    "CustomerRepository",
    "EmploymentRepository",
    "LedgerRepository",
    "LoanRepository",
    "PolicyRepository",
    "ReportsReader",
    "UnitOfWork",
    "UserRepository",
]
