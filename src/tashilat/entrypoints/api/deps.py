"""Request-scoped dependencies: the container, the caller, request ids, paging, parsing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import Depends, Header, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from tashilat.bootstrap import Container
from tashilat.domain.jalali import parse_jalali
from tashilat.domain.money import parse_rial
from tashilat.services import auth
from tashilat.services.auth import Actor
from tashilat.services.errors import Unauthenticated

bearer = HTTPBearer(auto_error=False)

Id = Annotated[int, Path(ge=1, le=2**31 - 1, description="A record id")]


def container(request: Request) -> Container:
    c: Container = request.app.state.container
    return c


ContainerDep = Annotated[Container, Depends(container)]


def current_actor(
    request: Request,
    c: ContainerDep,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Actor:
    if creds is None or not creds.credentials:
        raise Unauthenticated(
            "auth.required", "برای این کار باید وارد شوید.", "Log in first (Bearer token)."
        )
    actor = auth.authenticate(c.uow(), creds.credentials, now=datetime.now(UTC))
    request.state.actor = actor
    return actor


ActorDep = Annotated[Actor, Depends(current_actor)]


def request_id(
    request: Request, x_request_id: Annotated[str | None, Header(max_length=200)] = None
) -> str:
    rid = x_request_id or uuid.uuid4().hex
    request.state.request_id = rid
    return rid


RequestIdDep = Annotated[str, Depends(request_id)]


def idempotency_key(
    request: Request,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            max_length=150,
            description="Retrying with the same key never posts twice.",
        ),
    ] = None,
) -> str:
    key = idempotency_key or uuid.uuid4().hex
    request.state.request_id = key
    return key


IdemDep = Annotated[str, Depends(idempotency_key)]


@dataclass(frozen=True)
class Page:
    offset: int
    limit: int


def page(
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Page:
    return Page(offset, limit)


PageDep = Annotated[Page, Depends(page)]


def rial(value: str | int, field: str, *, allow_zero: bool = False) -> int:
    return parse_rial(
        value if isinstance(value, int) else str(value), field=field, allow_zero=allow_zero
    )


def jdate(value: str, field: str) -> date:
    return parse_jalali(value, field=field)
