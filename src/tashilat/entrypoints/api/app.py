"""The FastAPI application factory. Building the app connects to nothing; the container's
engine connects on first use."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

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
    loans,
    problems,
    routes,
    wages,
)
from tashilat.entrypoints.api.deps import TokenCache
from tashilat.entrypoints.api.models.base import document_problems
from tashilat.entrypoints.api.models.resources import HealthOut
from tashilat.entrypoints.web.rendering import browser_error_page, wants_html
from tashilat.services.uow import UnitOfWork

DESCRIPTION = """
**tashilat** runs Iran's worker and youth credit programs as code.

Amounts are integer **rial**; dates are **Jalali** `YYYY/MM/DD`; Persian and Arabic digits
are accepted in every field a person types. Errors are RFC 9457 problem details with
`message_fa` and `message_en`. Log in at `/api/v1/auth/login` and send
`Authorization: Bearer <token>`. Deposits, withdrawals and repayments honour an
`Idempotency-Key` header.
"""


def _audit_failure(c: Container, request: Request, outcome: str, code: str) -> None:
    """Refused or failed state-changing requests are audited too (in their own transaction)."""
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    actor = getattr(request.state, "actor", None)
    uow = UnitOfWork(c.sessions)
    try:
        with uow:
            uow.audit(
                user_id=actor.user_id if actor else None,
                username=actor.username if actor else "",
                action=f"{request.method} {request.url.path}",
                target=request.url.path,
                request_id=getattr(request.state, "request_id", "") or "",
                outcome=outcome,
                detail=code,
            )
            uow.commit()
    except Exception:
        pass


def create_app(container: Container, *, token_cache_seconds: int = 10) -> FastAPI:
    app = FastAPI(
        title="tashilat API",
        version=__version__,
        description=DESCRIPTION,
        docs_url="/docs",
        openapi_url="/openapi.json",
    )
    app.state.container = container
    app.state.token_cache = TokenCache(ttl_seconds=token_cache_seconds)
    # pages, JSON and the style sheet compress 5-10 times; fonts are compressed already
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    app.include_router(routes.router)
    app.include_router(loans.router)
    app.include_router(calculators.router)
    app.include_router(wages.router)
    app.include_router(afford.router)
    app.include_router(construction.router)
    app.include_router(charts.router)
    app.include_router(employment_admin.router)
    app.include_router(employment.router)
    app.include_router(employment_reports.router)
    app.include_router(web.router)
    document_problems(app)

    @app.exception_handler(TashilatError)
    async def _tashilat_error(request: Request, exc: TashilatError) -> JSONResponse:
        status = problems.status_of(exc)
        if status != 401:
            _audit_failure(
                container, request, "refused" if status in (403, 409, 422) else "error", exc.code
            )
        return problems.from_error(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return problems.from_validation(request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if wants_html(request) and exc.status_code in (404, 405):
            return browser_error_page(request, exc.status_code)
        return problems.from_http(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        _audit_failure(container, request, "error", type(exc).__name__)
        if wants_html(request):
            return browser_error_page(request, 500)
        return problems.problem(
            500,
            "server.error",
            "Internal error",
            "خطای داخلی سامانه.",
            "Internal server error.",
            instance=str(request.url.path),
        )

    @app.get("/healthz", tags=["meta"], response_model=HealthOut)
    def healthz() -> dict[str, Any]:
        return {
            "status": "ok",
            "policy_hash": container.policy.hash,
            "time": datetime.now(UTC).isoformat(),
        }

    return app
