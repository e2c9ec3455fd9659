"""``/api/v1`` endpoints for wages, affordability and construction insurance.

Stateless calculators, no login, no database: the HTTP twins of ``tashilat wages …``,
``tashilat afford …`` and ``tashilat construction …`` (``entrypoints/cli/``).
Each takes the command's inputs as query parameters (amounts, percentages and dates as
people type them, Persian digits welcome, parsed by the domain's parsers; counts as bounded
integers) and answers with the command's ``--json``: the value's fields plus ``outcome``,
``as_of``, ``policy_hash``, ``reasons`` and ``warnings``. The charts take the same inputs
and answer ``image/svg+xml`` or ``image/png`` with the decision's outcome, policy hash and
warnings in ``X-…`` headers.

Every number is bounded (amounts by ``MAX_RIAL``, percentages, counts, terms), so no input
can make the server compute without end; bad input is a bilingual 422.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from tashilat.charts import burden_chart, check_format, fund_chart, rent_chart
from tashilat.domain.decision import Decision
from tashilat.domain.errors import InvalidInput, TashilatError
from tashilat.domain.programs.construction.contributions import (
    Permit,
    batch_contribution,
    permit_contribution,
    worker_contribution,
)
from tashilat.domain.programs.construction.projection import (
    FundInputs,
    FundProjection,
    project_fund,
)
from tashilat.domain.programs.wages.affordability import (
    AllowanceNeed,
    BurdenReport,
    RentBurden,
    allowance_needed,
    instalment_burden,
    max_affordable_loan,
    rent_burden,
    repayment_term,
)
from tashilat.domain.programs.wages.article149 import Workshop, employer_obligations
from tashilat.domain.programs.wages.income import WorkerProfile, monthly_income
from tashilat.entrypoints import parse
from tashilat.entrypoints.api.deps import ContainerDep
from tashilat.entrypoints.api.models.base import PUBLIC_PROBLEMS
from tashilat.entrypoints.api.models.programs import (
    AllowanceDecision,
    Article149Decision,
    BatchDecision,
    BurdenDecision,
    ContributionOut,
    FundDecision,
    IncomeDecision,
    MaxLoanDecision,
    RentDecision,
    RepaymentTermDecision,
)
from tashilat.entrypoints.parse import (
    MAX_SCHEDULE_MONTHS,
    MAX_TERM_MONTHS,
    check_term,
    fee,
    floor_area,
    jdate,
    loan_rate,
    on_date,
    optional_percent,
    rial,
    signed_percent,
)
from tashilat.entrypoints.serialize import contribution_json, decision_json

router = APIRouter(prefix="/api/v1", responses=PUBLIC_PROBLEMS)

MAX_BATCH = 10_000

# -- inputs shared by the endpoints ------------------------------------------------------------

Text = Annotated[str | None, Query(max_length=40)]
Percent = Annotated[str | None, Query(max_length=20, description="Percent, e.g. 18 or ۱۸٫۵")]
On = Annotated[
    str | None,
    Query(
        max_length=20,
        description="Business date, Jalali YYYY/MM/DD, or a year YYYY (default: today)",
    ),
]
Married = Annotated[bool, Query(description="Married (marriage allowance) or single.")]
Children = Annotated[int, Query(ge=0, le=20, description="Number of children.")]
Service = Annotated[int, Query(ge=0, le=60, description="Whole years of service (seniority base).")]
Wage = Annotated[
    str | None,
    Query(max_length=40, description="Monthly base wage, rial (default: the legal minimum)."),
]
Other = Annotated[
    str | None,
    Query(max_length=40, description="Other household income a month (a spouse's), rial."),
]
Basis = Annotated[
    str, Query(max_length=10, description="Income basis: gross | net (after the worker's 7%).")
]
Limit = Annotated[
    str | None,
    Query(max_length=20, description="Burden limit, percent of income (default: policy, 30%)."),
]
Rate = Annotated[str | None, Query(max_length=20, description="Annual rate, percent.")]
Loan = Annotated[
    str | None,
    Query(
        max_length=20,
        description="Take the rate from policy: market (the 23% cap) | youth-fund "
        "(the cohort's rate).",
    ),
]
Opened = Annotated[
    str | None,
    Query(max_length=20, description="With loan=youth-fund: the account's opening date."),
]
Rent = Annotated[
    str | None,
    Query(max_length=40, description="Monthly rent, rial (default: the Tehran average in policy)."),
]
Format = Annotated[str, Query(alias="format", max_length=10, description="Chart format: svg | png")]


async def worker_profile(
    married: Married = False,
    children: Children = 0,
    years_of_service: Service = 0,
    wage: Wage = None,
    other_income: Other = None,
) -> WorkerProfile:
    """The worker and household the answer is about."""
    return WorkerProfile(
        married=married,
        children=children,
        years_of_service=years_of_service,
        base_wage=rial(wage, "wage") if wage is not None else None,
        other_income=rial(other_income, "other_income", allow_zero=True)
        if other_income is not None
        else 0,
    )


ProfileDep = Annotated[WorkerProfile, Depends(worker_profile)]


def _headers(d: Decision[Any], name: str, fmt: str) -> dict[str, str]:
    return {
        "Content-Disposition": f'inline; filename="{name}.{fmt}"',
        "X-Decision-Outcome": d.outcome,
        "X-Policy-Hash": d.policy_hash,
        "X-Warnings": ", ".join(f"{w.status.value}:{w.parameter}" for w in d.warnings),
    }


def _chart(d: Decision[Any], name: str, fmt: str, render: Callable[[str], bytes]) -> Response:
    return Response(
        content=render(fmt),
        media_type="image/svg+xml" if fmt == "svg" else "image/png",
        headers=_headers(d, name, fmt),
    )


async def chart_format(fmt: Format = "svg") -> str:
    """``svg`` or ``png``, checked before any work is done."""
    try:
        return check_format(fmt)
    except InvalidInput as exc:
        exc.field = "format"
        raise


FormatDep = Annotated[str, Depends(chart_format)]


CHART_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            "image/svg+xml": {"schema": {"type": "string"}},
            "image/png": {"schema": {"type": "string", "format": "binary"}},
        },
        "description": "The chart; X-Decision-Outcome, X-Policy-Hash and X-Warnings "
        "(status:parameter of every figure not published) describe the decision.",
    }
}


# -- wages --------------------------------------------------------------------------------------


@router.get(
    "/wages/profile",
    tags=["wages"],
    summary="Gross monthly income by component, the worker's 7% insurance and net pay",
    response_model=IncomeDecision,
)
def wages_profile(c: ContainerDep, profile: ProfileDep, on: On = None) -> dict[str, Any]:
    return decision_json(monthly_income(c.policy, profile, on_date(on)))


@router.get(
    "/wages/article149",
    tags=["wages"],
    summary="The employer's housing obligations under Labour Law article 149, with its text",
    response_model=Article149Decision,
)
def wages_article149(
    c: ContainerDep,
    workers: Annotated[
        int, Query(ge=1, le=10_000_000, description="Number of workers in the workshop.")
    ],
    cooperative: Annotated[
        bool, Query(description="Whether a workers' housing co-operative exists.")
    ] = False,
    large: Annotated[
        bool | None,
        Query(description="Whether the workshop is large (default: by the policy threshold)."),
    ] = None,
    on: On = None,
) -> dict[str, Any]:
    d = employer_obligations(c.policy, Workshop(workers, cooperative, large), on=on_date(on))
    return decision_json(d)


# -- affordability ------------------------------------------------------------------------------


def burden_decision(
    c: ContainerDep,
    profile: ProfileDep,
    instalment: Annotated[
        str | None, Query(max_length=40, description="A fixed monthly instalment, rial.")
    ] = None,
    principal: Annotated[str | None, Query(max_length=40, description="Loan amount, rial.")] = None,
    rate: Rate = None,
    loan: Loan = None,
    opened: Opened = None,
    months: Annotated[
        int | None,
        Query(
            ge=1,
            le=MAX_TERM_MONTHS,
            description="Repayment months (a schedule: at most 600; a fixed instalment "
            "alone: how many times it is paid).",
        ),
    ] = None,
    method: Annotated[
        str, Query(max_length=10, description="simple | stepwise | fee (with months)")
    ] = "simple",
    step: Annotated[
        str | None, Query(max_length=20, description="Stepwise yearly rise, percent.")
    ] = None,
    grace: Annotated[int, Query(ge=0, le=120, description="Grace months.")] = 0,
    label: Annotated[str | None, Query(max_length=100, description="A name for the loan.")] = None,
    wage_rise: Annotated[
        str, Query(max_length=20, description="Assumed yearly rise of income, percent.")
    ] = "0",
    on: On = None,
    basis: Basis = "gross",
    limit: Limit = None,
) -> Decision[BurdenReport]:
    """Instalment burden on household income over the loan's whole life: a fixed
    ``instalment`` (alone: ``months`` times, default once; with ``principal`` and a rate:
    until repaid), or ``principal`` with a rate (``rate`` or ``loan``) and ``months`` for a
    schedule."""
    policy = c.policy
    when = on_date(on)
    repayment, figures = parse.repayment(
        policy,
        when,
        instalment=rial(instalment, "instalment") if instalment is not None else None,
        principal=rial(principal, "principal") if principal else None,
        rate=rate,
        loan=loan,
        opened=opened,
        months=months,
        method=method,
        step=step,
        grace=grace,
        label=label,
    )
    rise = signed_percent(wage_rise, "wage_rise")
    try:
        return instalment_burden(
            policy,
            profile,
            repayment,
            on=when,
            wage_rise_percent=rise,
            limit_percent=optional_percent(limit),
            basis=basis,
            figures=figures,
        )
    except ZeroDivisionError:
        # a steep yearly fall rounds the indexed income down to nothing within the loan's life
        raise InvalidInput(
            "afford.income_vanishes",
            f"با تغییر سالانه {rise}٪، درآمد پیش از پایان وام به صفر می‌رسد.",
            f"With a yearly change of {rise}%, income falls to nothing before the loan ends.",
            field="wage_rise",
        ) from None


BurdenDep = Annotated[Decision[BurdenReport], Depends(burden_decision)]


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


def rent_decision(
    c: ContainerDep,
    profile: ProfileDep,
    rent: Rent = None,
    on: On = None,
    basis: Basis = "gross",
    limit: Limit = None,
) -> Decision[RentBurden]:
    """Rent as a share of household income, and how much of it the housing allowance
    covers."""
    return rent_burden(
        c.policy,
        profile,
        on=on_date(on),
        rent=rial(rent, "rent") if rent is not None else None,
        limit_percent=optional_percent(limit),
        basis=basis,
    )


RentDep = Annotated[Decision[RentBurden], Depends(rent_decision)]


@router.get(
    "/afford/rent",
    tags=["affordability"],
    summary="Rent as a share of household income, and how much the housing allowance covers",
    response_model=RentDecision,
)
def afford_rent(d: RentDep) -> dict[str, Any]:
    return decision_json(d)


def allowance_decision(
    c: ContainerDep,
    profile: ProfileDep,
    rent: Rent = None,
    target: Annotated[
        str | None,
        Query(max_length=20, description="Target rent share of income, percent (default: 30%)."),
    ] = None,
    on: On = None,
) -> Decision[AllowanceNeed]:
    """The housing allowance that would bring the rent down to a target share of income."""
    return allowance_needed(
        c.policy,
        profile,
        on=on_date(on),
        rent=rial(rent, "rent") if rent is not None else None,
        target_percent=optional_percent(target, "target"),
    )


AllowanceDep = Annotated[Decision[AllowanceNeed], Depends(allowance_decision)]


@router.get(
    "/afford/allowance",
    tags=["affordability"],
    summary="The housing allowance that would bring the rent down to a target share of income",
    response_model=AllowanceDecision,
)
def afford_allowance(d: AllowanceDep) -> dict[str, Any]:
    return decision_json(d)


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


def fund_decision(
    c: ContainerDep,
    start_year: Annotated[int, Query(ge=1300, le=1500, description="First Jalali year.")],
    per_capita_cost: Annotated[
        str, Query(max_length=40, description="Yearly cost per insured worker, rial.")
    ],
    permit_revenue: Annotated[
        str, Query(max_length=40, description="Owners' contributions in the first year, rial.")
    ],
    years: Annotated[int, Query(ge=1, le=50, description="Number of years.")] = 10,
    insured: Annotated[
        int | None,
        Query(ge=1, le=100_000_000, description="Insured workers (default: 800,000, seed)."),
    ] = None,
    insured_trend: Annotated[
        str, Query(max_length=20, description="Yearly change of the insured, percent.")
    ] = "0",
    cost_trend: Annotated[
        str, Query(max_length=20, description="Yearly change of the per-capita cost, percent.")
    ] = "0",
    permit_trend: Annotated[
        str, Query(max_length=20, description="Yearly change of permit revenue, percent (-10).")
    ] = "0",
    worker_contributions: Annotated[
        str | None,
        Query(
            max_length=40,
            description="Workers' contributions in the first year, rial "
            "(default: 7% × minimum wage).",
        ),
    ] = None,
    worker_trend: Annotated[
        str, Query(max_length=20, description="Yearly change of a worker's share, percent.")
    ] = "0",
) -> Decision[FundProjection]:
    """The construction workers' insurance fund's resources, obligations and deficit by
    year."""
    inputs = FundInputs(
        start_year=start_year,
        years=years,
        per_capita_cost=rial(per_capita_cost, "per_capita_cost", allow_zero=True),
        permit_revenue=rial(permit_revenue, "permit_revenue", allow_zero=True),
        insured=insured,
        insured_trend_percent=signed_percent(insured_trend, "insured_trend"),
        cost_trend_percent=signed_percent(cost_trend, "cost_trend"),
        permit_trend_percent=signed_percent(permit_trend, "permit_trend"),
        worker_contributions=rial(worker_contributions, "worker_contributions", allow_zero=True)
        if worker_contributions is not None
        else None,
        worker_trend_percent=signed_percent(worker_trend, "worker_trend"),
    )
    return project_fund(c.policy, inputs)


FundDep = Annotated[Decision[FundProjection], Depends(fund_decision)]


@router.get(
    "/construction/project",
    tags=["construction"],
    summary="A projection of the fund: resources, obligations and deficit by year",
    response_model=FundDecision,
)
def construction_project(d: FundDep) -> dict[str, Any]:
    return decision_json(d)


# -- charts -------------------------------------------------------------------------------------


@router.get(
    "/charts/burden",
    tags=["affordability"],
    summary="Chart: instalment burden over the loan's life (the inputs of /afford/burden)",
    response_class=Response,
    responses=CHART_RESPONSES,
)
def chart_burden(f: FormatDep, d: BurdenDep) -> Response:
    # the loan's label is the caller's text and goes into the title, where "$" would
    # start matplotlib mathtext (and a label like "$\\frac$" fail): draw it literally
    v = d.value
    shown = replace(v, loan=replace(v.loan, label=v.loan.label.replace("$", r"\$")))
    return _chart(d, "burden", f, lambda x: burden_chart(shown, x))


@router.get(
    "/charts/rent",
    tags=["affordability"],
    summary="Chart: rent against the housing allowance (the inputs of /afford/rent)",
    response_class=Response,
    responses=CHART_RESPONSES,
)
def chart_rent(f: FormatDep, d: RentDep) -> Response:
    return _chart(d, "rent", f, lambda x: rent_chart(d.value, x))


@router.get(
    "/charts/allowance",
    tags=["affordability"],
    summary="Chart: rent, the current and the needed housing allowance "
    "(the inputs of /afford/allowance)",
    response_class=Response,
    responses=CHART_RESPONSES,
)
def chart_allowance(f: FormatDep, d: AllowanceDep) -> Response:
    return _chart(d, "allowance", f, lambda x: rent_chart(d.value, x))


@router.get(
    "/charts/fund",
    tags=["construction"],
    summary="Chart: the fund's resources against its obligations by year "
    "(the inputs of /construction/project)",
    response_class=Response,
    responses=CHART_RESPONSES,
)
def chart_fund(f: FormatDep, d: FundDep) -> Response:
    return _chart(d, "fund", f, lambda x: fund_chart(d.value, x))
