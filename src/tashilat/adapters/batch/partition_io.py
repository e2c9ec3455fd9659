"""Reading one input partition into the kernels' arrays and turning their results into
Arrow tables (docs/batch.md): dates as ``date32``, absent values masked, integer rials.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from tashilat.adapters.batch import layout
from tashilat.adapters.batch.kernel import (
    NO_DAY,
    OUTCOMES,
    PRIVILEGE_USED,
    AccountResults,
    Accounts,
    LoanResults,
    Loans,
)

# -- reading and writing one partition --------------------------------------------------------


def _np(col: pa.ChunkedArray | pa.Array, dtype: Any) -> Any:
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    if pa.types.is_date32(arr.type):
        arr = arr.view(pa.int32())
    return arr.to_numpy(zero_copy_only=False).astype(dtype, copy=False)


def _max_abs_from_stats(path: Path, column: str) -> int | None:
    md = pq.ParquetFile(path).metadata
    lo = hi = 0
    for rg in range(md.num_row_groups):
        col = md.row_group(rg).column(md.schema.names.index(column))
        st = col.statistics
        if st is None or not st.has_min_max:
            return None
        lo, hi = min(lo, int(st.min)), max(hi, int(st.max))
    return max(-lo, hi)


def read_accounts(run: Path, part: int) -> Accounts:
    acc = pq.read_table(layout.input_path(run, "accounts", part))
    epath = layout.input_path(run, "events", part)
    ev = pq.read_table(epath, columns=["on", "amount"])
    used = acc["privilege_used_on"]
    return Accounts(
        account_id=_np(acc["account_id"], np.int64),
        open_day=_np(acc["opened_on"], np.int32),
        tier=_np(acc["tier"], np.int8),
        n_events=_np(acc["n_events"], np.int32),
        day=_np(ev["on"], np.int32),
        amount=_np(ev["amount"], np.int64),
        max_abs_amount=_max_abs_from_stats(epath, "amount") if ev.num_rows else 0,
        privilege_day=_np(pc.fill_null(used.cast(pa.int32()), NO_DAY), np.int32)
        if used.null_count < len(used)
        else None,
    )


def read_loans(run: Path, part: int, *, employment: bool = False) -> Loans:
    """A partition's loans; ``employment``: the employment partition ``part`` (keyed by
    application id, which stands in for both loan and account id)."""
    if employment:
        ln = pq.read_table(layout.input_path(run, "emp_loans", part))
        ln = ln.append_column("loan_id", ln["application_id"]).append_column(
            "account_id", ln["application_id"]
        )
        it = pq.read_table(layout.input_path(run, "emp_instalments", part))
    else:
        ln = pq.read_table(layout.input_path(run, "loans", part))
        it = pq.read_table(layout.input_path(run, "instalments", part))

    def days_or_minus(col: pa.ChunkedArray) -> Any:
        return _np(pc.fill_null(col.cast(pa.int32()), -1), np.int32)

    return Loans(
        loan_id=_np(ln["loan_id"], np.int64),
        account_id=_np(ln["account_id"], np.int64),
        rate_e4=_np(ln["rate_e4"], np.int64),
        n_instalments=_np(ln["n_instalments"], np.int32),
        i_id=_np(it["instalment_id"], np.int64),
        i_number=_np(it["number"], np.int32),
        i_due=_np(it["due"], np.int32),
        i_amount=_np(it["amount"], np.int64),
        i_principal=_np(it["principal"], np.int64),
        i_profit=_np(it["profit"], np.int64),
        i_paid_principal=_np(it["paid_principal"], np.int64),
        i_paid_profit=_np(it["paid_profit"], np.int64),
        i_paid=_np(pc.is_valid(it["paid_on"]), np.bool_),
        i_penalty_accrued=_np(it["penalty_accrued"], np.int64),
        i_penalty_paid=_np(it["penalty_paid"], np.int64),
        i_penalty_prior=_np(it["penalty_prior"], np.int64),
        i_penalty_from=days_or_minus(it["penalty_from"]),
    )


def _date(days: Any) -> pa.Array:
    return pa.array(np.asarray(days, dtype=np.int32), type=pa.int32()).cast(pa.date32())


def _masked(values: Any, valid: Any) -> pa.Array:
    return pa.array(np.asarray(values, dtype=np.int64), type=pa.int64(), mask=~np.asarray(valid))


def account_tables(r: AccountResults) -> dict[str, pa.Table]:
    outcome = pa.DictionaryArray.from_arrays(
        pa.array(r.outcome, type=pa.int8()), pa.array(OUTCOMES, type=pa.string())
    ).cast(pa.string())
    has_m = r.completed_months > 0
    has_y = r.counted_years > 0
    accounts = pa.table(
        {
            "account_id": r.account_id,
            "opened_on": _date(r.open_day),
            "cohort": r.cohort,
            "tier": r.tier,
            "completed_months": r.completed_months,
            "completed_years": r.completed_years,
            "counted_years": r.counted_years,
            "balance_rial": r.balance,
            "profit_rial": r.profit,
            "structure_rial": _masked(r.structure, has_m),
            "average_rial": _masked(r.average, has_y),
            "reference_average_rial": _masked(r.reference, has_y),
            "cap_rial": r.cap,
            "entitlement_rial": r.entitlement,
            "outcome": outcome,
            "eligible_on": _date(r.eligible_on),
            "privilege_used_on": pa.array(
                np.asarray(r.privilege_used_on, dtype=np.int32),
                type=pa.int32(),
                mask=np.asarray(r.outcome) != PRIVILEGE_USED,
            ).cast(pa.date32()),
        }
    )
    years = pa.table(
        {
            "account_id": r.y_account,
            "year": r.y_year,
            "average_rial": r.y_average,
            "reference_average_rial": r.y_reference,
            "cap_rial": _masked(r.y_cap, r.y_eligible),
            "entitlement_rial": r.y_entitlement,
            "eligible": r.y_eligible,
        }
    )
    offsets = np.zeros(len(r.account_id) + 1, dtype=np.int32)
    np.cumsum(r.completed_months, out=offsets[1:])
    months = pa.table(
        {
            "account_id": r.account_id,
            "structures_rial": pa.ListArray.from_arrays(
                pa.array(offsets, type=pa.int32()), pa.array(r.m_structure, type=pa.int64())
            ),
            "profits_rial": pa.ListArray.from_arrays(
                pa.array(offsets, type=pa.int32()), pa.array(r.m_profit, type=pa.int64())
            ),
        }
    )
    return {"accounts": accounts, "years": years, "months": months}


def employment_tables(r: LoanResults, as_of: date) -> dict[str, pa.Table]:
    """The employment partition's outputs: one row per live loan, one per charge to post
    (request ids ``emp-penalty:{instalment}:{date}``, as ``employment.accrue`` posts)."""
    suffix = f":{as_of.isoformat()}"
    loans = pa.table(
        {
            "application_id": r.loan_id,
            "instalments_due": r.instalments_due,
            "due_rial": r.due,
            "paid_rial": r.paid,
            "overdue_instalments": r.overdue_instalments,
            "overdue_rial": r.overdue,
            "penalty_accrued_rial": r.penalty_accrued,
            "penalty_increment_rial": r.penalty_increment,
            "penalty_unpaid_rial": r.penalty_unpaid,
        }
    )
    penalties = pa.table(
        {
            "instalment_id": r.p_instalment,
            "application_id": r.p_loan,
            "due": _date(r.p_due),
            "increment_rial": r.p_increment,
            "target_rial": r.p_target,
            "expected_accrued_rial": r.p_expected,
            "paid_principal": r.p_paid_principal,
            "paid_profit": r.p_paid_profit,
            "request_id": pa.array(
                [f"emp-penalty:{i}{suffix}" for i in r.p_instalment.tolist()], type=pa.string()
            ),
        }
    )
    return {"emp_loans": loans, "emp_penalties": penalties}


def loan_tables(r: LoanResults, as_of: date) -> dict[str, pa.Table]:
    loans = pa.table(
        {
            "loan_id": r.loan_id,
            "account_id": r.account_id,
            "instalments_due": r.instalments_due,
            "due_rial": r.due,
            "paid_rial": r.paid,
            "overdue_instalments": r.overdue_instalments,
            "overdue_rial": r.overdue,
            "penalty_accrued_rial": r.penalty_accrued,
            "penalty_increment_rial": r.penalty_increment,
            "penalty_unpaid_rial": r.penalty_unpaid,
        }
    )
    suffix = f":{as_of.isoformat()}"
    penalties = pa.table(
        {
            "instalment_id": r.p_instalment,
            "loan_id": r.p_loan,
            "due": _date(r.p_due),
            "increment_rial": r.p_increment,
            "target_rial": r.p_target,
            "expected_accrued_rial": r.p_expected,
            "paid_principal": r.p_paid_principal,
            "paid_profit": r.p_paid_profit,
            "request_id": pa.array(
                [f"penalty:{i}{suffix}" for i in r.p_instalment.tolist()], type=pa.string()
            ),
        }
    )
    return {"loans": loans, "penalties": penalties}
