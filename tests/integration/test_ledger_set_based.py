"""The bulk path's ledger checks on PostgreSQL (migration 0010,
docs/adr/0010-set-based-ledger-checks.md): entries posted set-based balance; the per-row
balance triggers are back on for the rest of the transaction and for every transaction that
does not step them aside; the set-based check refuses what the triggers refuse."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pyarrow as pa  # type: ignore[import-untyped]
import pytest
from sqlalchemy import Connection, exc, text

from tashilat.adapters.batch import bulk
from tashilat.bootstrap import Container

ON = date(2024, 4, 1)


def _stage(conn: Connection, amounts: list[int]) -> None:
    bulk.stage(
        conn,
        "stage_test",
        bulk.POSTING_STAGE,
        pa.table(
            {
                "request_id": [f"bulk-test:{k}" for k in range(len(amounts))],
                "debit_code": ["BULK:A"] * len(amounts),
                "credit_code": [f"BULK:B{k % 2}" for k in range(len(amounts))],
                "amount": pa.array(amounts, pa.int64()),
                "ok": pa.array([1] * len(amounts), pa.int32()),
            }
        ),
    )


def _entry(conn: Connection, request_id: str, legs: list[int]) -> int:
    entry_id = conn.execute(
        text(
            "INSERT INTO journal_entries (request_id, kind, business_date, memo, created_at) "
            "VALUES (:r, 'test', :on, '', :now) RETURNING id"
        ),
        {"r": request_id, "on": ON, "now": datetime.now(UTC)},
    ).scalar_one()
    account = conn.execute(text("SELECT id FROM ledger_accounts ORDER BY id LIMIT 1")).scalar_one()
    for amount in legs:
        conn.execute(
            text("INSERT INTO postings (entry_id, ledger_account_id, amount) VALUES (:e, :a, :m)"),
            {"e": entry_id, "a": account, "m": amount},
        )
    return int(entry_id)


def _sums(c: Container) -> list[tuple[str, int]]:
    with c.engine.connect() as conn:
        return [
            (r[0], int(r[1]))
            for r in conn.execute(
                text(
                    "SELECT la.code, SUM(p.amount) FROM postings p JOIN ledger_accounts la "
                    "ON la.id = p.ledger_account_id WHERE la.code LIKE 'BULK:%' "
                    "GROUP BY la.code ORDER BY la.code"
                )
            )
        ]


@pytest.mark.postgres
def test_set_based_entries_balance_and_the_row_checks_come_back(pg_container: Container) -> None:
    c = pg_container
    with c.engine.begin() as conn:
        _stage(conn, [700, 300, 50])
        posted = bulk.post_staged(conn, "stage_test", kind="test", on=ON, memo="test")
        assert (posted.posted, posted.rial, posted.skipped) == (3, 1050, 0)
        assert (
            conn.execute(
                text("SELECT current_setting('tashilat.ledger_checks', true)")
            ).scalar_one()
            == ""
        )
    assert _sums(c) == [("BULK:A", 1050), ("BULK:B0", -750), ("BULK:B1", -300)]
    # later in a transaction that posted set-based, an unbalanced entry is still refused at
    # commit by the per-row trigger, and the whole transaction with it
    with pytest.raises(exc.IntegrityError, match="does not balance"), c.engine.begin() as conn:
        _stage(conn, [5])
        bulk.post_staged(conn, "stage_test", kind="test", on=ON, memo="test")
        _entry(conn, "bulk-test:unbalanced", [100, -99])
    assert _sums(c) == [("BULK:A", 1050), ("BULK:B0", -750), ("BULK:B1", -300)]
    # a rerun of the same staged rows posts nothing
    with c.engine.begin() as conn:
        _stage(conn, [700, 300, 50])
        again = bulk.post_staged(conn, "stage_test", kind="test", on=ON, memo="test")
    assert (again.posted, again.skipped) == (0, 3)


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("legs", "reason"),
    [([100, -99], "do not balance"), ([100], "do not balance"), ([], "have no postings")],
)
def test_the_set_based_check_refuses_what_the_triggers_refuse(
    pg_container: Container, legs: list[int], reason: str
) -> None:
    with pg_container.engine.connect() as conn, conn.begin():
        conn.execute(text("SELECT set_config('tashilat.ledger_checks', 'set-based', true)"))
        good = _entry(conn, "bulk-test:good", [40, -40])
        bad = _entry(conn, "bulk-test:bad", legs)
        bulk.check_entries(conn, good, good)  # the balanced one alone passes
        with pytest.raises(bulk.LedgerMismatch, match=reason):
            bulk.check_entries(conn, good, bad)
