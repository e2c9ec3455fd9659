"""``batch generate --database-url`` loads its loans set-based (staged, ``INSERT … SELECT``,
``bulk.post_staged``; docs/onboarding.md): the database it leaves is the one the row-by-row
load (kept here as the reference) left — the same loans, instalments, ledger accounts,
journal entries and postings — on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import Connection, insert, select, text

from tashilat.adapters.batch import generate_load
from tashilat.adapters.batch.calendar import from_epoch_day
from tashilat.adapters.batch.generate import Partition, Spec
from tashilat.adapters.db.models import (
    JournalEntryRow,
    LedgerAccount,
    Loan,
    LoanInstalment,
    PostingRow,
    YouthAccount,
)
from tashilat.bootstrap import Container, build, init_database
from tashilat.domain.decision import PolicyReader
from tashilat.domain.jalali import parse_jalali
from tashilat.settings import Settings
from tests.integration.conftest import START, create_pg_database, drop_pg_database

SPEC = Spec(
    accounts=120,
    as_of=parse_jalali("1404/01/01"),
    seed=3,
    partition_size=64,
    loan_share=0.25,
    first_id=1001,
)
NOW = generate_load.NOW
# the spec's loans (all in its first partition; the second has none), their principal,
# their instalments and what those total
LOANS, PRINCIPAL, INSTALMENTS, INSTALMENT_RIAL = 19, 11_047_000_000, 99, 612_160_750


def row_by_row_loans(
    conn: Connection, p: Partition, spec: Spec, policy: PolicyReader, ids: tuple[int, int, int]
) -> tuple[int, int]:
    """The reference: per loan an ORM insert of the loan, its two ledger accounts, its
    disbursement entry with two postings, and an executemany of its instalments."""
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


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def two(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Container, Container]]:
    """Two migrated, initialised databases on the same backend."""
    made: list[tuple[Container, str | None]] = []
    try:
        for side in ("old", "new"):
            if request.param == "sqlite":
                url, name = f"sqlite:///{tmp_path / f'{side}.sqlite3'}", None
            else:
                name, url = create_pg_database()
            c = build(Settings(database_url=url))
            made.append((c, name))
            init_database(c, business_date=START)
        yield made[0][0], made[1][0]
    finally:
        for c, name in made:
            c.dispose()
            if name:
                drop_pg_database(name)


def snapshot(c: Container) -> dict[str, list[tuple[Any, ...]]]:
    """What the load leaves, without the surrogate ids of ledger accounts and entries."""
    with c.engine.connect() as conn:
        q = lambda sql: [tuple(r) for r in conn.execute(text(sql))]  # noqa: E731
        loans = q(
            "SELECT id, account_id, customer_id, branch_id, principal, rate_percent, months, "
            "method, appraisal, status, requested_by, requested_on, approved_by, approved_on, "
            "disbursed_on, settled_on, decision_note, policy_hash FROM loans ORDER BY id"
        )
        return {
            "loans": [(*r[:5], Decimal(str(r[5])), *r[6:]) for r in loans],
            "instalments": q(
                "SELECT id, loan_id, number, due, amount, principal, profit, paid_principal, "
                "paid_profit, paid_on, penalty_accrued, penalty_paid, penalty_prior, "
                "penalty_from FROM loan_instalments ORDER BY id"
            ),
            "ledger_accounts": q("SELECT code, name, type FROM ledger_accounts ORDER BY code"),
            "entries": q(
                "SELECT j.request_id, j.kind, j.business_date, j.memo, la.code, p.amount "
                "FROM journal_entries j JOIN postings p ON p.entry_id = j.id "
                "JOIN ledger_accounts la ON la.id = p.ledger_account_id "
                "ORDER BY j.request_id, la.code"
            ),
            "balances": q(
                "SELECT la.code, SUM(p.amount) FROM postings p JOIN ledger_accounts la "
                "ON la.id = p.ledger_account_id GROUP BY la.code ORDER BY la.code"
            ),
        }


def test_set_based_loans_load_the_database_the_row_by_row_load_did(
    two: tuple[Container, Container], monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = two
    new_counts = generate_load.load_database(SPEC, new.policy, new.settings.database_url)
    with monkeypatch.context() as m:
        m.setattr(generate_load, "_loans", row_by_row_loans)
        old_counts = generate_load.load_database(SPEC, old.policy, old.settings.database_url)
    assert new_counts == old_counts
    a, b = snapshot(old), snapshot(new)
    for key in a:
        assert b[key] == a[key], key
    # literal totals of this spec (the generator's loans; the settlement side of their
    # disbursements)
    loans, inst = b["loans"], b["instalments"]
    assert (new_counts["loans"], len(loans), len(inst)) == (LOANS, LOANS, INSTALMENTS)
    assert sum(r[4] for r in loans) == PRINCIPAL
    assert sum(r[4] for r in inst) == INSTALMENT_RIAL
    disbursed = [r for r in b["entries"] if r[1] == "loan.disburse"]
    assert len(disbursed) == 2 * LOANS
    assert sum(r[5] for r in disbursed if r[4] == "BANK:SETTLEMENT") == -PRINCIPAL
    assert disbursed[0][0].startswith("gen:3:disburse:")
    assert {r[0] for r in b["ledger_accounts"] if r[0].startswith("LOAN:")} == {
        f"LOAN:{r[0]}:{side}" for r in loans for side in ("PRINCIPAL", "PENALTY")
    }
