"""``services.ports.loans.LoanRepository`` on SQLAlchemy."""

from __future__ import annotations

from sqlalchemy.orm import Session


class SqlLoanRepository:
    def __init__(self, session: Session) -> None:
        self._s = session
