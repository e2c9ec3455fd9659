"""Logging in and out.

The login form posts a username and password; ``services.auth.login`` returns an API token,
which is kept in an HttpOnly, SameSite=Lax cookie (Secure over HTTPS) for the token's
lifetime. Failed logins are throttled as in the API (``services.login_throttle.LoginThrottle``):
past the limit the form answers 429 with ``Retry-After``. The login form itself is
protected against cross-site posting by a double-submit token (a random cookie repeated in
a hidden field); every later form carries the session's CSRF token (see
``sessions.csrf_token``).
"""

from __future__ import annotations

import hmac
from datetime import UTC, datetime

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from tashilat.domain.errors import TashilatError
from tashilat.entrypoints.web.forms import Form
from tashilat.entrypoints.web.rendering import WebRoute, audit_refusal, redirect, render
from tashilat.entrypoints.web.sessions import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    STAFF_ROLES,
    CheckedForm,
    CsrfRejected,
    FormData,
    PublicPage,
    new_login_csrf,
    safe_next,
    set_session_cookie,
)
from tashilat.services import auth
from tashilat.services.errors import TooManyAttempts

router = APIRouter(route_class=WebRoute)


def _login_form(page: PublicPage, form: Form, next_url: str, status: int = 200) -> HTMLResponse:
    token = new_login_csrf()
    response = render(
        page.request,
        "login.html",
        {"form": form, "next": next_url, "login_csrf": token, "demo": page.container.settings.demo},
        status=status,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        httponly=True,
        samesite="strict",
        secure=page.request.url.scheme == "https",
        path="/login",
    )
    return response


def home_of(role: str) -> str:
    """Where a role lands after login: branch staff at their desk, agency and bank officers
    in the employment pipeline, policy staff at the proposals, the fund's analysts at the
    forecast, customers in their own
    accounts."""
    if role in STAFF_ROLES:
        return "/staff"
    if role in ("agency_officer", "bank_officer"):
        return "/employment"
    if role in ("policy_editor", "policy_approver"):
        return "/policy-admin"
    if role == "analyst":
        return "/analyst/forecast"
    return "/my"


@router.get("/login", response_class=HTMLResponse)
def login_page(page: PublicPage, next: str = "") -> Response:
    if page.actor is not None:
        return redirect(safe_next(next, home_of(page.actor.role)))
    return _login_form(page, Form(), safe_next(next, ""))


@router.post("/login", response_class=HTMLResponse)
def login(page: PublicPage, data: FormData) -> Response:
    next_url = safe_next(data.get("next"), "")
    form = Form(values={"username": data.get("username", "")}, fields=("username", "password"))
    cookie = page.request.cookies.get(LOGIN_CSRF_COOKIE, "")
    sent = data.get("login_csrf", "")
    if not cookie or not sent or not hmac.compare_digest(cookie, sent):
        form.add(CsrfRejected())
        return _login_form(page, form, next_url, status=403)
    if not data.get("username"):
        form.parse("username", str)
    if not data.get("password"):
        form.parse("password", str)
    if not form.ok:
        return _login_form(page, form, next_url, status=422)
    c = page.container
    request = page.request
    try:
        token = auth.login(
            c.uow(),
            username=data["username"],
            password=data["password"],
            hours=c.settings.token_hours,
            now=datetime.now(UTC),
            address=request.client.host if request.client else "",
            throttle=request.app.state.login_throttle,
        )
        actor = auth.authenticate(c.reader(), token, now=datetime.now(UTC))
    except TooManyAttempts as exc:
        form.add(exc)
        throttled = _login_form(page, form, next_url, status=429)
        throttled.headers["Retry-After"] = str(exc.retry_after)
        return throttled
    except TashilatError as exc:
        form.add(exc)
        return _login_form(page, form, next_url, status=401)
    response = redirect(safe_next(next_url, home_of(actor.role)))
    set_session_cookie(response, token, c.settings.token_hours, page.request)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(page: PublicPage, data: CheckedForm) -> Response:
    token = page.request.cookies.get(SESSION_COOKIE)
    if token:
        try:
            auth.logout(page.container.uow(), token)
        except TashilatError as exc:  # pragma: no cover - revoking never refuses
            audit_refusal(page.request, exc)
        page.request.app.state.token_cache.clear()
    response = redirect("/")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
