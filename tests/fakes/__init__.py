"""An in-memory unit of work over dicts, honouring the contracts of ``services.ports``:
most service tests run on it in milliseconds, without a database. Each aggregate's fake
repository lives in its own module here; the database-enforced limits are honoured by the
fakes' own checks (and tested for real on SQLite and PostgreSQL in tests/integration)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self

from tests.fakes.auth import FakeUserRepository
from tests.fakes.calendar import FakeBusinessDateRepository
from tests.fakes.employment import FakeEmploymentRepository
from tests.fakes.ledger import FakeLedgerRepository
from tests.fakes.loans import FakeLoanRepository
from tests.fakes.policy import FakePolicyRepository
from tests.fakes.reports import FakeReportsReader
from tests.fakes.youth import FakeAccountRepository, FakeCustomerRepository


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    user_id: int | None
    username: str
    action: str
    target: str
    request_id: str
    outcome: str
    detail: str


class FakeStore:
    """What survives between units of work: the committed state of every fake repository."""

    def __init__(self) -> None:
        self.users = FakeUserRepository()
        self.business_date = FakeBusinessDateRepository()
        self.customers = FakeCustomerRepository()
        self.accounts = FakeAccountRepository()
        self.ledger = FakeLedgerRepository()
        self.loans = FakeLoanRepository()
        self.employment = FakeEmploymentRepository()
        self.reports = FakeReportsReader()
        self.policy = FakePolicyRepository()
        self.audit: list[AuditLine] = []
        self.accounts.wire(calendar=self.business_date, ledger=self.ledger, audit=self.audit)
        self.loans.wire(accounts=self.accounts)
        self.employment.wire(calendar=self.business_date, audit=self.audit)


class FakeUnitOfWork:
    """``services.ports.UnitOfWork`` in memory. A unit works on a deep copy of the store's
    state and writes it back on ``commit``, so an exception or a missing commit leaves the
    store as it was — the same all-or-nothing a database transaction gives."""

    def __init__(self, store: FakeStore | None = None) -> None:
        self.store = store or FakeStore()
        self.commits = 0
        self._after: list[Callable[[], None]] = []
        self._working: FakeStore | None = None

    def __getattr__(self, name: str) -> Any:
        working = self.__dict__.get("_working")
        if working is None or not hasattr(working, name):
            raise AttributeError(name)
        return getattr(working, name)

    def __enter__(self) -> Self:
        import copy

        self._working = copy.deepcopy(self.store)
        self._after = []
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._working = None

    def commit(self) -> None:
        assert self._working is not None, "unit of work used outside 'with'"
        self._working.ledger.check_balanced()
        self.store.__dict__.update(self._working.__dict__)
        import copy

        self._working = copy.deepcopy(self.store)
        self.commits += 1
        callbacks, self._after = self._after, []
        for fn in callbacks:
            fn()

    def rollback(self) -> None:
        import copy

        self._working = copy.deepcopy(self.store)
        self._after = []

    def after_commit(self, fn: Callable[[], None]) -> None:
        self._after.append(fn)

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
        assert self._working is not None, "unit of work used outside 'with'"
        self._working.audit.append(
            AuditLine(
                datetime.now(UTC), user_id, username, action, target, request_id, outcome, detail
            )
        )
