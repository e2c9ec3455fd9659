"""The business date: one row, moved only forward, by supervisors (and admins)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from tashilat.adapters.db.models import BusinessDate
from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import format_jalali
from tashilat.services.auth import Actor, require
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


def advance(uow: UnitOfWork, actor: Actor, to: date, *, request_id: str = "") -> date:
    """Move the business date forward to ``to`` and accrue late-payment charges up to it."""
    require(actor, "business_date.advance")
    from tashilat.services import employment, loans

    with uow:
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
                f"تاریخ کاری به عقب برنمی‌گردد ({format_jalali(row.current)} ← "
                f"{format_jalali(to)}).",
                f"The business date never moves back ({format_jalali(row.current)} → "
                f"{format_jalali(to)}).",
                field="date",
            )
        previous = row.current
        row.current = to
        row.changed_by = actor.user_id or None
        row.changed_at = datetime.now(UTC)
        accrued = loans.accrue_all(uow, to, user_id=actor.user_id or None)
        accrued += employment.accrue_all(uow, to, user_id=actor.user_id or None)
        uow.audit(
            user_id=actor.user_id or None,
            username=actor.username,
            action="business_date.advance",
            target="business_date",
            request_id=request_id,
            outcome="ok",
            detail=f"{format_jalali(previous)} -> {format_jalali(to)}; penalties {accrued}",
        )
        uow.commit()
        return to
