"""The inverse planner, no login: what to deposit to reach a youth-fund loan by a year, or
when a given deposit reaches it (``services.youth_planner.deposit_target``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from tashilat.domain.errors import InvalidInput
from tashilat.entrypoints.api.deps import ContainerDep
from tashilat.entrypoints.api.models.base import PUBLIC_PROBLEMS
from tashilat.entrypoints.api.models.programs import TargetOut
from tashilat.entrypoints.parse import jdate, rial
from tashilat.entrypoints.serialize import decision_envelope, jsonable
from tashilat.services.youth_planner import deposit_target, place_city, with_figures

router = APIRouter(prefix="/api/v1", tags=["calculators"], responses=PUBLIC_PROBLEMS)

Amount = Annotated[str | None, Query(max_length=40)]


@router.get(
    "/youth-fund/target",
    summary="The least deposit that reaches a youth-fund loan by a year, or the first year",
    response_model=TargetOut,
    response_model_exclude_unset=True,
)
def youth_target(
    c: ContainerDep,
    opened: Annotated[str, Query(max_length=20, description="Jalali YYYY/MM/DD")],
    tier: Annotated[int | None, Query(ge=1, le=3)] = None,
    city: Annotated[str | None, Query(max_length=100)] = None,
    province: Annotated[
        str | None, Query(max_length=100, description="The city's province, where names repeat")
    ] = None,
    amount: Annotated[
        str | None, Query(max_length=40, description="The loan amount to reach, rial")
    ] = None,
    cap: Annotated[bool, Query(description="Aim at the whole cap of the year")] = False,
    by_year: Annotated[
        int | None, Query(ge=1, le=100, description="Least deposits that reach it by year K")
    ] = None,
    monthly: Annotated[
        str | None, Query(max_length=40, description="First year this monthly deposit reaches it")
    ] = None,
    lump_sum: Annotated[
        str | None, Query(max_length=40, description="First year this lump sum reaches it")
    ] = None,
) -> dict[str, Any]:
    """Exactly one of ``amount`` or ``cap``, and one of ``by_year``, ``monthly`` or
    ``lump_sum``. ``outcome`` is ``found`` or ``unreachable``; when unreachable the figures
    are ``null`` and the reasons say why."""
    opened_on = jdate(opened, "opened")
    if (tier is None) == (city is None):
        raise InvalidInput(
            "plan.city_or_tier",
            "دقیقاً یکی از city یا tier را بدهید.",
            "Give exactly one of city or tier.",
            field="city",
        )
    if (amount is None) == (not cap):
        raise InvalidInput(
            "target.amount_or_cap",
            "دقیقاً یکی از amount یا cap را بدهید.",
            "Give exactly one of amount or cap.",
            field="amount",
        )
    placed = place_city(c.policy, city, opened_on, province) if city is not None else None
    d = deposit_target(
        c.policy,
        opened_on=opened_on,
        tier=placed.tier if placed else tier or 0,
        amount=rial(amount, "amount") if amount is not None else None,
        by_year=by_year,
        monthly=rial(monthly, "monthly") if monthly is not None else None,
        lump_sum=rial(lump_sum, "lump_sum") if lump_sum is not None else None,
    )
    if placed:
        d = with_figures(d, placed.provenances)
    out = {**jsonable(d.value), **decision_envelope(d)}
    if placed:
        out["city"] = placed.name
    return out
