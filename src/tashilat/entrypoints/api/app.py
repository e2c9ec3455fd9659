"""The FastAPI application factory. Building the app connects to nothing; the container's
engine connects on first use."""

from __future__ import annotations

import logging
import time
import traceback
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope

from tashilat import __version__
from tashilat.bootstrap import Container
from tashilat.domain.errors import TashilatError
from tashilat.entrypoints import web
from tashilat.entrypoints.api import (
    afford,
    calculators,
    charts,
    construction,
    employment,
    employment_admin,
    employment_reports,
    forecasts,
    loans,
    logs,
    policy_admin,
    problems,
    routes,
    wages,
    youth_planner,
    youth_strategies,
)
from tashilat.entrypoints.api.deps import TokenCache
from tashilat.entrypoints.api.guard import RequestGuard
from tashilat.entrypoints.api.hardening import NoStoreMiddleware, docs_router
from tashilat.entrypoints.api.models.base import document_problems
from tashilat.entrypoints.api.models.resources import HealthOut
from tashilat.entrypoints.web.rendering import browser_error_page, wants_html
from tashilat.jobs.forecast_runs import ForecastRuns
from tashilat.services.login_throttle import LoginThrottle

audit_log = logging.getLogger("tashilat.audit")
log = logging.getLogger("tashilat.api")

DESCRIPTION = """
**tashilat** runs Iran's worker and youth credit programs as code.

Amounts are integer **rial**; dates are **Jalali** `YYYY/MM/DD`; Persian and Arabic digits
are accepted in every field a person types. Errors are RFC 9457 problem details with
`message_fa` and `message_en`. Log in at `/api/v1/auth/login` and send
`Authorization: Bearer <token>`. Deposits, withdrawals and repayments honour an
`Idempotency-Key` header.

**Limits.** One movement (deposit, withdrawal, repayment, loan) is at most
10,000,000,000,000,000 rial (10^16) and one account's balance at most 10^17 rial; larger
amounts are refused with 422 (`amount.too_large`, `balance.too_large`). A request body is at
most 1,000,000 bytes (413 `request.too_large`). Control characters (NUL included) in any
field or query parameter are refused with 422 naming the field.

**Duplicates** are refused, never merged: a second customer with the same national ID, a second
approved category with the same code for an agency and year, a second monthly limit for a
bank and month each answer 409 (`*.exists`). Two requests that collide in the database at the
same moment answer 409 `request.conflict` (try again). When the database cannot be reached
the answer is 503 `service.unavailable` with `Retry-After`.
"""


AUDIT_ATTEMPTS = 3


def _audit_failure(c: Container, request: Request, outcome: str, code: str) -> None:
    """Refused or failed state-changing requests are audited too, in their own transaction.

    A write that fails is tried again (the database may be briefly unreachable); if every
    attempt fails, the record is written to the server log at ERROR level instead, so that no
    refusal goes unrecorded. The record holds the path, the user name and the error code, no
    request body."""
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    actor = getattr(request.state, "actor", None)
    record: dict[str, Any] = {
        "user_id": actor.user_id if actor else None,
        "username": actor.username if actor else "",
        "action": f"{request.method} {request.url.path}",
        "target": request.url.path,
        "request_id": getattr(request.state, "request_id", "") or "",
        "outcome": outcome,
        "detail": code,
    }
    failure = ""
    for attempt in range(AUDIT_ATTEMPTS):
        uow = c.uow()
        try:
            with uow:
                uow.audit(**record)
                uow.commit()
            return
        except Exception as exc:
            failure = type(exc).__name__
            if attempt + 1 < AUDIT_ATTEMPTS:
                time.sleep(0.05 * 4**attempt)
    audit_log.error(
        "audit write failed (%s) after %d attempts: %s", failure, AUDIT_ATTEMPTS, record
    )


async def _audit_failure_async(c: Container, request: Request, outcome: str, code: str) -> None:
    await run_in_threadpool(_audit_failure, c, request, outcome, code)


def create_app(container: Container, *, token_cache_seconds: int | None = None) -> FastAPI:
    """``token_cache_seconds`` overrides the setting of the same name (0: none)."""
    settings = container.settings
    app = FastAPI(
        title="tashilat API",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,  # served by docs_router from packaged assets
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.container = container
    app.state.token_cache = TokenCache(
        ttl_seconds=settings.token_cache_seconds
        if token_cache_seconds is None
        else token_cache_seconds
    )
    app.state.forecasts = ForecastRuns()
    app.state.login_throttle = LoginThrottle(
        settings.login_limit_per_user,
        settings.login_limit_per_address,
        settings.rate_limit_storage,
    )
    # pages, JSON and the style sheet compress 5-10 times; fonts are compressed already
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    app.add_middleware(NoStoreMiddleware)
    app.include_router(docs_router(app.title))
    app.include_router(routes.router)
    app.include_router(loans.router)
    app.include_router(calculators.router)
    app.include_router(youth_strategies.router)
    app.include_router(youth_planner.router)
    app.include_router(policy_admin.router)
    app.include_router(wages.router)
    app.include_router(afford.router)
    app.include_router(construction.router)
    app.include_router(charts.router)
    app.include_router(employment_admin.router)
    app.include_router(employment.router)
    app.include_router(employment_reports.router)
    app.include_router(forecasts.router)
    app.include_router(web.router)
    document_problems(app)

    @app.exception_handler(TashilatError)
    async def _tashilat_error(request: Request, exc: TashilatError) -> JSONResponse:
        status = problems.status_of(exc)
        if status != 401:
            await _audit_failure_async(
                container, request, "refused" if status in (403, 409, 422) else "error", exc.code
            )
        return problems.from_error(request, exc)

    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: DBAPIError) -> JSONResponse:
        response = problems.from_database(request, exc)
        if response.status_code >= 500:
            # the type and the frames only: the database's message can quote the row
            log.error(
                "database error %s on %s %s\n%s",
                type(exc.orig).__name__,
                request.method,
                request.url.path,
                "".join(traceback.format_tb(exc.__traceback__)),
            )
        await _audit_failure_async(
            container,
            request,
            "refused" if response.status_code < 500 else "error",
            problems.code_of(response),
        )
        return response

    @app.exception_handler(SQLAlchemyTimeoutError)
    async def _pool_exhausted(request: Request, exc: SQLAlchemyTimeoutError) -> JSONResponse:
        return problems.unavailable(request)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return problems.from_validation(request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if wants_html(request) and exc.status_code in (404, 405):
            return browser_error_page(request, exc.status_code)
        return problems.from_http(request, exc)

    async def _unexpected(scope: Scope, exc: Exception) -> None:
        await _audit_failure_async(container, Request(scope), "error", type(exc).__name__)

    # outermost of the application's own layers: body limit, control characters, and any
    # exception no handler answered (a 500 that closes the connection)
    def _error_page(scope: Scope) -> Response | None:
        request = Request(scope)
        return browser_error_page(request, 500) if wants_html(request) else None

    async def _refused(scope: Scope, code: str) -> None:
        await _audit_failure_async(container, Request(scope), "refused", code)

    app.add_middleware(
        RequestGuard, on_error=_unexpected, error_page=_error_page, on_refused=_refused
    )
    logs.install()

    @app.get("/healthz", tags=["meta"], response_model=HealthOut)
    def healthz() -> dict[str, Any]:
        return {
            "status": "ok",
            "policy_hash": container.policy.hash,
            "time": datetime.now(UTC).isoformat(),
        }

    return app
