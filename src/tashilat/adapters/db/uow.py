"""The unit of work on SQLAlchemy: one session, one transaction, checked before commit.

It implements ``tashilat.services.ports.UnitOfWork``: the repositories it hands out
(``adapters/db/repositories``) share its session, so everything a use case records commits
or rolls back together."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType
from typing import Self

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from tashilat.adapters.db.models import AuditLog, PostingRow
from tashilat.domain.ledger import UnbalancedEntry
from tashilat.services.ports.auth import UserRepository
from tashilat.services.ports.calendar import BusinessDateRepository
from tashilat.services.ports.employment import EmploymentRepository
from tashilat.services.ports.ledger import LedgerRepository
from tashilat.services.ports.loans import LoanRepository
from tashilat.services.ports.policy import PolicyRepository
from tashilat.services.ports.reports import ReportsReader
from tashilat.services.ports.youth import AccountRepository, CustomerRepository

_INSERT_AUDIT = insert(AuditLog.__table__)  # type: ignore[arg-type]


class SqlAlchemyUnitOfWork:
    """``with uow: ...; uow.commit()`` — anything not committed is rolled back.

    Before commit, every journal entry written in this transaction must sum to zero. On
    PostgreSQL a deferred constraint trigger checks the same again inside the database."""

    users: UserRepository
    business_date: BusinessDateRepository
    customers: CustomerRepository
    accounts: AccountRepository
    ledger: LedgerRepository
    loans: LoanRepository
    employment: EmploymentRepository
    reports: ReportsReader
    policy: PolicyRepository

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._session: Session | None = None
        self.touched_entries: set[int] = set()
        self._after_commit: list[Callable[[], None]] = []

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("unit of work used outside 'with'")
        return self._session

    def __enter__(self) -> Self:
        self._session = self._sessions()
        self._bind_repositories(self._session)
        self.touched_entries.clear()
        self._after_commit = []
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Whatever was not committed is rolled back. Rows read in a successful unit keep
        # their loaded values (expunged first, so the rollback does not expire them) and can
        # be returned to callers as plain, detached records.
        try:
            if exc_type is None:
                self.session.expunge_all()
            self.session.rollback()
        finally:
            self.session.close()
            self._session = None

    def _bind_repositories(self, session: Session) -> None:
        from tashilat.adapters.db import read_models
        from tashilat.adapters.db.repositories import (
            auth,
            calendar,
            employment,
            ledger,
            loans,
            policy,
            youth,
        )

        self.users = auth.SqlUserRepository(session)
        self.business_date = calendar.SqlBusinessDateRepository(session)
        self.customers = youth.SqlCustomerRepository(session)
        self.ledger = ledger.SqlLedgerRepository(session, self.touched_entries, self.after_commit)
        self.accounts = youth.SqlAccountRepository(session, self.ledger, self.audit)
        self.loans = loans.SqlLoanRepository(session)
        self.employment = employment.SqlEmploymentRepository(session)
        self.reports = read_models.SqlReportsReader(session)
        self.policy = policy.SqlPolicyRepository(session)

    def after_commit(self, fn: Callable[[], None]) -> None:
        self._after_commit.append(fn)

    def check_entries(self) -> None:
        """The zero-sum check for databases that cannot do it themselves (SQLite).
        PostgreSQL checks every entry in a deferred constraint trigger at commit."""
        if not self.touched_entries or self.session.get_bind().dialect.name == "postgresql":
            return
        self.session.flush()
        rows = self.session.execute(
            select(PostingRow.entry_id, func.sum(PostingRow.amount), func.count())
            .where(PostingRow.entry_id.in_(self.touched_entries))
            .group_by(PostingRow.entry_id)
        ).all()
        seen = {r[0] for r in rows}
        for entry_id, total, n in rows:
            if total != 0 or n < 2:
                raise UnbalancedEntry(
                    "ledger.unbalanced",
                    f"سند {entry_id} تراز نیست.",
                    f"Journal entry {entry_id} does not balance.",
                )
        if seen != self.touched_entries:
            raise UnbalancedEntry(
                "ledger.empty_entry", "سند بدون ردیف.", "A journal entry has no postings."
            )

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
        self.session.connection().execute(
            _INSERT_AUDIT,
            {
                "at": datetime.now(UTC),
                "user_id": user_id,
                "username": username,
                "action": action,
                "target": target,
                "request_id": request_id,
                "outcome": outcome,
                "detail": detail,
            },
        )

    def commit(self) -> None:
        self.check_entries()
        self.session.commit()
        self.touched_entries.clear()
        callbacks, self._after_commit = self._after_commit, []
        for fn in callbacks:
            fn()

    def rollback(self) -> None:
        self.session.rollback()
        self.touched_entries.clear()
        self._after_commit = []
