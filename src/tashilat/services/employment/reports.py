"""Employment figures for staff: allocation use, applications by category and state, and the
time from submission to disbursement."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from tashilat.adapters.db.models import (
    Agency,
    AgentBank,
    Allocation,
    EmploymentApplication,
)
from tashilat.services.auth import Actor, require
from tashilat.services.uow import UnitOfWork


def allocation_report(
    uow: UnitOfWork, actor: Actor, *, year: int | None = None
) -> list[dict[str, Any]]:
    """Allocation use by agency and province, with the approved-category share."""
    require(actor, "employment.read")
    with uow:
        q = select(Allocation, Agency).join(Agency, Agency.id == Allocation.agency_id)
        if year:
            q = q.where(Allocation.year == year)
        if actor.role == "agency_officer":
            q = q.where(Allocation.agency_id == actor.agency_id)
        out = []
        for a, ag in uow.session.execute(q.order_by(Agency.code, Allocation.province)).all():
            out.append(
                {
                    "agency": ag.code,
                    "agency_name": ag.name_fa,
                    "province": a.province,
                    "year": a.year,
                    "amount_rial": a.amount,
                    "reserved_rial": a.reserved,
                    "posted_rial": a.posted,
                    "free_rial": a.amount - a.reserved - a.posted,
                    "category_cap_rial": a.category_cap,
                    "category_used_rial": a.category_reserved + a.category_posted,
                    "repeat_cap_rial": a.repeat_cap,
                    "repeat_used_rial": a.repeat_reserved + a.repeat_posted,
                }
            )
        return out


def _scope_filters(actor: Actor) -> list[Any]:
    """Agency officers see their agency's figures, bank staff their bank's."""
    if actor.role == "agency_officer":
        return [EmploymentApplication.agency_id == actor.agency_id]
    if actor.role in ("bank_officer", "supervisor") and not actor.bank_wide:
        return [EmploymentApplication.bank_id == actor.bank_id]
    return []


def category_report(uow: UnitOfWork, actor: Actor) -> list[dict[str, Any]]:
    require(actor, "employment.read")
    with uow:
        rows = uow.session.execute(
            select(
                Agency.code,
                EmploymentApplication.category_code,
                EmploymentApplication.state,
                func.count(),
                func.sum(EmploymentApplication.amount),
            )
            .join(Agency, Agency.id == EmploymentApplication.agency_id)
            .where(*_scope_filters(actor))
            .group_by(Agency.code, EmploymentApplication.category_code, EmploymentApplication.state)
            .order_by(Agency.code, EmploymentApplication.category_code, EmploymentApplication.state)
        ).all()
        return [
            {"agency": a, "category": c or "", "state": st, "count": n, "amount_rial": int(x or 0)}
            for a, c, st, n, x in rows
        ]


def pipeline_report(uow: UnitOfWork, actor: Actor) -> list[dict[str, Any]]:
    require(actor, "employment.read")
    with uow:
        rows = uow.session.execute(
            select(
                EmploymentApplication.state, func.count(), func.sum(EmploymentApplication.amount)
            )
            .where(*_scope_filters(actor))
            .group_by(EmploymentApplication.state)
            .order_by(EmploymentApplication.state)
        ).all()
        return [{"state": st, "count": n, "amount_rial": int(x or 0)} for st, n, x in rows]


def speed_report(uow: UnitOfWork, actor: Actor) -> list[dict[str, Any]]:
    """Median days from submission to disbursement per agency and bank (the circular's
    "speed up by year end")."""
    import statistics

    require(actor, "employment.read")
    with uow:
        rows = uow.session.execute(
            select(
                Agency.code,
                AgentBank.code,
                EmploymentApplication.submitted_on,
                EmploymentApplication.disbursed_on,
            )
            .join(Agency, Agency.id == EmploymentApplication.agency_id)
            .join(AgentBank, AgentBank.id == EmploymentApplication.bank_id)
            .where(EmploymentApplication.disbursed_on.is_not(None), *_scope_filters(actor))
        ).all()
    groups: dict[tuple[str, str], list[int]] = {}
    for agency, bank, sub, dis in rows:
        if dis is None:
            continue
        groups.setdefault((agency, bank), []).append((dis - sub).days)
    return [
        {"agency": a, "bank": b, "loans": len(v), "median_days": statistics.median(v)}
        for (a, b), v in sorted(groups.items())
    ]
