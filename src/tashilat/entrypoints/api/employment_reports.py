"""``/api/v1/employment/reports/…``: allocations, categories, the pipeline and its speed, as
JSON or CSV."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from tashilat.entrypoints.api.deps import ActorDep, ContainerDep
from tashilat.entrypoints.api.models.base import ACTOR_PROBLEMS
from tashilat.entrypoints.api.models.employment import (
    AllocationReport,
    CategoryReport,
    PipelineReport,
    SpeedReport,
)
from tashilat.entrypoints.spreadsheet import safe_dict
from tashilat.services import employment

router = APIRouter(prefix="/api/v1/employment", tags=["employment"], responses=ACTOR_PROBLEMS)


CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report: JSON, or with format=csv a CSV file (UTF-8 with a BOM)",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
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
