"""Hypothesis: whatever sequence of submissions, introductions, rejections, withdrawals and
disbursements happens, every allocation satisfies reserved + posted + free = amount, the
reserved and posted sums equal the applications holding them, and no share is exceeded."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import func, select

from tashilat.adapters.db.models import Allocation, EmploymentApplication
from tashilat.bootstrap import build, init_database
from tashilat.domain.errors import TashilatError
from tashilat.services import employment
from tashilat.settings import Settings

from .conftest import START
from .employment_helpers import emp_world, national_id
from .helpers import actor_of

_TEMPLATE: Path | None = None
AMOUNTS = st.sampled_from([500_000_000, 1_000_000_000, 1_500_000_000, 2_500_000_000, 3_000_000_000])


def template() -> Path:
    global _TEMPLATE
    if _TEMPLATE is None:
        path = Path(tempfile.mkdtemp()) / "emp.sqlite3"
        c = build(Settings(database_url=f"sqlite:///{path}"))
        init_database(c, business_date=START)
        emp_world(c, allocation=10_000_000_000)
        c.dispose()
        _TEMPLATE = path
    return _TEMPLATE


class Allocations(RuleBasedStateMachine):
    @initialize()
    def setup(self) -> None:
        self.dir = Path(tempfile.mkdtemp())
        shutil.copy(template(), self.dir / "db.sqlite3")
        self.c = build(Settings(database_url=f"sqlite:///{self.dir / 'db.sqlite3'}"))
        self.agency = {"A1": actor_of(self.c, "agency1"), "A2": actor_of(self.c, "agency2")}
        self.bank = actor_of(self.c, "bank1")
        self.payer = actor_of(self.c, "payer1")
        self.apps: list[int] = []
        self.n = 0

    def teardown(self) -> None:
        self.c.dispose()
        shutil.rmtree(self.dir, ignore_errors=True)

    @rule(
        amount=AMOUNTS,
        agency=st.sampled_from(["A1", "A2"]),
        category=st.booleans(),
        same_person=st.booleans(),
    )
    def submit(self, amount: int, agency: str, category: bool, same_person: bool) -> None:
        self.n += 1
        nid = national_id(7 if same_person else 100 + self.n)
        with contextlib.suppress(TashilatError):
            app, _ = employment.submit(
                self.c.uow(),
                self.agency[agency],
                self.c.policy,
                national_id=nid,
                name="x",
                province="تهران",
                agency_code=agency,
                amount=amount,
                jobs=1,
                category_code="C1" if category else None,
            )
            self.apps.append(app.id)

    @precondition(lambda self: self.apps)
    @rule(i=st.integers(min_value=0, max_value=10_000))
    def introduce(self, i: int) -> None:
        app_id = self.apps[i % len(self.apps)]
        with contextlib.suppress(TashilatError):
            agency = self._agency_of(app_id)
            employment.introduce(
                self.c.uow(), self.agency[agency], self.c.policy, app_id=app_id, bank_code="B1"
            )

    @precondition(lambda self: self.apps)
    @rule(i=st.integers(min_value=0, max_value=10_000), withdraw=st.booleans())
    def reject(self, i: int, withdraw: bool) -> None:
        app_id = self.apps[i % len(self.apps)]
        with contextlib.suppress(TashilatError):
            actor = self.agency[self._agency_of(app_id)] if withdraw else self.bank
            employment.reject(self.c.uow(), actor, app_id=app_id, reason="r", withdraw=withdraw)

    @precondition(lambda self: self.apps)
    @rule(i=st.integers(min_value=0, max_value=10_000))
    def approve_and_disburse(self, i: int) -> None:
        app_id = self.apps[i % len(self.apps)]
        self.n += 1
        with contextlib.suppress(TashilatError):
            employment.add_guarantee(
                self.c.uow(),
                self.bank,
                app_id=app_id,
                kind="guarantor",
                national_id=national_id(900_000 + self.n),
            )
            employment.add_guarantee(
                self.c.uow(),
                self.bank,
                app_id=app_id,
                kind="guarantor",
                national_id=national_id(800_000 + self.n),
            )
            employment.add_guarantee(self.c.uow(), self.bank, app_id=app_id, kind="promissory_note")
            employment.approve(self.c.uow(), self.bank, self.c.policy, app_id=app_id)
            employment.disburse(self.c.uow(), self.payer, self.c.policy, app_id=app_id)

    def _agency_of(self, app_id: int) -> str:
        uow = self.c.uow()
        with uow:
            app = uow.session.get(EmploymentApplication, app_id)
            assert app is not None
            return "A1" if app.agency_id == 1 else "A2"

    @invariant()
    def allocations_add_up(self) -> None:
        if not hasattr(self, "c"):
            return
        uow = self.c.uow()
        with uow:
            s = uow.session
            for a in s.scalars(select(Allocation)):
                free = a.amount - a.reserved - a.posted
                assert a.reserved + a.posted + free == a.amount and free >= 0
                reserved = s.scalar(
                    select(func.coalesce(func.sum(EmploymentApplication.amount), 0)).where(
                        EmploymentApplication.allocation_id == a.id,
                        EmploymentApplication.state.in_(("introduced", "bank_review", "approved")),
                    )
                )
                posted = s.scalar(
                    select(func.coalesce(func.sum(EmploymentApplication.amount), 0)).where(
                        EmploymentApplication.allocation_id == a.id,
                        EmploymentApplication.state.in_(("disbursed", "repaying", "settled")),
                    )
                )
                assert (a.reserved, a.posted) == (reserved, posted)
                assert a.category_reserved + a.category_posted <= a.category_cap
            # one loan per person: never two live applications holding one national ID's slot
            live = s.execute(
                select(EmploymentApplication.applicant_id, func.count())
                .where(
                    EmploymentApplication.state.in_(
                        ("introduced", "bank_review", "approved", "disbursed")
                    )
                )
                .group_by(EmploymentApplication.applicant_id)
            ).all()
            assert all(n == 1 for _, n in live)


Allocations.TestCase.settings = settings(
    max_examples=12, stateful_step_count=20, deadline=None, suppress_health_check=list(HealthCheck)
)
TestAllocations = Allocations.TestCase
