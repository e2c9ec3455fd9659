"""``/api/v1/construction/…``: the construction-fund contribution of one permit or a batch of
them, and the fund's projection; stateless, no login (the HTTP twins of
``tashilat construction …``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from tashilat.domain.decision import Decision
from tashilat.domain.errors import InvalidInput, TashilatError
from tashilat.domain.programs.construction.contributions import (
    Permit,
    batch_contribution,
    permit_contribution,
    worker_contribution,
)
from tashilat.entrypoints.api.deps import ContainerDep
from tashilat.entrypoints.api.models.base import PUBLIC_PROBLEMS
from tashilat.entrypoints.api.models.programs import BatchDecision, ContributionOut, FundDecision
from tashilat.entrypoints.api.program_inputs import MAX_BATCH, FundDep
from tashilat.entrypoints.parse import fee, floor_area, jdate, rial
from tashilat.entrypoints.serialize import contribution_json, decision_json

router = APIRouter(prefix="/api/v1", responses=PUBLIC_PROBLEMS)


# -- construction -------------------------------------------------------------------------------

Rials = int | Annotated[str, StringConstraints(max_length=40)]


@router.get(
    "/construction/contribution",
    tags=["construction"],
    summary="The owner's share for one building permit by the law in force on its date, "
    "and the worker's 7%",
    response_model=ContributionOut,
    response_model_exclude_unset=True,
)
def construction_contribution(
    c: ContainerDep,
    date_: Annotated[
        str, Query(alias="date", max_length=20, description="Permit date, Jalali YYYY/MM/DD.")
    ],
    permit_fees: Annotated[
        str | None, Query(max_length=40, description="Building-permit fees, rial.")
    ] = None,
    density_fees: Annotated[
        str | None, Query(max_length=40, description="Density fees, rial.")
    ] = None,
    demolition_fees: Annotated[
        str | None, Query(max_length=40, description="Demolition/renovation fees, rial.")
    ] = None,
    major_repair_fees: Annotated[
        str | None, Query(max_length=40, description="Major-repair fees, rial.")
    ] = None,
    area: Annotated[
        str | None,
        Query(max_length=40, description="Floor area, m² (the 1379 per-m² formula)."),
    ] = None,
    daily_wage: Annotated[
        str | None,
        Query(max_length=40, description="Minimum daily wage, when policy has none for the date."),
    ] = None,
    worker_base: Annotated[
        str | None,
        Query(max_length=40, description="Base of the worker's share (default: minimum wage)."),
    ] = None,
) -> dict[str, Any]:
    dated = jdate(date_, "date")
    permit = Permit(
        dated=dated,
        permit_fees=fee(permit_fees, "permit_fees"),
        density_fees=fee(density_fees, "density_fees"),
        demolition_renovation_fees=fee(demolition_fees, "demolition_fees"),
        major_repair_fees=fee(major_repair_fees, "major_repair_fees"),
        area_m2=floor_area(area, "area"),
        daily_wage=rial(daily_wage, "daily_wage") if daily_wage is not None else None,
    )
    d = permit_contribution(c.policy, permit)
    base = rial(worker_base, "worker_base") if worker_base is not None else None
    worker: Decision[Any] | None = None
    worker_error: TashilatError | None = None
    try:
        worker = worker_contribution(c.policy, on=dated, base=base)
    except TashilatError as exc:
        worker_error = exc
    return contribution_json(d, worker, worker_error)


class PermitIn(BaseModel):
    """One building permit of a batch: the columns of the CLI's CSV batch. Amounts are
    rial (a number, or a string as people type it); the area is m² (``"120.5"``)."""

    model_config = ConfigDict(extra="forbid")

    reference: str = Field(default="", max_length=200)
    date: str = Field(max_length=20, description="Permit date, Jalali YYYY/MM/DD")
    permit_fees: Rials | None = None
    density_fees: Rials | None = None
    demolition_renovation_fees: Rials | None = None
    major_repair_fees: Rials | None = None
    area_m2: Rials | None = None
    daily_wage: Rials | None = None


def _permit(n: int, p: PermitIn) -> Permit:
    try:
        return Permit(
            dated=jdate(p.date, "date"),
            permit_fees=fee(p.permit_fees, "permit_fees"),
            density_fees=fee(p.density_fees, "density_fees"),
            demolition_renovation_fees=fee(
                p.demolition_renovation_fees, "demolition_renovation_fees"
            ),
            major_repair_fees=fee(p.major_repair_fees, "major_repair_fees"),
            area_m2=floor_area(p.area_m2, "area_m2"),
            daily_wage=rial(p.daily_wage, "daily_wage", allow_zero=True)
            if p.daily_wage is not None and str(p.daily_wage).strip()
            else None,
            reference=p.reference.strip() or f"permit {n}",
        )
    except InvalidInput as exc:
        raise InvalidInput(
            exc.code,
            f"پروانه {n}: {exc.message_fa}",
            f"Permit {n}: {exc.message_en}",
            field=f"{n - 1}.{exc.field}" if exc.field else str(n - 1),
            details={"permit": n},
        ) from None


@router.post(
    "/construction/contributions",
    tags=["construction"],
    summary="The owners' shares for a batch of permits, each by the law on its own date",
    response_model=BatchDecision,
)
def construction_contributions(
    c: ContainerDep,
    permits: Annotated[
        list[PermitIn],
        Body(
            max_length=MAX_BATCH,
            description=f"A JSON list of at most {MAX_BATCH:,} permits.",
        ),
    ],
) -> dict[str, Any]:
    parsed = [_permit(n, p) for n, p in enumerate(permits, start=1)]
    return decision_json(batch_contribution(c.policy, parsed))


@router.get(
    "/construction/project",
    tags=["construction"],
    summary="A projection of the fund: resources, obligations and deficit by year",
    response_model=FundDecision,
)
def construction_project(d: FundDep) -> dict[str, Any]:
    return decision_json(d)
