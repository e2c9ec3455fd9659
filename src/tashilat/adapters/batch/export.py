"""Database → Arrow/Parquet input partitions (SQLAlchemy Core, streamed; never the ORM).

Open youth-fund accounts opened on or before the as-of date are cut, in id order, into
partitions of ``partition_size`` accounts. For each partition more queries fetch, by
the partition's id range, the accounts' movements before the as-of date (the postings on
their ``YF:`` ledger accounts, sign flipped to the customer's view, sorted by account, day
and entry), the day the first loan on each account was paid out (by the as-of date), their
disbursed loans and those loans' instalments due by the as-of date. A
partition is written atomically, so an interrupted export restarts where it stopped; the
manifest is marked ``exported`` only when every partition is in place.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
from sqlalchemy import Engine, Table, and_, func, select

from tashilat.adapters.batch import layout
from tashilat.adapters.batch.calendar import epoch_day
from tashilat.adapters.batch.runner import RunError, check_same_run, new_manifest
from tashilat.adapters.db.models import (
    Agency,
    AgentBank,
    Allocation,
    EmploymentApplication,
    EmploymentInstalment,
    JournalEntryRow,
    Loan,
    LoanInstalment,
    PostingRow,
    YouthAccount,
)
from tashilat.domain.decision import PolicyReader
from tashilat.domain.programs.employment import rules as employment_rules
from tashilat.domain.programs.youth_fund.profit import LEDGER_KIND as PROFIT_KIND

ACC: Table = YouthAccount.__table__  # type: ignore[assignment]
ENT: Table = JournalEntryRow.__table__  # type: ignore[assignment]
POS: Table = PostingRow.__table__  # type: ignore[assignment]
LOAN: Table = Loan.__table__  # type: ignore[assignment]
INST: Table = LoanInstalment.__table__  # type: ignore[assignment]
_A, _J, _P, _L, _I = ACC.c, ENT.c, POS.c, LOAN.c, INST.c
APP: Table = EmploymentApplication.__table__  # type: ignore[assignment]
EINST: Table = EmploymentInstalment.__table__  # type: ignore[assignment]
ALLOC: Table = Allocation.__table__  # type: ignore[assignment]
AGENCY: Table = Agency.__table__  # type: ignore[assignment]
BANK: Table = AgentBank.__table__  # type: ignore[assignment]
_E, _EI = APP.c, EINST.c
LIVE_STATES = ("disbursed", "repaying")  # what employment.accrue_all charges
PRIVILEGE_STATES = ("disbursed", "settled")  # youth-fund loans that used the privilege
STREAM = 50_000


def _accounts_query(as_of: date) -> Any:
    return (
        select(_A.id, _A.opened_on, _A.tier)
        .where(_A.status == "open", _A.opened_on <= as_of)
        .order_by(_A.id)
    )


def _rate_e4(rate: Any) -> int:
    value = Decimal(str(rate)) * 10_000
    if value != value.to_integral_value():
        raise RunError(
            "batch.rate_precision",
            "نرخ وام بیش از چهار رقم اعشار دارد.",
            "A loan rate has more than four decimals.",
        )
    return int(value)


def _date_col(values: Sequence[date | None]) -> pa.Array:
    return pa.array(values, type=pa.date32())


def export_partition(
    engine: Engine,
    run: Path,
    part: int,
    accounts: Sequence[Any],
    lo: int,
    hi: int | None,
    as_of: date,
) -> dict[str, int]:
    """Write one partition (accounts with ids in ``[lo, hi]``; ``hi=None``: no upper end)."""
    in_range = [_A.id >= lo] + ([_A.id <= hi] if hi is not None else [])
    ev_q = (
        select(_A.id, _J.business_date, _P.amount)
        .select_from(
            POS.join(ENT, _J.id == _P.entry_id).join(
                ACC, _A.ledger_account_id == _P.ledger_account_id
            )
        )
        .where(
            and_(*in_range), _A.status == "open", _A.opened_on <= as_of, _J.business_date < as_of
        )
        .where(_J.kind != PROFIT_KIND)  # the kernel computes the profit from the rest
        .order_by(_A.id, _J.business_date, _J.id)
    )
    loan_range = [_L.account_id >= lo] + ([_L.account_id <= hi] if hi is not None else [])
    # the first payout of a housing loan on each account: it consumes the privilege
    # (docs/rules.md §1.3); a settled loan used it as much as a running one
    used_q = (
        select(_L.account_id, func.min(_L.disbursed_on))
        .where(
            and_(*loan_range),
            _L.status.in_(PRIVILEGE_STATES),
            _L.disbursed_on.is_not(None),
            _L.disbursed_on <= as_of,
        )
        .group_by(_L.account_id)
        .order_by(_L.account_id)
    )
    loan_q = (
        select(_L.id, _L.account_id, _L.rate_percent)
        .where(and_(*loan_range), _L.status == "disbursed")
        .order_by(_L.account_id, _L.id)
    )
    inst_q = (
        select(
            _I.id,
            _I.loan_id,
            _I.number,
            _I.due,
            _I.amount,
            _I.principal,
            _I.profit,
            _I.paid_principal,
            _I.paid_profit,
            _I.paid_on,
            _I.penalty_accrued,
            _I.penalty_paid,
            _I.penalty_prior,
            _I.penalty_from,
        )
        .select_from(INST.join(LOAN, _L.id == _I.loan_id))
        .where(and_(*loan_range), _L.status == "disbursed", _I.due <= as_of)
        .order_by(_L.account_id, _L.id, _I.number)
    )
    ev_acc: list[int] = []
    ev_day: list[date] = []
    ev_amt: list[int] = []
    with engine.connect() as conn:
        for rows in (
            conn.execution_options(stream_results=True, yield_per=STREAM).execute(ev_q).partitions()
        ):
            for a, d, x in rows:
                ev_acc.append(a)
                ev_day.append(d)
                ev_amt.append(-x)
        loans = conn.execute(loan_q).all()
        used = {a: d for a, d in conn.execute(used_q)}
        insts = conn.execution_options(stream_results=True, yield_per=STREAM).execute(inst_q).all()
    ids = np.array([r[0] for r in accounts], dtype=np.int64)
    acc_ev = np.array(ev_acc, dtype=np.int64)
    n_events = np.searchsorted(acc_ev, ids, side="right") - np.searchsorted(acc_ev, ids)
    tables = {
        "accounts": pa.table(
            [
                ids,
                _date_col([r[1] for r in accounts]),
                np.array([r[2] for r in accounts], dtype=np.int8),
                n_events.astype(np.int32),
                _date_col([used.get(r[0]) for r in accounts]),
            ],
            schema=layout.ACCOUNTS_IN,
        ),
        "events": pa.table(
            [acc_ev, _date_col(ev_day), np.array(ev_amt, dtype=np.int64)],
            schema=layout.EVENTS_IN,
        ),
    }
    loan_ids = np.array([r[0] for r in loans], dtype=np.int64)
    inst_loan = np.array([r[1] for r in insts], dtype=np.int64)
    pos = {lid: i for i, lid in enumerate(loan_ids.tolist())}
    counts = np.bincount(
        np.array([pos[x] for x in inst_loan.tolist()], dtype=np.int64), minlength=len(loan_ids)
    )
    tables["loans"] = pa.table(
        [
            loan_ids,
            np.array([r[1] for r in loans], dtype=np.int64),
            np.array([_rate_e4(r[2]) for r in loans], dtype=np.int64),
            counts.astype(np.int32),
        ],
        schema=layout.LOANS_IN,
    )
    tables["instalments"] = _instalments_table(insts, layout.INSTALMENTS_IN)
    for kind, table in tables.items():
        layout.write_table(layout.input_path(run, kind, part), table)
    return {
        "accounts": len(ids),
        "events": len(ev_acc),
        "loans": len(loans),
        "instalments": len(insts),
    }


def _instalments_table(insts: Sequence[Any], schema: pa.Schema) -> pa.Table:
    cols: list[Sequence[Any]] = list(zip(*insts, strict=True)) if insts else [()] * 14
    return pa.table(
        [
            pa.array(cols[0], type=pa.int64()),
            pa.array(cols[1], type=pa.int64()),
            pa.array(cols[2], type=pa.int32()),
            _date_col(list(cols[3])),
            *[pa.array(cols[k], type=pa.int64()) for k in (4, 5, 6, 7, 8)],
            _date_col(list(cols[9])),
            *[pa.array(cols[k], type=pa.int64()) for k in (10, 11, 12)],
            _date_col(list(cols[13])),
        ],
        schema=schema,
    )


# -- employment loans (their own partitions, by application id) --------------------------------


def _live_apps_query() -> Any:
    return select(_E.id, _E.disbursed_on).where(_E.state.in_(LIVE_STATES)).order_by(_E.id)


def export_employment_partition(
    engine: Engine,
    run: Path,
    part: int,
    lo: int,
    hi: int | None,
    as_of: date,
    policy: PolicyReader,
) -> dict[str, int]:
    """Live employment loans with ids in ``[lo, hi]`` and their instalments due by
    ``as_of``. The rate is the fee in force at disbursement (as ``employment.accrue``)."""
    in_range = [_E.id >= lo] + ([_E.id <= hi] if hi is not None else [])
    inst_q = (
        select(
            _EI.id,
            _EI.application_id,
            _EI.number,
            _EI.due,
            _EI.amount,
            _EI.principal,
            _EI.profit,
            _EI.paid_principal,
            _EI.paid_profit,
            _EI.paid_on,
            _EI.penalty_accrued,
            _EI.penalty_paid,
            _EI.penalty_prior,
            _EI.penalty_from,
        )
        .select_from(EINST.join(APP, _E.id == _EI.application_id))
        .where(and_(*in_range), _E.state.in_(LIVE_STATES), _EI.due <= as_of)
        .order_by(_E.id, _EI.number)
    )
    with engine.connect() as conn:
        apps = conn.execute(_live_apps_query().where(and_(*in_range))).all()
        insts = conn.execution_options(stream_results=True, yield_per=STREAM).execute(inst_q).all()
    app_ids = np.array([r[0] for r in apps], dtype=np.int64)
    pos = {a: i for i, a in enumerate(app_ids.tolist())}
    counts = np.bincount(
        np.array([pos[r[1]] for r in insts], dtype=np.int64), minlength=len(app_ids)
    )
    fees: dict[date, int] = {}
    rates = []
    for _, disbursed_on in apps:
        on = disbursed_on or as_of
        if on not in fees:
            fees[on] = _rate_e4(employment_rules.terms(policy, on).fee_percent)
        rates.append(fees[on])
    tables = {
        "emp_loans": pa.table(
            [app_ids, np.array(rates, dtype=np.int64), counts.astype(np.int32)],
            schema=layout.EMP_LOANS_IN,
        ),
        "emp_instalments": _instalments_table(insts, layout.EMP_INSTALMENTS_IN),
    }
    for kind, table in tables.items():
        layout.write_table(layout.input_path(run, kind, part), table)
    return {"employment_loans": len(apps), "employment_instalments": len(insts)}


def export_statistics(engine: Engine, run: Path) -> dict[str, int]:
    """Allocations (agency × province × year) and every application's state, amount,
    agency, bank and dates: the input of the allocation and pipeline statistics."""
    ag, al, bk = AGENCY.c, ALLOC.c, BANK.c
    alloc_q = (
        select(
            ag.code,
            ag.name_fa,
            al.province,
            al.year,
            al.amount,
            al.reserved,
            al.posted,
            al.category_cap,
            al.category_reserved,
            al.category_posted,
            al.repeat_cap,
            al.repeat_reserved,
            al.repeat_posted,
        )
        .select_from(ALLOC.join(AGENCY, ag.id == al.agency_id))
        .order_by(ag.code, al.province, al.year)
    )
    app_q = (
        select(_E.id, _E.state, _E.amount, ag.code, bk.code, _E.submitted_on, _E.disbursed_on)
        .select_from(APP.join(AGENCY, ag.id == _E.agency_id).outerjoin(BANK, bk.id == _E.bank_id))
        .order_by(_E.id)
    )
    with engine.connect() as conn:
        allocs = conn.execute(alloc_q).all()
        apps = conn.execution_options(stream_results=True, yield_per=STREAM).execute(app_q).all()

    def table(rows: Sequence[Any], schema: pa.Schema) -> pa.Table:
        cols = list(zip(*rows, strict=True)) if rows else [()] * len(schema)
        return pa.table(
            [pa.array(list(c), type=f.type) for c, f in zip(cols, schema, strict=True)],
            schema=schema,
        )

    layout.write_table(
        layout.stat_input_path(run, "allocations"), table(allocs, layout.ALLOCATIONS_IN)
    )
    layout.write_table(
        layout.stat_input_path(run, "applications"), table(apps, layout.APPLICATIONS_IN)
    )
    return {"allocations": len(allocs), "applications": len(apps)}


def export(
    engine: Engine,
    run: Path,
    *,
    as_of: date,
    policy: PolicyReader,
    partition_size: int = 16384,
    progress: Any = None,
) -> dict[str, Any]:
    """Export the database at ``as_of`` into ``run/input`` and write the manifest."""
    manifest = check_same_run(run, as_of, policy)
    if manifest and manifest.get("exported"):
        return manifest
    run.mkdir(parents=True, exist_ok=True)
    layout.clean_temporaries(run)
    # partition boundaries first (ids only, streamed), so a restart cuts the same way
    firsts: list[int] = []
    open_days: set[int] = set()
    n = 0
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=STREAM).execute(
            _accounts_query(as_of)
        )
        for rows in result.partitions():
            for r in rows:
                if n % partition_size == 0:
                    firsts.append(int(r[0]))
                open_days.add(epoch_day(r[1]))
                n += 1
    if not firsts:
        firsts = [0]
    emp_firsts: list[int] = []
    with engine.connect() as conn:
        for k, r in enumerate(conn.execute(_live_apps_query())):
            if k % partition_size == 0:
                emp_firsts.append(int(r[0]))
    manifest = new_manifest(
        as_of=as_of,
        policy=policy,
        source=str(engine.url.render_as_string(hide_password=True)),
        partition_size=partition_size,
        partitions=len(firsts),
        account_firsts=firsts,
        open_days=sorted(open_days),
        accounts=n,
        employment_firsts=emp_firsts,
        employment_partitions=len(emp_firsts),
        statistics=True,
    )
    layout.write_json(run / "manifest.json", manifest)
    for part, lo in enumerate(firsts):
        hi = firsts[part + 1] - 1 if part + 1 < len(firsts) else None
        if part == 0:
            lo = 0  # loans of accounts before the first open account land here too
        if all(layout.input_path(run, k, part).exists() for k in layout.INPUTS):
            continue
        with engine.connect() as conn:
            q = _accounts_query(as_of).where(_A.id >= lo)
            if hi is not None:
                q = q.where(_A.id <= hi)
            accounts = conn.execute(q).all()
        counts = export_partition(engine, run, part, accounts, lo, hi, as_of)
        if progress:
            progress(part, counts)
    for part, lo in enumerate(emp_firsts):
        hi = emp_firsts[part + 1] - 1 if part + 1 < len(emp_firsts) else None
        if all(layout.input_path(run, k, part).exists() for k in layout.EMP_INPUTS):
            continue
        counts = export_employment_partition(
            engine, run, part, 0 if part == 0 else lo, hi, as_of, policy
        )
        if progress:
            progress(part, counts)
    if not all(layout.stat_input_path(run, k).exists() for k in layout.STAT_INPUTS):
        export_statistics(engine, run)
    manifest["exported"] = True
    layout.write_json(run / "manifest.json", manifest)
    return manifest
