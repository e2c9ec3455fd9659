"""The machinery every web page shares: templates, display preferences (language and digits),
the signed-in person, CSRF, forms and errors rendered as pages.

Pages are thin: they parse what a person typed, call a service or a rule, and render the
answer with its reasons and warnings. Nothing here holds state between requests except the
token cache the API already keeps on ``app.state``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import uuid
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import quote, urlencode, urlsplit

from fastapi import Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from tashilat.bootstrap import Container
from tashilat.domain.errors import InvalidInput, PolicyError, TashilatError
from tashilat.domain.jalali import (
    format_jalali,
    format_jalali_long,
    format_tehran_timestamp,
    parse_jalali,
)
from tashilat.domain.money import format_rial, parse_percent, parse_rial
from tashilat.domain.text import strip_number, to_latin_digits, to_persian_digits
from tashilat.entrypoints.web import labels
from tashilat.entrypoints.web.assets import static_url
from tashilat.entrypoints.web.menu import MenuItem, menu_for
from tashilat.services import auth
from tashilat.services.auth import Actor
from tashilat.services.errors import Forbidden, Unauthenticated
from tashilat.services.uow import UnitOfWork

log = logging.getLogger("tashilat.web")

WEB_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"

SESSION_COOKIE = "tashilat_session"
LOGIN_CSRF_COOKIE = "tashilat_login_csrf"
LANG_COOKIE = "tashilat_lang"
DIGITS_COOKIE = "tashilat_digits"
LANGS = ("fa", "en")
DIGIT_STYLES = ("fa", "latin")
PREF_MAX_AGE = 365 * 24 * 3600

STAFF_ROLES = frozenset({"admin", "officer", "supervisor", "auditor"})
ROLE_LABELS: dict[str, tuple[str, str]] = {
    "admin": ("مدیر سامانه", "admin"),
    "officer": ("کارمند شعبه", "branch officer"),
    "supervisor": ("سرپرست شعبه", "branch supervisor"),
    "auditor": ("حسابرس", "auditor"),
    "customer": ("مشتری", "customer"),
    "agency_officer": ("کارشناس دستگاه حمایتی", "agency officer"),
    "bank_officer": ("کارشناس بانک عامل", "bank officer"),
}

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

# -- display preferences ----------------------------------------------------------------------


@dataclass(frozen=True)
class Prefs:
    """Language (``fa``/``en``) and digits (``fa``: Persian, ``latin``). Persian digits are
    the default in Persian; English pages default to Latin digits unless switched."""

    lang: str = "fa"
    digits: str = "fa"

    @property
    def dir(self) -> str:
        return "rtl" if self.lang == "fa" else "ltr"

    @staticmethod
    def of(request: Request) -> Prefs:
        lang = request.cookies.get(LANG_COOKIE, "fa")
        lang = lang if lang in LANGS else "fa"
        digits = request.cookies.get(DIGITS_COOKIE, "")
        if digits not in DIGIT_STYLES:
            digits = "fa" if lang == "fa" else "latin"
        return Prefs(lang, digits)


_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


class Fmt:
    """Formatting in the reader's language and digits; exposed to every template."""

    def __init__(self, prefs: Prefs) -> None:
        self.prefs = prefs
        self.fa = prefs.lang == "fa"
        self.persian_digits = prefs.digits == "fa"

    def t(self, fa: str, en: str) -> str:
        return fa if self.fa else en

    def digits(self, text: object) -> str:
        """Digits of a text in the reader's style (numbers keep their separators)."""
        s = str(text)
        if not self.persian_digits:
            # one style per page: Persian digits in a text become Latin in the Latin mode
            return to_latin_digits(s).replace("٬", ",").replace("٫", ".")
        return _NUMBER.sub(
            lambda m: to_persian_digits(m.group(0)).replace(",", "٬").replace(".", "٫"), s
        )

    def num(self, n: int | None) -> str:
        return "—" if n is None else self.digits(f"{n:,}")

    def money(self, n: int | None) -> str:
        if n is None:
            return "—"
        return format_rial(n, digits="fa" if self.persian_digits else "latin")

    def jdate(self, d: date | None) -> str:
        if d is None:
            return "—"
        return format_jalali(d, digits="fa" if self.persian_digits else "latin")

    def jlong(self, d: date | None) -> str:
        """A date with its month's name: «۱۵ فروردین ۱۴۰۶»."""
        if d is None:
            return "—"
        return format_jalali_long(d, lang=self.prefs.lang, digits=self.prefs.digits)

    def stamp(self, moment: datetime | None) -> str:
        """An instant in Tehran time: «۱۵ فروردین ۱۴۰۶، ساعت ۱۴:۳۰»."""
        if moment is None:
            return "—"
        return format_tehran_timestamp(moment, lang=self.prefs.lang, digits=self.prefs.digits)

    def words(self, n: int | None) -> str:
        """A rial amount in Persian words, «شانزده میلیارد ریال» (Persian pages only)."""
        if n is None or not self.fa:
            return ""
        return amount_in_words(n)

    def toman(self, n: int | None) -> str:
        """The amount in toman (a tenth of a rial), as people say it: «۱٫۶ میلیارد تومان»."""
        if n is None:
            return ""
        return self.digits(toman_text(n, fa=self.fa))

    def pct(self, p: Decimal | int | str | None) -> str:
        if p is None:
            return "—"
        text = format(Decimal(str(p)).normalize(), "f")
        return self.digits(text) + ("٪" if self.fa else "%")

    def msg(self, obj: Any) -> str:
        """The message of an error, reason or warning in the reader's language."""
        if obj is None:
            return ""
        if isinstance(obj, str):
            return self.digits(obj)
        fa = getattr(obj, "message_fa", None)
        en = getattr(obj, "message_en", None)
        return self.digits((fa if self.fa else en) or en or fa or "")

    def pick(self, fa: str | None, en: str | None) -> str:
        """A text given in both languages (either may be missing)."""
        return self.digits((fa if self.fa else en) or en or fa or "")


