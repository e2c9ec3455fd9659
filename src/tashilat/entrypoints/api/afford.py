"""``/api/v1/afford/…``: what a loan's instalments or a rent take of a worker's income, the
largest loan or shortest term within a limit, and the allowance that closes the gap;
stateless, no login (the HTTP twins of ``tashilat afford …``).

Each answers with the command's ``--json``: the value's fields plus ``outcome``, ``as_of``,
``policy_hash``, ``reasons`` and ``warnings``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from tashilat.domain.programs.wages.affordability import max_affordable_loan, repayment_term
from tashilat.entrypoints.api.deps import ContainerDep
from tashilat.entrypoints.api.models.base import PUBLIC_PROBLEMS
from tashilat.entrypoints.api.models.programs import (
    AllowanceDecision,
    BurdenDecision,
    MaxLoanDecision,
    RentDecision,
    RepaymentTermDecision,
)
from tashilat.entrypoints.api.program_inputs import (
    AllowanceDep,
    Basis,
    BurdenDep,
    Limit,
    Loan,
    On,
    Opened,
    ProfileDep,
    Rate,
    RentDep,
)
from tashilat.entrypoints.parse import (
    MAX_SCHEDULE_MONTHS,
    check_term,
    loan_rate,
    on_date,
    optional_percent,
    rial,
)
from tashilat.entrypoints.serialize import decision_json

router = APIRouter(prefix="/api/v1", responses=PUBLIC_PROBLEMS)


@router.get(
    "/afford/burden",
    tags=["affordability"],
    summary="Instalment burden on household income over the loan's whole life",
    response_model=BurdenDecision,
)
def afford_burden(d: BurdenDep) -> dict[str, Any]:
    return decision_json(d)


@router.get(
    "/afford/max-loan",
    tags=["affordability"],
    summary="The largest loan whose every instalment stays within the burden limit",
    response_model=MaxLoanDecision,
)
def afford_max_loan(
    c: ContainerDep,
    profile: ProfileDep,
    months: Annotated[int, Query(ge=1, le=MAX_SCHEDULE_MONTHS, description="Repayment months.")],
    rate: Rate = None,
    loan: Loan = None,
    opened: Opened = None,
    method: Annotated[str, Query(max_length=10, description="simple | fee")] = "simple",
    on: On = None,
    basis: Basis = "gross",
    limit: Limit = None,
) -> dict[str, Any]:
    when = on_date(on)
    r, _, provs = loan_rate(c.policy, loan, rate, opened, when)
    d = max_affordable_loan(
        c.policy,
        profile,
        on=when,
        annual_rate=r,
        months=months,
        limit_percent=optional_percent(limit),
        basis=basis,
        method=method.strip().lower(),
        figures=provs,
    )
    return decision_json(d)


@router.get(
    "/afford/months",
    tags=["affordability"],
    summary="How many months a fixed instalment takes to repay a loan",
    response_model=RepaymentTermDecision,
)
def afford_months(
    c: ContainerDep,
    principal: Annotated[str, Query(max_length=40, description="Loan amount, rial.")],
    instalment: Annotated[str, Query(max_length=40, description="Monthly instalment, rial.")],
    rate: Rate = None,
    loan: Loan = None,
    opened: Opened = None,
    on: On = None,
) -> dict[str, Any]:
    when = on_date(on)
    r, _, provs = loan_rate(c.policy, loan, rate, opened, when)
    p = rial(principal, "principal")
    a = rial(instalment, "instalment")
    check_term(p, r, a)
    d = repayment_term(c.policy, principal=p, annual_rate=r, instalment=a, on=when, figures=provs)
    return decision_json(d)


@router.get(
    "/afford/rent",
    tags=["affordability"],
    summary="Rent as a share of household income, and how much the housing allowance covers",
    response_model=RentDecision,
)
def afford_rent(d: RentDep) -> dict[str, Any]:
    return decision_json(d)


@router.get(
    "/afford/allowance",
    tags=["affordability"],
    summary="The housing allowance that would bring the rent down to a target share of income",
    response_model=AllowanceDecision,
)
def afford_allowance(d: AllowanceDep) -> dict[str, Any]:
    return decision_json(d)
