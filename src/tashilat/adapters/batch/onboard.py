"""Import files in, reject files out, and the book loaded set-based (docs/onboarding.md).

* ``read_table``: the file's fields as text columns with their lines (Arrow's CSV and
  Parquet readers); ``read_rows`` the same row by row, for a CSV whose lines and rows may
  differ. A CSV row with another number of fields than the header, or a last line cut off
  before its newline, is a reject (the file was truncated).
* ``write_rejects``: ``FILE.rejects.csv`` beside the file: line, code, reason (en, fa).
* ``BookStore``: what the import job reads and loads. An account file is one transaction:
  rows staged (COPY on PostgreSQL), then a few ``INSERT … SELECT`` statements; a movement
  file is one ``onboard_batch`` (staged, checked against the accounts, loaded). Journal
  entries go through ``bulk.post_staged`` under request ids derived from the file's keys
  (``import:open:{number}``, ``import:{number}:{reference}``), so a rerun of the same file
  finds them taken and changes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.csv as pacsv  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
from sqlalchemy import DateTime, Engine, bindparam, text

from tashilat.adapters.batch import bulk
from tashilat.adapters.batch.onboard_batch import (
    MovementBatch,
    audit,
    concurrent_import,
    movement_batch,
)
from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import format_jalali
from tashilat.domain.programs.youth_fund.onboarding import (
    Reject,
)

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


def read_table(path: Path, columns: Sequence[str]) -> tuple[pa.Table, np.ndarray, list[Reject]]:
    """``read_rows`` as columns: the rows' fields as text columns named ``columns``, their
    lines, and the cut-off or short rows. A CSV whose every line is one row (no blank line,
    no field spanning lines, one kind of line ending, a newline at the end) is parsed by
    Arrow's reader, and Parquet by Arrow; any other CSV through ``read_rows``, which numbers
    and refuses its rows."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".parquet") and path.is_file():
        table = _arrow_csv(path, columns) if suffix == ".csv" else _parquet_table(path, columns)
        if table is not None:
            lines = np.arange(2, table.num_rows + 2, dtype=np.int64)
            return table, lines, []
    rows, rejects = read_rows(path, columns)
    table = pa.table({c: pa.array([r[c] for _, r in rows], pa.string()) for c in columns})
    return table, np.array([line for line, _ in rows], dtype=np.int64), rejects


def _arrow_csv(path: Path, columns: Sequence[str]) -> pa.Table | None:
    """The CSV's columns as text by Arrow's reader, or ``None`` where its lines and rows
    may differ (then ``read_rows`` numbers them)."""
    data = path.read_bytes()
    lines = data.count(b"\n")
    crlf = data.count(b"\r\n")
    if not data.endswith(b"\n") or data.count(b"\r") != crlf or crlf not in (0, lines):
        return None
    try:
        header = data[: data.index(b"\n")].decode("utf-8-sig").split(",")
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(encoding="utf8"),
            parse_options=pacsv.ParseOptions(newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                column_types={h.strip(): pa.string() for h in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError, ValueError):
        return None
    names = [n.strip().lstrip("\ufeff") for n in table.column_names]
    if any(c not in names for c in columns) or lines != table.num_rows + 1:
        return None
    table = table.rename_columns(names)
    return pa.table({c: table[c].combine_chunks() for c in columns})


def _parquet_table(path: Path, columns: Sequence[str]) -> pa.Table:
    """A Parquet file's columns as text, as ``_parquet_rows`` reads each field: null as
    empty, a date as Jalali text, anything else as its string."""
    table = _parquet(path, columns)
    out = {}
    for c in columns:
        col = table[c].combine_chunks()
        if pa.types.is_date(col.type):
            enc = pc.dictionary_encode(col)
            days = pa.array([format_jalali(d) for d in enc.dictionary.to_pylist()], pa.string())
            col = pc.take(days, enc.indices)
        elif pa.types.is_integer(col.type):
            col = pc.cast(col, pa.string())
        elif not pa.types.is_string(col.type):
            col = pa.array([_text_of(v) for v in col.to_pylist()], pa.string())
        out[c] = pc.fill_null(col, "")
    return pa.table(out)


def _parquet(path: Path, columns: Sequence[str]) -> pa.Table:
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
    return table


def _parquet_rows(path: Path, columns: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    table = _parquet(path, columns)

    cols = {c: [_text_of(v) for v in table[c].to_pylist()] for c in columns}
    return [(i + 2, {c: cols[c][i] for c in columns}) for i in range(table.num_rows)]


def _text_of(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, date):
        return format_jalali(v)
    return str(v)


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

    def movements(self, rows: pa.Table, *, source: str) -> AbstractContextManager[MovementBatch]:
        """The batch of checked movement rows (``onboard_batch``)."""
        return movement_batch(self.engine, rows, source=source)

    def load_accounts(self, rows: pa.Table, *, source: str) -> Loaded:
        """Load checked account rows (``onboard_check.ACCOUNTS``)."""
        n = rows.num_rows
        number = rows["number"]
        data = pa.table(
            {
                "line": rows["line"],
                "number": number,
                "national_id": rows["national_id"],
                "name": rows["name"],
                "birth_date": rows["birth_date"],
                "opened_on": rows["opened_on"],
                "business_date": rows["opened_on"],
                "cohort": rows["cohort"],
                "city": rows["city"],
                "tier": rows["tier"],
                "branch": rows["branch"],
                "min_balance": rows["min_balance"],
                "request_id": pc.binary_join_element_wise("import:open:", number, ""),
                "debit_code": pa.array([SETTLEMENT] * n, pa.string()),
                "credit_code": pc.binary_join_element_wise("YF:", number, ""),
                "amount": rows["opening_deposit"],
            },
        )
        return self.load_account_table(data, source=source)

    def load_account_table(self, data: pa.Table, *, source: str) -> Loaded:
        """Load staged-form accounts (the columns of ``ACCOUNT_STAGE``; an ``id`` column,
        if present, gives the accounts' ids): customers by national ID (an existing one is
        reused), the ``YF:`` ledger accounts, the accounts and their opening entries."""
        explicit = "id" in data.column_names
        stage_columns = (*ACCOUNT_STAGE, "id BIGINT") if explicit else ACCOUNT_STAGE
        with concurrent_import(), self.engine.begin() as conn:
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
            bulk.analyze(conn, "stage_accounts")  # ``ok`` changed: plans depend on how many
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
            audit(conn, "import.accounts", source, posted.posted)
        assert posted.posted == fresh, "every new account has its opening entry"
        return Loaded(posted.posted, data.num_rows - posted.posted)

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
            bulk.analyze(conn, "stage_movements")
            conn.execute(
                text(
                    "UPDATE youth_accounts SET balance = youth_accounts.balance + m.total "
                    "FROM (SELECT number, SUM(signed) AS total FROM stage_movements "
                    "WHERE ok = 1 GROUP BY number) m WHERE youth_accounts.number = m.number"
                )
            )
            posted = bulk.post_staged(conn, "stage_movements", kind=None, on=None, memo="import")
            audit(conn, "import.movements", source, posted.posted)
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
