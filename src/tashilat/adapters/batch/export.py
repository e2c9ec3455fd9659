"""Database → Arrow/Parquet input partitions (SQLAlchemy Core, streamed; never the ORM).

Open youth-fund accounts opened on or before the as-of date are cut, in id order, into
partitions of ``partition_size`` accounts. For each partition three more queries fetch, by
the partition's id range, the accounts' movements before the as-of date (the postings on
their ``YF:`` ledger accounts, sign flipped to the customer's view, sorted by account, day
and entry), their disbursed loans and those loans' instalments due by the as-of date. A
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
from sqlalchemy import Engine, Table, and_, select

from tashilat.adapters.batch import layout
from tashilat.adapters.batch.calendar import epoch_day
from tashilat.adapters.batch.runner import RunError, check_same_run, new_manifest
from tashilat.adapters.db.models import (
    JournalEntryRow,
    Loan,
    LoanInstalment,
    PostingRow,
    YouthAccount,
)
from tashilat.domain.decision import PolicyReader

ACC: Table = YouthAccount.__table__  # type: ignore[assignment]
ENT: Table = JournalEntryRow.__table__  # type: ignore[assignment]
POS: Table = PostingRow.__table__  # type: ignore[assignment]
LOAN: Table = Loan.__table__  # type: ignore[assignment]
INST: Table = LoanInstalment.__table__  # type: ignore[assignment]
_A, _J, _P, _L, _I = ACC.c, ENT.c, POS.c, LOAN.c, INST.c
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
        .order_by(_A.id, _J.business_date, _J.id)
    )
    loan_range = [_L.account_id >= lo] + ([_L.account_id <= hi] if hi is not None else [])
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
    cols: list[Sequence[Any]] = list(zip(*insts, strict=True)) if insts else [()] * 14
    tables["instalments"] = pa.table(
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
        schema=layout.INSTALMENTS_IN,
    )
    for kind, table in tables.items():
        layout.write_table(layout.input_path(run, kind, part), table)
    return {
        "accounts": len(ids),
        "events": len(ev_acc),
        "loans": len(loans),
        "instalments": len(insts),
    }


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
    manifest = new_manifest(
        as_of=as_of,
        policy=policy,
        source=str(engine.url.render_as_string(hide_password=True)),
        partition_size=partition_size,
        partitions=len(firsts),
        account_firsts=firsts,
        open_days=sorted(open_days),
        accounts=n,
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
    manifest["exported"] = True
    layout.write_json(run / "manifest.json", manifest)
    return manifest
