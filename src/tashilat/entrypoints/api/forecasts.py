"""``/api/v1/forecasts``: the fund's forecast as a background run (docs/forecast.md).

POST starts a run (202 with its id and where to poll), GET reads its status, progress and,
once done, its result (JSON, or CSV at ``/csv``). Analysts and administrators only."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from tashilat.entrypoints.api.deps import ActorDep, ContainerDep, RequestIdDep
from tashilat.entrypoints.api.models.base import ACTOR_PROBLEMS
from tashilat.entrypoints.api.models.base import problems as problem_responses
from tashilat.entrypoints.api.models.forecast import ForecastIn, ForecastRunOut
from tashilat.entrypoints.parse import jdate
from tashilat.jobs import forecast as job
from tashilat.jobs.forecast_runs import ForecastRuns

router = APIRouter(prefix="/api/v1/forecasts", tags=["forecast"], responses=ACTOR_PROBLEMS)


def runs(request: Request) -> ForecastRuns:
    registry: ForecastRuns = request.app.state.forecasts
    return registry


@router.post(
    "",
    status_code=202,
    summary="Start a forecast (baseline and variants) as a background run",
    response_model=ForecastRunOut,
    responses=problem_responses(422),
)
def start(
    request: Request, body: ForecastIn, c: ContainerDep, actor: ActorDep, rid: RequestIdDep
) -> Any:
    """Variants are checked before the run is queued: one that does not validate is a 422
    problem naming its findings, and nothing starts."""
    as_of = jdate(body.as_of, "as_of")
    variants = [job.overlay_variant(v.model_dump(exclude_none=True)) for v in body.variants]
    variants += [job.caps_variant(p) for p in body.scale_caps]
    run = runs(request).submit(
        c, actor, as_of=as_of, years=body.years, variants=variants, request_id=rid
    )
    return JSONResponse(
        run.as_json(),
        status_code=202,
        headers={"Location": f"/api/v1/forecasts/{run.id}"},
    )


@router.get(
    "/{run_id}", summary="A forecast run: status, progress, result", response_model=ForecastRunOut
)
def status(request: Request, run_id: str, actor: ActorDep) -> Any:
    return runs(request).get(actor, run_id).as_json()


@router.get(
    "/{run_id}/csv",
    summary="A finished forecast as CSV (one row per scenario, year and group)",
    response_class=Response,
    responses={
        200: {
            "description": "CSV (UTF-8 with a BOM)",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    },
)
def as_csv(request: Request, run_id: str, actor: ActorDep) -> Response:
    run = runs(request).get(actor, run_id)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(job.CSV_COLUMNS)
    if run.result is not None:
        w.writerows(job.csv_rows_of(run.result))
    return Response(
        buf.getvalue().encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="forecast-{run.id[:8]}.csv"'},
    )
