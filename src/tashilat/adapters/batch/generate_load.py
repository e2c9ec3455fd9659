"""The synthetic book into a database, through the import's load path.

Accounts and their movements go through ``onboard.BookStore`` exactly as ``tashilat
import`` loads a bank's files (staged by COPY on PostgreSQL, set-based inserts, balanced
entries under request ids from the book's keys), one partition per transaction; the
generator's ids are kept (loans refer to them, and so do the month-end's test data).

A partition's loans then load in one transaction the way the loan import loads a file
(``onboard_loans.LoanStore.load_loans``, docs/onboarding.md, ADR 0008): the generator's
arrays become two Arrow tables (loans with their disbursements, instalments) staged by COPY
on PostgreSQL; the loans (each holder's customer joined from ``youth_accounts``), their two
receivables (``LOAN:{id}:PRINCIPAL``, ``LOAN:{id}:PENALTY``) and the instalments are each
written by one ``INSERT … SELECT``, and the disbursements (``loan.disburse``: principal
receivable debited, ``BANK:SETTLEMENT`` credited, under ``gen:{seed}:disburse:{id}``) by
``bulk.post_staged``. The generator's loans need no entitlement check or privilege claim:
they are test data made consistent with their accounts.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
from sqlalchemy import Connection, insert, select, text

from tashilat.adapters.batch import bulk
from tashilat.adapters.batch.calendar import from_epoch_day
from tashilat.adapters.batch.generate import Generator, Partition, Spec
from tashilat.adapters.batch.onboard import SETTLEMENT, BookStore
from tashilat.adapters.db.engine import make_engine
from tashilat.adapters.db.models import Branch, LedgerAccount, User
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


LOAN_STAGE = (
    *bulk.POSTING_STAGE,  # the disbursement: principal receivable debited, settlement credited
    "loan_id BIGINT NOT NULL",
    "account_id BIGINT NOT NULL",
    "months INTEGER NOT NULL",
    "business_date DATE NOT NULL",  # requested, approved and disbursed on
    "penalty_code VARCHAR(80) NOT NULL",
)
INSTALMENT_STAGE = (
    "id BIGINT NOT NULL",
    "loan_id BIGINT NOT NULL",
    "number INTEGER NOT NULL",
    "due DATE NOT NULL",
    "amount BIGINT NOT NULL",
    "principal BIGINT NOT NULL",
    "profit BIGINT NOT NULL",
    "paid_principal BIGINT NOT NULL",
    "paid_profit BIGINT NOT NULL",
    "paid_on DATE",
    "penalty_accrued BIGINT NOT NULL",
    "penalty_paid BIGINT NOT NULL",
    "penalty_prior BIGINT NOT NULL",
    "penalty_from DATE",
)
INSTALMENT_COLUMNS = ", ".join(c.split()[0] for c in INSTALMENT_STAGE)


def _days(values: np.ndarray) -> pa.Array:
    """Epoch days as Arrow dates, −1 as NULL."""
    return pa.array(values.astype(np.int32), mask=values < 0).cast(pa.date32())


def loan_tables(p: Partition, seed: int) -> tuple[pa.Table, pa.Table]:
    """A partition's loans as staged disbursements (``bulk.post_staged``'s columns: request
    id ``gen:{seed}:disburse:{id}``, the loan's ``LOAN:{id}:PRINCIPAL`` debited,
    ``BANK:SETTLEMENT`` credited, as ``services.loans.disburse`` posts) with what the loan
    row needs, and its instalments as the generator made them, ids kept."""
    n = len(p.loan_id)
    ids = pc.cast(pa.array(p.loan_id), pa.string())
    loans = pa.table(
        {
            "request_id": pc.binary_join_element_wise(f"gen:{seed}:disburse:", ids, ""),
            "debit_code": pc.binary_join_element_wise("LOAN:", ids, ":PRINCIPAL", ""),
            "credit_code": pa.array([SETTLEMENT] * n, pa.string()),
            "amount": pa.array(p.loan_principal, pa.int64()),
            "ok": pa.array(np.ones(n, dtype=np.int64)),
            "loan_id": pa.array(p.loan_id, pa.int64()),
            "account_id": pa.array(p.loan_account, pa.int64()),
            "months": pa.array(p.loan_months, pa.int64()),
            "business_date": _days(p.loan_disbursed),
            "penalty_code": pc.binary_join_element_wise("LOAN:", ids, ":PENALTY", ""),
        }
    )
    instalments = pa.table(
        {
            "id": pa.array(p.i_id, pa.int64()),
            "loan_id": pa.array(np.repeat(p.loan_id, p.n_instalments), pa.int64()),
            "number": pa.array(p.i_number, pa.int64()),
            "due": _days(p.i_due),
            "amount": pa.array(p.i_amount, pa.int64()),
            "principal": pa.array(p.i_principal, pa.int64()),
            "profit": pa.array(p.i_profit, pa.int64()),
            "paid_principal": pa.array(p.i_paid_principal, pa.int64()),
            "paid_profit": pa.array(p.i_paid_profit, pa.int64()),
            "paid_on": _days(p.i_paid_on),
            "penalty_accrued": pa.array(p.i_penalty_accrued, pa.int64()),
            "penalty_paid": pa.array(p.i_penalty_paid, pa.int64()),
            "penalty_prior": pa.array(p.i_penalty_prior, pa.int64()),
            "penalty_from": _days(p.i_penalty_from),
        }
    )
    return loans, instalments


def _loans(
    conn: Connection, p: Partition, spec: Spec, policy: PolicyReader, ids: tuple[int, int, int]
) -> tuple[int, int]:
    """The partition's loans, their two ledger accounts each, instalments and disbursement
    entries, set-based (docs/onboarding.md, "loans"; ADR 0008): staged (COPY on
    PostgreSQL), then one ``INSERT … SELECT`` per table and ``bulk.post_staged``."""
    _, branch, maker = ids
    loans, instalments = loan_tables(p, spec.seed)
    bulk.stage(conn, "stage_gen_loans", LOAN_STAGE, loans)
    bulk.stage(conn, "stage_gen_instalments", INSTALMENT_STAGE, instalments)
    conn.execute(
        text(
            "INSERT INTO loans (id, account_id, customer_id, branch_id, principal, "
            "rate_percent, months, method, appraisal, status, requested_by, requested_on, "
            "approved_by, approved_on, disbursed_on, settled_on, decision_note, policy_hash) "
            "SELECT s.loan_id, s.account_id, a.customer_id, :branch, s.amount, "
            "CAST('9' AS NUMERIC(9, 4)), s.months, 'simple', s.amount * 2, 'disbursed', "
            ":maker, s.business_date, NULL, s.business_date, s.business_date, NULL, "
            "'generated', :hash FROM stage_gen_loans s "
            "JOIN youth_accounts a ON a.id = s.account_id ORDER BY s.loan_id"
        ),
        {"branch": branch, "maker": maker, "hash": getattr(policy, "hash", "")},
    )
    for side in ("debit_code", "penalty_code"):
        conn.execute(
            text(
                f"INSERT INTO ledger_accounts (code, name, type) SELECT s.{side}, s.{side}, "
                "'asset' FROM stage_gen_loans s ORDER BY s.loan_id"
            )
        )
    conn.execute(
        text(
            f"INSERT INTO loan_instalments ({INSTALMENT_COLUMNS}) "
            f"SELECT {INSTALMENT_COLUMNS} FROM stage_gen_instalments ORDER BY id"
        )
    )
    conn.execute(text("DROP TABLE stage_gen_instalments"))
    posted = bulk.post_staged(conn, "stage_gen_loans", kind="loan.disburse", on=None, memo="")
    if posted.posted != loans.num_rows:
        raise RuntimeError(
            f"{posted.posted} disbursements posted for {loans.num_rows} generated loans "
            "(the database must hold none of the generator's ids yet)"
        )
    return loans.num_rows, instalments.num_rows


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
