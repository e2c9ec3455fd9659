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
* Employment loans (migration 0005) the same way: ``month_end_employment_loans`` per
  employment partition, and their charges with ``employment.accrue``'s request ids
  (``emp-penalty:{instalment}:{date}``) against ``EMP:{id}:PENALTY``, moving
  ``employment_instalments.penalty_accrued`` under the same conditional update.
* ``month_end_runs`` gets one row per as-of date with the totals and the digest of the
  Parquet outputs.

Progress is recorded per partition in ``done/NNNNN.db.json`` so a restart resumes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq  # type: ignore[import-untyped]
from sqlalchemy import Table, and_, delete, func, insert, select, update

from tashilat.adapters.batch import layout
from tashilat.adapters.batch.runner import Progress, RunError, read_manifest
from tashilat.adapters.db.batch_models import (
    MonthEndAccount,
    MonthEndEmploymentLoan,
    MonthEndLoan,
    MonthEndRun,
)
from tashilat.adapters.db.models import EmploymentInstalment, JournalEntryRow, LoanInstalment
from tashilat.bootstrap import Container
from tashilat.domain.ledger import transfer
from tashilat.services import employment, ledger
from tashilat.services.loans import penalty_code

ACCOUNTS: Table = MonthEndAccount.__table__  # type: ignore[assignment]
LOANS: Table = MonthEndLoan.__table__  # type: ignore[assignment]
RUNS: Table = MonthEndRun.__table__  # type: ignore[assignment]
INST: Table = LoanInstalment.__table__  # type: ignore[assignment]
EMP_LOANS: Table = MonthEndEmploymentLoan.__table__  # type: ignore[assignment]
EMP_INST: Table = EmploymentInstalment.__table__  # type: ignore[assignment]
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

EMP_LOAN_COLUMNS = ("application_id", *LOAN_COLUMNS[2:])


@dataclass(frozen=True)
class WriteBack:
    accounts: int
    loans: int
    penalties_posted: int
    penalty_posted_rial: int
    penalties_skipped: int
    partitions_skipped: int
    employment_loans: int = 0
    employment_penalties_posted: int = 0
    employment_penalty_posted_rial: int = 0
    employment_penalties_skipped: int = 0


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


def _write_employment(c: Container, run: Path, part: int, as_of: date) -> int:
    rows = _rows(layout.output_path(run, "emp_loans", part), EMP_LOAN_COLUMNS, as_of)
    if not rows:
        return 0
    ids = [r["application_id"] for r in rows]
    with c.engine.begin() as conn:
        conn.execute(
            delete(EMP_LOANS).where(
                EMP_LOANS.c.as_of == as_of,
                EMP_LOANS.c.application_id >= min(ids),
                EMP_LOANS.c.application_id <= max(ids),
            )
        )
        for i in range(0, len(rows), CHUNK):
            conn.execute(insert(EMP_LOANS), rows[i : i + CHUNK])
    return len(rows)


def _post_penalties(
    c: Container, run: Path, part: int, as_of: date, *, employment_loans: bool = False
) -> tuple[int, int, int]:
    """Post the partition's late charges; returns (posted, rial, skipped)."""
    receivable: Callable[[int], str] = penalty_code
    kind, inst, owner = "penalties", INST, "loan_id"
    if employment_loans:
        kind, inst, owner = "emp_penalties", EMP_INST, "application_id"
        receivable = employment.penalty_code
    rows = pq.read_table(layout.output_path(run, kind, part)).to_pylist()
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
                    update(inst)
                    .where(
                        and_(
                            inst.c.id == r["instalment_id"],
                            inst.c.penalty_accrued == r["expected_accrued_rial"],
                            inst.c.paid_principal == r["paid_principal"],
                            inst.c.paid_profit == r["paid_profit"],
                            inst.c.paid_on.is_(None),
                        )
                    )
                    .values(
                        penalty_accrued=r["target_rial"],
                        penalty_from=func.coalesce(inst.c.penalty_from, inst.c.due),
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
                        debit=receivable(r[owner]),
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


def _digest(run: Path, n: int, n_emp: int, stats: bool) -> str:
    h = hashlib.sha256()
    for part in range(n):
        rec = layout.read_json(layout.done_path(run, part))
        for kind in layout.OUTPUTS:
            h.update(f"{part}:{kind}:{rec['files'][kind]['sha256']}\n".encode())
    for part in range(n_emp):
        rec = layout.read_json(layout.emp_done_path(run, part))
        for kind in layout.EMP_OUTPUTS:
            h.update(f"emp-{part}:{kind}:{rec['files'][kind]['sha256']}\n".encode())
    if stats:
        rec = layout.read_json(layout.stats_done_path(run))
        for kind in layout.STAT_OUTPUTS:
            h.update(f"statistics:{kind}:{rec['files'][kind]['sha256']}\n".encode())
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
    n_emp = int(manifest.get("employment_partitions") or 0)
    e_loans = e_posted = e_rial = e_skipped = 0
    for part in range(n_emp):
        marker = run / "done" / f"emp-{part:05d}.db.json"
        rec = layout.try_read_json(marker)
        if not (rec and rec.get("database") == target):
            ln = _write_employment(c, run, part, as_of)
            p, r, s = (
                _post_penalties(c, run, part, as_of, employment_loans=True)
                if post_penalties
                else (0, 0, 0)
            )
            rec = {"database": target, "loans": ln, "posted": p, "posted_rial": r, "skipped": s}
            layout.write_json(marker, rec)
            if progress:
                progress(part, rec)
        else:
            parts_skipped += 1
        e_loans += rec["loans"]
        e_posted += rec["posted"]
        e_rial += rec["posted_rial"]
        e_skipped += rec["skipped"]
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
                "output_digest": _digest(run, n, n_emp, bool(manifest.get("statistics"))),
                "finished_at": datetime.now(UTC),
                "employment_loans": summary.get("employment_loans", 0),
                "employment_overdue_rial": summary.get("employment_overdue_rial", 0),
                "employment_penalties_posted": e_posted,
                "employment_penalty_posted_rial": e_rial,
            },
        )
    return WriteBack(
        n_acc,
        n_loans,
        posted,
        rial,
        skipped,
        parts_skipped,
        employment_loans=e_loans,
        employment_penalties_posted=e_posted,
        employment_penalty_posted_rial=e_rial,
        employment_penalties_skipped=e_skipped,
    )
