"""``/api/v1/charts/…``: the calculators' charts. They take the same inputs as their
calculator and answer ``image/svg+xml`` or ``image/png`` with the decision's outcome, policy
hash and warnings in ``X-…`` headers.
"""

from __future__ import annotations

from dataclasses import replace

from fastapi import APIRouter, Response

from tashilat.charts import burden_chart, fund_chart, rent_chart
from tashilat.entrypoints.api.models.base import PUBLIC_PROBLEMS
from tashilat.entrypoints.api.program_inputs import (
    CHART_RESPONSES,
    AllowanceDep,
    BurdenDep,
    FormatDep,
    FundDep,
    RentDep,
    _chart,
)

router = APIRouter(prefix="/api/v1", responses=PUBLIC_PROBLEMS)


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
