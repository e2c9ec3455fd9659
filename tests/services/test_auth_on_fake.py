"""Users, login, tokens and logout on the in-memory unit of work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tashilat.domain.errors import InvalidInput
from tashilat.services import auth
from tashilat.services.auth import SYSTEM, Actor
from tashilat.services.errors import Conflict, Forbidden, NotFound, Unauthenticated
from tests.fakes import FakeStore, FakeUnitOfWork

from .conftest import OFFICER, TEHRAN_BRANCH

NOW = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
PW = "correct horse 1"


def test_create_user_in_a_branch_and_refuse_the_same_name_twice(
    uow: FakeUnitOfWork, store: FakeStore
) -> None:
    u = auth.create_user(
        uow, SYSTEM, username=" Officer ", password=PW, role="officer", branch_code="0101"
    )
    assert (u.username, u.role, u.branch_id, u.active) == ("officer", "officer", 1, True)
    assert u.password_hash != PW
    with pytest.raises(Conflict) as e:
        auth.create_user(uow, SYSTEM, username="officer", password=PW, role="auditor")
    assert e.value.code == "user.exists"
    assert [a.action for a in store.audit] == ["users.create"]
    assert auth.list_users(uow, SYSTEM, offset=0, limit=10)[1] == 1


def test_create_user_refusals(uow: FakeUnitOfWork) -> None:
    with pytest.raises(InvalidInput):
        auth.create_user(uow, SYSTEM, username="x", password=PW, role="king")
    with pytest.raises(InvalidInput):
        auth.create_user(uow, SYSTEM, username="x", password=PW, role="officer")
    with pytest.raises(NotFound):
        auth.create_user(uow, SYSTEM, username="x", password=PW, role="officer", branch_code="9")
    with pytest.raises(NotFound):
        auth.create_user(uow, SYSTEM, username="x", password=PW, role="agency_officer")
    with pytest.raises(InvalidInput):
        auth.create_user(uow, SYSTEM, username="x", password="short", role="auditor")
    with pytest.raises(Forbidden):
        auth.create_user(uow, OFFICER, username="x", password=PW, role="auditor")


def test_login_authenticate_and_logout(uow: FakeUnitOfWork, store: FakeStore) -> None:
    auth.create_user(
        uow, SYSTEM, username="officer", password=PW, role="officer", branch_code="0101"
    )
    with pytest.raises(Unauthenticated):
        auth.login(uow, username="officer", password="wrong password", hours=1, now=NOW)
    with pytest.raises(Unauthenticated):
        auth.login(uow, username="nobody", password=PW, hours=1, now=NOW)
    token = auth.login(uow, username="OFFICER", password=PW, hours=8, now=NOW)
    actor = auth.authenticate(uow, token, now=NOW + timedelta(hours=7))
    assert actor == Actor(1, "officer", "officer", TEHRAN_BRANCH, None, None, None)
    with pytest.raises(Unauthenticated) as e:
        auth.authenticate(uow, token, now=NOW + timedelta(hours=9))
    assert e.value.code == "auth.expired_token"
    auth.logout(uow, token)
    with pytest.raises(Unauthenticated) as e:
        auth.authenticate(uow, token, now=NOW)
    assert e.value.code == "auth.invalid_token"
    assert store.users.tokens == {}
    assert [(a.action, a.username, a.outcome) for a in store.audit] == [
        ("users.create", "system", "ok"),
        ("auth.login_failed", "officer", "refused"),
        ("auth.login_failed", "nobody", "refused"),
        ("auth.login", "officer", "ok"),
        ("auth.logout", "officer", "ok"),
    ]
