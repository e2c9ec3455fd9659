"""The synthetic book into a database, through the import's load path.

Accounts and their movements go through ``onboard.BookStore`` exactly as ``tashilat
import`` loads a bank's files (staged by COPY on PostgreSQL, set-based inserts, balanced
entries under request ids from the book's keys), one partition per transaction; the
generator's ids are kept (loans refer to them). Loans, their disbursement entries and
instalments follow row by row (the import has no loan files yet).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
from sqlalchemy import Connection, insert, select, text

from tashilat.adapters.batch.calendar import from_epoch_day
from tashilat.adapters.batch.generate import Generator, Partition, Spec
from tashilat.adapters.batch.onboard import SETTLEMENT, BookStore
from tashilat.adapters.db.engine import make_engine
from tashilat.adapters.db.models import (
    Branch,
    JournalEntryRow,
    LedgerAccount,
    Loan,
    LoanInstalment,
    PostingRow,
    User,
    YouthAccount,
)
from tashilat.domain.decision import PolicyReader
from tashilat.domain.jalali import jalali_year

NOW = datetime(2025, 1, 1, tzinfo=UTC)
BRANCH = "GEN"


def national_ids(ids: np.ndarray) -> pa.Array:
    """A valid national ID per id: the id as nine digits and its check digit."""
    base = ids.astype(np.int64)
    total = np.zeros(len(base), dtype=np.int64)
    for i in range(9):
        total += (base // 10 ** (8 - i)) % 10 * (10 - i)
    r = total % 11
    check = np.where(r < 2, r, 11 - r)
    return pa.array([f"{b:09d}{c}" for b, c in zip(base.tolist(), check.tolist(), strict=True)])


def book_tables(gen: Generator, p: Partition, part: int) -> tuple[pa.Table, pa.Table]:
    """A partition as the import's staged accounts (each with its first movement as the
    opening entry, on that movement's day) and staged movements (the rest): the same
    postings, on the same days, as the generated movements."""
    n = len(p.account_id)
    ids = pa.array(p.account_id)
    numbers = pc.binary_join_element_wise(
        "GEN-", pc.utf8_lpad(pc.cast(ids, pa.string()), 8, "0"), ""
    )
    first = np.zeros(n, dtype=np.int64)
    np.cumsum(p.n_events[:-1], out=first[1:])
    opening = p.ev_amount[first]
    final = np.add.reduceat(p.ev_amount, first) if len(p.ev_amount) else np.zeros(n, np.int64)
    floors = gen.floors[gen.terms.piece_of(p.open_day)]
    days, inverse = np.unique(p.open_day, return_inverse=True)
    cohorts = np.array([jalali_year(from_epoch_day(int(d))) for d in days], dtype=np.int64)
    open_days = pa.array(p.open_day.astype(np.int32)).cast(pa.date32())
    yf = pc.binary_join_element_wise("YF:", numbers, "")
    accounts = pa.table(
        {
            "id": ids,
            "line": pa.array(np.arange(n, dtype=np.int64) + 2),
            "number": numbers,
            "national_id": national_ids(p.account_id),
            "name": pc.binary_join_element_wise("مشتری ", pc.cast(ids, pa.string()), ""),
            "birth_date": pa.array([datetime(1995, 1, 1).date()] * n, pa.date32()),
            "opened_on": open_days,
            # the first movement, usually the opening day's deposit (a saver may skip it)
            "business_date": pa.array(p.ev_day[first].astype(np.int32)).cast(pa.date32()),
            "cohort": cohorts[inverse],
            "city": pa.array(["تهران (Tehran)"] * n),
            "tier": p.tier.astype(np.int64),
            "branch": pa.array([BRANCH] * n),
            "min_balance": np.minimum(np.minimum(floors, opening), final),
            "request_id": pc.binary_join_element_wise("import:open:", numbers, ""),
            "debit_code": pa.array([SETTLEMENT] * n),
            "credit_code": yf,
            "amount": opening,
        }
    )
    rest = np.ones(len(p.ev_amount), dtype=bool)
    rest[first] = False
    row = np.repeat(np.arange(n), p.n_events)[rest]
    amount = p.ev_amount[rest]
    k = pa.array(np.flatnonzero(rest))
    mv_numbers = pc.take(numbers, pa.array(row))
    mv_yf = pc.take(yf, pa.array(row))
    deposit = pa.array(amount > 0)
    settle = pa.array([SETTLEMENT] * len(amount), pa.string())
    movements = pa.table(
        {
            "line": pa.array(np.arange(len(amount), dtype=np.int64) + 2),
            "number": mv_numbers,
            "business_date": pa.array(p.ev_day[rest].astype(np.int32)).cast(pa.date32()),
            "signed": amount,
            "kind": pc.if_else(deposit, "youth.deposit", "youth.withdraw"),
            "request_id": pc.binary_join_element_wise(
                "import",
                mv_numbers,
                pc.binary_join_element_wise(
                    f"g{gen.spec.seed}-{part}-", pc.cast(k, pa.string()), ""
                ),
                ":",
            ),
            "debit_code": pc.if_else(deposit, settle, mv_yf),
            "credit_code": pc.if_else(deposit, mv_yf, settle),
            "amount": np.abs(amount),
        }
    )
    return accounts, movements


def _setup(conn: Connection) -> tuple[int, int, int]:
    settle = conn.execute(
        select(LedgerAccount.id).where(LedgerAccount.code == SETTLEMENT)
    ).scalar_one()
    branch = conn.execute(select(Branch.id).where(Branch.code == BRANCH)).scalar()
    if branch is None:
        branch = conn.execute(
            insert(Branch).returning(Branch.id),
            {"code": BRANCH, "name_fa": "شعبه آزمایشی", "name_en": "Generated", "city": "تهران"},
        ).scalar_one()
    maker = conn.execute(select(User.id).where(User.username == "gen.maker")).scalar()
    if maker is None:
        maker = conn.execute(
            insert(User).returning(User.id),
            {
                "username": "gen.maker",
                "password_hash": "!",
                "role": "officer",
                "branch_id": branch,
                "active": False,
                "created_at": NOW,
            },
        ).scalar_one()
    return int(settle), int(branch), int(maker)


def _loans(
    conn: Connection, p: Partition, spec: Spec, policy: PolicyReader, ids: tuple[int, int, int]
) -> tuple[int, int]:
    """The partition's loans, their ledger accounts and disbursement entries, instalments."""
    settle, branch, maker = ids
    customer_of = dict(
        conn.execute(
            select(YouthAccount.id, YouthAccount.customer_id).where(
                YouthAccount.id.in_(sorted(set(p.loan_account.tolist())))
            )
        ).all()
    )
    n_inst = 0
    starts = np.concatenate([[0], np.cumsum(p.n_instalments)]).tolist()
    for li, (lid, acc_id, prin, term, disb) in enumerate(
        zip(
            p.loan_id.tolist(),
            p.loan_account.tolist(),
            p.loan_principal.tolist(),
            p.loan_months.tolist(),
            p.loan_disbursed.tolist(),
            strict=True,
        )
    ):
        on = from_epoch_day(disb)
        conn.execute(
            insert(Loan),
            {
                "id": lid,
                "account_id": acc_id,
                "customer_id": customer_of[acc_id],
                "branch_id": branch,
                "principal": prin,
                "rate_percent": Decimal("9"),
                "months": term,
                "method": "simple",
                "appraisal": prin * 2,
                "status": "disbursed",
                "requested_by": maker,
                "requested_on": on,
                "approved_by": None,
                "approved_on": on,
                "disbursed_on": on,
                "decision_note": "generated",
                "policy_hash": getattr(policy, "hash", ""),
            },
        )
        principal_la = conn.execute(
            insert(LedgerAccount).returning(LedgerAccount.id),
            [{"code": f"LOAN:{lid}:PRINCIPAL", "name": f"LOAN:{lid}:PRINCIPAL", "type": "asset"}],
        ).scalar_one()
        conn.execute(
            insert(LedgerAccount),
            {"code": f"LOAN:{lid}:PENALTY", "name": f"LOAN:{lid}:PENALTY", "type": "asset"},
        )
        entry = conn.execute(
            insert(JournalEntryRow).returning(JournalEntryRow.id),
            [
                {
                    "request_id": f"gen:{spec.seed}:disburse:{lid}",
                    "kind": "loan.disburse",
                    "business_date": on,
                    "memo": "",
                    "created_at": NOW,
                }
            ],
        ).scalar_one()
        conn.execute(
            insert(PostingRow),
            [
                {"entry_id": entry, "ledger_account_id": principal_la, "amount": prin},
                {"entry_id": entry, "ledger_account_id": settle, "amount": -prin},
            ],
        )
        inst = [
            {
                "id": int(p.i_id[r]),
                "loan_id": lid,
                "number": int(p.i_number[r]),
                "due": from_epoch_day(int(p.i_due[r])),
                "amount": int(p.i_amount[r]),
                "principal": int(p.i_principal[r]),
                "profit": int(p.i_profit[r]),
                "paid_principal": int(p.i_paid_principal[r]),
                "paid_profit": int(p.i_paid_profit[r]),
                "paid_on": None if p.i_paid_on[r] < 0 else from_epoch_day(int(p.i_paid_on[r])),
                "penalty_accrued": int(p.i_penalty_accrued[r]),
                "penalty_paid": int(p.i_penalty_paid[r]),
                "penalty_prior": int(p.i_penalty_prior[r]),
                "penalty_from": None
                if p.i_penalty_from[r] < 0
                else from_epoch_day(int(p.i_penalty_from[r])),
            }
            for r in range(starts[li], starts[li + 1])
        ]
        if inst:
            conn.execute(insert(LoanInstalment), inst)
        n_inst += len(inst)
    return len(p.loan_id), n_inst


