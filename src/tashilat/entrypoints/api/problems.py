"""Errors as RFC 9457 problem details, in Persian and English."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, InterfaceError, OperationalError
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
    413: "Content too large",
    422: "Unprocessable request",
    503: "Service unavailable",
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


_UNION_TAGS = frozenset({"int", "str", "float", "bool", "none", "list", "dict"})


def from_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = []
    for e in exc.errors():
        loc = ".".join(
            str(p)
            for p in e.get("loc", ())
            # the location's own prefix, and the member tags of a union ("amount.int")
            if p not in ("body", "query", "path", "header") and p not in _UNION_TAGS
        )
        errors.append({"field": loc, "message_en": e.get("msg", ""), "type": e.get("type", "")})
    fields = ", ".join(dict.fromkeys(e["field"] for e in errors)) or "request"
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


RETRY_AFTER_SECONDS = 1


def unavailable(request: Request) -> JSONResponse:
    """503: the database cannot be reached (a connection was lost or the pool is exhausted).
    Nothing was changed; the client may try again after ``Retry-After`` seconds."""
    response = problem(
        503,
        "service.unavailable",
        "Service unavailable",
        "سامانه موقتاً در دسترس نیست؛ چند لحظه بعد دوباره تلاش کنید.",
        "The service is briefly unavailable; please try again in a moment.",
        instance=str(request.url.path),
    )
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def from_database(request: Request, exc: DBAPIError) -> JSONResponse:
    """A database error no service turned into a domain error. A unique or check violation
    is a conflict with a concurrent request (409), a value the database cannot store is the
    client's (422), a lost connection or a transaction the database gave up is 503. The
    database's own message is never shown: it can quote the row's values."""
    if exc.connection_invalidated or isinstance(exc, OperationalError | InterfaceError):
        return unavailable(request)
    if isinstance(exc, IntegrityError):
        return problem(
            409,
            "request.conflict",
            TITLES[409],
            "این درخواست با درخواست دیگری که هم‌زمان انجام شد برخورد کرد؛ دوباره تلاش کنید.",
            "This request collided with another made at the same time; please try again.",
            instance=str(request.url.path),
        )
    if isinstance(exc, DataError):
        return problem(
            422,
            "request.unstorable",
            TITLES[422],
            "مقداری در درخواست قابل ثبت نیست (بیش از اندازه یا نامعتبر).",
            "A value in the request cannot be stored (too large or not valid).",
            instance=str(request.url.path),
        )
    response = problem(
        500,
        "server.error",
        "Internal error",
        "خطای داخلی سامانه.",
        "Internal server error.",
        instance=str(request.url.path),
    )
    response.headers["Connection"] = "close"
    return response


def code_of(response: JSONResponse) -> str:
    return str(json.loads(bytes(response.body)).get("code", ""))
