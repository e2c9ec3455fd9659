"""Employment limits under real concurrent clients on PostgreSQL: every thread is its own
database connection running the same use case at the same moment."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import func, select

from tashilat.adapters.db.models import (
    Allocation,
    BankMonthlyLimit,
    EmploymentApplication,
    SamatLoan,
)
from tashilat.bootstrap import Container
from tashilat.domain.errors import TashilatError
from tashilat.services import employment

from .employment_helpers import EmpWorld, emp_world, national_id

pytestmark = pytest.mark.postgres


def race(n: int, fn: Callable[[int], Any]) -> list[Any]:
    barrier = threading.Barrier(n)

    def one(i: int) -> Any:
        barrier.wait()
        try:
            return fn(i)
        except TashilatError as exc:
            return exc

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(one, range(n)))


def submit_many(
    ew: EmpWorld,
    n: int,
    amount: int,
    *,
    category: str | None = None,
    agency: str = "A1",
    nid: str | None = None,
) -> list[int]:
    c = ew.w.c
    actor = ew.agency if agency == "A1" else ew.agency2
    return [
        employment.submit(
            c.uow(),
            actor,
            c.policy,
            national_id=nid or national_id(1000 + i),
            name="متقاضی",
            province="تهران",
            agency_code=agency,
            amount=amount,
            jobs=1,
            category_code=category,
        )[0].id
        for i in range(n)
    ]


def allocation(c: Container, code: str = "A1") -> Allocation:
    uow = c.uow()
    with uow:
        from tashilat.adapters.db.models import Agency

        a = uow.session.scalar(
            select(Allocation)
            .join(Agency, Agency.id == Allocation.agency_id)
            .where(Agency.code == code)
        )
        assert a is not None
        return a


@pytest.fixture
def small(pg_container: Container) -> EmpWorld:
    return emp_world(pg_container, allocation=50_000_000_000)


def test_200_concurrent_introductions_against_an_allocation_that_fits_50(small: EmpWorld) -> None:
    c = small.w.c
    ids = submit_many(small, 200, 1_000_000_000)
    results = race(
        64,
        lambda i: [
            _try(
                lambda app_id=app_id: employment.introduce(
                    c.uow(), small.agency, c.policy, app_id=app_id, bank_code="B1"
                )
            )
            for app_id in ids[i::64]
        ],
    )
    a = allocation(c)
    assert a.reserved == 50_000_000_000 and a.posted == 0
    uow = c.uow()
    with uow:
        n = uow.session.scalar(
            select(func.count())
            .select_from(EmploymentApplication)
            .where(EmploymentApplication.state == "introduced")
        )
    assert n == 50
    outcomes = [o for per_thread in results for o in per_thread]
    assert len(outcomes) == 200
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refused) == 150 and {o.code for o in refused} == {"allocation.exhausted"}


def test_concurrent_approved_category_introductions_never_pass_40_percent(
    pg_container: Container,
) -> None:
    ew = emp_world(pg_container, allocation=100_000_000_000)  # category share 40,000,000,000
    c = ew.w.c
    ids = submit_many(ew, 60, 1_000_000_000, category="C1")
    race(
        30,
        lambda i: [
            _try(
                lambda app_id=app_id: employment.introduce(
                    c.uow(), ew.agency, c.policy, app_id=app_id, bank_code="B1"
                )
            )
            for app_id in ids[i::30]
        ],
    )
    a = allocation(c)
    assert a.category_reserved == 40_000_000_000 == a.category_cap
    assert a.reserved == 40_000_000_000


def _try(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except TashilatError as exc:
        return exc


def test_20_concurrent_applications_with_one_national_id_give_at_most_one_loan(
    small: EmpWorld,
) -> None:
    c = small.w.c
    nid = "0499370899"
    # ten submissions through each agency, introduced to both banks, all at once
    ids = submit_many(small, 10, 1_000_000_000, nid=nid) + submit_many(
        small, 10, 1_000_000_000, nid=nid, agency="A2"
    )
    outcomes = race(
        20,
        lambda i: employment.introduce(
            c.uow(),
            small.agency if i < 10 else small.agency2,
            c.policy,
            app_id=ids[i],
            bank_code="B1" if i % 2 else "B2",
        ),
    )
    winners = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(winners) == 1
    assert all(
        o.code == "employment.application_in_progress" for o in outcomes if isinstance(o, Exception)
    )
    uow = c.uow()
    with uow:
        assert uow.session.scalar(select(func.count()).select_from(SamatLoan)) == 0


def test_concurrent_disbursements_respect_the_monthly_limit_except_mandated_under_3_billion(
    small: EmpWorld,
) -> None:
    c = small.w.c
    employment.set_monthly_limit(
        c.uow(), small.w.admin, bank_code="B1", year=1403, month=9, amount=10_000_000_000
    )
    plain = submit_many(small, 16, 1_000_000_000)
    ids = list(plain)
    for i, app_id in enumerate(ids):
        uow_app = c.uow()
        with uow_app:
            app = uow_app.session.get(EmploymentApplication, app_id)
            assert app is not None
            app.mandated = i >= 12  # the last four are mandated and under 3 billion
            uow_app.commit()
        employment.introduce(c.uow(), small.agency, c.policy, app_id=app_id, bank_code="B1")
        employment.add_guarantee(
            c.uow(), small.bank, app_id=app_id, kind="credit_score", grade="B"
        )  # up to 1.5 billion a credit score is the bundle
        employment.approve(c.uow(), small.bank, c.policy, app_id=app_id)
    outcomes = race(
        16, lambda i: employment.disburse(c.uow(), small.payer, c.policy, app_id=ids[i])
    )
    paid = [ids[i] for i, o in enumerate(outcomes) if not isinstance(o, Exception)]
    uow = c.uow()
    with uow:
        limit = uow.session.scalar(select(BankMonthlyLimit))
        assert limit is not None
        assert limit.used <= limit.amount == 10_000_000_000
        assert limit.used == 10_000_000_000  # twelve plain loans compete for ten slots
        assert limit.exempt_used == 4_000_000_000
    assert set(ids[12:]) <= set(paid)  # every mandated loan under 3 billion is paid
    assert len(paid) == 14
