"""Instalment rows of either loan kind read into ``domain.servicing.Instalment`` records and
written back: the two instalment tables have the same columns but the loan's key."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from tashilat.domain.servicing import Instalment

_FIELDS = (
    "id",
    "number",
    "due",
    "amount",
    "principal",
    "profit",
    "paid_principal",
    "paid_profit",
    "penalty_accrued",
    "penalty_paid",
    "penalty_prior",
    "penalty_from",
    "paid_on",
)
_CHANGING = (
    "paid_principal",
    "paid_profit",
    "penalty_accrued",
    "penalty_paid",
    "penalty_prior",
    "penalty_from",
    "paid_on",
)


def instalments_of(
    session: Session,
    table: Table,
    key: str,
    loan_id: int,
    unpaid: bool,
    due_before: date | None,
) -> list[Instalment]:
    """The loan's instalments by number; only unpaid ones, or only those due before a day,
    when asked."""
    q = select(*(table.c[f] for f in _FIELDS)).where(table.c[key] == loan_id)
    if unpaid:
        q = q.where(table.c.paid_on.is_(None))
    if due_before is not None:
        q = q.where(table.c.due < due_before)
    rows = session.connection().execute(q.order_by(table.c.number)).all()
    return [Instalment(**r._mapping) for r in rows]


def save_instalments(session: Session, table: Table, insts: list[Instalment]) -> None:
    """Write back what payments and late charges change on each instalment (one statement)."""
    if not insts:
        return
    stmt = (
        update(table)
        .where(table.c.id == bindparam("_id"))
        .values({f: bindparam(f"_{f}") for f in _CHANGING})
    )
    session.connection().execute(
        stmt, [{"_id": i.id, **{f"_{f}": getattr(i, f) for f in _CHANGING}} for i in insts]
    )