def amount_in_words(n: int) -> str:
    """``16000000000`` → «شانزده میلیارد ریال» (num2fawords, a maintained library)."""
    from num2fawords import words  # type: ignore[import-untyped]

    text = str(words(abs(n)))
    return ("منفی " if n < 0 else "") + text + " ریال"


def rial_or_none(text: str | None) -> int | None:
    """The amount a person typed, or ``None`` when it is not one (yet)."""
    if not text:
        return None
    try:
        return parse_rial(text, allow_zero=True)
    except TashilatError:
        return None


def toman_text(rial: int, *, fa: bool = True) -> str:
    """Toman in the largest round unit: 16,000,000,000 rial → ``1.6 میلیارد تومان``."""
    toman = Decimal(rial) / 10
    units = (
        (10**12, "هزار میلیارد تومان", "trillion toman"),
        (10**9, "میلیارد تومان", "billion toman"),
        (10**6, "میلیون تومان", "million toman"),
        (10**3, "هزار تومان", "thousand toman"),
    )
    for size, name_fa, name_en in units:
        if abs(toman) >= size:
            value = (toman / size).quantize(Decimal("0.01")).normalize()
            return f"{format(value, 'f')} {name_fa if fa else name_en}"
    return f"{format(toman.normalize(), 'f')} {'تومان' if fa else 'toman'}"


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


# -- forms ----------------------------------------------------------------------------------------

T = TypeVar("T")


@dataclass
class Form:
    """What a person typed, and what was wrong with it: errors by field (shown next to the
    field) and errors or refusals that belong to no field (shown above the form)."""

    values: Mapping[str, str] = field(default_factory=dict)
    errors: dict[str, TashilatError] = field(default_factory=dict)
    general: list[TashilatError] = field(default_factory=list)
    fields: tuple[str, ...] = ()
    aliases: Mapping[str, str] = field(default_factory=dict)

    def get(self, name: str, default: str = "") -> str:
        v = self.values.get(name)
        return default if v is None else str(v)

    def has(self, name: str) -> bool:
        return bool(self.values.get(name, "").strip())

    @property
    def ok(self) -> bool:
        return not self.errors and not self.general

    def add(self, exc: TashilatError, default_field: str | None = None) -> None:
        """File an error under its field when the form has it, else above the form. A
        refusal with reasons always goes above the form too, so that every reason is listed
        with its legal reference."""
        if getattr(exc, "reasons", None):
            self.general.append(exc)
            if default_field and default_field not in self.errors:
                self.errors[default_field] = exc
            return
        name = exc.field
        if name is not None:
            name = self.aliases.get(name, name)
        if name is None or (self.fields and name not in self.fields):
            name = default_field
        if name and name not in self.errors and (not self.fields or name in self.fields):
            self.errors[name] = exc
        else:
            self.general.append(exc)

    def parse(self, name: str, fn: Callable[[str], T], *, required: bool = True) -> T | None:
        """``fn(value)``, or ``None`` with the error filed under ``name``."""
        raw = self.get(name)
        if not raw:
            if required:
                self.errors.setdefault(name, missing(name))
            return None
        try:
            return fn(raw)
        except TashilatError as exc:
            if exc.field is None or exc.field != name:
                exc.field = name
            self.errors.setdefault(name, exc)
            return None

    def refusal(self) -> TashilatError | None:
        """The first general error that carries the reasons of a refusal."""
        for e in self.general:
            if getattr(e, "reasons", None):
                return e
        return None


