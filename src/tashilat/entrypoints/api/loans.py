"""``/api/v1`` — thin handlers over the services: housing loans (request, approve or reject,
disburse, repay, schedule) and the audit log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from tashilat.entrypoints.api import views
from tashilat.entrypoints.api.deps import ActorDep, ContainerDep, Id, IdemDep, PageDep, RequestIdDep
from tashilat.entrypoints.api.models.base import ACTOR_PROBLEMS
from tashilat.entrypoints.api.models.resources import (
    AuditPage,
    InstalmentPage,
    LoanDetailOut,
    LoanOut,
    LoanPage,
    LoanRepaymentOut,
    LoanRequestOut,
)
from tashilat.entrypoints.api.schemas import DecisionIn, LoanIn, RepaymentIn
from tashilat.entrypoints.parse import rial
from tashilat.services import loans, reports

router = APIRouter(prefix="/api/v1", responses=ACTOR_PROBLEMS)


# -- loans ------------------------------------------------------------------------------------


@router.get("/loans", tags=["loans"], response_model=LoanPage)
def list_loans(
    c: ContainerDep,
    actor: ActorDep,
    p: PageDep,
    status: Annotated[str | None, Query(max_length=20)] = None,
) -> dict[str, Any]:
    rows, total = loans.list_loans(c.reader(), actor, offset=p.offset, limit=p.limit, status=status)
    return views.paged([views.loan(x) for x in rows], total, p.offset, p.limit)


@router.post(
    "/loans",
    tags=["loans"],
    status_code=201,
    summary="Request a loan (maker)",
    response_model=LoanRequestOut,
)
def request_loan(
    body: LoanIn, c: ContainerDep, actor: ActorDep, rid: RequestIdDep
) -> dict[str, Any]:
    loan, offer = loans.request_loan(
        c.uow(),
        actor,
        c.policy,
        account_id=body.account_id,
        amount=rial(body.amount, "amount"),
        months=body.months,
        method=body.method,
        appraisal=rial(body.appraisal, "appraisal"),
        request_id=rid,
    )
    return {
        **views.loan(loan),
        "reasons": [r.as_dict() for r in offer.reasons],
        "warnings": [w.as_dict() for w in offer.warnings],
    }


@router.get("/loans/{loan_id}", tags=["loans"], response_model=LoanDetailOut)
def get_loan(loan_id: Id, c: ContainerDep, actor: ActorDep) -> dict[str, Any]:
    loan, insts = loans.get_loan(c.reader(), actor, loan_id)
    owed = sum(i.principal - i.paid_principal for i in insts)
    return {**views.loan(loan), "outstanding_principal_rial": owed}


@router.get("/loans/{loan_id}/schedule", tags=["loans"], response_model=InstalmentPage)
def loan_schedule(loan_id: Id, c: ContainerDep, actor: ActorDep, p: PageDep) -> dict[str, Any]:
    _, insts = loans.get_loan(c.reader(), actor, loan_id)
    items = [views.instalment(i) for i in insts]
    return views.paged(items[p.offset : p.offset + p.limit], len(items), p.offset, p.limit)


@router.post(
    "/loans/{loan_id}/approve",
    tags=["loans"],
    summary="Approve (checker: not the maker)",
    response_model=LoanOut,
)
def approve(
    loan_id: Id, body: DecisionIn, c: ContainerDep, actor: ActorDep, rid: RequestIdDep
) -> dict[str, Any]:
    return views.loan(
        loans.decide(c.uow(), actor, loan_id=loan_id, approve=True, note=body.note, request_id=rid)
    )


@router.post("/loans/{loan_id}/reject", tags=["loans"], response_model=LoanOut)
def reject(
    loan_id: Id, body: DecisionIn, c: ContainerDep, actor: ActorDep, rid: RequestIdDep
) -> dict[str, Any]:
    return views.loan(
        loans.decide(c.uow(), actor, loan_id=loan_id, approve=False, note=body.note, request_id=rid)
    )


@router.post("/loans/{loan_id}/disburse", tags=["loans"], response_model=LoanOut)
def disburse(loan_id: Id, c: ContainerDep, actor: ActorDep, key: IdemDep) -> dict[str, Any]:
    return views.loan(
        loans.disburse(c.uow(), actor, c.policy, loan_id=loan_id, request_id=f"disburse:{loan_id}")
    )


@router.post(
    "/loans/{loan_id}/repayments",
    tags=["loans"],
    status_code=201,
    summary="Repay (late charges, then profit, then principal; honours Idempotency-Key)",
    response_model=LoanRepaymentOut,
)
def repay(
    loan_id: Id, body: RepaymentIn, c: ContainerDep, actor: ActorDep, key: IdemDep
) -> dict[str, Any]:
    r = loans.repay(
        c.uow(),
        actor,
        c.policy,
        loan_id=loan_id,
        amount=rial(body.amount, "amount"),
        request_id=f"repay:{loan_id}:{key}",
    )
    return {
        "loan_id": r.loan_id,
        "amount_rial": r.amount,
        "penalty_rial": r.penalty,
        "profit_rial": r.profit,
        "principal_rial": r.principal,
        "loan_status": r.loan_status,
        "replayed": r.replayed,
    }


# -- audit ------------------------------------------------------------------------------------


@router.get("/audit", tags=["audit"], response_model=AuditPage)
def audit_log(c: ContainerDep, actor: ActorDep, p: PageDep) -> dict[str, Any]:
    rows, total = reports.audit_log(c.reader(), actor, offset=p.offset, limit=p.limit)
    items = [
        {
            "id": r.id,
            "at": r.at.isoformat(),
            "user_id": r.user_id,
            "username": r.username,
            "action": r.action,
            "target": r.target,
            "request_id": r.request_id,
            "outcome": r.outcome,
            "detail": r.detail,
        }
        for r in rows
    ]
    return views.paged(items, total, p.offset, p.limit)
