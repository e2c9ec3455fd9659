"""A month-end's savings profit against the database: which account months are still to
post, and posting them set-based.

The run's ``months-NNNNN.parquet`` holds every completed account month's profit
(``profits_rial``); the ledger holds what was posted, one entry per account month with
request id ``yf-profit:{account id}:{month:04d}`` (``services.youth_profit``). Entries are
posted in month order, so the greatest request id of an account names its last posted month
and only the months after it are candidates: one grouped query per partition, not one
look-up per account month, and the candidates found with array operations (``due_table``).

``post_profits`` posts a staged table of them in one transaction
(docs/adr/0008-copy-speed-batch-io.md): ``bulk.stage``, ``bulk.claim_profits`` (request id
free, account still open, balances moved), ``bulk.post_staged``. The unique request id is
the last guard: should a concurrent writer take one of the ids between the claim and the
insert, the transaction is rolled back and done again, and the second time finds the id
taken. The request ids, codes and memos are the caller's (``jobs.writeback`` builds them
with ``services.youth_profit``'s own functions), so nothing here knows the service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
from sqlalchemy import Engine, Table, func, select
from sqlalchemy.exc import IntegrityError

from tashilat.adapters.batch import bulk, layout, pgcopy
from tashilat.adapters.batch.calendar import DayTable, from_epoch_day
from tashilat.adapters.batch.manifest import RunError
from tashilat.adapters.db.models import JournalEntryRow, PostingRow, YouthAccount
from tashilat.domain.jalali import jalali_year
from tashilat.domain.programs.youth_fund.profit import LEDGER_KIND

ACC: Table = YouthAccount.__table__  # type: ignore[assignment]
ENT: Table = JournalEntryRow.__table__  # type: ignore[assignment]
POS: Table = PostingRow.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class DueProfit:
    """One account month's profit not posted yet."""

    account_id: int
    number: str  # the account's number: its ledger account is ``YF:{number}``
    month: int
    credited_on: date
    profit_rial: int


DUE_SCHEMA = pa.schema(
    [
        ("account_id", pa.int64()),
        ("number", pa.string()),
        ("month", pa.int64()),
        ("credited_on", pa.date32()),
        ("profit_rial", pa.int64()),
    ]
)
ATTEMPTS = 3  # of the posting transaction, when a concurrent writer took a request id


class ProfitConflict(RuntimeError):
    """A staged request id was taken between the claim and the insert: roll back, redo."""


@dataclass(frozen=True)
class Posted:
    """Each account's last posted profit month, for every account at once (sorted ids)."""

    account_id: np.ndarray
    month: np.ndarray

    def of(self, ids: np.ndarray) -> np.ndarray:
        """The last posted month of each of ``ids`` (0: none)."""
        at = np.searchsorted(self.account_id, ids)
        at = np.minimum(at, max(len(self.account_id) - 1, 0))
        found = self.account_id[at] == ids if len(self.account_id) else np.zeros(len(ids), bool)
        return np.where(found, self.month[at] if len(self.month) else 0, 0).astype(np.int64)


def posted_months(engine: Engine, prefix: str) -> Posted | None:
    """On PostgreSQL, every account's last posted profit month in one scan of the journal:
    the account id and month read from the request ids ``{prefix}:{account}:{month}``
    (binary COPY, no join through the postings). ``None`` elsewhere: ``due_table`` then
    asks per partition."""
    if engine.dialect.name != "postgresql":
        return None
    start = len(prefix) + 2
    query = (
        f"SELECT split_part(substr(request_id, {start}), ':', 1)::int8, "
        f"MAX(split_part(substr(request_id, {start}), ':', 2)::int8) FROM journal_entries "
        f"WHERE kind = '{LEDGER_KIND}' AND request_id LIKE '{prefix}:%' GROUP BY 1 ORDER BY 1"
    )
    with pgcopy.driver_connection(engine) as conn:
        cols = pgcopy.copy_out(conn, query, [("account", "int8"), ("month", "int8")])
    return Posted(cols["account"].astype(np.int64), cols["month"].astype(np.int64))