def load_database(spec: Spec, policy: PolicyReader, url: str) -> dict[str, int]:
    """Insert the generated accounts, movements and loans into a migrated, initialised
    database (``bootstrap.init_database``): balanced journal entries on the accounts'
    ``YF:`` ledger accounts and ``BANK:SETTLEMENT``, as the services would post them.
    Account and loan ids are the generator's, so the database must hold none of them yet.
    Instalment repayments are loaded as instalment state only (no repayment entries)."""
    gen = Generator(spec, policy)
    engine = make_engine(url)
    store = BookStore(engine)
    counts = {"accounts": 0, "events": 0, "loans": 0, "instalments": 0}
    try:
        with engine.begin() as conn:
            ids = _setup(conn)
        for part in range(spec.partitions):
            p = gen.partition(part)
            accounts, movements = book_tables(gen, p, part)
            source = f"generated:{spec.seed}:{part}"
            store.load_account_table(accounts, source=source)
            store.load_movement_table(movements, source=source)
            with engine.begin() as conn:
                loans, inst = _loans(conn, p, spec, policy, ids)
            counts["accounts"] += accounts.num_rows
            counts["events"] += accounts.num_rows + movements.num_rows
            counts["loans"] += loans
            counts["instalments"] += inst
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                for table in ("youth_accounts", "loans", "loan_instalments"):
                    conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                        )
                    )
    finally:
        engine.dispose()
    return counts
