"""Employment figures for staff: allocation use, applications by category and state, and the
time from submission to disbursement. Agency officers see their agency's figures, bank staff
their bank's (``scope_of``); the repository does the counting."""

from __future__ import annotations

import statistics
from typing import Any

from tashilat.services.auth import Actor, require
from tashilat.services.employment._common import scope_of
from tashilat.services.ports import UnitOfWork


def allocation_report(
    uow: UnitOfWork, actor: Actor, *, year: int | None = None
) -> list[dict[str, Any]]:
    """Allocation use by agency and province, with the approved-category share."""
    require(actor, "employment.read")
    with uow:
        rows = uow.employment.allocation_rows(
            year=year, agency_id=actor.agency_id if actor.role == "agency_officer" else None
        )
        return [
            {
                "agency": agency,
                "agency_name": name,
                "province": province,
                "year": y,
                "amount_rial": a.amount,
                "reserved_rial": a.reserved,
                "posted_rial": a.posted,
                "free_rial": a.free,
                "category_cap_rial": a.category_cap,
                "category_used_rial": a.category_reserved + a.category_posted,
                "repeat_cap_rial": a.repeat_cap,
                "repeat_used_rial": a.repeat_reserved + a.repeat_posted,
            }
            for agency, name, province, y, a in rows
        ]


def category_report(uow: UnitOfWork, actor: Actor) -> list[dict[str, Any]]:
    require(actor, "employment.read")
    with uow:
        rows = uow.employment.applications_by_category(scope_of(actor))
        return [
            {"agency": a, "category": c or "", "state": st, "count": n, "amount_rial": x}
            for a, c, st, n, x in rows
        ]


def pipeline_report(uow: UnitOfWork, actor: Actor) -> list[dict[str, Any]]:
    require(actor, "employment.read")
    with uow:
        rows = uow.employment.applications_by_state(scope_of(actor))
        return [{"state": st, "count": n, "amount_rial": x} for st, n, x in rows]


def speed_report(uow: UnitOfWork, actor: Actor) -> list[dict[str, Any]]:
    """Median days from submission to disbursement per agency and bank (the circular's
    "speed up by year end")."""
    require(actor, "employment.read")
    with uow:
        rows = uow.employment.disbursal_times(scope_of(actor))
    groups: dict[tuple[str, str], list[int]] = {}
    for agency, bank, sub, dis in rows:
        groups.setdefault((agency, bank), []).append((dis - sub).days)
    return [
        {"agency": a, "bank": b, "loans": len(v), "median_days": statistics.median(v)}
        for (a, b), v in sorted(groups.items())
    ]
