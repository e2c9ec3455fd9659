"""Operations: the database, users, the business date and the server."""

from __future__ import annotations

import getpass
import inspect
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Annotated, Any

import typer

from tashilat.bootstrap import Container
from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import format_jalali, parse_jalali
from tashilat.entrypoints.cli.common import (
    DigitsOpt,
    JsonOpt,
    friendly_errors,
    guarded,
    out,
    print_json,
)
from tashilat.settings import DEFAULT_SQLITE

db_app = typer.Typer(help="Database schema (Alembic). / پایگاه داده", no_args_is_help=True)
users_app = typer.Typer(help="Staff and customer logins. / کاربران", no_args_is_help=True)
date_app = typer.Typer(help="The business date. / تاریخ کاری", no_args_is_help=True)

DEMO_URL = DEFAULT_SQLITE  # the demo fills the default database, so every command sees it

Url = Annotated[
    str | None, typer.Option("--url", help="Database URL (default TASHILAT_DATABASE_URL)")
]


def _container(url: str | None = None, *, demo: bool | None = None) -> Container:
    from tashilat.bootstrap import build
    from tashilat.settings import Settings

    return build(Settings.from_env(database_url=url, demo=demo or None))


def _shown_url(c: Container) -> str:
    return str(c.engine.url.render_as_string(hide_password=True))


@db_app.command("upgrade")
@friendly_errors
def db_upgrade(url: Url = None, as_json: JsonOpt = False, digits: DigitsOpt = "latin") -> None:
    """Apply every migration (the only way a schema is made)."""
    from tashilat.bootstrap import migrate

    c = _container(url)
    migrate(c)
    if as_json:
        print_json({"database": _shown_url(c), "schema": "up to date"})
        return
    out.print(f"[green]schema up to date[/green]: {_shown_url(c)}", highlight=False)


