"""``services.ports.loans.LoanRepository`` on SQLAlchemy."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.orm import Session

from tashilat.adapters.db.models import Loan, LoanInstalment, YouthAccount
from tashilat.adapters.db.repositories._instalments import instalments_of, save_instalments
from tashilat.domain.servicing import Instalment
from tashilat.services.ports.loans import LoanRecord, NewLoan

_INSTALMENTS: Table = LoanInstalment.__table__  # type: ignore[assignment]
_FIELDS = tuple(LoanRecord.__dataclass_fields__)


def _record(x: Loan) -> LoanRecord:
    values = {f: getattr(x, f) for f in _FIELDS}
    values["rate_percent"] = Decimal(str(x.rate_percent))
    return LoanRecord(**values)


class SqlLoanRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def get(self, loan_id: int, *, lock: bool = False) -> LoanRecord | None:
        q = select(Loan).where(Loan.id == loan_id)
        if lock:
            q = q.with_for_update()
        x = self._s.scalar(q.execution_options(populate_existing=True))
        return None if x is None else _record(x)

    def add(self, new: NewLoan) -> LoanRecord:
        values: dict[str, Any] = {f: getattr(new, f) for f in NewLoan.__dataclass_fields__}
        row = Loan(**values, status="requested")
        self._s.add(row)
        self._s.flush()
        return _record(row)

    def update(self, loan_id: int, **changes: Any) -> None:
        unknown = set(changes) - set(_FIELDS)
        assert not unknown, unknown
        self._s.execute(update(Loan).where(Loan.id == loan_id).values(**changes))

    def consume_privilege(self, account_id: int) -> None:
        self._s.execute(
            update(YouthAccount).where(YouthAccount.id == account_id).values(privilege_used=True)
        )

    def disbursed(self) -> list[LoanRecord]:
        rows = self._s.scalars(select(Loan).where(Loan.status == "disbursed").order_by(Loan.id))
        return [_record(x) for x in rows]

    def page(
        self,
        *,
        customer_id: int | None,
        branch_id: int | None,
        status: str | None,
        offset: int,
        limit: int,
    ) -> tuple[list[LoanRecord], int]:
        q = select(Loan)
        if customer_id is not None:
            q = q.where(Loan.customer_id == customer_id)
        if branch_id is not None:
            q = q.where(Loan.branch_id == branch_id)
        if status:
            q = q.where(Loan.status == status)
        total = self._s.scalar(select(func.count()).select_from(q.subquery())) or 0
        rows = self._s.scalars(q.order_by(Loan.id).offset(offset).limit(limit))
        return [_record(x) for x in rows], total

    def add_instalments(self, loan_id: int, rows: list[dict[str, Any]]) -> None:
        self._s.execute(insert(_INSTALMENTS), [{"loan_id": loan_id, **r} for r in rows])

    def instalments(
        self, loan_id: int, *, unpaid: bool = False, due_before: date | None = None
    ) -> list[Instalment]:
        return instalments_of(self._s, _INSTALMENTS, "loan_id", loan_id, unpaid, due_before)

    def save_instalments(self, insts: list[Instalment]) -> None:
        save_instalments(self._s, _INSTALMENTS, insts)
