"""A movement file's batch in the database: staged, checked and loaded in one transaction
(docs/onboarding.md).

``movement_batch`` stages the file's checked rows (COPY on PostgreSQL), locks the named
accounts on PostgreSQL (so nothing moves them between the check and the load), marks the
rows an earlier run already posted and reads what the account-level check needs as arrays:
each account's opening day, state and history. The job checks; ``load`` moves the
balances by the new rows and posts them (``bulk.post_staged``), and the batch commits when
the block ends. A batch left without ``load`` (rows refused) rolls back: nothing is
written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
from sqlalchemy import Connection, DateTime, Engine, bindparam, text
from sqlalchemy.exc import IntegrityError

from tashilat.adapters.batch import bulk, pgcopy
from tashilat.adapters.batch.onboard_check import Histories
from tashilat.domain.errors import TashilatError

SETTLEMENT = "BANK:SETTLEMENT"
MOVEMENT_STAGE = (
    "request_id VARCHAR(200) NOT NULL",
    "debit_code VARCHAR(80) NOT NULL",
    "credit_code VARCHAR(80) NOT NULL",
    "amount BIGINT NOT NULL",
    "ok INTEGER NOT NULL DEFAULT 0",
    "line BIGINT NOT NULL",
    "number VARCHAR(40) NOT NULL",
    "account INTEGER NOT NULL",  # the row's index into the batch's account numbers
    "business_date DATE NOT NULL",
    "signed BIGINT NOT NULL",
    "kind VARCHAR(50) NOT NULL",
)
NUMBER_STAGE = ("account INTEGER NOT NULL PRIMARY KEY", "number VARCHAR(40) NOT NULL")
DAY = "(DATE '1970-01-01')"


def staged_movements(rows: pa.Table) -> tuple[pa.Table, list[str]]:
    """Checked movement rows (``onboard_check.MOVEMENTS``) in their staged form, and the
    distinct account numbers they name (a row's ``account`` indexes them)."""
    enc = pc.dictionary_encode(rows["number"].combine_chunks())
    number = rows["number"]
    yf = pc.binary_join_element_wise("YF:", number, "")
    deposit = pc.greater(rows["amount"], 0)
    table = pa.table(
        {
            "request_id": pc.binary_join_element_wise(
                "import:", number, ":", rows["reference"], ""
            ),
            "debit_code": pc.if_else(deposit, SETTLEMENT, yf),
            "credit_code": pc.if_else(deposit, yf, SETTLEMENT),
            "amount": pc.abs(rows["amount"]),
            "line": rows["line"],
            "number": number,
            "account": pc.cast(enc.indices, pa.int32()),
            "business_date": rows["on"],
            "signed": rows["amount"],
            "kind": pc.if_else(deposit, "youth.deposit", "youth.withdraw"),
        }
    )
    return table, [str(n) for n in enc.dictionary.to_pylist()]


@dataclass
class MovementBatch:
    """What the account-level check reads, per row and per account (index into
    ``numbers``): ``fresh`` (the row's request id is not posted yet), ``known`` and
    ``open``, ``opened`` (days since 1970), and the history of the accounts with fresh
    rows."""

    conn: Connection
    rows: pa.Table
    numbers: list[str]
    fresh: np.ndarray
    known: np.ndarray
    open: np.ndarray
    opened: np.ndarray
    history: Histories
    source: str
    loaded: bulk.Posted | None = None

    def load(self) -> bulk.Posted:
        """Post the fresh rows; the batch commits when its block ends."""
        self.conn.execute(
            text(
                "UPDATE youth_accounts SET balance = youth_accounts.balance + m.total "
                "FROM (SELECT number, SUM(signed) AS total FROM stage_movements "
                "WHERE ok = 1 GROUP BY number) m WHERE youth_accounts.number = m.number"
            )
        )
        self.loaded = bulk.post_staged(
            self.conn, "stage_movements", kind=None, on=None, memo="import"
        )
        return self.loaded


def _ints(conn: Connection, sql: str, columns: list[tuple[str, str]]) -> dict[str, np.ndarray]:
    if conn.dialect.name == "postgresql":
        return pgcopy.copy_out(conn.connection.driver_connection, sql, columns)
    rows = conn.execute(text(sql)).all()
    return {
        name: np.array([r[k] for r in rows], dtype=np.int64) for k, (name, _) in enumerate(columns)
    }


def _days(column: str, conn: Connection) -> str:
    if conn.dialect.name == "postgresql":
        return pgcopy.day(column)
    return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"


@contextmanager
def movement_batch(engine: Engine, rows: pa.Table, *, source: str) -> Iterator[MovementBatch]:
    """The batch of ``rows`` (checked movement rows, in line order); see the module."""
    staged, numbers = staged_movements(rows)
    with concurrent_import(), engine.connect() as conn, conn.begin() as transaction:
        bulk.stage(conn, "stage_movements", MOVEMENT_STAGE, staged)
        bulk.stage(
            conn,
            "stage_numbers",
            NUMBER_STAGE,
            pa.table({"account": pa.array(range(len(numbers)), pa.int32()), "number": numbers}),
        )
        if conn.dialect.name == "postgresql":
            # the accounts first: a concurrent import of the same rows commits before the
            # rows are marked, so its entries count as posted here
            conn.execute(
                text(
                    "SELECT a.id FROM youth_accounts a JOIN stage_numbers n "
                    "ON n.number = a.number ORDER BY a.id FOR UPDATE OF a"
                )
            )
        conn.execute(
            text(
                "UPDATE stage_movements SET ok = 1 WHERE NOT EXISTS (SELECT 1 FROM "
                "journal_entries j WHERE j.request_id = stage_movements.request_id)"
            )
        )
        bulk.analyze(conn, "stage_movements")  # ``ok`` changed: plans depend on how many
        fresh = _ints(conn, "SELECT ok FROM stage_movements ORDER BY line", [("ok", "int4")])
        accounts = _ints(
            conn,
            f"SELECT n.account, {_days('a.opened_on', conn)}, "
            "CASE WHEN a.status = 'open' THEN 1 ELSE 0 END "
            "FROM stage_numbers n JOIN youth_accounts a ON a.number = n.number",
            [("account", "int4"), ("opened", "int4"), ("open", "int4")],
        )
        history = _ints(
            conn,
            f"SELECT n.account, {_days('j.business_date', conn)}, -p.amount "
            "FROM stage_numbers n JOIN youth_accounts a ON a.number = n.number "
            "JOIN postings p ON p.ledger_account_id = a.ledger_account_id "
            "JOIN journal_entries j ON j.id = p.entry_id "
            "WHERE EXISTS (SELECT 1 FROM stage_movements s WHERE s.account = n.account "
            "AND s.ok = 1) ORDER BY n.account, j.business_date, j.id",
            [("account", "int4"), ("day", "int4"), ("amount", "int8")],
        )
        k = len(numbers)
        known = np.zeros(k, dtype=bool)
        is_open = np.zeros(k, dtype=bool)
        opened = np.zeros(k, dtype=np.int64)
        at = accounts["account"].astype(np.int64)
        known[at] = True
        is_open[at] = accounts["open"] == 1
        opened[at] = accounts["opened"]
        batch = MovementBatch(
            conn=conn,
            rows=staged,
            numbers=numbers,
            fresh=fresh["ok"] == 1,
            known=known,
            open=is_open,
            opened=opened,
            history=Histories(
                history["account"].astype(np.int64),
                history["day"].astype(np.int64),
                history["amount"].astype(np.int64),
            ),
            source=source,
        )
        yield batch
        if batch.loaded is None:
            transaction.rollback()  # refused rows: nothing is written
        else:
            audit(conn, "import.movements", source, batch.loaded.posted)
            conn.execute(text("DROP TABLE stage_numbers"))


class ConcurrentImport(TashilatError):
    """Another load wrote the same rows at the same time; nothing of this one was written."""


@contextmanager
def concurrent_import() -> Iterator[None]:
    """A load refused by the database's unique keys (the same rows loaded at the same time
    by another run) as a bilingual error: nothing of this load was written, and running it
    again loads only what is still missing."""
    try:
        yield
    except IntegrityError as exc:
        raise ConcurrentImport(
            "import.concurrent",
            "همین سطرها هم‌زمان در اجرای دیگری وارد شد و از این اجرا چیزی ثبت نشد؛ "
            "دوباره اجرا کنید تا فقط سطرهای باقی‌مانده وارد شود.",
            "The same rows were loaded by another run at the same time and nothing of this "
            "run was written; run it again to load only what is still missing.",
            field="file",
        ) from exc


def audit(conn: Connection, action: str, source: str, rows: int) -> None:
    """The audit line of a load: the file's name and the rows written."""
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
