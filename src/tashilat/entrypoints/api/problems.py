"""Errors as RFC 9457 problem details, in Persian and English."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from tashilat.domain.errors import InvalidInput, PolicyError, TashilatError

PROBLEM = "application/problem+json"
TYPE_BASE = "https://tashilat.example/problems/"


def status_of(exc: TashilatError) -> int:
    status = getattr(exc, "status", None)
    if isinstance(status, int):
        return status
    if isinstance(exc, InvalidInput | PolicyError):
        return 422
    return 400


def problem(
    status: int,
    code: str,
    title: str,
    message_fa: str,
    message_en: str,
    *,
    instance: str | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + code,
        "title": title,
        "status": status,
        "detail": message_en,
        "code": code,
        "message_fa": message_fa,
        "message_en": message_en,
    }
    if instance:
        body["instance"] = instance
    body.update(extra or {})
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    409: "Conflict",
    422: "Unprocessable request",
}


def from_error(request: Request, exc: TashilatError) -> JSONResponse:
    extra: dict[str, Any] = {}
    if exc.field:
        extra["field"] = exc.field
    if exc.details:
        extra.update(exc.details)
    status = status_of(exc)
    return problem(
        status,
        exc.code,
        TITLES.get(status, "Error"),
        exc.message_fa,
        exc.message_en,
        instance=str(request.url.path),
        extra=extra,
    )


def from_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = []
    for e in exc.errors():
        loc = ".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path"))
        errors.append({"field": loc, "message_en": e.get("msg", ""), "type": e.get("type", "")})
    fields = ", ".join(e["field"] for e in errors) or "request"
    return problem(
        422,
        "request.invalid",
        "Invalid request",
        f"درخواست نامعتبر است ({fields}).",
        f"The request is not valid ({fields}).",
        instance=str(request.url.path),
        extra={"errors": errors},
    )


def from_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    fa = {404: "پیدا نشد.", 405: "این روش پشتیبانی نمی‌شود.", 401: "نیاز به ورود."}.get(
        exc.status_code, "خطای درخواست."
    )
    return problem(
        exc.status_code,
        f"http.{exc.status_code}",
        str(exc.detail),
        fa,
        str(exc.detail),
        instance=str(request.url.path),
    )
