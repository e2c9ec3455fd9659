"""``/api/v1/employment`` — employment-generating loans, every step of PROGRAMS.md §2.4."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field, StrictInt, StrictStr

from tashilat.domain.jalali import format_jalali
from tashilat.domain.programs.employment import rules
from tashilat.entrypoints.api import views
from tashilat.entrypoints.api.deps import (
    ActorDep,
    ContainerDep,
    Id,
    IdemDep,
    PageDep,
    RequestIdDep,
)
from tashilat.entrypoints.api.models.base import ACTOR_PROBLEMS
from tashilat.entrypoints.api.models.employment import (
    AgencyOut,
    AllocationOut,
    AllocationReport,
    ApplicationOut,
    ApplicationPage,
    CategoryOut,
    CategoryReport,
    DisbursedOut,
    EmploymentRepaymentOut,
    FeeInstalmentPage,
    LimitOut,
    PipelineReport,
    SamatImportOut,
    SpeedReport,
    SubmittedOut,
)
from tashilat.entrypoints.api.models.programs import EmploymentCheckOut, GuaranteeStatusOut
from tashilat.entrypoints.employment_check import check_json
from tashilat.entrypoints.parse import jdate, rial
from tashilat.entrypoints.serialize import jsonable
from tashilat.entrypoints.spreadsheet import safe_dict
from tashilat.services import calendar, employment

router = APIRouter(prefix="/api/v1/employment", tags=["employment"], responses=ACTOR_PROBLEMS)
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report: JSON, or with format=csv a CSV file (UTF-8 with a BOM)",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}
Amount = StrictInt | StrictStr  # see schemas.Amount


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


class ApplicationIn(BaseModel):
    national_id: str = Field(max_length=20)
    name: str = Field(min_length=1, max_length=200)
    province: str = Field(min_length=1, max_length=100)
    agency_code: str = Field(max_length=20)
    amount: Amount
    jobs: int = Field(ge=1, le=100_000)
    category_code: str | None = Field(default=None, max_length=40)
    legal_entity: bool = False
    clients_hired: int = Field(default=0, ge=0, le=100_000)
    mandated: bool = True
    repeat_business_active: bool = Field(
        default=False, description="1404 repeat rule: the business runs and hires"
    )
    description: str = Field(default="", max_length=2000)


class IntroduceIn(BaseModel):
    bank_code: str = Field(max_length=20)


class GuaranteeIn(BaseModel):
    kind: str = Field(description="credit_score | promissory_note | guarantor")
    national_id: str | None = Field(default=None, max_length=20)
    grade: str | None = Field(default=None, max_length=2)


class ReasonIn(BaseModel):
    reason: str = Field(min_length=1, max_length=1000)


class RepaymentIn(BaseModel):
    amount: Amount


def _app_view(app: Any, applicant: Any = None, code: str | None = None) -> dict[str, Any]:
    out = {
        "id": app.id,
        "state": app.state,
        "applicant_id": app.applicant_id,
        "agency_id": app.agency_id,
        "bank_id": app.bank_id,
        "allocation_id": app.allocation_id,
        "province": app.province,
        "category_code": app.category_code,
        "approved_category": app.approved_category,
        "repeat": app.repeat,
        "mandated": app.mandated,
        "amount_rial": app.amount,
        "jobs": app.jobs,
        "submitted_on": format_jalali(app.submitted_on),
        "introduced_on": format_jalali(app.introduced_on) if app.introduced_on else None,
        "approved_on": format_jalali(app.approved_on) if app.approved_on else None,
        "disbursed_on": format_jalali(app.disbursed_on) if app.disbursed_on else None,
        "waiting_for_month": app.waiting_for_month,
        "reasons": employment.reasons_of(app),
        "policy_hash": app.policy_hash,
    }
    if applicant is not None:
        out["applicant"] = {
            "national_id": applicant.national_id,
            "name": applicant.name,
            "legal_entity": applicant.legal_entity,
        }
    if code is not None:
        out["samat_code"] = code
    return out


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


# -- the citizen's check (no login) ------------------------------------------------------------


@router.get(
    "/check",
    summary="One verdict: eligible, eligible once guarantees are brought, or not (no login)",
    response_model=EmploymentCheckOut,
)
def check(
    c: ContainerDep,
    amount: Annotated[str, Query(max_length=40)],
    date: Annotated[
        str | None, Query(max_length=20, description="Jalali; default the business date")
    ] = None,
    approved_category: bool = False,
    legal_entity: bool = False,
    clients_hired: Annotated[int, Query(ge=0, le=100_000)] = 0,
    credit_grade: Annotated[str | None, Query(max_length=1, pattern="^[A-Ea-e]$")] = None,
    promissory_note: bool = False,
    guarantors: Annotated[int, Query(ge=0, le=10)] = 0,
    national_id: Annotated[
        str | None,
        Query(
            max_length=20,
            description="The applicant's; when given, the one-loan rule is looked up in the "
            "registry (SAMAT and loans in progress), else the answer says it was not checked",
        ),
    ] = None,
) -> dict[str, Any]:
    on = jdate(date, "date") if date else calendar.get(c.reader())
    amt = rial(amount, "amount")
    # guarantors are counted, not named: stand-ins that can be neither the applicant nor
    # each other
    stand_ins = tuple(f"g{i}" for i in range(guarantors))
    answer = employment.check(
        c.reader(),
        c.policy,
        on=on,
        amount=amt,
        approved_category=approved_category,
        legal_entity=legal_entity,
        clients_hired=clients_hired,
        offered_=rules.Offered(
            credit_grade.upper() if credit_grade else None, promissory_note, stand_ins
        ),
        national_id=national_id or None,
    )
    return check_json(answer)


# -- applications ---------------------------------------------------------------------------


@router.post(
    "/applications",
    status_code=201,
    summary="Submit a business plan",
    response_model=SubmittedOut,
    response_model_exclude_unset=True,
)
def submit(
    body: ApplicationIn, c: ContainerDep, actor: ActorDep, rid: RequestIdDep
) -> dict[str, Any]:
    app, decision = employment.submit(
        c.uow(),
        actor,
        c.policy,
        national_id=body.national_id,
        name=body.name,
        province=body.province,
        agency_code=body.agency_code,
        amount=rial(body.amount, "amount"),
        jobs=body.jobs,
        category_code=body.category_code,
        legal_entity=body.legal_entity,
        clients_hired=body.clients_hired,
        mandated=body.mandated,
        repeat_business_active=body.repeat_business_active,
        description=body.description,
        request_id=rid,
    )
    g = (
        employment.guarantee_status(c.reader(), actor, c.policy, app.id)
        if actor.role != "customer"
        else None
    )
    return {
        **_app_view(app),
        "eligibility": [r.as_dict() for r in decision.reasons],
        "warnings": [w.as_dict() for w in decision.warnings],
        "guarantee_bundles": [jsonable(b) for b in g.value.bundles] if g else None,
    }


@router.get("/applications", response_model=ApplicationPage, response_model_exclude_unset=True)
def list_applications(
    c: ContainerDep,
    actor: ActorDep,
    p: PageDep,
    state: Annotated[str | None, Query(max_length=20)] = None,
) -> dict[str, Any]:
    rows, total = employment.list_applications(
        c.reader(), actor, offset=p.offset, limit=p.limit, state=state
    )
    return views.paged([_app_view(a) for a in rows], total, p.offset, p.limit)


@router.get(
    "/applications/{app_id}", response_model=ApplicationOut, response_model_exclude_unset=True
)
def get_application(app_id: Id, c: ContainerDep, actor: ActorDep) -> dict[str, Any]:
    uow = c.reader()
    app, applicant, _insts = employment.get(uow, actor, app_id)
    with uow:
        code = employment.samat_code(uow, app)
    return _app_view(app, applicant, code)


@router.post(
    "/applications/{app_id}/review",
    summary="The agency starts its review",
    response_model=ApplicationOut,
    response_model_exclude_unset=True,
)
def review(app_id: Id, c: ContainerDep, actor: ActorDep, rid: RequestIdDep) -> dict[str, Any]:
    return _app_view(employment.start_review(c.uow(), actor, app_id=app_id, request_id=rid))


@router.post(
    "/applications/{app_id}/introduce",
    summary="Introduce to a bank (reserves the allocation)",
    response_model=ApplicationOut,
    response_model_exclude_unset=True,
)
def introduce(
    app_id: Id, body: IntroduceIn, c: ContainerDep, actor: ActorDep, rid: RequestIdDep
) -> dict[str, Any]:
    return _app_view(
        employment.introduce(
            c.uow(), actor, c.policy, app_id=app_id, bank_code=body.bank_code, request_id=rid
        )
    )


@router.post(
    "/applications/{app_id}/guarantees", status_code=201, response_model=GuaranteeStatusOut
)
def add_guarantee(
    app_id: Id, body: GuaranteeIn, c: ContainerDep, actor: ActorDep, rid: RequestIdDep
) -> dict[str, Any]:
    employment.add_guarantee(
        c.uow(),
        actor,
        app_id=app_id,
        kind=body.kind,
        national_id=body.national_id,
        grade=body.grade,
        request_id=rid,
    )
    return guarantees(app_id, c, actor)


@router.get(
    "/applications/{app_id}/guarantees",
    summary="Which bundle is met, or what is missing",
    response_model=GuaranteeStatusOut,
)
def guarantees(app_id: Id, c: ContainerDep, actor: ActorDep) -> dict[str, Any]:
    d = employment.guarantee_status(c.reader(), actor, c.policy, app_id)
    return {
        **jsonable(d.value),
        "outcome": d.outcome,
        "reasons": [r.as_dict() for r in d.reasons],
        "warnings": [w.as_dict() for w in d.warnings],
    }


@router.post(
    "/applications/{app_id}/approve",
    summary="The bank approves (guarantees, credit, SAMAT)",
    response_model=ApplicationOut,
    response_model_exclude_unset=True,
)
def approve(app_id: Id, c: ContainerDep, actor: ActorDep, rid: RequestIdDep) -> dict[str, Any]:
    return _app_view(employment.approve(c.uow(), actor, c.policy, app_id=app_id, request_id=rid))


@router.post(
    "/applications/{app_id}/disburse",
    summary="A second person pays (monthly limit, SAMAT code)",
    response_model=DisbursedOut,
    response_model_exclude_unset=True,
)
def disburse(app_id: Id, c: ContainerDep, actor: ActorDep, rid: RequestIdDep) -> dict[str, Any]:
    d = employment.disburse(c.uow(), actor, c.policy, app_id=app_id, request_id=rid)
    return {**_app_view(d.application, code=d.samat_code), "exempt_from_monthly_limit": d.exempt}


@router.post(
    "/applications/{app_id}/reject",
    response_model=ApplicationOut,
    response_model_exclude_unset=True,
)
def reject(
    app_id: Id, body: ReasonIn, c: ContainerDep, actor: ActorDep, rid: RequestIdDep
) -> dict[str, Any]:
    return _app_view(
        employment.reject(c.uow(), actor, app_id=app_id, reason=body.reason, request_id=rid)
    )


@router.post(
    "/applications/{app_id}/withdraw",
    response_model=ApplicationOut,
    response_model_exclude_unset=True,
)
def withdraw(
    app_id: Id, body: ReasonIn, c: ContainerDep, actor: ActorDep, rid: RequestIdDep
) -> dict[str, Any]:
    return _app_view(
        employment.reject(
            c.uow(), actor, app_id=app_id, reason=body.reason, withdraw=True, request_id=rid
        )
    )


@router.get("/applications/{app_id}/schedule", response_model=FeeInstalmentPage)
def schedule(app_id: Id, c: ContainerDep, actor: ActorDep, p: PageDep) -> dict[str, Any]:
    _, _, insts = employment.get(c.reader(), actor, app_id)
    items = [{**views.instalment(i), "fee_rial": i.profit} for i in insts]
    return views.paged(items[p.offset : p.offset + p.limit], len(items), p.offset, p.limit)


@router.post(
    "/applications/{app_id}/repayments", status_code=201, response_model=EmploymentRepaymentOut
)
def repay(
    app_id: Id, body: RepaymentIn, c: ContainerDep, actor: ActorDep, key: IdemDep
) -> dict[str, Any]:
    r = employment.repay(
        c.uow(),
        actor,
        c.policy,
        app_id=app_id,
        amount=rial(body.amount, "amount"),
        request_id=f"emp-repay:{app_id}:{key}",
    )
    return {
        "application_id": r.application_id,
        "amount_rial": r.amount,
        "penalty_rial": r.penalty,
        "fee_rial": r.fee,
        "principal_rial": r.principal,
        "state": r.state,
        "replayed": r.replayed,
    }


# -- reports ----------------------------------------------------------------------------------


def _maybe_csv(rows: list[dict[str, Any]], fmt: str, name: str) -> Any:
    if fmt != "csv":
        return {"items": rows}
    buf = io.StringIO()
    if rows:
        w = csv.DictWriter(buf, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(safe_dict(r) for r in rows)
    return Response(
        buf.getvalue().encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


Fmt = Annotated[str, Query(pattern="^(json|csv)$")]


@router.get(
    "/reports/allocations",
    summary="Allocation use by agency and province",
    response_model=AllocationReport,
    responses=CSV_RESPONSE,
)
def report_allocations(
    c: ContainerDep,
    actor: ActorDep,
    format: Fmt = "json",
    year: Annotated[int | None, Query(ge=1403, le=1500)] = None,
) -> Any:
    return _maybe_csv(
        employment.allocation_report(c.reader(), actor, year=year), format, "allocations"
    )


@router.get(
    "/reports/categories",
    summary="Applications by agency, category and state",
    response_model=CategoryReport,
    responses=CSV_RESPONSE,
)
def report_categories(c: ContainerDep, actor: ActorDep, format: Fmt = "json") -> Any:
    return _maybe_csv(employment.category_report(c.reader(), actor), format, "categories")


@router.get(
    "/reports/pipeline",
    summary="The pipeline by state",
    response_model=PipelineReport,
    responses=CSV_RESPONSE,
)
def report_pipeline(c: ContainerDep, actor: ActorDep, format: Fmt = "json") -> Any:
    return _maybe_csv(employment.pipeline_report(c.reader(), actor), format, "pipeline")


@router.get(
    "/reports/speed",
    summary="Median days from submission to disbursement per agency and bank",
    response_model=SpeedReport,
    responses=CSV_RESPONSE,
)
def report_speed(c: ContainerDep, actor: ActorDep, format: Fmt = "json") -> Any:
    return _maybe_csv(employment.speed_report(c.reader(), actor), format, "speed")
