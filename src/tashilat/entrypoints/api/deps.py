"""Request-scoped dependencies: the container, the caller, request ids, paging, parsing."""

from __future__ import annotations

import hashlib
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
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
# Dependencies that do no I/O are ``async def`` so FastAPI runs them on the event loop
# instead of sending each through the thread pool.

Id = Annotated[int, Path(ge=1, le=2**31 - 1, description="A record id")]


async def container(request: Request) -> Container:
    c: Container = request.app.state.container
    return c


ContainerDep = Annotated[Container, Depends(container)]


class TokenCache:
    """Tokens already checked, remembered per process for ``ttl_seconds`` (ADR 0005). With
    0, the default, nothing is remembered and every request is checked against the database,
    so a revoked token or a deactivated user is refused at once by every worker; with a
    positive value they keep working for up to that many seconds on workers that cached
    them (``TASHILAT_TOKEN_CACHE_SECONDS``)."""

    def __init__(self, ttl_seconds: int = 0, max_size: int = 10_000) -> None:
        self.ttl = timedelta(seconds=ttl_seconds)
        self.enabled = ttl_seconds > 0
        self.max_size = max_size
        self._items: dict[str, tuple[Actor, datetime]] = {}
        self._lock = threading.Lock()

    def get(self, token: str, now: datetime) -> Actor | None:
        if not self.enabled:
            return None
        key = hashlib.sha256(token.encode()).hexdigest()
        with self._lock:
            hit = self._items.get(key)
            if hit is None:
                return None
            actor, until = hit
            if until <= now:
                del self._items[key]
                return None
            return actor

    def put(self, token: str, actor: Actor, now: datetime) -> None:
        if not self.enabled:
            return
        key = hashlib.sha256(token.encode()).hexdigest()
        with self._lock:
            if len(self._items) >= self.max_size:
                self._items.clear()
            self._items[key] = (actor, now + self.ttl)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def current_actor(
    request: Request,
    c: ContainerDep,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Actor:
    """The caller named by the bearer token. Every refusal (no token, unknown, revoked or
    expired token) is audited before the 401 goes out."""
    try:
        if creds is None or not creds.credentials:
            raise Unauthenticated(
                "auth.required", "برای این کار باید وارد شوید.", "Log in first (Bearer token)."
            )
        cache: TokenCache = request.app.state.token_cache
        now = datetime.now(UTC)
        actor = cache.get(creds.credentials, now)
        if actor is None:
            actor = auth.authenticate(c.reader(), creds.credentials, now=now)
            cache.put(creds.credentials, actor, now)
    except Unauthenticated as exc:
        auth.audit_rejected_token(
            c.uow(),
            code=exc.code,
            path=f"{request.method} {request.url.path}",
            address=client_address(request),
            request_id=request.headers.get("x-request-id", "")[:200],
        )
        raise
    request.state.actor = actor
    return actor


ActorDep = Annotated[Actor, Depends(current_actor)]


async def request_id(
    request: Request, x_request_id: Annotated[str | None, Header(max_length=200)] = None
) -> str:
    rid = x_request_id or uuid.uuid4().hex
    request.state.request_id = rid
    return rid


RequestIdDep = Annotated[str, Depends(request_id)]


async def idempotency_key(
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


async def page(
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