def due_table(engine: Engine, run: Path, part: int, posted: Posted | None = None) -> pa.Table:
    """The partition's positive account-month profits after each account's last posted
    month (``posted``, or read for the partition's accounts), in account then month order
    (``DUE_SCHEMA``; ``credited_on`` is the first day of the next account month,
    ``account_month_start(opened_on, month + 1)``)."""
    months = pq.read_table(
        layout.output_path(run, "months", part), columns=["account_id", "profits_rial"]
    )
    if months.num_rows == 0:
        return DUE_SCHEMA.empty_table()
    accounts = pq.read_table(
        layout.output_path(run, "accounts", part), columns=["account_id", "opened_on"]
    )
    ids = months["account_id"].to_numpy().astype(np.int64)
    lo, hi = int(ids.min()), int(ids.max())
    with engine.connect() as conn:
        numbers = dict(
            conn.execute(select(ACC.c.id, ACC.c.number).where(ACC.c.id.between(lo, hi))).all()
        )
        last = (
            {}
            if posted is not None
            else dict(
                conn.execute(
                    select(ACC.c.id, func.max(ENT.c.request_id))
                    .select_from(
                        ENT.join(POS, POS.c.entry_id == ENT.c.id).join(
                            ACC, ACC.c.ledger_account_id == POS.c.ledger_account_id
                        )
                    )
                    .where(ENT.c.kind == LEDGER_KIND, ACC.c.id.between(lo, hi))
                    .group_by(ACC.c.id)
                ).all()
            )
        )
    done = (
        posted.of(ids)
        if posted is not None
        else np.array(
            [int(str(last[a]).rsplit(":", 1)[1]) if a in last else 0 for a in ids.tolist()],
            dtype=np.int64,
        )
    )
    known = np.array([a in numbers for a in ids.tolist()], dtype=bool)
    profits = months["profits_rial"].combine_chunks()
    parent = pc.list_parent_indices(profits).to_numpy().astype(np.int64)
    amount = pc.list_flatten(profits).to_numpy().astype(np.int64)
    offsets = profits.offsets.to_numpy().astype(np.int64)
    month = np.arange(len(amount), dtype=np.int64) - offsets[parent] + 1
    keep = (amount > 0) & (month > done[parent]) & known[parent]
    parent, month, amount = parent[keep], month[keep], amount[keep]
    if len(amount) == 0:
        return DUE_SCHEMA.empty_table()
    acc = ids[parent]
    open_ids = accounts["account_id"].to_numpy().astype(np.int64)
    open_days = accounts["opened_on"].cast(pa.int32()).to_numpy().astype(np.int64)
    order = np.argsort(open_ids)
    opened = open_days[order][np.searchsorted(open_ids[order], acc)]
    first = jalali_year(from_epoch_day(int(opened.min())))
    last_year = jalali_year(from_epoch_day(int(opened.max()))) + int(month.max()) // 12 + 2
    days = DayTable.build(min(1380, first), max(1450, last_year))
    credited = days.month_start(days.u_of(opened), month + 1)
    return pa.table(
        {
            "account_id": pa.array(acc, pa.int64()),
            "number": pa.array([numbers[a] for a in acc.tolist()], pa.string()),
            "month": pa.array(month, pa.int64()),
            "credited_on": pa.array(credited.astype(np.int32), pa.int32()).cast(pa.date32()),
            "profit_rial": pa.array(amount, pa.int64()),
        },
        schema=DUE_SCHEMA,
    )


def due_profits(engine: Engine, run: Path, part: int) -> list[DueProfit]:
    """``due_table`` as one record per account month (the row-by-row path)."""
    return [DueProfit(**row) for row in due_table(engine, run, part).to_pylist()]


def post_profits(engine: Engine, staged: pa.Table) -> bulk.Posted:
    """Post staged savings profit (the columns of ``bulk.PROFIT_STAGE``) in one
    transaction: claimed where the request id is free and the account open, the accounts'
    balances raised by their claimed sums, one entry each. A request id taken by a
    concurrent writer after the claim (the insert refused by the unique index, or the
    entry found there by ``post_staged``) rolls the transaction back and runs it again."""
    for _ in range(ATTEMPTS):
        try:
            with engine.begin() as conn:
                bulk.stage(conn, "stage_profits", bulk.PROFIT_STAGE, staged)
                claimed = bulk.claim_profits(conn, "stage_profits")
                done = bulk.post_staged(conn, "stage_profits", kind=None, on=None, memo=None)
                if done.posted != claimed:
                    raise ProfitConflict(f"{claimed - done.posted} request ids taken meanwhile")
                return done
        except IntegrityError as exc:
            if "request_id" not in str(exc.orig):
                raise
        except ProfitConflict:
            pass
    raise RunError(
        "batch.profit_contended",
        "سود سپرده‌ها به دلیل ثبت هم‌زمان ثبت نشد؛ دوباره اجرا کنید.",
        "Savings profit could not be posted: other postings kept taking the same request "
        "ids; run the write-back again.",
    )