@db_app.command("init")
@friendly_errors
def db_init(
    business_date: Annotated[str, typer.Option("--business-date", help="Jalali YYYY/MM/DD")],
    url: Url = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """Migrate, create the system ledger accounts and set the first business date."""
    from tashilat.bootstrap import init_database

    day = parse_jalali(business_date, field="business_date")
    c = _container(url)
    init_database(c, business_date=day)
    if as_json:
        print_json({"database": _shown_url(c), "business_date": format_jalali(day)})
        return
    out.print(f"[green]initialised[/green] at business date {format_jalali(day)}", highlight=False)


def _ask_password() -> str:
    try:
        return getpass.getpass("Password / گذرواژه: ")
    except EOFError:
        raise InvalidInput(
            "user.password_missing",
            "گذرواژه داده نشد: آن را در TASHILAT_NEW_PASSWORD بگذارید یا هنگام پرسش بنویسید.",
            "No password given: set TASHILAT_NEW_PASSWORD or type it when asked.",
            field="password",
        ) from None


@users_app.command("create")
@friendly_errors
def users_create(
    username: Annotated[str, typer.Option("--username")],
    role: Annotated[
        str,
        typer.Option(
            "--role", help="admin|officer|supervisor|auditor|customer|policy_editor|analyst|…"
        ),
    ],
    branch: Annotated[
        str | None, typer.Option("--branch", help="Branch code (officers, supervisors)")
    ] = None,
    national_id: Annotated[
        str | None, typer.Option("--national-id", help="For a customer login")
    ] = None,
    url: Url = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """Create a login. The password is read from TASHILAT_NEW_PASSWORD or asked for; there is
    no default password."""
    from tashilat.services import auth
    from tashilat.services.auth import SYSTEM

    password = os.environ.get("TASHILAT_NEW_PASSWORD") or _ask_password()
    c = _container(url)
    u = auth.create_user(
        c.uow(),
        SYSTEM,
        username=username,
        password=password,
        role=role,
        branch_code=branch,
        customer_national_id=national_id,
    )
    if as_json:
        print_json({"username": u.username, "role": u.role})
        return
    out.print(f"[green]created[/green] {u.username} ({u.role})", highlight=False)


@date_app.command("show")
@friendly_errors
def date_show(url: Url = None, as_json: JsonOpt = False, digits: DigitsOpt = "latin") -> None:
    """The current business date."""
    from tashilat.services import calendar

    day = calendar.get(_container(url).uow())
    if as_json:
        print_json({"business_date": format_jalali(day)})
        return
    out.print(format_jalali(day), highlight=False)


@date_app.command("advance")
@friendly_errors
def date_advance(
    to: Annotated[str, typer.Option("--to", help="Jalali YYYY/MM/DD")],
    username: Annotated[str, typer.Option("--as", help="A supervisor's username")],
    url: Url = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """Advance the business date (and accrue late charges up to it), as a supervisor."""
    from tashilat.services import day_end
    from tashilat.services.actors import actor_named

    c = _container(url)
    actor = actor_named(c.uow(), username, active_only=False)
    if actor is None:
        raise InvalidInput("user.unknown", f"کاربر «{username}» نیست.", f"No user '{username}'.")
    new = day_end.advance(
        c.uow(),
        actor,
        parse_jalali(to, field="to"),
        request_id=f"cli:{datetime.now(UTC)}",
        policy=c.policy,
    )
    if as_json:
        print_json({"business_date": format_jalali(new)})
        return
    out.print(f"business date: {format_jalali(new)}", highlight=False)


def serve(
    demo: Annotated[
        bool, typer.Option("--demo", help="Create and fill a demo database first")
    ] = False,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
    workers: Annotated[
        int, typer.Option("--workers", help="Server processes (1 = in-process)")
    ] = 1,
) -> None:
    """Serve the HTTP API (docs at /docs). With --demo and no TASHILAT_DATABASE_URL, a demo
    SQLite database under var/ is created and filled with three years of history."""
    import uvicorn

    from tashilat.entrypoints.api.app import create_app

    url = None
    if demo and not os.environ.get("TASHILAT_DATABASE_URL"):
        url = DEMO_URL
    c = _container(url, demo=demo)
    if demo:
        from tashilat.demo import DEMO_PASSWORD, seed

        summary = seed(c)
        if summary.accounts:
            out.print(
                f"[green]demo data[/green]: {summary.accounts} accounts, business date "
                f"{format_jalali(summary.business_date)}"
            )
        out.print(
            f"demo logins (password [bold]{DEMO_PASSWORD}[/bold]): admin, officer, "
            "officer.isfahan, supervisor, supervisor2, auditor, sara (customer); employment "
            "loans: agency.relief, agency.welfare (agencies), bank.officer, bank.payer (bank)"
        )
    else:
        from tashilat.bootstrap import migrate

        migrate(c)
    out.print(f"API docs: http://{host}:{port}/docs")
    if workers > 1:
        from tashilat.entrypoints.api.asgi import SUPERVISOR_PID_ENV

        # Workers die with this process (see ``asgi.die_with_parent``), so killing it frees
        # the port.
        os.environ[SUPERVISOR_PID_ENV] = str(os.getpid())
        os.environ["TASHILAT_DATABASE_URL"] = c.settings.database_url
        if demo:
            os.environ["TASHILAT_DEMO"] = "1"
        c.dispose()
        uvicorn.run(
            "tashilat.entrypoints.api.asgi:app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            timeout_graceful_shutdown=10,
        )
    else:
        uvicorn.run(create_app(c), host=host, port=port, log_level="info")


def with_output_options(fn: Callable[..., None]) -> Callable[..., None]:
    """``serve`` as a command with ``--json`` and ``--digits`` like every other: with
    ``--json`` the start-up notes are one JSON object (``api_docs``, ``demo``) and the
    human-readable lines are left out; the server's own log stays on standard error."""
    sig = inspect.signature(fn, eval_str=True)

    @wraps(fn)
    def command(*args: Any, as_json: bool = False, digits: str = "latin", **kwargs: Any) -> None:
        def run() -> None:
            if as_json:
                host, port = kwargs.get("host", "127.0.0.1"), kwargs.get("port", 8000)
                print_json(
                    {"api_docs": f"http://{host}:{port}/docs", "demo": bool(kwargs.get("demo"))}
                )
                sys.stdout.flush()
            quiet, out.quiet = out.quiet, as_json
            try:
                fn(*args, **kwargs)
            finally:
                out.quiet = quiet

        guarded(run, as_json=as_json, digits=digits)

    extra = [
        inspect.Parameter(
            "as_json", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=JsonOpt
        ),
        inspect.Parameter(
            "digits", inspect.Parameter.KEYWORD_ONLY, default="latin", annotation=DigitsOpt
        ),
    ]
    command.__signature__ = sig.replace(  # type: ignore[attr-defined]
        parameters=[*sig.parameters.values(), *extra]
    )
    command.__annotations__ = {
        **{name: p.annotation for name, p in sig.parameters.items()},
        "as_json": JsonOpt,
        "digits": DigitsOpt,
    }
    return command
