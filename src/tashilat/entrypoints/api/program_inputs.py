"""The inputs the ``/api/v1`` calculators share (wages, affordability, construction
insurance): query parameters as people type them, bounded, parsed into the domain's values
and decisions; the chart format and the headers that carry a chart's decision.

Every number is bounded (amounts by ``MAX_RIAL``, percentages, counts, terms), so no input
can make the server compute without end; bad input is a bilingual 422.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Query, Response

from tashilat.charts import check_format
from tashilat.domain.decision import Decision
from tashilat.domain.errors import InvalidInput
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
    rent_burden,
)
from tashilat.domain.programs.wages.income import WorkerProfile
from tashilat.entrypoints import parse
from tashilat.entrypoints.api.deps import ContainerDep
from tashilat.entrypoints.parse import (
    MAX_TERM_MONTHS,
    on_date,
    optional_percent,
    rial,
    signed_percent,
)

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