def missing(name: str) -> InvalidInput:
    return InvalidInput(
        "form.missing", "این بخش را پر کنید.", "Please fill in this field.", field=name
    )


def jalali_field(name: str) -> Callable[[str], date]:
    return lambda v: parse_jalali(v, field=name)


def rial_field(name: str, *, allow_zero: bool = False) -> Callable[[str], int]:
    return lambda v: parse_rial(v, field=name, allow_zero=allow_zero)


def percent_field(name: str) -> Callable[[str], Decimal]:
    return lambda v: parse_percent(v, field=name)


def int_field(name: str, low: int, high: int) -> Callable[[str], int]:
    def parse(v: str) -> int:
        raw = strip_number(v)
        if not re.fullmatch(r"\d+", raw) or not low <= int(raw) <= high:
            raise InvalidInput(
                "form.integer",
                f"عدد صحیحی بین {low} و {high} وارد کنید.",
                f"Enter a whole number from {low} to {high}.",
                field=name,
            )
        return int(raw)

    return parse


def new_request_id() -> str:
    """A fresh idempotency key for a form that posts money (a resubmission posts nothing)."""
    return uuid.uuid4().hex


_REQUEST_ID = re.compile(r"^[A-Za-z0-9\-]{8,64}$")


def request_id_of(data: Mapping[str, str]) -> str:
    rid = data.get("request_id", "")
    return f"web-{rid}" if _REQUEST_ID.match(rid) else f"web-{new_request_id()}"


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


def set_pref_cookie(response: Response, name: str, value: str, request: Request) -> None:
    response.set_cookie(
        name,
        value,
        max_age=PREF_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


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


STATUS_LABELS: dict[str, tuple[str, str, str, str]] = {
    # status: (label fa, label en, meaning fa, meaning en)
    "seed": (
        "متن مرجع",
        "seed",
        "در سند مرجع چاپ شده است.",
        "Printed in the source document.",
    ),
    "sourced": (
        "مستند",
        "sourced",
        "از منابع عمومی، با پیوند.",
        "From public material, link given.",
    ),
    "corrected": (
        "اصلاح‌شده",
        "corrected",
        "منبع آشکارا نادرست است؛ اصلاحی مستدل به کار رفته است.",
        "The source is visibly wrong; a reasoned correction is used.",
    ),
    "assumed": (
        "فرضی",
        "assumed",
        "جایی منتشر نشده است؛ پیش‌فرضی مستدل است.",
        "Not published anywhere we could find; a reasoned default.",
    ),
    "illustrative": (
        "نمونه‌ای",
        "illustrative",
        "جای‌نگهدار تا محاسبه‌گر کار کند؛ بانک جدول خود را جایگزین می‌کند.",
        "A placeholder so that a calculator can run; a bank replaces it with its own table.",
    ),
}


def is_url(text: str | None) -> bool:
    return bool(text) and bool(re.match(r"^https?://[^\s<>\"]+$", str(text)))


RECEIPT_KINDS: dict[str, tuple[str, str]] = {
    "youth.deposit": ("واریز", "deposit"),
    "youth.withdraw": ("برداشت", "withdrawal"),
    "youth.open": ("واریز افتتاح حساب", "opening deposit"),
    "loan.repay": ("بازپرداخت وام", "loan repayment"),
}

env.globals.update(STATUS_LABELS=STATUS_LABELS, RECEIPT_KINDS=RECEIPT_KINDS, is_url=is_url)
