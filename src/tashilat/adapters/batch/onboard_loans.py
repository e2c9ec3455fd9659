"""The loan import's reads and its set-based load (docs/onboarding.md, "loans"; ADR 0008).

* ``LoanStore.accounts``: the accounts a loan file names, with what the loan rules need —
  opening date, tier, status, the privilege flag, the holder's own movements (profit credits
  left out, as ``services.youth.events_of``) and the loans already on them — read for the
  whole file at once through a staged list of numbers.
* ``LoanStore.taken``: which of the file's request ids a journal entry already carries.
* ``LoanStore.load_loans``: one transaction. The loans, their instalments and their entries
  are staged (COPY on PostgreSQL); the accounts' privileges are claimed by one conditional
  update (a loan taken meanwhile through the services makes the whole file a conflict);
  loans, ledger accounts and instalments are written by ``INSERT … SELECT``; the
  disbursements (``loan.disburse``, the loan's principal receivable debited, settlement
  credited, as ``services.loans.disburse`` posts) and what was repaid before the import
  (``loan.repay``: settlement debited, principal receivable and profit income credited)
  through ``bulk.post_staged`` under request ids made of the bank's loan reference.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
from sqlalchemy import Connection, DateTime, Engine, bindparam, text

from tashilat.adapters.batch import bulk
from tashilat.adapters.batch.onboard import NUMBERS, SETTLEMENT, Conflicts, Loaded
from tashilat.domain.programs.youth_fund.balances import Event
from tashilat.domain.programs.youth_fund.onboarding import Reject
from tashilat.domain.programs.youth_fund.onboarding_loans import (
    Account,
    LoanRow,
    loan_request_id,
    repaid_request_id,
)
from tashilat.domain.programs.youth_fund.profit import LEDGER_KIND as PROFIT_KIND

PROFIT_INCOME = ("INCOME:PROFIT", "Loan profit income", "income")
IMPORT_USER = "import"  # the maker recorded on imported loans (an inactive account)
REQUEST_IDS = ("request_id VARCHAR(200) NOT NULL PRIMARY KEY",)
LOAN_STAGE = (
    *bulk.POSTING_STAGE,
    "line BIGINT NOT NULL",
    "number VARCHAR(40) NOT NULL",
    "business_date DATE NOT NULL",  # the disbursement date
    "months INTEGER NOT NULL",
    "method VARCHAR(10) NOT NULL",
    "rate VARCHAR(20) NOT NULL",
    "appraisal BIGINT NOT NULL",
    "status VARCHAR(10) NOT NULL",
    "settled_on DATE",
    "loan_id BIGINT",
)
INSTALMENT_STAGE = (
    "request_id VARCHAR(200) NOT NULL",  # of the loan
    "number INTEGER NOT NULL",
    "due DATE NOT NULL",
    "amount BIGINT NOT NULL",
    "principal BIGINT NOT NULL",
    "profit BIGINT NOT NULL",
    "paid_principal BIGINT NOT NULL",
    "paid_profit BIGINT NOT NULL",
    "paid_on DATE",
)
REPAID_STAGE = (
    *bulk.POSTING_STAGE,
    "loan_request_id VARCHAR(200) NOT NULL",
    "business_date DATE NOT NULL",
)


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _principal_code(loan_id: str) -> str:
    """SQL: the loan's principal receivable, ``LOAN:{id}:PRINCIPAL`` (``services.loans``)."""
    return f"'LOAN:' || CAST({loan_id} AS VARCHAR(20)) || '\\:PRINCIPAL'"


