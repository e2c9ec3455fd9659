"""Results back into the database, and late-payment charges posted exactly once.

* ``month_end_accounts`` / ``month_end_loans`` (migration 0004): per partition, one
  transaction deletes the partition's rows for the as-of date and inserts them again, so a
  rerun rewrites the same rows and never duplicates them.
* Late charges go through the ledger service (``services.ledger.post``) with the very
  request ids the loan service uses (``penalty:{instalment}:{date}``), inside a unit of
  work that first moves the instalment's ``penalty_accrued`` from the exported value to
  the new one with a conditional update (the instalment must still be exactly as exported).
  A charge already posted — by an earlier run, or by ``loans.accrue_all`` when the business
  date moved — finds either its request id taken or the instalment already moved, and is
  skipped; nothing is ever posted twice.
* ``month_end_runs`` gets one row per as-of date with the totals and the digest of the
  Parquet outputs.

Progress is recorded per partition in ``done/NNNNN.db.json`` so a restart resumes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq  # type: ignore[import-untyped]
from sqlalchemy import Table, and_, delete, func, insert, select, update

from tashilat.adapters.batch import layout
from tashilat.adapters.batch.runner import Progress, RunError, read_manifest
from tashilat.adapters.db.batch_models import MonthEndAccount, MonthEndLoan, MonthEndRun
from tashilat.adapters.db.models import JournalEntryRow, LoanInstalment
from tashilat.bootstrap import Container
from tashilat.domain.ledger import transfer
from tashilat.services import ledger
from tashilat.services.loans import penalty_code

ACCOUNTS: Table = MonthEndAccount.__table__  # type: ignore[assignment]
LOANS: Table = MonthEndLoan.__table__  # type: ignore[assignment]
RUNS: Table = MonthEndRun.__table__  # type: ignore[assignment]
INST: Table = LoanInstalment.__table__  # type: ignore[assignment]
ENTRIES: Table = JournalEntryRow.__table__  # type: ignore[assignment]
CHUNK = 5_000
POST_CHUNK = 500

ACCOUNT_COLUMNS = (
    "account_id",
    "completed_months",
    "completed_years",
    "counted_years",
    "balance_rial",
    "structure_rial",
    "average_rial",
    "reference_average_rial",
    "cap_rial",
    "entitlement_rial",
    "outcome",
    "eligible_on",
)
LOAN_COLUMNS = (
    "loan_id",
    "account_id",
    "instalments_due",
    "due_rial",
    "paid_rial",
    "overdue_instalments",
    "overdue_rial",
    "penalty_accrued_rial",
    "penalty_increment_rial",
    "penalty_unpaid_rial",
)


@dataclass(frozen=True)
class WriteBack:
    accounts: int
    loans: int
    penalties_posted: int
    penalty_posted_rial: int
    penalties_skipped: int
    partitions_skipped: int


def _rows(path: Path, columns: tuple[str, ...], as_of: date) -> list[dict[str, Any]]:
    table = pq.read_table(path, columns=list(columns))
    return [{"as_of": as_of, **row} for row in table.to_pylist()]


def _write_results(c: Container, run: Path, part: int, as_of: date) -> tuple[int, int]:
    accounts = _rows(layout.output_path(run, "accounts", part), ACCOUNT_COLUMNS, as_of)
    loans = _rows(layout.output_path(run, "loans", part), LOAN_COLUMNS, as_of)
    with c.engine.begin() as conn:
        for table, rows, key in ((ACCOUNTS, accounts, "account_id"), (LOANS, loans, "loan_id")):
            if not rows:
                continue
            ids = [r[key] for r in rows]
            conn.execute(
                delete(table).where(
                    table.c.as_of == as_of,
                    table.c[key] >= min(ids),
                    table.c[key] <= max(ids),
                )
            )
            for i in range(0, len(rows), CHUNK):
                conn.execute(insert(table), rows[i : i + CHUNK])
    return len(accounts), len(loans)


def _post_penalties(c: Container, run: Path, part: int, as_of: date) -> tuple[int, int, int]:
    """Post the partition's late charges; returns (posted, rial, skipped)."""
    rows = pq.read_table(layout.output_path(run, "penalties", part)).to_pylist()
    posted = amount = skipped = 0
    for i in range(0, len(rows), POST_CHUNK):
        chunk = rows[i : i + POST_CHUNK]
        uow = c.uow()
        with uow:
            conn = uow.session.connection()
            taken = set(
                conn.execute(
                    select(ENTRIES.c.request_id).where(
                        ENTRIES.c.request_id.in_([r["request_id"] for r in chunk])
                    )
                ).scalars()
            )
            for r in chunk:
                if r["request_id"] in taken:
                    skipped += 1
                    continue
                moved = conn.execute(
                    update(INST)
                    .where(
                        and_(
                            INST.c.id == r["instalment_id"],
                            INST.c.penalty_accrued == r["expected_accrued_rial"],
                            INST.c.paid_principal == r["paid_principal"],
                            INST.c.paid_profit == r["paid_profit"],
                            INST.c.paid_on.is_(None),
                        )
                    )
                    .values(
                        penalty_accrued=r["target_rial"],
                        penalty_from=func.coalesce(INST.c.penalty_from, INST.c.due),
                    )
                ).rowcount
                if moved != 1:
                    skipped += 1  # changed since the export (or charged already)
                    continue
                ledger.post(
                    uow,
                    transfer(
                        r["request_id"],
                        "loan.penalty",
                        as_of,
                        debit=penalty_code(r["loan_id"]),
                        credit=ledger.PENALTY_INCOME,
                        amount=r["increment_rial"],
                        memo="month-end batch",
                    ),
                    user_id=None,
                )
                posted += 1
                amount += r["increment_rial"]
            uow.commit()
    return posted, amount, skipped


