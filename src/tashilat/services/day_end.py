"""Day-end: move the business date forward, accrue late charges on every kind of loan up
to it and post the profit of every youth-fund account month completed by it, in one
transaction.

This is the one use case that knows every loan kind; the calendar below it only stores the
date, so the loan services can read the date without a cycle back to here."""

from __future__ import annotations

from datetime import date

from tashilat.domain.decision import PolicyReader
from tashilat.domain.jalali import format_jalali
from tashilat.services import calendar, employment, loans, youth_profit
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
    """Move the business date forward to ``to``, accrue late-payment charges up to it on
    housing and employment loans and post the savings profit of the account months
    completed by it (``youth_profit.post_all``). Only supervisors (and admins) may; the
    date never moves back. The move, the charges, the profit and the audit record commit
    together."""
    require(actor, "business_date.advance")
    user_id = actor.user_id or None
    if policy is None:
        from tashilat.policy import default_policy

        policy = default_policy()
    with uow:
        previous = calendar.move(uow, to, user_id=user_id)
        accrued = loans.accrue_all(uow, to, user_id=user_id)  # type: ignore[arg-type]
        accrued += employment.accrue_all(uow, to, user_id=user_id)  # type: ignore[arg-type]
        profit = youth_profit.post_all(uow, policy, to, user_id=user_id)
        uow.audit(
            user_id=user_id,
            username=actor.username,
            action="business_date.advance",
            target="business_date",
            request_id=request_id,
            outcome="ok",
            detail=f"{format_jalali(previous)} -> {format_jalali(to)}; penalties {accrued}"
            + (
                f"; savings profit {profit.entries} entries, {profit.rial} rial"
                if profit.entries
                else ""
            ),
        )
        uow.commit()
        return to
