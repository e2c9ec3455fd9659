"""Import files in, reject files out, and the book loaded set-based (docs/onboarding.md).

* ``read_rows``: a CSV (header first; a row's line is its line in the file) or Parquet
  (a row's line is its row number + 1, as if the header were line 1) as text fields. A CSV
  row with another number of fields than the header, or a last line cut off before its
  newline, is a reject (the file was truncated).
* ``write_rejects``: ``FILE.rejects.csv`` beside the file: line, code, reason (en, fa).
* ``BookStore``: what the import job reads (branches; the accounts a movement file names,
  with their history; request ids already posted) and the two loads. A load is one
  transaction: rows staged (COPY on PostgreSQL), then a few ``INSERT … SELECT``
  statements; journal entries through ``bulk.post_staged`` under request ids derived
  from the file's keys (``import:open:{number}``, ``import:{number}:{reference}``), so
  a rerun of the same file finds them taken and changes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
from sqlalchemy import Connection, DateTime, Engine, bindparam, text

from tashilat.adapters.batch import bulk
from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import format_jalali
from tashilat.domain.programs.youth_fund.onboarding import (
    AccountRow,
    MovementRow,
    Reject,
    movement_request_id,
    opening_request_id,
)
from tashilat.domain.programs.youth_fund.rules import Event

SETTLEMENT = "BANK:SETTLEMENT"
NUMBERS = ("number VARCHAR(40) NOT NULL PRIMARY KEY",)


def rejects_path(path: Path) -> Path:
    return path.with_name(path.name + ".rejects.csv")


def _file_error(
    path: Path, why_fa: str, why_en: str, code: str = "import.unreadable"
) -> InvalidInput:
    return InvalidInput(
        code, f"پرونده {path.name}: {why_fa}", f"File {path.name}: {why_en}", field="file"
    )


def read_rows(
    path: Path, columns: Sequence[str]
) -> tuple[list[tuple[int, dict[str, str]]], list[Reject]]:
    """The rows of an import file with their line numbers, and the rows that are cut off
    or have another number of fields than ``columns``."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise _file_error(path, "پیدا نشد.", "not found.", "import.no_file")
    if suffix == ".parquet":
        return _parquet_rows(path, columns), []
    if suffix != ".csv":
        raise _file_error(
            path, "باید ‎.csv یا ‎.parquet باشد.", "must be .csv or .parquet.", "import.format"
        )
    data = path.read_bytes()
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _file_error(path, "با UTF-8 خوانده نمی‌شود.", "is not UTF-8.") from exc
    reader = csv.reader(io.StringIO(content, newline=""))
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in columns if c not in header]
    if missing:
        raise _file_error(
            path,
            f"ستون‌های {', '.join(missing)} را ندارد.",
            f"lacks the columns {', '.join(missing)}.",
            "import.columns",
        )
    rows: list[tuple[int, dict[str, str]]] = []
    rejects: list[Reject] = []
    at = [header.index(c) for c in columns]
    lines = []
    for fields in reader:
        lines.append((reader.line_num, fields))
    truncated = bool(data) and not data.endswith((b"\n", b"\r"))
    for k, (line, fields) in enumerate(lines):
        if not fields:
            continue
        if truncated and k == len(lines) - 1:
            rejects.append(
                Reject(
                    line,
                    "import.truncated",
                    "سطر آخر نیمه‌کاره است (پرونده بریده شده است).",
                    "The last line is cut off (the file is truncated).",
                )
            )
        elif len(fields) != len(header):
            rejects.append(
                Reject(
                    line,
                    "import.field_count",
                    f"{len(fields)} ستون به جای {len(header)} (سطر ناقص یا بریده).",
                    f"{len(fields)} fields instead of {len(header)} (a short or cut-off row).",
                )
            )
        else:
            rows.append((line, {c: fields[i] for c, i in zip(columns, at, strict=True)}))
    return rows, rejects


