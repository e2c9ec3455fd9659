"""``services.ports.calendar.BusinessDateRepository`` on SQLAlchemy."""

from __future__ import annotations

from sqlalchemy.orm import Session


class SqlBusinessDateRepository:
    def __init__(self, session: Session) -> None:
        self._s = session
