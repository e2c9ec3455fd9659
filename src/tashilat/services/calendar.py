"""The business date: one row, moved only forward.

This module only reads and moves the date; it imports no other use case, so every service
may read the date from it. Moving the date together with the late charges it causes is the
day-end use case (``services.day_end``)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from tashilat.adapters.db.models import BusinessDate
from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import format_jalali
from tashilat.services.errors import Conflict
from tashilat.services.uow import UnitOfWork


def current(uow: UnitOfWork) -> date:
    """The business date inside an open unit of work."""
    row = uow.session.get(BusinessDate, 1)
    if row is None:
        raise Conflict(
            "business_date.unset",
            "تاریخ کاری تنظیم نشده است (tashilat db init).",
            "The business date is not set (run tashilat db init).",
        )
    return row.current


def get(uow: UnitOfWork) -> date:
    with uow:
        return current(uow)


def initialise(uow: UnitOfWork, on: date) -> None:
    with uow:
        if uow.session.get(BusinessDate, 1) is None:
            uow.session.add(BusinessDate(id=1, current=on, changed_at=datetime.now(UTC)))
            uow.commit()


def move(uow: UnitOfWork, to: date, *, user_id: int | None) -> date:
    """Inside an open unit of work, lock the business date and set it to ``to``; returns
    the date it had. Refuses to move it back. Nothing is committed here: the caller
    commits the move together with whatever the new date causes."""
    row = uow.session.execute(
        select(BusinessDate).where(BusinessDate.id == 1).with_for_update()
    ).scalar_one_or_none()
    if row is None:
        raise Conflict(
            "business_date.unset", "تاریخ کاری تنظیم نشده است.", "The business date is not set."
        )
    if to < row.current:
        raise InvalidInput(
            "business_date.backwards",
            f"تاریخ کاری به عقب برنمی‌گردد ({format_jalali(row.current)} ← {format_jalali(to)}).",
            f"The business date never moves back ({format_jalali(row.current)} → "
            f"{format_jalali(to)}).",
            field="date",
        )
    previous = row.current
    row.current = to
    row.changed_by = user_id
    row.changed_at = datetime.now(UTC)
    return previous
