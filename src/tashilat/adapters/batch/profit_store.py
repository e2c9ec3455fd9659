"""A month-end's savings profit against the database: which account months are still to
post.

The run's ``months-NNNNN.parquet`` holds every completed account month's profit
(``profits_rial``); the ledger holds what was posted, one entry per account month with
request id ``yf-profit:{account id}:{month:04d}`` (``services.youth_profit``). Entries are
posted in month order, so the greatest request id of an account names its last posted month
and only the months after it are candidates: one grouped query per partition, not one
look-up per account month. Nothing here posts; ``jobs.writeback`` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq  # type: ignore[import-untyped]
from sqlalchemy import Engine, Table, func, select

from tashilat.adapters.batch import layout
from tashilat.adapters.db.models import JournalEntryRow, PostingRow, YouthAccount
from tashilat.domain.jalali import account_month_start
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


def due_profits(engine: Engine, run: Path, part: int) -> list[DueProfit]:
    """The partition's positive account-month profits after each account's last posted
    month, in account then month order."""
    months = pq.read_table(
        layout.output_path(run, "months", part), columns=["account_id", "profits_rial"]
    ).to_pylist()
    if not months:
        return []
    accounts = pq.read_table(
        layout.output_path(run, "accounts", part), columns=["account_id", "opened_on"]
    ).to_pydict()
    opened = dict(zip(accounts["account_id"], accounts["opened_on"], strict=True))
    lo, hi = months[0]["account_id"], months[-1]["account_id"]
    with engine.connect() as conn:
        numbers = dict(
            conn.execute(select(ACC.c.id, ACC.c.number).where(ACC.c.id.between(lo, hi))).all()
        )
        last = dict(
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
    out: list[DueProfit] = []
    for row in months:
        acc = row["account_id"]
        done = int(str(last[acc]).rsplit(":", 1)[1]) if acc in last else 0
        for month, amount in enumerate(row["profits_rial"][done:], start=done + 1):
            if amount > 0 and acc in numbers:
                out.append(
                    DueProfit(
                        acc,
                        numbers[acc],
                        month,
                        account_month_start(opened[acc], month + 1),
                        amount,
                    )
                )
    return out
