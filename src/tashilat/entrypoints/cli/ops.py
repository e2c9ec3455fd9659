"""Operations: the database, users, the business date and the server."""

from __future__ import annotations

import getpass
import os
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console

from tashilat.bootstrap import Container
from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import format_jalali, parse_jalali
from tashilat.entrypoints.cli.common import friendly_errors

db_app = typer.Typer(help="Database schema (Alembic). / پایگاه داده", no_args_is_help=True)
users_app = typer.Typer(help="Staff and customer logins. / کاربران", no_args_is_help=True)
date_app = typer.Typer(help="The business date. / تاریخ کاری", no_args_is_help=True)

out = Console()
DEMO_URL = "sqlite:///var/demo.sqlite3"


def _container(url: str | None = None, *, demo: bool | None = None) -> Container:
    from tashilat.bootstrap import build
    from tashilat.settings import Settings

    return build(Settings.from_env(database_url=url, demo=demo or None))


@db_app.command("upgrade")
def db_upgrade(
    url: Annotated[
        str | None, typer.Option("--url", help="Database URL (default TASHILAT_DATABASE_URL)")
    ] = None,
) -> None:
    """Apply every migration (the only way a schema is made)."""
    from tashilat.adapters.db.migrate import upgrade

    c = _container(url)
    upgrade(c.settings.database_url)
    out.print(
        f"[green]schema up to date[/green]: {c.engine.url.render_as_string(hide_password=True)}"
    )


@db_app.command("init")
def db_init(
    business_date: Annotated[str, typer.Option("--business-date", help="Jalali YYYY/MM/DD")],
    url: Annotated[str | None, typer.Option("--url")] = None,
) -> None:
    """Migrate, create the system ledger accounts and set the first business date."""
    from tashilat.bootstrap import init_database

    @friendly_errors
    def run() -> None:
        c = _container(url)
        init_database(c, business_date=parse_jalali(business_date, field="business_date"))
        out.print(f"[green]initialised[/green] at business date {business_date}")

    run()


@users_app.command("create")
def users_create(
    username: Annotated[str, typer.Option("--username")],
    role: Annotated[str, typer.Option("--role", help="admin|officer|supervisor|auditor|customer")],
    branch: Annotated[
        str | None, typer.Option("--branch", help="Branch code (officers, supervisors)")
    ] = None,
    national_id: Annotated[
        str | None, typer.Option("--national-id", help="For a customer login")
    ] = None,
    url: Annotated[str | None, typer.Option("--url")] = None,
) -> None:
    """Create a login. The password is read from TASHILAT_NEW_PASSWORD or asked for; there is
    no default password."""
    from tashilat.services import auth
    from tashilat.services.auth import SYSTEM

    @friendly_errors
    def run() -> None:
        password = os.environ.get("TASHILAT_NEW_PASSWORD") or getpass.getpass(
            "Password / گذرواژه: "
        )
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
        out.print(f"[green]created[/green] {u.username} ({u.role})")

    run()


@date_app.command("show")
def date_show(url: Annotated[str | None, typer.Option("--url")] = None) -> None:
    """The current business date."""
    from tashilat.services import calendar

    @friendly_errors
    def run() -> None:
        out.print(format_jalali(calendar.get(_container(url).uow())))

    run()


@date_app.command("advance")
def date_advance(
    to: Annotated[str, typer.Option("--to", help="Jalali YYYY/MM/DD")],
    username: Annotated[str, typer.Option("--as", help="A supervisor's username")],
    url: Annotated[str | None, typer.Option("--url")] = None,
) -> None:
    """Advance the business date (and accrue late charges up to it), as a supervisor."""
    from sqlalchemy import select

    from tashilat.adapters.db.models import User
    from tashilat.services import calendar
    from tashilat.services.auth import actor_of

    @friendly_errors
    def run() -> None:
        c = _container(url)
        uow = c.uow()
        with uow:
            u = uow.session.scalar(select(User).where(User.username == username))
            if u is None:
                raise InvalidInput(
                    "user.unknown", f"کاربر «{username}» نیست.", f"No user '{username}'."
                )
            actor = actor_of(u)
        new = calendar.advance(
            c.uow(), actor, parse_jalali(to, field="to"), request_id=f"cli:{datetime.now(UTC)}"
        )
        out.print(f"business date: {format_jalali(new)}")

    run()


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
        from tashilat.adapters.db.migrate import upgrade

        upgrade(c.settings.database_url)
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