def _parquet_rows(path: Path, columns: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowInvalid) as exc:
        raise _file_error(
            path, "خوانده نمی‌شود (بریده یا خراب است).", "cannot be read (truncated or corrupt)."
        ) from exc
    missing = [c for c in columns if c not in table.column_names]
    if missing:
        raise _file_error(
            path,
            f"ستون‌های {', '.join(missing)} را ندارد.",
            f"lacks the columns {', '.join(missing)}.",
            "import.columns",
        )

    def text_of(v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, date):
            return format_jalali(v)
        return str(v)

    cols = {c: [text_of(v) for v in table[c].to_pylist()] for c in columns}
    return [(i + 2, {c: cols[c][i] for c in columns}) for i in range(table.num_rows)]


def write_rejects(path: Path, rejects: Iterable[Reject]) -> Path:
    """Write (or replace) the reject file of ``path``, rows by line."""
    out = rejects_path(path)
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["line", "code", "reason_en", "reason_fa"])
        for r in sorted(rejects, key=lambda r: (r.line, r.code)):
            w.writerow([r.line, r.code, r.reason_en, r.reason_fa])
    return out


@dataclass(frozen=True)
class Loaded:
    loaded: int
    already: int  # rows a previous run of the same file loaded: left as they are


@dataclass(frozen=True)
class Held:
    """An account a movement file names, as the database holds it."""

    opened_on: date
    status: str
    history: list[Event]
    request_ids: set[str]  # of the journal entries on it (a rerun's rows are among them)


class Conflicts(Exception):
    """Rows the database refuses (an account number taken by an account not imported from
    this file); nothing was loaded."""

    def __init__(self, rejects: list[Reject]) -> None:
        super().__init__(f"{len(rejects)} rows conflict with the database")
        self.rejects = rejects


