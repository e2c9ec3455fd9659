"""``/api/v1/youth-fund/strategies``: up to three deposit strategies for one youth-fund
account, side by side — the year each first gives an entitlement, its loan and instalment
(``services.youth_strategies``). Stateless: no login, no database."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from tashilat.domain.errors import InvalidInput
from tashilat.domain.programs.youth_fund.loan_plan import Household
from tashilat.domain.programs.youth_fund.strategies import Comparison, Strategy
from tashilat.entrypoints.api.deps import ContainerDep
from tashilat.entrypoints.api.models.base import PUBLIC_PROBLEMS, decision
from tashilat.entrypoints.parse import jdate, rial
from tashilat.entrypoints.serialize import decision_envelope, jsonable
from tashilat.services import youth_strategies

router = APIRouter(prefix="/api/v1", tags=["calculators"], responses=PUBLIC_PROBLEMS)

StrategiesOut = decision(Comparison, name="StrategiesOut", after={"city": (str | None, None)})

Text = Annotated[str | None, Query(max_length=40)]
Kind = Annotated[
    str | None,
    Query(
        pattern="^(table|monthly|lump_sum)$",
        description="table (follow the opening year's table × share) | monthly (a fixed "
        "monthly amount) | lump_sum (a lump sum on the opening day plus a monthly amount)",
    ),
]
Share = Annotated[int | None, Query(ge=1, le=1000, description="% of the table (table)")]


def _strategy(
    n: int, kind: str | None, share: int | None, monthly: str | None, lump: str | None
) -> Strategy | None:
    if kind is None:
        if share is not None or monthly is not None or lump is not None:
            raise InvalidInput(
                "strategies.kind",
                f"نوع راهبرد {n} (s{n}) را بدهید.",
                f"Give strategy {n}'s kind (s{n}).",
                field=f"s{n}",
            )
        return None
    return Strategy(
        number=n,
        kind=kind,
        share_percent=(share or 100) if kind == "table" else None,
        monthly_rial=rial(monthly, f"s{n}_monthly", allow_zero=kind == "lump_sum")
        if monthly is not None and kind != "table"
        else (0 if kind == "lump_sum" else None),
        lump_sum_rial=rial(lump, f"s{n}_lump_sum")
        if lump is not None and kind == "lump_sum"
        else 0,
    )


@router.get(
    "/youth-fund/strategies",
    summary="Compare up to three youth-fund deposit strategies: eligibility, loan, instalment",
    response_model=StrategiesOut,
    response_model_exclude_unset=True,
)
def strategies(
    c: ContainerDep,
    opened: Annotated[str, Query(max_length=20, description="Jalali YYYY/MM/DD")],
    tier: Annotated[int | None, Query(ge=1, le=3)] = None,
    city: Annotated[str | None, Query(max_length=100)] = None,
    province: Annotated[
        str | None, Query(max_length=100, description="The city's province, where names repeat")
    ] = None,
    kind: Annotated[str, Query(pattern="^(purchase|construction)$")] = "purchase",
    method: Annotated[str, Query(pattern="^(simple|stepwise)$")] = "simple",
    income: Annotated[
        str | None, Query(max_length=40, description="The household's monthly income, rial")
    ] = None,
    children: Annotated[
        int | None,
        Query(
            ge=0,
            le=20,
            description="Instead of income: a married minimum-wage worker with this many children",
        ),
    ] = None,
    s1: Kind = None,
    s1_share: Share = None,
    s1_monthly: Text = None,
    s1_lump_sum: Text = None,
    s2: Kind = None,
    s2_share: Share = None,
    s2_monthly: Text = None,
    s2_lump_sum: Text = None,
    s3: Kind = None,
    s3_share: Share = None,
    s3_monthly: Text = None,
    s3_lump_sum: Text = None,
) -> dict[str, Any]:
    """Each strategy ``sN`` (N = 1…3) with its ``sN_share``, ``sN_monthly`` or
    ``sN_lump_sum``; at least one. The same rules as the planner (docs/rules.md §1)."""
    opened_on = jdate(opened, "opened")
    if (tier is None) == (city is None):
        raise InvalidInput(
            "plan.city_or_tier",
            "دقیقاً یکی از city یا tier را بدهید.",
            "Give exactly one of city or tier.",
            field="city",
        )
    given = [
        _strategy(1, s1, s1_share, s1_monthly, s1_lump_sum),
        _strategy(2, s2, s2_share, s2_monthly, s2_lump_sum),
        _strategy(3, s3, s3_share, s3_monthly, s3_lump_sum),
    ]
    household = Household(
        income_rial=rial(income, "income") if income is not None else None,
        minimum_wage_children=children,
    )
    d, name = youth_strategies.compare(
        c.policy,
        opened_on=opened_on,
        strategies=[s for s in given if s is not None],
        tier=tier,
        city=city,
        province=province,
        kind=kind,
        method=method,
        household=household,
    )
    out = {**jsonable(d.value), **decision_envelope(d)}
    if name:
        out["city"] = name
    return out
