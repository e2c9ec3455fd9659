"""Stateless calculators and the policy browser: no login, no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query

from tashilat.data import load_city_index
from tashilat.domain.decision import Provenance, warnings_for
from tashilat.domain.errors import InvalidInput
from tashilat.domain.finance import Method, build_schedule
from tashilat.domain.jalali import format_jalali
from tashilat.domain.money import parse_percent
from tashilat.domain.programs.youth_fund.cities import tier_of
from tashilat.entrypoints.api.deps import ContainerDep
from tashilat.entrypoints.api.models.base import PUBLIC_PROBLEMS, problems
from tashilat.entrypoints.api.models.programs import (
    CityList,
    PlanOut,
    PolicyOut,
    PolicyParameterOut,
    ScheduleOut,
)
from tashilat.entrypoints.parse import jdate, rial
from tashilat.entrypoints.serialize import jsonable, plan_json, schedule_json
from tashilat.services.youth_planner import Household, plan_with_loan

router = APIRouter(prefix="/api/v1", tags=["calculators"], responses=PUBLIC_PROBLEMS)

Text = Annotated[str | None, Query(max_length=40)]


@router.get(
    "/calculators/youth-fund/plan",
    summary="Plan youth-fund savings year by year",
    response_model=PlanOut,
    response_model_exclude_unset=True,
)
def youth_plan(
    c: ContainerDep,
    opened: Annotated[str, Query(max_length=20, description="Jalali YYYY/MM/DD")],
    tier: Annotated[int | None, Query(ge=1, le=3)] = None,
    city: Annotated[str | None, Query(max_length=100)] = None,
    province: Annotated[
        str | None,
        Query(max_length=100, description="The city's province, where names repeat"),
    ] = None,
    monthly: Text = None,
    follow_table: bool = False,
    share: Annotated[int | None, Query(ge=1, le=1000)] = None,
    lump_sum: Text = None,
    kind: Annotated[
        str, Query(max_length=20, description="The loan: purchase | construction")
    ] = "purchase",
    method: Annotated[
        str, Query(max_length=20, description="The loan's repayment: simple | stepwise")
    ] = "simple",
    income: Annotated[
        str | None, Query(max_length=40, description="Household monthly income, rial")
    ] = None,
    minimum_wage_children: Annotated[
        int | None,
        Query(ge=0, le=20, description="Or: a married minimum-wage worker with N children"),
    ] = None,
) -> dict[str, Any]:
    """The plan year by year, and from the minimum wait the fund's loan each year's
    entitlement buys: first instalment and total repayable by each method and, with an
    income, the first instalment's share of it against the burden limit."""
    opened_on = jdate(opened, "opened")
    if (tier is None) == (city is None):
        raise InvalidInput(
            "plan.city_or_tier",
            "دقیقاً یکی از city یا tier را بدهید.",
            "Give exactly one of city or tier.",
            field="city",
        )
    city_name = None
    city_figures: tuple[Provenance, ...] = ()
    if city is not None:
        found = load_city_index().lookup(city, province)
        t = tier_of(c.policy, found, opened_on)
        tier, city_figures = t.tier, t.provenances
        city_name = f"{found.name_fa} ({found.name_en}), {found.province_fa} / {found.province_en}"
    if monthly is not None and follow_table:
        raise InvalidInput(
            "plan.conflict",
            "یا monthly یا follow_table.",
            "Give monthly or follow_table, not both.",
            field="monthly",
        )
    assert tier is not None
    d = plan_with_loan(
        c.policy,
        opened_on=opened_on,
        tier=tier,
        monthly=rial(monthly, "monthly") if monthly is not None else None,
        share_percent=(share or 100) if follow_table else None,
        lump_sum=rial(lump_sum, "lump_sum", allow_zero=True) if lump_sum is not None else 0,
        kind=kind.strip().lower(),
        method=method.strip().lower(),
        household=Household(
            income_rial=rial(income, "income") if income is not None else None,
            minimum_wage_children=minimum_wage_children,
        ),
    )
    extra = tuple(w for w in warnings_for(city_figures) if w not in d.warnings)
    out = plan_json(replace(d, warnings=d.warnings + extra))
    if city_name:
        out["city"] = city_name
    return out


@router.get(
    "/calculators/loan-schedule", summary="An instalment schedule", response_model=ScheduleOut
)
def loan_schedule(
    c: ContainerDep,
    principal: Annotated[str, Query(max_length=40)],
    rate: Annotated[str, Query(max_length=20)],
    months: Annotated[int, Query(ge=1, le=600)],
    method: Annotated[Method, Query()] = Method.SIMPLE,
    step: Text = None,
    grace: Annotated[int, Query(ge=0, le=120)] = 0,
    start: Text = None,
) -> dict[str, Any]:
    start_on = jdate(start, "start") if start else None
    step_pct = None
    if method is Method.STEPWISE:
        step_pct = parse_percent(step, field="step") if step else Decimal(3)
    s = build_schedule(
        method,
        rial(principal, "principal"),
        parse_percent(rate, field="rate"),
        months,
        step_percent=step_pct,
        grace_months=grace,
        start=start_on,
    )
    return {**schedule_json(s), "policy_hash": c.policy.hash}


@router.get("/cities", summary="City suggestions with their tier", response_model=CityList)
def cities(
    c: ContainerDep,
    q: Annotated[str, Query(min_length=1, max_length=100)],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> dict[str, Any]:
    index = load_city_index()
    return {
        "items": [
            {
                "name_fa": x.name_fa,
                "name_en": x.name_en,
                "province_fa": x.province_fa,
                "province_en": x.province_en,
                "tier": tier_of(c.policy, x, date.today()).tier,
            }
            for x in index.suggest(q, limit)
        ]
    }


@router.get(
    "/policy/parameters",
    tags=["policy"],
    summary="Every parameter with its dated values",
    response_model=PolicyOut,
)
def parameters(c: ContainerDep) -> dict[str, Any]:
    return {
        "policy_hash": c.policy.hash,
        "items": [_param(p, c.policy) for p in c.policy],
        "open_questions": [_question(q) for q in c.policy.open_questions],
    }


@router.get(
    "/policy/parameters/{path}",
    tags=["policy"],
    responses=problems(404),
    response_model=PolicyParameterOut,
)
def parameter(path: str, c: ContainerDep) -> dict[str, Any]:
    return {"policy_hash": c.policy.hash, **_param(c.policy.parameter(path), c.policy)}


def _question(q: Any) -> dict[str, Any]:
    return {
        "id": q.id,
        "question": q.question,
        "question_fa": q.question_fa,
        "parameters": list(q.parameters),
    }


def _param(p: Any, policy: Any) -> dict[str, Any]:
    return {
        "path": p.path,
        "kind": p.kind,
        "keyed_by": p.keyed_by,
        "unit": p.unit,
        "description": p.description,
        "description_fa": p.description_fa,
        "open_question": p.open_question,
        "open_questions": [_question(q) for q in policy.questions_for(p.path)],
        "values": [
            {
                "since": format_jalali(e.since),
                "value": jsonable(e.value),
                "status": e.provenance.status.value,
                "source": e.provenance.source,
                "quote": e.quote,
                "note": e.provenance.note,
                "note_fa": e.provenance.note_fa,
                "cells": {
                    k: {"status": v.status.value, "source": v.source, "note": v.note}
                    for k, v in e.cells.items()
                },
            }
            for e in p.entries
        ],
    }
