"""Savings profit in the month-end write-back, set-based against account by account.

On two copies of the same seeded book (SQLite and PostgreSQL), the set-based posting
(``profit_store.post_profits``) leaves the ledger and the accounts exactly as crediting each
account month through ``accounts.credit`` does: same entries, postings and balances; an
account closed since the export gets nothing; a month the day-end posted meanwhile is
skipped; a rerun posts nothing. On PostgreSQL, a concurrent writer taking a request id
between the claim and the insert makes the write-back redo its transaction, not fail.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pytest
from sqlalchemy import text

from tashilat.adapters.batch import export, profit_store, runner
from tashilat.bootstrap import Container
from tashilat.domain.jalali import parse_jalali
from tashilat.jobs import writeback
from tashilat.services import youth_profit
from tests.batch.test_copy_path import SNAPSHOT, twins  # noqa: F401
from tests.batch.test_database import AS_OF

PROFIT_SNAPSHOT = {
    **{k: SNAPSHOT[k] for k in ("entries", "postings")},
    "accounts": "SELECT id, number, status, balance FROM youth_accounts ORDER BY id",
    "ledger_accounts": "SELECT code, name, type FROM ledger_accounts ORDER BY code",
}
CLOSED = 1002  # a generated account closed after the export
EARLY = 1005  # a generated account whose first months the day-end credits after the export
EARLY_TO = parse_jalali("1398/05/26")  # its first account year (opened 1397/05/26)


def snapshot(c: Container) -> dict[str, list[Any]]:
    with c.engine.connect() as conn:
        return {k: [tuple(r) for r in conn.execute(text(q))] for k, q in PROFIT_SNAPSHOT.items()}


def profit_ids(c: Container, account_id: int) -> list[str]:
    with c.engine.connect() as conn:
        return list(
            conn.execute(
                text("SELECT request_id FROM journal_entries WHERE request_id LIKE :p"),
                {"p": f"yf-profit:{account_id}:%"},
            ).scalars()
        )


def balance(c: Container, account_id: int) -> int:
    with c.engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT balance FROM youth_accounts WHERE id = :i"), {"i": account_id}
            ).scalar_one()
        )


def exported(c: Container, run: Path) -> None:
    export.export(c.engine, run, as_of=AS_OF, policy=c.policy, partition_size=50)
    assert runner.run_partitions(run, c.policy).complete


def after_export(c: Container) -> int:
    """What happens between the export and the write-back: an account closes, and the
    day-end credits another account's months up to ``EARLY_TO``; returns how many."""
    with c.engine.begin() as conn:
        conn.execute(
            text("UPDATE youth_accounts SET status = 'closed' WHERE id = :i"), {"i": CLOSED}
        )
    uow = c.uow()
    with uow:
        acc = uow.accounts.get(EARLY)
        assert acc is not None
        n, _ = youth_profit.post_account(uow, c.policy, acc, EARLY_TO, user_id=None)
        uow.commit()
    return n


def test_a_staged_row_is_the_entry_the_service_would_post() -> None:
    due = pa.table(
        {
            "account_id": [7],
            "number": ["1403-0101-0000007"],
            "month": [12],
            "credited_on": [parse_jalali("1404/01/15")],
            "profit_rial": [125_000],
        },
        schema=profit_store.DUE_SCHEMA,
    )
    assert writeback.profit_stage(due).to_pylist() == [
        {
            "request_id": "yf-profit:7:0012",
            "debit_code": "EXPENSE:SAVINGS_PROFIT",
            "credit_code": "YF:1403-0101-0000007",
            "amount": 125_000,
            "account_id": 7,
            "kind": "youth.profit",
            "business_date": parse_jalali("1404/01/15"),
            "memo": "profit of account month 12",
        }
    ]
    entry = youth_profit.entry_for(7, "1403-0101-0000007", 12, parse_jalali("1404/01/15"), 125_000)
    assert (entry.request_id, entry.kind, entry.memo) == (
        "yf-profit:7:0012",
        "youth.profit",
        "profit of account month 12",
    )
    assert [(p.account, p.amount) for p in entry.postings] == [
        ("EXPENSE:SAVINGS_PROFIT", 125_000),
        ("YF:1403-0101-0000007", -125_000),
    ]


