"""``services.ports.loans.LoanRepository`` on SQLAlchemy."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from tashilat.adapters.db.models import LoanInstalment
from tashilat.adapters.db.repositories._instalments import instalments_of, save_instalments
from tashilat.domain.servicing import Instalment

_INSTALMENTS: Table = LoanInstalment.__table__  # type: ignore[assignment]


class SqlLoanRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add_instalments(self, loan_id: int, rows: list[dict[str, Any]]) -> None:
        self._s.execute(insert(_INSTALMENTS), [{"loan_id": loan_id, **r} for r in rows])

    def instalments(
        self, loan_id: int, *, unpaid: bool = False, due_before: date | None = None
    ) -> list[Instalment]:
        return instalments_of(self._s, _INSTALMENTS, "loan_id", loan_id, unpaid, due_before)

    def save_instalments(self, insts: list[Instalment]) -> None:
        save_instalments(self._s, _INSTALMENTS, insts)
