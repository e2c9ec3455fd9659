"""Pages rendered: the templates, security headers, redirects, and failures shown as pages
(a refused action audited, an error page for a browser, a problem for the API) by the
``WebRoute`` every page router uses."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from tashilat.domain.errors import InvalidInput, PolicyError, TashilatError
from tashilat.entrypoints.web import labels
from tashilat.entrypoints.web.assets import static_url
from tashilat.entrypoints.web.formatting import RECEIPT_KINDS, STATUS_LABELS, is_url, rial_or_none
from tashilat.entrypoints.web.forms import Form
from tashilat.entrypoints.web.menu import MenuItem, menu_for
from tashilat.entrypoints.web.preferences import Prefs
from tashilat.entrypoints.web.sessions import (
    ROLE_LABELS,
    LoginRequired,
    Page,
    _here,
    container_of,
    safe_next,
    url_with,
)
from tashilat.services.errors import Unauthenticated

log = logging.getLogger("tashilat.web")


WEB_DIR = Path(__file__).resolve().parent


TEMPLATES_DIR = WEB_DIR / "templates"


STATIC_DIR = WEB_DIR / "static"


SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


env = Environment(
    loader=FileSystemLoader(str(TEMPLATES_DIR)),
    autoescape=select_autoescape(["html", "svg"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _csrf_field(page: Page) -> Markup:
    return Markup('<input type="hidden" name="csrf" value="{}">').format(page.csrf)


def _menus(page: Page) -> dict[str, list[MenuItem]]:
    return {
        "public": menu_for("public", page.actor),
        "staff": menu_for("staff", page.actor),
        "customer": menu_for("customer", page.actor),
    }


def render(
    request: Request, template: str, context: Mapping[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    page = getattr(request.state, "web_page", None)
    if not isinstance(page, Page):
        page = Page(request, container_of(request), Prefs.of(request))
        page.actor = getattr(request.state, "actor", None)
    fmt = page.fmt
    base: dict[str, Any] = {
        "page": page,
        "request": request,
        "prefs": page.prefs,
        "fmt": fmt,
        "t": fmt.t,
        "tx": fmt.digits,
        "num": fmt.num,
        "money": fmt.money,
        "jdate": fmt.jdate,
        "jlong": fmt.jlong,
        "stamp": fmt.stamp,
        "words": fmt.words,
        "toman": fmt.toman,
        "words_of": lambda text: fmt.words(rial_or_none(text)),
        "figure_name": lambda path: _figure_name(page, path),
        "plain_note": lambda w: fmt.digits(
            labels.plain_note(w.message_fa, w.message_en, str(w.status), fmt.fa)
        ),
        "plain_reference": lambda ref: labels.plain_reference(ref, fmt.fa),
        "static_url": static_url,
        "pct": fmt.pct,
        "msg": fmt.msg,
        "pick": fmt.pick,
        "actor": page.actor,
        "csrf_field": lambda: _csrf_field(page),
        "role_label": lambda role: fmt.t(*ROLE_LABELS.get(role, (role, role))),
        "menus": _menus(page),
        "here": _here(request),
        "quote": quote,
        "url_with": url_with,
        "policy_hash": page.container.policy.short_hash,
        "errors": {},
        "form": Form(),
        "ok": None,
    }
    base.update(context or {})
    html = env.get_template(template).render(base)
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def _figure_name(page: Page, path: str) -> str:
    try:
        p = page.container.policy.parameter(path)
    except Exception:
        return labels.figure_name(path, None, None, page.fmt.fa)
    return labels.figure_name(path, p.description_fa, p.description, page.fmt.fa)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# -- errors as pages ---------------------------------------------------------------------------


def status_of(exc: TashilatError) -> int:
    status = getattr(exc, "status", None)
    if isinstance(status, int):
        return status
    if isinstance(exc, InvalidInput | PolicyError):
        return 422
    return 400


def audit_refusal(request: Request, exc: TashilatError) -> None:
    """Refused state-changing requests are audited, as the API does (own transaction)."""
    if request.method != "POST":
        return
    actor = getattr(request.state, "actor", None)
    status = status_of(exc)
    uow = container_of(request).uow()
    try:
        with uow:
            uow.audit(
                user_id=actor.user_id if actor else None,
                username=actor.username if actor else "",
                action=f"POST {request.url.path}",
                target=request.url.path,
                request_id="",
                outcome="refused" if status in (403, 409, 422) else "error",
                detail=exc.code,
            )
            uow.commit()
    except Exception:  # pragma: no cover - auditing a refusal never hides the refusal
        log.exception("could not audit a refused web request")


def error_page(request: Request, exc: TashilatError, status: int) -> HTMLResponse:
    return render(request, "error.html", {"error": exc, "status": status}, status=status)


def _http_error(status: int) -> TashilatError:
    if status == 404:
        return TashilatError("web.not_found", "این صفحه پیدا نشد.", "This page was not found.")
    if status == 405:
        return TashilatError(
            "web.method", "این نشانی این کار را نمی‌پذیرد.", "This address does not accept that."
        )
    return TashilatError("web.bad_request", "درخواست نادرست است.", "Bad request.")


def wants_html(request: Request) -> bool:
    """A browser asking for a page (not the API, not a script asking for JSON)."""
    if request.url.path.startswith("/api/") or request.url.path in ("/openapi.json", "/docs"):
        return False
    return "text/html" in request.headers.get("accept", "")


def browser_error_page(request: Request, status: int) -> HTMLResponse:
    """The HTML page for a 404, 405 or 500 outside the web routes (a mistyped address, an
    unexpected failure): what happened in plain words and a way back, never a traceback."""
    if status >= 500:
        exc = TashilatError(
            "web.server_error",
            "مشکلی در سامانه پیش آمد و کار شما انجام نشد. چند دقیقه دیگر دوباره امتحان کنید.",
            "Something went wrong on our side and nothing was done. Please try again later.",
        )
    else:
        exc = _http_error(status)
    try:
        return error_page(request, exc, status)
    except Exception:  # pragma: no cover - a page about an error must never fail itself
        log.exception("could not render the error page")
        return HTMLResponse(
            "<!doctype html><html lang=fa dir=rtl><title>خطا</title><p>خطا</p></html>",
            status_code=status,
        )


class WebRoute(APIRoute):
    """Routes whose failures are pages, not JSON: a missing login goes to the login form,
    a refusal or a bad request becomes a page that explains it in the reader's language."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await original(request)
            except LoginRequired as exc:
                return redirect(url_with("/login", next=safe_next(exc.next_url, "")))
            except Unauthenticated:
                return redirect(url_with("/login", next=safe_next(_here(request), "")))
            except TashilatError as exc:
                status = status_of(exc)
                if request.method == "POST":
                    await run_in_threadpool(audit_refusal, request, exc)
                return await run_in_threadpool(error_page, request, exc, status)
            except RequestValidationError:
                return await run_in_threadpool(error_page, request, _http_error(400), 400)
            except StarletteHTTPException as exc:
                status = exc.status_code
                return await run_in_threadpool(error_page, request, _http_error(status), status)

        return handler


env.globals.update(STATUS_LABELS=STATUS_LABELS, RECEIPT_KINDS=RECEIPT_KINDS, is_url=is_url)
