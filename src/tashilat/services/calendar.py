"""The business date: one value, moved only forward.

This module only reads and moves the date; it imports no other use case, so every service
may read the date from it. Moving the date together with the late charges it causes is the
day-end use case (``services.day_end``)."""

from __future__ import annotations

from datetime import date

from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import format_jalali
from tashilat.services.errors import Conflict
from tashilat.services.ports import UnitOfWork


def current(uow: UnitOfWork) -> date:
    """The business date inside an open unit of work."""
    on = uow.business_date.current()
    if on is None:
        raise Conflict(
            "business_date.unset",
            "تاریخ کاری تنظیم نشده است (tashilat db init).",
            "The business date is not set (run tashilat db init).",
        )
    return on


def get(uow: UnitOfWork) -> date:
    with uow:
        return current(uow)


def initialise(uow: UnitOfWork, on: date) -> None:
    with uow:
        if uow.business_date.initialise(on):
            uow.commit()


def move(uow: UnitOfWork, to: date, *, user_id: int | None) -> date:
    """Inside an open unit of work, lock the business date and set it to ``to``; returns
    the date it had. Refuses to move it back. Nothing is committed here: the caller
    commits the move together with whatever the new date causes."""
    previous = uow.business_date.current_for_update()
    if previous is None:
        raise Conflict(
            "business_date.unset", "تاریخ کاری تنظیم نشده است.", "The business date is not set."
        )
    if to < previous:
        raise InvalidInput(
            "business_date.backwards",
            f"تاریخ کاری به عقب برنمی‌گردد ({format_jalali(previous)} ← {format_jalali(to)}).",
            f"The business date never moves back ({format_jalali(previous)} → "
            f"{format_jalali(to)}).",
            field="date",
        )
    uow.business_date.set(to, user_id=user_id)
    return previous