def _digest(run: Path, n: int) -> str:
    h = hashlib.sha256()
    for part in range(n):
        rec = layout.read_json(layout.done_path(run, part))
        for kind in layout.OUTPUTS:
            h.update(f"{part}:{kind}:{rec['files'][kind]['sha256']}\n".encode())
    return h.hexdigest()


def write_back(
    c: Container, run: Path, *, post_penalties: bool = True, progress: Progress | None = None
) -> WriteBack:
    """Write a finished run's results into ``c``'s database and post its late charges."""
    manifest = read_manifest(run)
    if not (run / "summary.json").exists():
        raise RunError(
            "batch.unfinished",
            "این اجرا هنوز کامل نشده است.",
            "This run has unfinished partitions; run it again first.",
        )
    if manifest["policy_hash"] != c.policy.hash:
        raise RunError(
            "batch.policy_changed",
            "سیاست‌ها پس از این اجرا تغییر کرده است.",
            "The policy differs from the one the run used.",
        )
    as_of = date.fromisoformat(manifest["as_of"])
    target = c.engine.url.render_as_string(hide_password=True)
    n = int(manifest["partitions"])
    n_acc = n_loans = posted = rial = skipped = parts_skipped = 0
    for part in range(n):
        marker = run / "done" / f"{part:05d}.db.json"
        rec = layout.try_read_json(marker)
        if rec and rec.get("database") == target:
            n_acc += rec["accounts"]
            n_loans += rec["loans"]
            posted += rec["posted"]
            rial += rec["posted_rial"]
            skipped += rec["skipped"]
            parts_skipped += 1
            continue
        a, ln = _write_results(c, run, part, as_of)
        p, r, s = _post_penalties(c, run, part, as_of) if post_penalties else (0, 0, 0)
        rec = {
            "database": target,
            "accounts": a,
            "loans": ln,
            "posted": p,
            "posted_rial": r,
            "skipped": s,
        }
        layout.write_json(marker, rec)
        n_acc, n_loans, posted, rial, skipped = (
            n_acc + a,
            n_loans + ln,
            posted + p,
            rial + r,
            skipped + s,
        )
        if progress:
            progress(part, rec)
    summary = layout.read_json(run / "summary.json")["totals"]
    with c.engine.begin() as conn:
        conn.execute(delete(RUNS).where(RUNS.c.as_of == as_of))
        conn.execute(
            insert(RUNS),
            {
                "as_of": as_of,
                "policy_hash": manifest["policy_hash"],
                "accounts": summary["accounts"],
                "eligible": summary["eligible"],
                "entitlement_rial": summary["entitlement_rial"],
                "loans": summary["loans"],
                "overdue_rial": summary["overdue_rial"],
                "penalties_posted": posted,
                "penalty_posted_rial": rial,
                "output_digest": _digest(run, n),
                "finished_at": datetime.now(UTC),
            },
        )
    return WriteBack(n_acc, n_loans, posted, rial, skipped, parts_skipped)
