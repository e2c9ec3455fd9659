"""A fake unit of work seeded with two branches and the business date 1403/01/15."""

from __future__ import annotations

import pytest

from tashilat.domain.jalali import parse_jalali
from tashilat.policy import PolicySnapshot, default_policy
from tashilat.services.auth import Actor
from tests.fakes import FakeStore, FakeUnitOfWork

TEHRAN_BRANCH = 1
ISFAHAN_BRANCH = 2

OFFICER = Actor(user_id=2, username="officer", role="officer", branch_id=TEHRAN_BRANCH)
OTHER_OFFICER = Actor(user_id=3, username="officer_b", role="officer", branch_id=ISFAHAN_BRANCH)
SUPERVISOR = Actor(user_id=4, username="supervisor", role="supervisor", branch_id=TEHRAN_BRANCH)


@pytest.fixture
def store() -> FakeStore:
    s = FakeStore()
    s.customers.branches.update({TEHRAN_BRANCH: "0101", ISFAHAN_BRANCH: "0301"})
    s.users.branches.update({"0101": TEHRAN_BRANCH, "0301": ISFAHAN_BRANCH})
    s.business_date.on = parse_jalali("1403/01/15")
    return s


@pytest.fixture
def uow(store: FakeStore) -> FakeUnitOfWork:
    return FakeUnitOfWork(store)


@pytest.fixture(scope="session")
def policy() -> PolicySnapshot:
    return default_policy()
