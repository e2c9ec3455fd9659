"""``services.ports.employment.EmploymentRepository`` on SQLAlchemy."""

from __future__ import annotations

from sqlalchemy.orm import Session


class SqlEmploymentRepository:
    def __init__(self, session: Session) -> None:
        self._s = session