def test_set_based_profit_equals_crediting_one_by_one(
    twins: tuple[Container, Container],  # noqa: F811
    tmp_path: Path,
) -> None:
    old, new = twins
    ran = []
    for c, fast in ((old, False), (new, True)):
        run = tmp_path / ("new" if fast else "old")
        exported(c, run)
        due = profit_store.due_table(c.engine, run, 0)
        if fast:
            assert due.num_rows == 2819
            # the first due months of the first generated account (opened 1397/01/04)
            assert due.slice(0, 2).to_pylist() == [
                {
                    "account_id": 1001,
                    "number": "GEN-00001001",
                    "month": 1,
                    "credited_on": parse_jalali("1397/02/04"),
                    "profit_rial": 1583,
                },
                {
                    "account_id": 1001,
                    "number": "GEN-00001001",
                    "month": 2,
                    "credited_on": parse_jalali("1397/03/04"),
                    "profit_rial": 1589,
                },
            ]
        assert after_export(c) == 12
        closed_balance = balance(c, CLOSED)
        ran.append(writeback.write_back(c, run, set_based=fast))
        assert profit_ids(c, CLOSED) == []
        assert balance(c, CLOSED) == closed_balance
        ids = profit_ids(c, EARLY)
        assert len(ids) == len(set(ids)) == 79
    assert ran[0] == ran[1]
    assert (ran[1].profits_posted, ran[1].profit_posted_rial) == (4289, 644_204_392)
    assert snapshot(old) == snapshot(new)

    # a rerun from scratch finds every request id taken and posts nothing
    before = snapshot(new)
    for marker in (tmp_path / "new" / "done").glob("*.db.json"):
        marker.unlink()
    redo = writeback.write_back(new, tmp_path / "new")
    assert (redo.profits_posted, redo.profit_posted_rial) == (0, 0)
    assert snapshot(new) == before


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("how", "waits_on"),
    [
        # the day-end's way: the account locked first, so the write-back waits on the lock
        # and then finds the id taken when it claims
        ("credit", "SELECT a.id FROM youth_accounts%"),
        # an entry under the same id without the account's lock: the write-back claims it,
        # its insert waits on the unique index and is refused, and it claims again
        ("bare", "INSERT INTO journal_entries%"),
    ],
)
def test_a_month_posted_concurrently_is_skipped_not_a_crash(
    twins: tuple[Container, Container],  # noqa: F811
    tmp_path: Path,
    how: str,
    waits_on: str,
) -> None:
    _, c = twins
    if c.engine.dialect.name != "postgresql":
        pytest.skip("the race needs PostgreSQL's row locks")
    run = tmp_path / "run"
    exported(c, run)
    due = profit_store.due_table(c.engine, run, 0)
    first = due.slice(0, 1).to_pylist()[0]
    rid = youth_profit.request_id(first["account_id"], first["month"])
    entry = youth_profit.entry_for(
        first["account_id"], first["number"], first["month"], first["credited_on"], 1
    )
    out: list[Any] = []
    worker = threading.Thread(
        target=lambda: out.append(profit_store.post_profits(c.engine, writeback.profit_stage(due)))
    )
    other = c.uow()
    with other:
        # not committed yet: the write-back cannot see it
        if how == "credit":
            assert other.accounts.credit(account_id=first["account_id"], entry=entry, user_id=None)
        else:
            other.ledger.post(entry, user_id=None)
        worker.start()
        deadline = time.monotonic() + 30
        waiting = 0
        with c.engine.connect() as conn:
            while not waiting and time.monotonic() < deadline:
                time.sleep(0.05)
                waiting = conn.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                        "current_database() AND wait_event_type = 'Lock' AND query LIKE :q"
                    ),
                    {"q": waits_on},
                ).scalar_one()
                conn.rollback()  # the activity view is a snapshot per transaction
        other.commit()
    worker.join(60)
    assert waiting == 1
    assert out and (out[0].posted, out[0].skipped) == (2818, 1)
    with c.engine.connect() as conn:
        amounts = conn.execute(
            text(
                "SELECT p.amount FROM postings p JOIN journal_entries j ON j.id = p.entry_id "
                "WHERE j.request_id = :r ORDER BY p.amount"
            ),
            {"r": rid},
        ).scalars()
        assert list(amounts) == [-1, 1]  # the other writer's entry, posted once
