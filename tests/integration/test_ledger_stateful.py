"""Hypothesis stateful test: random sequences of operations never break the ledger — it
always sums to zero, every account's balance equals the sum of its postings, and no balance
is ever below its floor."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import text

from tashilat.bootstrap import build, init_database
from tashilat.domain.errors import TashilatError
from tashilat.domain.jalali import add_months
from tashilat.settings import Settings

from .conftest import START
from .helpers import VALID_IDS, customer, world

_TEMPLATE: Path | None = None


def template() -> Path:
    """One migrated, seeded SQLite file, copied for every example (fast)."""
    global _TEMPLATE
    if _TEMPLATE is None:
        d = Path(tempfile.mkdtemp())
        path = d / "template.sqlite3"
        c = build(Settings(database_url=f"sqlite:///{path}"))
        init_database(c, business_date=START)
        world(c)
        c.dispose()
        _TEMPLATE = path
    return _TEMPLATE


class LedgerMachine(RuleBasedStateMachine):
    @initialize()
    def setup(self) -> None:
        self.dir = Path(tempfile.mkdtemp())
        db = self.dir / "db.sqlite3"
        shutil.copy(template(), db)
        self.c = build(Settings(database_url=f"sqlite:///{db}"))
        from .helpers import World, actor_of

        self.w = World(
            self.c,
            actor_of(self.c, "admin"),
            actor_of(self.c, "officer"),
            actor_of(self.c, "officer_b"),
            actor_of(self.c, "supervisor"),
            actor_of(self.c, "supervisor2"),
            actor_of(self.c, "auditor"),
            1,
            2,
        )
        self.accounts: list[int] = []
        self.keys: list[tuple[int, str, int]] = []
        self.months = 0
        self.n = 0

    def teardown(self) -> None:
        self.c.dispose()
        shutil.rmtree(self.dir, ignore_errors=True)

    @precondition(lambda self: len(self.accounts) < len(VALID_IDS))
    @rule(deposit=st.integers(min_value=10_000_000, max_value=10**9))
    def open(self, deposit: int) -> None:
        from tashilat.services import youth

        cid = customer(self.w, VALID_IDS[len(self.accounts)])
        acc = youth.open_account(
            self.c.uow(),
            self.w.officer,
            self.c.policy,
            customer_id=cid,
            city="تهران",
            opening_deposit=deposit,
            request_id=f"open-{cid}",
        )
        self.accounts.append(acc.id)

    @precondition(lambda self: self.accounts)
    @rule(i=st.integers(min_value=0, max_value=5), amount=st.integers(min_value=1, max_value=10**9))
    def deposit(self, i: int, amount: int) -> None:
        from tashilat.services import youth

        acc = self.accounts[i % len(self.accounts)]
        self.n += 1
        key = f"d{self.n}"
        # a closed account refuses
        with contextlib.suppress(TashilatError):
            youth.deposit(
                self.c.uow(), self.w.officer, account_id=acc, amount=amount, request_id=key
            )
            self.keys.append((acc, key, amount))

    @precondition(lambda self: self.keys)
    @rule(j=st.integers(min_value=0, max_value=1000))
    def retry_a_deposit(self, j: int) -> None:
        from tashilat.services import youth

        acc, key, amount = self.keys[j % len(self.keys)]
        r = youth.deposit(
            self.c.uow(), self.w.officer, account_id=acc, amount=amount, request_id=key
        )
        assert r.replayed

    @precondition(lambda self: self.accounts)
    @rule(
        i=st.integers(min_value=0, max_value=5),
        amount=st.integers(min_value=1, max_value=2 * 10**9),
    )
    def withdraw(self, i: int, amount: int) -> None:
        from tashilat.services import youth

        self.n += 1
        # below the floor, or closed: refused, and nothing changes
        with contextlib.suppress(TashilatError):
            youth.withdraw(
                self.c.uow(),
                self.w.officer,
                self.c.policy,
                account_id=self.accounts[i % len(self.accounts)],
                amount=amount,
                request_id=f"w{self.n}",
            )

    @precondition(lambda self: self.accounts)
    @rule(i=st.integers(min_value=0, max_value=5))
    def close(self, i: int) -> None:
        from tashilat.services import youth

        self.n += 1
        with contextlib.suppress(TashilatError):
            youth.close_account(
                self.c.uow(),
                self.w.officer,
                account_id=self.accounts[i % len(self.accounts)],
                request_id=f"c{self.n}",
            )

    @rule()
    def next_month(self) -> None:
        from tashilat.services import day_end

        self.months += 1
        day_end.advance(self.c.uow(), self.w.supervisor, add_months(START, self.months))

    @invariant()
    def ledger_balances(self) -> None:
        if not hasattr(self, "c"):
            return
        uow = self.c.uow()
        with uow:
            s = uow.session
            assert (
                s.execute(text("SELECT COALESCE(SUM(amount), 0) FROM postings")).scalar_one() == 0
            )
            rows = s.execute(
                text(
                    "SELECT a.balance, a.min_balance, a.status, COALESCE(-SUM(p.amount), 0) "
                    "FROM youth_accounts a "
                    "LEFT JOIN postings p ON p.ledger_account_id = a.ledger_account_id "
                    "GROUP BY a.id, a.balance, a.min_balance, a.status"
                )
            ).all()
            for balance, floor, status, posted in rows:
                assert balance == posted
                assert balance >= floor
                assert status == "open" or balance == 0


LedgerMachine.TestCase.settings = settings(
    max_examples=15,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestLedger = LedgerMachine.TestCase
