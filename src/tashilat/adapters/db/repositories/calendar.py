"""``services.ports.calendar.BusinessDateRepository`` on SQLAlchemy (one row, id 1)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tashilat.adapters.db.models import BusinessDate


class SqlBusinessDateRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def current(self) -> date | None:
        row = self._s.get(BusinessDate, 1)
        return None if row is None else row.current

    def initialise(self, on: date) -> bool:
        if self._s.get(BusinessDate, 1) is not None:
            return False
        self._s.add(BusinessDate(id=1, current=on, changed_at=datetime.now(UTC)))
        return True

    def current_for_update(self) -> date | None:
        row = self._s.execute(
            select(BusinessDate).where(BusinessDate.id == 1).with_for_update()
        ).scalar_one_or_none()
        return None if row is None else row.current

    def set(self, to: date, *, user_id: int | None) -> None:
        row = self._s.get(BusinessDate, 1)
        assert row is not None, "the business date is read before it is moved"
        row.current = to
        row.changed_by = user_id
        row.changed_at = datetime.now(UTC)
