"""``/api/v1/employment`` set-up: agencies, banks, allocations, loan categories, monthly
limits and the SAMAT import (the rules of docs/rules.md §2.4)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from tashilat.entrypoints.api.deps import ActorDep, ContainerDep
from tashilat.entrypoints.api.models.base import ACTOR_PROBLEMS
from tashilat.entrypoints.api.models.employment import (
    AgencyOut,
    AllocationOut,
    CategoryOut,
    LimitOut,
    SamatImportOut,
)
from tashilat.entrypoints.api.schemas import Amount
from tashilat.entrypoints.parse import jdate, rial
from tashilat.services import employment

router = APIRouter(prefix="/api/v1/employment", tags=["employment"], responses=ACTOR_PROBLEMS)


class AgencyIn(BaseModel):
    code: str = Field(min_length=1, max_length=20)
    name_fa: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)


class AllocationIn(BaseModel):
    agency_code: str = Field(max_length=20)
    province: str = Field(min_length=1, max_length=100)
    year: int = Field(ge=1403, le=1500)
    amount: Amount


class CategoryIn(BaseModel):
    agency_code: str = Field(max_length=20)
    year: int = Field(ge=1403, le=1500)
    code: str = Field(min_length=1, max_length=40)
    name_fa: str = Field(min_length=1, max_length=200)


class LimitIn(BaseModel):
    bank_code: str = Field(max_length=20)
    year: int = Field(ge=1403, le=1500)
    month: int = Field(ge=1, le=12)
    amount: Amount


class SamatImportIn(BaseModel):
    national_id: str = Field(max_length=20)
    bank_code: str = Field(max_length=20)
    agency_code: str = Field(max_length=20)
    amount: Amount
    disbursed_on: str = Field(max_length=20)
    tracking_code: str | None = Field(default=None, max_length=40)


# -- set-up (admin) -------------------------------------------------------------------------


@router.post("/agencies", status_code=201, response_model=AgencyOut)
def create_agency(body: AgencyIn, c: ContainerDep, actor: ActorDep) -> dict[str, Any]:
    a = employment.create_agency(
        c.uow(), actor, code=body.code, name_fa=body.name_fa, name_en=body.name_en
    )
    return {"id": a.id, "code": a.code, "name_fa": a.name_fa, "name_en": a.name_en}


@router.post("/banks", status_code=201, response_model=AgencyOut)
def create_bank(body: AgencyIn, c: ContainerDep, actor: ActorDep) -> dict[str, Any]:
    b = employment.create_bank(
        c.uow(), actor, code=body.code, name_fa=body.name_fa, name_en=body.name_en
    )
    return {"id": b.id, "code": b.code, "name_fa": b.name_fa, "name_en": b.name_en}


@router.post("/allocations", status_code=201, response_model=AllocationOut)
def set_allocation(body: AllocationIn, c: ContainerDep, actor: ActorDep) -> dict[str, Any]:
    a = employment.set_allocation(
        c.uow(),
        actor,
        c.policy,
        agency_code=body.agency_code,
        province=body.province,
        year=body.year,
        amount=rial(body.amount, "amount"),
    )
    return {
        "id": a.id,
        "amount_rial": a.amount,
        "category_cap_rial": a.category_cap,
        "repeat_cap_rial": a.repeat_cap,
    }


@router.post("/categories", status_code=201, response_model=CategoryOut)
def add_category(body: CategoryIn, c: ContainerDep, actor: ActorDep) -> dict[str, Any]:
    employment.add_category(
        c.uow(),
        actor,
        agency_code=body.agency_code,
        year=body.year,
        code=body.code,
        name_fa=body.name_fa,
    )
    return {"agency_code": body.agency_code, "year": body.year, "code": body.code}


@router.post(
    "/limits",
    status_code=201,
    summary="The bank's monthly SAMAT limit for a month",
    response_model=LimitOut,
)
def set_limit(body: LimitIn, c: ContainerDep, actor: ActorDep) -> dict[str, Any]:
    employment.set_monthly_limit(
        c.uow(),
        actor,
        bank_code=body.bank_code,
        year=body.year,
        month=body.month,
        amount=rial(body.amount, "amount", allow_zero=True),
    )
    return {"bank_code": body.bank_code, "year": body.year, "month": body.month}


@router.post(
    "/samat/imports",
    status_code=201,
    summary="Record a historical loan in the SAMAT registry",
    response_model=SamatImportOut,
)
def import_samat(body: SamatImportIn, c: ContainerDep, actor: ActorDep) -> dict[str, Any]:
    loan = employment.import_samat_loan(
        c.uow(),
        actor,
        national_id=body.national_id,
        bank_code=body.bank_code,
        agency_code=body.agency_code,
        amount=rial(body.amount, "amount"),
        disbursed_on=jdate(body.disbursed_on, "disbursed_on"),
        tracking_code=body.tracking_code,
    )
    return {"tracking_code": loan.tracking_code, "national_id": loan.national_id}
