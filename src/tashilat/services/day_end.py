"""Day-end: move the business date forward and accrue late charges on every kind of loan up
to it, in one transaction.

This is the one use case that knows every loan kind; the calendar below it only stores the
date, so the loan services can read the date without a cycle back to here."""

from __future__ import annotations

from datetime import date

from tashilat.domain.decision import PolicyReader
from tashilat.domain.jalali import format_jalali
from tashilat.services import calendar, employment, loans
from tashilat.services.auth import Actor, require
from tashilat.services.ports import UnitOfWork


def advance(
    uow: UnitOfWork,
    actor: Actor,
    to: date,
    *,
    request_id: str = "",
    policy: PolicyReader | None = None,
) -> date:
    """Move the business date forward to ``to`` and accrue late-payment charges up to it on
    housing and employment loans. Only supervisors (and admins) may; the date never moves
    back. The move, the charges and the audit record commit together. ``policy`` is the
    policy in force (the container's); the shipped one when not given."""
    require(actor, "business_date.advance")
    user_id = actor.user_id or None
    with uow:
        previous = calendar.move(uow, to, user_id=user_id)
        accrued = loans.accrue_all(uow, to, user_id=user_id, policy=policy)  # type: ignore[arg-type]
        accrued += employment.accrue_all(uow, to, user_id=user_id, policy=policy)  # type: ignore[arg-type]
        uow.audit(
            user_id=user_id,
            username=actor.username,
            action="business_date.advance",
            target="business_date",
            request_id=request_id,
            outcome="ok",
            detail=f"{format_jalali(previous)} -> {format_jalali(to)}; penalties {accrued}",
        )
        uow.commit()
        return to
