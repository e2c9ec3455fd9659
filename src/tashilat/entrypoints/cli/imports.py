"""``tashilat import accounts|movements|loans FILE``: a bank's existing youth-fund book brought in
(docs/onboarding.md). The file is checked row by row and loaded whole, or not at all."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from tashilat.entrypoints.cli.common import DigitsOpt, JsonOpt, guarded, out, print_json

import_app = typer.Typer(
    help="Import an existing youth-fund book (CSV or Parquet). / ورود دفتر حساب‌های موجود",
    no_args_is_help=True,
)

File = Annotated[Path, typer.Argument(help="The file (.csv or .parquet)")]
Url = Annotated[
    str | None,
    typer.Option("--database-url", help="Database URL (default TASHILAT_DATABASE_URL)"),
]


def _run(kind: str, path: Path, database_url: str | None, as_json: bool) -> None:
    from tashilat.bootstrap import build
    from tashilat.data import load_city_index
    from tashilat.domain.errors import InvalidInput
    from tashilat.jobs import onboarding, onboarding_loans
    from tashilat.settings import Settings

    started = time.perf_counter()
    container = build(Settings.from_env(database_url=database_url))
    try:
        if kind == "loans":
            result = onboarding_loans.import_book(path, container)
        else:
            result = onboarding.import_book(kind, path, container, load_city_index())
    finally:
        container.dispose()
    seconds = round(time.perf_counter() - started, 2)
    if not result.ok:
        first = result.rejects[0]
        raise InvalidInput(
            "import.rejected",
            f"{result.rejected:,} سطر از {result.rows:,} پذیرفته نشد و هیچ سطری وارد نشد؛ "
            f"جزئیات در {result.rejects_file}. نخستین: سطر {first.line}: {first.reason_fa}",
            f"{result.rejected:,} of {result.rows:,} rows were refused and nothing was "
            f"loaded; see {result.rejects_file}. First: line {first.line}: {first.reason_en}",
            field="file",
            details={"rejected": result.rejected, "rejects_file": result.rejects_file},
        )
    if as_json:
        print_json(
            {
                "kind": kind,
                "file": str(path),
                "rows": result.rows,
                "loaded": result.loaded,
                "already_loaded": result.already_loaded,
                "seconds": seconds,
            }
        )
        return
    table = Table(title=f"import {kind}")
    table.add_column("")
    table.add_column("", justify="right")
    table.add_row("rows in the file / سطرها", f"{result.rows:,}")
    table.add_row("loaded / واردشده", f"{result.loaded:,}")
    table.add_row("already loaded / از پیش واردشده", f"{result.already_loaded:,}")
    table.add_row("seconds", f"{seconds:g}")
    out.print(table)


@import_app.command("accounts")
def accounts_cmd(
    path: File, database_url: Url = None, as_json: JsonOpt = False, digits: DigitsOpt = "latin"
) -> None:
    """Accounts: number, national_id, name, birth_date, opened_on (Jalali), city, branch,
    opening_deposit (rial). Each opens with its opening deposit as a journal entry."""
    guarded(lambda: _run("accounts", path, database_url, as_json), as_json=as_json, digits=digits)


@import_app.command("movements")
def movements_cmd(
    path: File, database_url: Url = None, as_json: JsonOpt = False, digits: DigitsOpt = "latin"
) -> None:
    """Movements after the opening deposit: number (the account), reference (the bank's own
    key of the movement), on (Jalali), amount (rial: + deposit, − withdrawal)."""
    guarded(lambda: _run("movements", path, database_url, as_json), as_json=as_json, digits=digits)


@import_app.command("loans")
def loans_cmd(
    path: File, database_url: Url = None, as_json: JsonOpt = False, digits: DigitsOpt = "latin"
) -> None:
    """Housing loans already paid out, on accounts imported before: number (the account),
    reference (the bank's loan key), disbursed_on (Jalali), principal and appraisal (rial),
    months, method (simple or stepwise), repaid (instalments repaid). Each is checked by the
    loan rules at its disbursement date; its schedule, disbursement and repayments are
    recorded."""
    guarded(lambda: _run("loans", path, database_url, as_json), as_json=as_json, digits=digits)
