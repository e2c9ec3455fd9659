"""``/api/v1/wages/…``: a worker's monthly income by the labour law and an employer's Article
149 housing obligations; stateless, no login (the HTTP twins of ``tashilat wages …``).

Each answers with the command's ``--json``: the value's fields plus ``outcome``, ``as_of``,
``policy_hash``, ``reasons`` and ``warnings``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from tashilat.domain.programs.wages.article149 import Workshop, employer_obligations
from tashilat.domain.programs.wages.income import monthly_income
from tashilat.entrypoints.api.deps import ContainerDep
from tashilat.entrypoints.api.models.base import PUBLIC_PROBLEMS
from tashilat.entrypoints.api.models.programs import Article149Decision, IncomeDecision
from tashilat.entrypoints.api.program_inputs import On, ProfileDep
from tashilat.entrypoints.parse import on_date
from tashilat.entrypoints.serialize import decision_json

router = APIRouter(prefix="/api/v1", responses=PUBLIC_PROBLEMS)


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
