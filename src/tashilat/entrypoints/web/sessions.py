"""The person behind a request: the session cookie, the signed-in actor and their roles, the
CSRF token of a form, and the page dependencies (public, signed in, staff, customer) that
give a handler its ``Page``."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlencode, urlsplit

from fastapi import Depends, Request, Response

from tashilat.bootstrap import Container
from tashilat.domain.errors import TashilatError
from tashilat.entrypoints.web.formatting import Fmt
from tashilat.entrypoints.web.preferences import Prefs
from tashilat.services import auth
from tashilat.services.auth import Actor
from tashilat.services.errors import Forbidden, Unauthenticated
from tashilat.services.ports import UnitOfWork

SESSION_COOKIE = "tashilat_session"


LOGIN_CSRF_COOKIE = "tashilat_login_csrf"


STAFF_ROLES = frozenset({"admin", "officer", "supervisor", "auditor"})


ROLE_LABELS: dict[str, tuple[str, str]] = {
    "admin": ("مدیر سامانه", "admin"),
    "officer": ("کارمند شعبه", "branch officer"),
    "supervisor": ("سرپرست شعبه", "branch supervisor"),
    "auditor": ("حسابرس", "auditor"),
    "customer": ("مشتری", "customer"),
    "agency_officer": ("کارشناس دستگاه حمایتی", "agency officer"),
    "bank_officer": ("کارشناس بانک عامل", "bank officer"),
    "analyst": ("تحلیلگر صندوق", "fund analyst"),
}


# -- the page context ---------------------------------------------------------------------------


@dataclass
class Page:
    """Everything a page needs to know about the request it answers."""

    request: Request
    container: Container
    prefs: Prefs
    actor: Actor | None = None
    token: str | None = None

    @property
    def fmt(self) -> Fmt:
        return Fmt(self.prefs)

    @property
    def csrf(self) -> str:
        return csrf_token(self.token) if self.token else ""

    @property
    def is_citizen(self) -> bool:
        """A visitor or an account holder: they read plain Persian, not the technical view."""
        return self.actor is None or self.actor.role == "customer"

    @property
    def is_staff(self) -> bool:
        return self.actor is not None and self.actor.role in STAFF_ROLES

    def can(self, permission: str) -> bool:
        return self.actor is not None and permission in auth.PERMISSIONS.get(
            self.actor.role, frozenset()
        )

    def uow(self) -> UnitOfWork:
        return self.container.uow()

    def reader(self) -> UnitOfWork:
        return self.container.reader()


def container_of(request: Request) -> Container:
    c: Container = request.app.state.container
    return c


def session_actor(request: Request) -> tuple[Actor | None, str | None]:
    """The person signed in with the session cookie (or nobody). The cookie holds an API
    token from ``services.auth.login``; checked tokens are cached like the API's."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token or len(token) > 200:
        return None, None
    cache = request.app.state.token_cache
    now = datetime.now(UTC)
    actor = cache.get(token, now)
    if actor is None:
        try:
            actor = auth.authenticate(container_of(request).reader(), token, now=now)
        except Unauthenticated:
            return None, None
        cache.put(token, actor, now)
    request.state.actor = actor
    return actor, token


def csrf_token(session_token: str) -> str:
    """The per-session CSRF token: derived from the session token, which only the browser
    holding the HttpOnly cookie has, so another site can neither read nor forge it."""
    return hmac.new(b"tashilat-web-csrf", session_token.encode(), hashlib.sha256).hexdigest()


class LoginRequired(Exception):
    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class CsrfRejected(TashilatError):
    status = 403

    def __init__(self) -> None:
        super().__init__(
            "web.csrf",
            "فرم منقضی شده یا از سایت دیگری فرستاده شده است؛ صفحه را دوباره باز کنید و "
            "دوباره بفرستید.",
            "The form has expired or was sent from another site; reload the page and try again.",
        )


def _page(request: Request) -> Page:
    existing = getattr(request.state, "web_page", None)
    if isinstance(existing, Page):
        return existing
    actor, token = session_actor(request)
    page = Page(request, container_of(request), Prefs.of(request), actor, token)
    request.state.web_page = page
    return page


# -- rendering ------------------------------------------------------------------------------------


def safe_next(url: str | None, default: str = "/") -> str:
    """A local path to go back to (never another site)."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return default
    if any(ch in url for ch in "\r\n"):
        return default
    return url


def url_with(path: str, **params: object) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{path}?{urlencode(clean)}" if clean else path


def _here(request: Request) -> str:
    """The address of the page shown (for a form's answer: the page the form was on)."""
    if request.method != "GET":
        ref = urlsplit(request.headers.get("referer", ""))
        if ref.netloc and ref.netloc != request.url.netloc:
            return "/"
        return safe_next(ref.path + (f"?{ref.query}" if ref.query else ""), "/")
    q = f"?{request.url.query}" if request.url.query else ""
    return f"{request.url.path}{q}"


def public_page(request: Request) -> Page:
    """Any visitor; the signed-in person, if any, is known (for the menu)."""
    return _page(request)


def signed_in_page(request: Request) -> Page:
    page = _page(request)
    if page.actor is None:
        raise LoginRequired(_here(request) if request.method == "GET" else "/")
    return page


def staff_page(request: Request) -> Page:
    """Bank staff only: a customer gets 403, a visitor the login form."""
    page = signed_in_page(request)
    assert page.actor is not None
    if page.actor.role not in STAFF_ROLES:
        raise Forbidden(
            "web.staff_only",
            "این صفحه ویژه کارکنان بانک است.",
            "This page is for bank staff only.",
        )
    return page


def customer_page(request: Request) -> Page:
    page = signed_in_page(request)
    assert page.actor is not None
    if page.actor.role != "customer":
        raise Forbidden(
            "web.customer_only",
            "این صفحه ویژه مشتریان است.",
            "This page is for customers.",
        )
    return page


async def form_data(request: Request) -> dict[str, str]:
    """The posted form's text fields (files are ignored)."""
    form = await request.form()
    return {k: v.strip() for k, v in form.items() if isinstance(v, str)}


async def checked_form(request: Request) -> dict[str, str]:
    """A form posted by a signed-in person with the session's CSRF token."""
    data = await form_data(request)
    token = request.cookies.get(SESSION_COOKIE)
    sent = data.get("csrf", "")
    if not token or not sent or not hmac.compare_digest(sent, csrf_token(token)):
        raise CsrfRejected()
    return data


PublicPage = Annotated[Page, Depends(public_page)]


SignedInPage = Annotated[Page, Depends(signed_in_page)]


StaffPage = Annotated[Page, Depends(staff_page)]


CustomerPage = Annotated[Page, Depends(customer_page)]


FormData = Annotated[dict[str, str], Depends(form_data)]


CheckedForm = Annotated[dict[str, str], Depends(checked_form)]


def set_session_cookie(response: Response, token: str, hours: int, request: Request) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=hours * 3600,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def new_login_csrf() -> str:
    return secrets.token_urlsafe(24)
