"""What the ``tashilat employment …`` commands share: an answer as a table or JSON, an
application's fields, and the database to look in."""

from __future__ import annotations

import json
import os
import sys
from typing import Annotated, Any

import typer
from rich.table import Table

from tashilat.domain.jalali import format_jalali
from tashilat.entrypoints.cli.common import out
from tashilat.settings import DEFAULT_SQLITE

Url = Annotated[
    str | None, typer.Option("--url", help="Database URL (default TASHILAT_DATABASE_URL)")
]


def _emit(data: dict[str, Any], as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
        return
    table = Table("field / فیلد", "value / مقدار")
    for k, v in data.items():
        if isinstance(v, list | dict):
            v = json.dumps(v, ensure_ascii=False, default=str)
        table.add_row(k, f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else str(v))
    out.print(table)


def _view(app: Any, code: str | None = None) -> dict[str, Any]:
    from tashilat.services import employment

    return {
        "id": app.id,
        "state": app.state,
        "amount_rial": app.amount,
        "province": app.province,
        "approved_category": app.approved_category,
        "repeat": app.repeat,
        "mandated": app.mandated,
        "submitted_on": format_jalali(app.submitted_on),
        "introduced_on": format_jalali(app.introduced_on) if app.introduced_on else None,
        "approved_on": format_jalali(app.approved_on) if app.approved_on else None,
        "disbursed_on": format_jalali(app.disbursed_on) if app.disbursed_on else None,
        "waiting_for_month": app.waiting_for_month,
        "samat_code": code,
        "reasons": employment.reasons_of(app),
    }


def _registry(url: str | None) -> Any:
    """A unit of work on the configured database (``--url``, else TASHILAT_DATABASE_URL,
    else the default SQLite file), or ``None`` when there is no database to look in: a
    SQLite file that does not exist is not created just to be found empty."""
    from pathlib import Path

    from tashilat.bootstrap import build
    from tashilat.settings import Settings

    db = url or os.environ.get("TASHILAT_DATABASE_URL") or DEFAULT_SQLITE
    sqlite_file = db.startswith("sqlite:///") and not db.startswith("sqlite:///:memory:")
    if sqlite_file and not Path(db.removeprefix("sqlite:///")).is_file():
        return None
    return build(Settings.from_env(database_url=db)).reader()