class BookStore:
    """The import's reads and loads on one database (the job's port)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def branches(self) -> set[str]:
        with self.engine.connect() as conn:
            return {r[0] for r in conn.execute(text("SELECT code FROM branches"))}

    def accounts(self, numbers: set[str]) -> dict[str, Held]:
        """The accounts with these numbers and their movements so far (customer's view)."""
        held: dict[str, Held] = {}
        data = pa.table({"number": pa.array(sorted(numbers), pa.string())})
        with self.engine.begin() as conn:
            bulk.stage(conn, "stage_numbers", NUMBERS, data)
            for number, opened_on, status in conn.execute(
                text(
                    "SELECT a.number, a.opened_on, a.status FROM youth_accounts a "
                    "JOIN stage_numbers s ON s.number = a.number"
                )
            ):
                held[number] = Held(_day(opened_on), status, [], set())
            rows = conn.execute(
                text(
                    "SELECT a.number, j.business_date, p.amount, j.request_id FROM postings p "
                    "JOIN journal_entries j ON j.id = p.entry_id "
                    "JOIN youth_accounts a ON a.ledger_account_id = p.ledger_account_id "
                    "JOIN stage_numbers s ON s.number = a.number "
                    "ORDER BY a.number, j.business_date, j.id"
                ).execution_options(yield_per=50_000)
            )
            for number, on, amount, request_id in rows:
                held[number].history.append(Event(_day(on), -int(amount)))
                held[number].request_ids.add(request_id)
            conn.execute(text("DROP TABLE stage_numbers"))
        return held

    def load_accounts(self, rows: Sequence[AccountRow], *, source: str) -> Loaded:
        data = pa.table(
            {
                "line": pa.array([r.line for r in rows], pa.int64()),
                "number": [r.number for r in rows],
                "national_id": [r.national_id for r in rows],
                "name": [r.name for r in rows],
                "birth_date": pa.array([r.birth_date for r in rows], pa.date32()),
                "opened_on": pa.array([r.opened_on for r in rows], pa.date32()),
                "business_date": pa.array([r.opened_on for r in rows], pa.date32()),
                "cohort": pa.array([r.cohort for r in rows], pa.int64()),
                "city": [r.city for r in rows],
                "tier": pa.array([r.tier for r in rows], pa.int64()),
                "branch": [r.branch for r in rows],
                "min_balance": pa.array([r.min_balance for r in rows], pa.int64()),
                "request_id": [opening_request_id(r.number) for r in rows],
                "debit_code": [SETTLEMENT] * len(rows),
                "credit_code": [f"YF:{r.number}" for r in rows],
                "amount": pa.array([r.opening_deposit for r in rows], pa.int64()),
            },
        )
        return self.load_account_table(data, source=source)

    def load_account_table(self, data: pa.Table, *, source: str) -> Loaded:
        """Load staged-form accounts (the columns of ``ACCOUNT_STAGE``; an ``id`` column,
        if present, gives the accounts' ids): customers by national ID (an existing one is
        reused), the ``YF:`` ledger accounts, the accounts and their opening entries."""
        explicit = "id" in data.column_names
        stage_columns = (*ACCOUNT_STAGE, "id BIGINT") if explicit else ACCOUNT_STAGE
        with self.engine.begin() as conn:
            bulk.stage(conn, "stage_accounts", stage_columns, data)
            conflicts = conn.execute(
                text(
                    "SELECT s.line, s.number FROM stage_accounts s JOIN youth_accounts a "
                    "ON a.number = s.number WHERE NOT EXISTS (SELECT 1 FROM journal_entries j "
                    "WHERE j.request_id = s.request_id) ORDER BY s.line"
                )
            ).all()
            if conflicts:
                raise Conflicts(
                    [
                        Reject(
                            line,
                            "import.number_taken",
                            f"شماره حساب {n} در پایگاه داده به حساب دیگری تعلق دارد.",
                            f"Account number {n} belongs to another account in the database.",
                        )
                        for line, n in conflicts
                    ]
                )
            conn.execute(
                text(
                    "UPDATE stage_accounts SET ok = 1 WHERE NOT EXISTS (SELECT 1 FROM "
                    "youth_accounts a WHERE a.number = stage_accounts.number)"
                )
            )
            now = {"now": datetime.now(UTC)}
            stamp = bindparam("now", type_=DateTime(True))
            conn.execute(
                text(
                    "INSERT INTO customers (national_id, name, birth_date, branch_id, created_at) "
                    "SELECT s.national_id, MIN(s.name), MIN(s.birth_date), MIN(b.id), :now "
                    "FROM stage_accounts s JOIN branches b ON b.code = s.branch WHERE s.ok = 1 "
                    "AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.national_id = "
                    "s.national_id) GROUP BY s.national_id"
                ).bindparams(stamp),
                now,
            )
            conn.execute(
                text(
                    "INSERT INTO ledger_accounts (code, name, type) SELECT s.credit_code, "
                    "'Youth fund deposit ' || s.number, 'liability' FROM stage_accounts s "
                    "WHERE s.ok = 1 AND NOT EXISTS (SELECT 1 FROM ledger_accounts la "
                    "WHERE la.code = s.credit_code)"
                )
            )
            conn.execute(
                text(
                    f"INSERT INTO youth_accounts ({'id, ' if explicit else ''}number, "
                    "customer_id, branch_id, ledger_account_id, opened_on, cohort, city, tier, "
                    "status, balance, min_balance, privilege_holder_id, privilege_used) "
                    f"SELECT {'s.id, ' if explicit else ''}s.number, c.id, b.id, la.id, "
                    "s.opened_on, s.cohort, s.city, "
                    "s.tier, 'open', s.amount, s.min_balance, c.id, :no "
                    "FROM stage_accounts s JOIN customers c ON c.national_id = s.national_id "
                    "JOIN branches b ON b.code = s.branch "
                    "JOIN ledger_accounts la ON la.code = s.credit_code WHERE s.ok = 1"
                ),
                {"no": False},
            )
            fresh = int(
                conn.execute(text("SELECT COALESCE(SUM(ok), 0) FROM stage_accounts")).scalar_one()
            )
            posted = bulk.post_staged(
                conn, "stage_accounts", kind="youth.open", on=None, memo="import"
            )
            _audit(conn, "import.accounts", source, posted.posted)
        assert posted.posted == fresh, "every new account has its opening entry"
        return Loaded(posted.posted, data.num_rows - posted.posted)

    def load_movements(self, rows: Sequence[MovementRow], *, source: str) -> Loaded:
        data = pa.table(
            {
                "line": pa.array([r.line for r in rows], pa.int64()),
                "number": [r.number for r in rows],
                "business_date": pa.array([r.on for r in rows], pa.date32()),
                "signed": pa.array([r.amount for r in rows], pa.int64()),
                "kind": ["youth.deposit" if r.amount > 0 else "youth.withdraw" for r in rows],
                "request_id": [movement_request_id(r.number, r.reference) for r in rows],
                "debit_code": [SETTLEMENT if r.amount > 0 else f"YF:{r.number}" for r in rows],
                "credit_code": [f"YF:{r.number}" if r.amount > 0 else SETTLEMENT for r in rows],
                "amount": pa.array([abs(r.amount) for r in rows], pa.int64()),
            }
        )
        return self.load_movement_table(data, source=source)

    def load_movement_table(self, data: pa.Table, *, source: str) -> Loaded:
        """Load staged-form movements (the columns of ``MOVEMENT_STAGE``): their entries,
        and the accounts' balances moved by their sum; rows already posted are left."""
        with self.engine.begin() as conn:
            bulk.stage(conn, "stage_movements", MOVEMENT_STAGE, data)
            conn.execute(
                text(
                    "UPDATE stage_movements SET ok = 1 WHERE NOT EXISTS (SELECT 1 FROM "
                    "journal_entries j WHERE j.request_id = stage_movements.request_id)"
                )
            )
            conn.execute(
                text(
                    "UPDATE youth_accounts SET balance = youth_accounts.balance + m.total "
                    "FROM (SELECT number, SUM(signed) AS total FROM stage_movements "
                    "WHERE ok = 1 GROUP BY number) m WHERE youth_accounts.number = m.number"
                )
            )
            posted = bulk.post_staged(conn, "stage_movements", kind=None, on=None, memo="import")
            _audit(conn, "import.movements", source, posted.posted)
        return Loaded(posted.posted, posted.skipped)


ACCOUNT_STAGE = (
    *bulk.POSTING_STAGE,
    "line BIGINT NOT NULL",
    "number VARCHAR(40) NOT NULL",
    "national_id VARCHAR(10) NOT NULL",
    "name VARCHAR(200) NOT NULL",
    "birth_date DATE NOT NULL",
    "opened_on DATE NOT NULL",
    "business_date DATE NOT NULL",  # of the opening entry
    "cohort INTEGER NOT NULL",
    "city VARCHAR(100) NOT NULL",
    "tier INTEGER NOT NULL",
    "branch VARCHAR(20) NOT NULL",
    "min_balance BIGINT NOT NULL",
)
MOVEMENT_STAGE = (
    *bulk.POSTING_STAGE,
    "line BIGINT NOT NULL",
    "number VARCHAR(40) NOT NULL",
    "business_date DATE NOT NULL",
    "signed BIGINT NOT NULL",
    "kind VARCHAR(50) NOT NULL",
)


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _audit(conn: Connection, action: str, source: str, rows: int) -> None:
    conn.execute(
        text(
            "INSERT INTO audit_log (at, user_id, username, action, target, request_id, "
            "outcome, detail) VALUES (:at, NULL, 'import', :action, :target, '', 'ok', :detail)"
        ).bindparams(bindparam("at", type_=DateTime(True))),
        {
            "at": datetime.now(UTC),
            "action": action,
            "target": source[:200],
            "detail": f"{rows} rows",
        },
    )
