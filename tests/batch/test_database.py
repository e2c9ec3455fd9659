"""Round trip through a real database (SQLite and PostgreSQL, the integration fixtures):
export → batch → results written back and late charges posted once, through the ledger."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select, text

from tashilat.adapters.batch import generate
from tashilat.adapters.db.batch_models import MonthEndAccount, MonthEndLoan, MonthEndRun
from tashilat.adapters.db.models import JournalEntryRow, LoanInstalment
from tashilat.bootstrap import Container
from tashilat.domain.jalali import add_months, parse_jalali
from tashilat.jobs import month_end as job
from tashilat.services import calendar, day_end, ledger, loans, youth, youth_profit
from tests.integration.helpers import VALID_IDS, customer, world

AS_OF = parse_jalali("1404/01/01")


def seed(c: Container) -> list[int]:
    """Three accounts through the services, then generated accounts and loans (late payers
    among them) loaded after the last business-date move, so their charges are still due."""
    w = world(c)
    start = calendar.get(c.uow())
    ids = []
    for k, nid in enumerate(VALID_IDS[:3]):
        cid = customer(w, nid)
        ids.append(
            youth.open_account(
                c.uow(),
                w.officer,
                c.policy,
                customer_id=cid,
                city="تهران",
                opening_deposit=20_000_000 + k * 5_000_000,
                request_id=f"open-{nid}",
            ).id
        )
    for month in range(1, 10):
        day_end.advance(c.uow(), w.supervisor, add_months(start, month))
        for k, acc in enumerate(ids):
            if k == 1 and month % 3 == 0:
                continue
            youth.deposit(
                c.uow(),
                w.officer,
                account_id=acc,
                amount=20_000_000 * (k + 1),
                request_id=f"dep-{acc}-{month}",
            )
        if month == 5:
            youth.withdraw(
                c.uow(), w.officer, c.policy, account_id=ids[2], amount=15_000_000, request_id="wd"
            )
    day_end.advance(c.uow(), w.supervisor, AS_OF)
    spec = generate.Spec(
        accounts=120, as_of=AS_OF, seed=3, partition_size=64, loan_share=0.25, first_id=1001
    )
    counts = generate.load_database(spec, c.policy, c.settings.database_url)
    assert counts["loans"] > 0
    return ids


def entries(c: Container) -> int:
    uow = c.uow()
    with uow:
        return int(uow.session.scalar(select(func.count()).select_from(JournalEntryRow)) or 0)


def test_month_end_round_trip(container: Container, tmp_path: Path) -> None:
    c = container
    ids = seed(c)
    before = entries(c)
    run = tmp_path / "run"
    first = job.month_end(as_of=AS_OF, run=run, policy=c.policy, container=c, partition_size=50)
    assert first.result.partitions == 3 and first.written is not None
    assert first.written.penalties_posted > 0
    # the generated accounts' savings profit (the seeded ones had theirs from the day-end)
    assert first.written.profits_posted > 0 and first.written.profit_posted_rial > 0
    posted = first.written.penalties_posted + first.written.profits_posted
    assert entries(c) == before + posted
    uow = c.uow()
    with uow:
        s = uow.session
        rows = {r.account_id: r for r in s.scalars(select(MonthEndAccount))}
        assert len(rows) == 123
        assert s.scalar(select(func.count()).select_from(MonthEndLoan)) == first.written.loans
        run_row = s.get(MonthEndRun, AS_OF)
        assert run_row is not None and run_row.penalties_posted == first.written.penalties_posted
        posted_total = ledger.raw_balance(uow, ledger.PENALTY_INCOME)
        profit_total = ledger.raw_balance(uow, ledger.SAVINGS_PROFIT_EXPENSE)
        # the service finds every month's profit posted: the batch posted what it would
        assert youth_profit.post_all(uow, c.policy, AS_OF, user_id=None).entries == 0
        # and each account's balance is its postings, the profit credits included
        balances = uow.session.execute(
            text(
                "SELECT a.balance, COALESCE(-SUM(p.amount), 0) FROM youth_accounts a "
                "LEFT JOIN postings p ON p.ledger_account_id = a.ledger_account_id "
                "GROUP BY a.id, a.balance"
            )
        ).all()
        assert all(b == x for b, x in balances)
    # every written row equals the service's single-account answer from the ledger
    admin = world_admin(c)
    for acc_id in [*ids, *sorted(rows)[3::7]]:
        _, d = youth.account_entitlement(c.uow(), admin, c.policy, acc_id, as_of=AS_OF)
        r = rows[acc_id]
        assert (r.entitlement_rial, r.cap_rial, r.outcome, r.eligible_on) == (
            d.value.entitlement_rial,
            d.value.cap_rial,
            d.outcome,
            d.value.eligible_on,
        )
        st = youth.account_structures(c.uow(), admin, c.policy, acc_id, as_of=AS_OF)
        assert r.completed_months == len(st.months)
        assert r.structure_rial == (st.months[-1][2] if st.months else None)
    # the loan service agrees: nothing is left to charge at this date
    uow = c.uow()
    with uow:
        assert loans.accrue_all(uow, AS_OF, user_id=None) == 0
        late = uow.session.scalar(
            select(func.count())
            .select_from(LoanInstalment)
            .where(LoanInstalment.penalty_accrued > 0)
        )
        assert late and late >= first.written.penalties_posted
    # a rerun (same directory, and a fresh one) posts nothing and writes the same rows
    again = job.month_end(as_of=AS_OF, run=run, policy=c.policy, container=c)
    # (a resumed run reports what this run directory posted, and posts nothing more)
    assert again.written is not None and again.written.partitions_skipped == 3
    assert again.result.computed == 0 and entries(c) == before + posted
    fresh = job.month_end(
        as_of=AS_OF, run=tmp_path / "fresh", policy=c.policy, container=c, partition_size=50
    )
    assert fresh.written is not None and fresh.written.penalties_posted == 0
    assert fresh.written.profits_posted == 0
    assert fresh.result.totals["penalties"] == 0
    assert entries(c) == before + posted
    uow = c.uow()
    with uow:
        assert ledger.raw_balance(uow, ledger.PENALTY_INCOME) == posted_total
        assert ledger.raw_balance(uow, ledger.SAVINGS_PROFIT_EXPENSE) == profit_total > 0
        assert ledger.ledger_total(uow) == 0
        assert uow.session.scalar(select(func.count()).select_from(MonthEndAccount)) == 123


def world_admin(c: Container):  # type: ignore[no-untyped-def]
    from tests.integration.helpers import actor_of

    return actor_of(c, "admin")


def test_outcome_check_migrates_both_ways(tmp_path: Path) -> None:
    """Migration 0007 widens the month-end outcome check to ``privilege_used`` and narrows it
    back (the rows it would reject are removed first)."""
    from sqlalchemy import create_engine, inspect

    from tashilat.adapters.db import migrate

    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"

    def check() -> str:
        engine = create_engine(url)
        try:
            (ck,) = inspect(engine).get_check_constraints("month_end_accounts")
        finally:
            engine.dispose()
        assert ck["name"] == "ck_month_end_accounts_outcome"
        return str(ck["sqltext"])

    migrate.upgrade(url)
    assert "'privilege_used'" in check()
    migrate.downgrade(url, "0006")
    assert "'privilege_used'" not in check() and "'eligible'" in check()
    migrate.upgrade(url)
    assert "'privilege_used'" in check()