class LoanStore:
    """The loan import's reads and load on one database (the job's port)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def accounts(self, numbers: set[str]) -> dict[str, Account]:
        data = pa.table({"number": pa.array(sorted(numbers), pa.string())})
        found: dict[str, dict[str, Any]] = {}
        with self.engine.begin() as conn:
            bulk.stage(conn, "stage_numbers", NUMBERS, data)
            for number, opened_on, tier, status, used in conn.execute(
                text(
                    "SELECT a.number, a.opened_on, a.tier, a.status, a.privilege_used "
                    "FROM youth_accounts a JOIN stage_numbers s ON s.number = a.number"
                )
            ):
                found[number] = {
                    "opened_on": _day(opened_on),
                    "tier": int(tier),
                    "status": status,
                    "privilege_used": bool(used),
                    "history": [],
                    "loans": [],
                }
            rows = conn.execute(
                text(
                    "SELECT a.number, j.business_date, p.amount FROM postings p "
                    "JOIN journal_entries j ON j.id = p.entry_id "
                    "JOIN youth_accounts a ON a.ledger_account_id = p.ledger_account_id "
                    "JOIN stage_numbers s ON s.number = a.number WHERE j.kind <> :profit "
                    "ORDER BY a.number, j.business_date, j.id"
                ).execution_options(yield_per=50_000),
                {"profit": PROFIT_KIND},
            )
            for number, on, amount in rows:
                found[number]["history"].append(Event(_day(on), -int(amount)))
            for number, status, note in conn.execute(
                text(
                    "SELECT a.number, l.status, l.decision_note FROM loans l "
                    "JOIN youth_accounts a ON a.id = l.account_id "
                    "JOIN stage_numbers s ON s.number = a.number ORDER BY l.id"
                )
            ):
                found[number]["loans"].append((status, note or ""))
            conn.execute(text("DROP TABLE stage_numbers"))
        return {
            n: Account(
                f["opened_on"],
                f["tier"],
                f["status"],
                f["privilege_used"],
                tuple(f["history"]),
                tuple(f["loans"]),
            )
            for n, f in found.items()
        }

    def taken(self, request_ids: set[str]) -> set[str]:
        """Those of ``request_ids`` a journal entry already carries."""
        data = pa.table({"request_id": pa.array(sorted(request_ids), pa.string())})
        with self.engine.begin() as conn:
            bulk.stage(conn, "stage_request_ids", REQUEST_IDS, data)
            out = {
                r[0]
                for r in conn.execute(
                    text(
                        "SELECT s.request_id FROM stage_request_ids s JOIN journal_entries j "
                        "ON j.request_id = s.request_id"
                    )
                )
            }
            conn.execute(text("DROP TABLE stage_request_ids"))
        return out

    def load_loans(self, rows: Sequence[LoanRow], *, source: str, policy_hash: str) -> Loaded:
        loans, instalments, repaid = _tables(rows)
        with self.engine.begin() as conn:
            bulk.stage(conn, "stage_loans", LOAN_STAGE, loans)
            bulk.stage(conn, "stage_instalments", INSTALMENT_STAGE, instalments)
            bulk.stage(conn, "stage_repaid", REPAID_STAGE, repaid)
            conn.execute(
                text(
                    "UPDATE stage_loans SET ok = 1 WHERE NOT EXISTS (SELECT 1 FROM "
                    "journal_entries j WHERE j.request_id = stage_loans.request_id)"
                )
            )
            fresh = int(
                conn.execute(text("SELECT COALESCE(SUM(ok), 0) FROM stage_loans")).scalar_one()
            )
            _claim(conn, fresh)
            user = _import_user(conn)
            conn.execute(
                text(
                    "INSERT INTO loans (account_id, customer_id, branch_id, principal, "
                    "rate_percent, months, method, appraisal, status, requested_by, "
                    "requested_on, approved_by, approved_on, disbursed_on, settled_on, "
                    "decision_note, policy_hash) SELECT a.id, a.privilege_holder_id, "
                    "a.branch_id, s.amount, CAST(s.rate AS NUMERIC(9, 4)), s.months, s.method, "
                    "s.appraisal, s.status, :user, s.business_date, NULL, s.business_date, "
                    "s.business_date, s.settled_on, s.request_id, :hash FROM stage_loans s "
                    "JOIN youth_accounts a ON a.number = s.number WHERE s.ok = 1 ORDER BY s.line"
                ),
                {"user": user, "hash": policy_hash},
            )
            conn.execute(
                text(
                    "UPDATE stage_loans SET loan_id = (SELECT l.id FROM loans l "
                    "JOIN youth_accounts a ON a.id = l.account_id "
                    "WHERE a.number = stage_loans.number "
                    "AND l.decision_note = stage_loans.request_id) WHERE ok = 1"
                )
            )
            conn.execute(
                text(
                    f"UPDATE stage_loans SET debit_code = {_principal_code('loan_id')} WHERE ok = 1"
                )
            )
            _ledger_accounts(conn)
            conn.execute(
                text(
                    "INSERT INTO loan_instalments (loan_id, number, due, amount, principal, "
                    "profit, paid_principal, paid_profit, paid_on, penalty_accrued, "
                    "penalty_paid, penalty_prior, penalty_from) SELECT s.loan_id, i.number, "
                    "i.due, i.amount, i.principal, i.profit, i.paid_principal, i.paid_profit, "
                    "i.paid_on, 0, 0, 0, NULL FROM stage_instalments i JOIN stage_loans s "
                    "ON s.request_id = i.request_id WHERE s.ok = 1"
                )
            )
            conn.execute(
                text(
                    "UPDATE stage_repaid SET ok = 1, credit_code = CASE WHEN credit_code = '' "
                    "THEN (SELECT s.debit_code FROM stage_loans s WHERE s.request_id = "
                    "stage_repaid.loan_request_id) ELSE credit_code END WHERE EXISTS (SELECT 1 "
                    "FROM stage_loans s WHERE s.request_id = stage_repaid.loan_request_id "
                    "AND s.ok = 1)"
                )
            )
            conn.execute(text("DROP TABLE stage_instalments"))
            posted = bulk.post_staged(
                conn, "stage_loans", kind="loan.disburse", on=None, memo="import"
            )
            bulk.post_staged(conn, "stage_repaid", kind="loan.repay", on=None, memo="import")
            _audit(conn, source, posted.posted)
        assert posted.posted == fresh, "every new loan has its disbursement entry"
        return Loaded(posted.posted, loans.num_rows - posted.posted)


def _tables(rows: Sequence[LoanRow]) -> tuple[pa.Table, pa.Table, pa.Table]:
    """The staged loans, instalments and entries of what was repaid before the import."""
    inst: dict[str, list[Any]] = {c.split()[0]: [] for c in INSTALMENT_STAGE}
    rep: dict[str, list[Any]] = {
        c: []
        for c in (
            "request_id",
            "debit_code",
            "credit_code",
            "amount",
            "loan_request_id",
            "business_date",
        )
    }
    settled: list[date | None] = []
    for r in rows:
        f, key = r.fields, loan_request_id(r.fields.reference)
        last_paid: date | None = None
        for k, i in enumerate(r.schedule.instalments):
            paid = k < f.repaid
            if paid:
                last_paid = i.due
            for col, v in (
                ("request_id", key),
                ("number", i.number),
                ("due", i.due),
                ("amount", i.amount),
                ("principal", i.principal),
                ("profit", i.profit),
                ("paid_principal", i.principal if paid else 0),
                ("paid_profit", i.profit if paid else 0),
                ("paid_on", i.due if paid else None),
            ):
                inst[col].append(v)
        settled.append(last_paid if r.settled else None)
        principal, profit = r.paid
        for part, credit, amount in (
            ("principal", "", principal),
            ("profit", PROFIT_INCOME[0], profit),
        ):
            if amount > 0 and last_paid is not None:
                for col, v in (
                    ("request_id", repaid_request_id(f.reference, part)),
                    ("debit_code", SETTLEMENT),
                    ("credit_code", credit),  # "": the loan's receivable, once it has an id
                    ("amount", amount),
                    ("loan_request_id", key),
                    ("business_date", last_paid),
                ):
                    rep[col].append(v)
    loans = pa.table(
        {
            "request_id": [loan_request_id(r.fields.reference) for r in rows],
            "debit_code": [""] * len(rows),  # the loan's receivable, once it has an id
            "credit_code": [SETTLEMENT] * len(rows),
            "amount": pa.array([r.fields.principal for r in rows], pa.int64()),
            "line": pa.array([r.fields.line for r in rows], pa.int64()),
            "number": [r.fields.number for r in rows],
            "business_date": pa.array([r.fields.disbursed_on for r in rows], pa.date32()),
            "months": pa.array([r.fields.months for r in rows], pa.int64()),
            "method": [r.fields.method for r in rows],
            "rate": [str(r.rate_percent) for r in rows],
            "appraisal": pa.array([r.fields.appraisal for r in rows], pa.int64()),
            "status": ["settled" if r.settled else "disbursed" for r in rows],
            "settled_on": pa.array(settled, pa.date32()),
        }
    )
    types = {"due": pa.date32(), "paid_on": pa.date32(), "business_date": pa.date32()}
    ints = {"number", "amount", "principal", "profit", "paid_principal", "paid_profit"}
    inst_t = pa.table(
        {
            c: pa.array(v, types.get(c, pa.int64() if c in ints else pa.string()))
            for c, v in inst.items()
        }
    )
    rep_t = pa.table(
        {
            c: pa.array(v, types.get(c, pa.int64() if c == "amount" else pa.string()))
            for c, v in rep.items()
        }
    )
    return loans, inst_t, rep_t


def _claim(conn: Connection, fresh: int) -> None:
    """Use the privilege of every new loan's account, in the database: only an open account
    whose privilege is unused and which has no loan but a rejected one (on PostgreSQL the
    accounts are locked first, as the loan service locks the account it lends on). A loan
    taken through the services since the file was checked makes the whole file a conflict."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            text(
                "SELECT a.id FROM youth_accounts a JOIN stage_loans s ON s.number = a.number "
                "WHERE s.ok = 1 ORDER BY a.id FOR UPDATE OF a"
            )
        )
    lost = conn.execute(
        text(
            "SELECT s.line, s.number FROM stage_loans s LEFT JOIN youth_accounts a "
            "ON a.number = s.number WHERE s.ok = 1 AND (a.id IS NULL OR a.status <> 'open' "
            "OR a.privilege_used = :yes OR EXISTS (SELECT 1 FROM loans l "
            "WHERE l.account_id = a.id AND l.status <> 'rejected')) ORDER BY s.line"
        ),
        {"yes": True},
    ).all()
    if lost:
        raise Conflicts(
            [
                Reject(
                    line,
                    "privilege.used",
                    f"امتیاز حساب {n} هم‌اکنون استفاده شده یا وامی برای آن در جریان است.",
                    f"Account {n}'s privilege has just been used, or a loan on it is in progress.",
                )
                for line, n in lost
            ]
        )
    claimed = conn.execute(
        text(
            "UPDATE youth_accounts SET privilege_used = :yes WHERE privilege_used = :no "
            "AND number IN (SELECT number FROM stage_loans WHERE ok = 1)"
        ),
        {"yes": True, "no": False},
    ).rowcount
    assert claimed == fresh, "every new loan's account had its privilege unused"


