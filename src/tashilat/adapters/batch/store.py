"""The month-end's tables in the database: results per partition, the conditional move of
an instalment's late charge, and the run's totals row.

* ``month_end_accounts`` / ``month_end_loans`` / ``month_end_employment_loans``: per
  partition, one transaction deletes the partition's rows for the as-of date and inserts
  them again, so a rerun rewrites the same rows and never duplicates them.
* ``move_charge`` moves an instalment's ``penalty_accrued`` from the exported value to the
  new one only if the instalment is still exactly as exported; the caller posts the charge
  only when it moved.
* ``month_end_runs`` gets one row per as-of date with the totals and the digest of the
  Parquet outputs.

Nothing here knows the ledger or the loan services; the job that posts the charges
(``tashilat.jobs.writeback``) does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq  # type: ignore[import-untyped]
from sqlalchemy import Connection, Engine, Table, and_, delete, func, insert, select, update

from tashilat.adapters.batch import bulk, layout
from tashilat.adapters.db.batch_models import (
    MonthEndAccount,
    MonthEndEmploymentLoan,
    MonthEndLoan,
    MonthEndRun,
)
from tashilat.adapters.db.models import EmploymentInstalment, JournalEntryRow, LoanInstalment

ACCOUNTS: Table = MonthEndAccount.__table__  # type: ignore[assignment]
LOANS: Table = MonthEndLoan.__table__  # type: ignore[assignment]
RUNS: Table = MonthEndRun.__table__  # type: ignore[assignment]
INST: Table = LoanInstalment.__table__  # type: ignore[assignment]
EMP_LOANS: Table = MonthEndEmploymentLoan.__table__  # type: ignore[assignment]
EMP_INST: Table = EmploymentInstalment.__table__  # type: ignore[assignment]
ENTRIES: Table = JournalEntryRow.__table__  # type: ignore[assignment]
CHUNK = 5_000

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


def _rows(path: Path, columns: tuple[str, ...], as_of: date) -> list[dict[str, Any]]:
    table = pq.read_table(path, columns=list(columns))
    return [{"as_of": as_of, **row} for row in table.to_pylist()]


def write_results(engine: Engine, run: Path, part: int, as_of: date) -> tuple[int, int]:
    """Replace a partition's account and housing-loan results; returns (accounts, loans).
    PostgreSQL: COPY into a staging table and one set-based replace (``bulk``)."""
    if engine.dialect.name == "postgresql":
        acc = pq.read_table(
            layout.output_path(run, "accounts", part), columns=list(ACCOUNT_COLUMNS)
        )
        ln = pq.read_table(layout.output_path(run, "loans", part), columns=list(LOAN_COLUMNS))
        with engine.begin() as conn:
            a = bulk.replace_results(
                conn, "month_end_accounts", "account_id", ACCOUNT_COLUMNS, acc, as_of
            )
            b = bulk.replace_results(conn, "month_end_loans", "loan_id", LOAN_COLUMNS, ln, as_of)
        return a, b
    accounts = _rows(layout.output_path(run, "accounts", part), ACCOUNT_COLUMNS, as_of)
    loans = _rows(layout.output_path(run, "loans", part), LOAN_COLUMNS, as_of)
    with engine.begin() as conn:
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


def write_employment(engine: Engine, run: Path, part: int, as_of: date) -> int:
    """Replace an employment partition's loan results; returns how many rows."""
    if engine.dialect.name == "postgresql":
        data = pq.read_table(
            layout.output_path(run, "emp_loans", part), columns=list(EMP_LOAN_COLUMNS)
        )
        with engine.begin() as conn:
            return bulk.replace_results(
                conn, "month_end_employment_loans", "application_id", EMP_LOAN_COLUMNS, data, as_of
            )
    rows = _rows(layout.output_path(run, "emp_loans", part), EMP_LOAN_COLUMNS, as_of)
    if not rows:
        return 0
    ids = [r["application_id"] for r in rows]
    with engine.begin() as conn:
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


def charges(run: Path, part: int, *, employment_loans: bool = False) -> list[dict[str, Any]]:
    """A partition's late charges as computed by the run (one dict per instalment)."""
    kind = "emp_penalties" if employment_loans else "penalties"
    rows: list[dict[str, Any]] = pq.read_table(layout.output_path(run, kind, part)).to_pylist()
    return rows


def post_charges(
    engine: Engine,
    run: Path,
    part: int,
    as_of: date,
    *,
    receivable: Callable[[int], str],
    credit: str,
    employment_loans: bool = False,
) -> bulk.Posted:
    """Post a partition's late charges set-based, in one transaction: stage them, claim
    those whose instalment is still as exported (moving its accrued charge), post one
    entry each under its request id. A charge whose request id is taken is skipped."""
    kind = "emp_penalties" if employment_loans else "penalties"
    charges_ = pq.read_table(layout.output_path(run, kind, part))
    owner = "application_id" if employment_loans else "loan_id"
    staged = bulk.charge_stage(charges_, owner, receivable, credit)
    with engine.begin() as conn:
        bulk.stage(conn, "stage_charges", bulk.CHARGE_STAGE, staged)
        bulk.claim_charges(
            conn,
            "stage_charges",
            "employment_instalments" if employment_loans else "loan_instalments",
        )
        return bulk.post_staged(
            conn, "stage_charges", kind="loan.penalty", on=as_of, memo="month-end batch"
        )


def taken_request_ids(conn: Connection, request_ids: Iterable[str]) -> set[str]:
    """Those of ``request_ids`` that a journal entry already carries."""
    return set(
        conn.execute(
            select(ENTRIES.c.request_id).where(ENTRIES.c.request_id.in_(list(request_ids)))
        ).scalars()
    )


def move_charge(conn: Connection, charge: Mapping[str, Any], *, employment_loans: bool) -> bool:
    """Set the instalment's accrued late charge to the run's target if, and only if, it is
    still exactly as exported (same accrued charge, same payments, unpaid). False when it
    changed since the export or was charged already."""
    inst = EMP_INST if employment_loans else INST
    moved = conn.execute(
        update(inst)
        .where(
            and_(
                inst.c.id == charge["instalment_id"],
                inst.c.penalty_accrued == charge["expected_accrued_rial"],
                inst.c.paid_principal == charge["paid_principal"],
                inst.c.paid_profit == charge["paid_profit"],
                inst.c.paid_on.is_(None),
            )
        )
        .values(
            penalty_accrued=charge["target_rial"],
            penalty_from=func.coalesce(inst.c.penalty_from, inst.c.due),
        )
    ).rowcount
    return bool(moved == 1)


def digest(run: Path, n: int, n_emp: int, stats: bool) -> str:
    """One SHA-256 over the digests of every Parquet output of the run."""
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


def record_run(engine: Engine, row: Mapping[str, Any]) -> None:
    """Replace the ``month_end_runs`` row of ``row["as_of"]``."""
    with engine.begin() as conn:
        conn.execute(delete(RUNS).where(RUNS.c.as_of == row["as_of"]))
        conn.execute(insert(RUNS), dict(row))


def database_label(engine: Engine) -> str:
    """The database's URL without its password: which database a partition was written to."""
    return engine.url.render_as_string(hide_password=True)