def _import_user(conn: Connection) -> int:
    """The inactive ``import`` user recorded as the maker of imported loans."""
    found = conn.execute(
        text("SELECT id FROM users WHERE username = :u"), {"u": IMPORT_USER}
    ).scalar()
    if found is None:
        conn.execute(
            text(
                "INSERT INTO users (username, password_hash, role, active, created_at) "
                "VALUES (:u, '!', 'officer', :no, :now)"
            ).bindparams(bindparam("now", type_=DateTime(True))),
            {"u": IMPORT_USER, "no": False, "now": datetime.now(UTC)},
        )
        found = conn.execute(
            text("SELECT id FROM users WHERE username = :u"), {"u": IMPORT_USER}
        ).scalar_one()
    return int(found)


def _ledger_accounts(conn: Connection) -> None:
    """Each new loan's two receivables, named as ``services.loans.receivables`` names
    them, and the profit income account if the database has none yet."""
    for suffix, name in (
        ("PRINCIPAL", "principal receivable"),
        ("PENALTY", "late charges receivable"),
    ):
        code = f"'LOAN:' || CAST(s.loan_id AS VARCHAR(20)) || '\\:{suffix}'"
        conn.execute(
            text(
                f"INSERT INTO ledger_accounts (code, name, type) SELECT {code}, "
                f"'Loan ' || CAST(s.loan_id AS VARCHAR(20)) || ' {name}', 'asset' "
                f"FROM stage_loans s WHERE s.ok = 1 AND NOT EXISTS (SELECT 1 FROM "
                f"ledger_accounts la WHERE la.code = {code})"
            )
        )
    conn.execute(
        text(
            "INSERT INTO ledger_accounts (code, name, type) SELECT CAST(:code AS VARCHAR(80)), "
            "CAST(:name AS VARCHAR(200)), CAST(:type AS VARCHAR(12)) WHERE NOT EXISTS "
            "(SELECT 1 FROM ledger_accounts WHERE code = CAST(:code AS VARCHAR(80)))"
        ),
        dict(zip(("code", "name", "type"), PROFIT_INCOME, strict=True)),
    )


def _audit(conn: Connection, source: str, rows: int) -> None:
    conn.execute(
        text(
            "INSERT INTO audit_log (at, user_id, username, action, target, request_id, "
            "outcome, detail) VALUES (:at, NULL, 'import', 'import.loans', :target, '', 'ok', "
            ":detail)"
        ).bindparams(bindparam("at", type_=DateTime(True))),
        {"at": datetime.now(UTC), "target": source[:200], "detail": f"{rows} rows"},
    )
