"""The business date and the day-end on the in-memory unit of work."""

from __future__ import annotations

import pytest

from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import parse_jalali
from tashilat.services import calendar, day_end, employment, loans
from tashilat.services.errors import Conflict, Forbidden
from tests.fakes import FakeStore, FakeUnitOfWork

from .conftest import OFFICER, SUPERVISOR

D = parse_jalali


def test_initialise_sets_the_date_once() -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(Conflict):
        calendar.get(uow)
    calendar.initialise(uow, D("1403/01/01"))
    calendar.initialise(uow, D("1404/01/01"))
    assert calendar.get(uow) == D("1403/01/01")
    assert uow.commits == 1


def test_day_end_moves_the_date_accrues_every_loan_kind_and_audits_once(
    uow: FakeUnitOfWork, store: FakeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    accrued: list[str] = []

    def housing(u: object, to: object, *, user_id: int | None, policy: object = None) -> int:
        accrued.append(f"housing {to} by {user_id}")
        return 3_000

    def jobs(u: object, to: object, *, user_id: int | None, policy: object = None) -> int:
        accrued.append(f"employment {to} by {user_id}")
        return 4_000

    monkeypatch.setattr(loans, "accrue_all", housing)
    monkeypatch.setattr(employment, "accrue_all", jobs)
    assert day_end.advance(uow, SUPERVISOR, D("1403/02/01"), request_id="eod") == D("1403/02/01")
    assert store.business_date.on == D("1403/02/01")
    assert store.business_date.changed_by == 4
    assert accrued == ["housing 2024-04-20 by 4", "employment 2024-04-20 by 4"]
    (line,) = store.audit
    assert (line.action, line.request_id, line.detail) == (
        "business_date.advance",
        "eod",
        "1403/01/15 -> 1403/02/01; penalties 7000",
    )
    assert uow.commits == 1


def test_day_end_never_moves_back_and_officers_may_not_move_it(
    uow: FakeUnitOfWork, store: FakeStore
) -> None:
    with pytest.raises(InvalidInput) as e:
        day_end.advance(uow, SUPERVISOR, D("1403/01/14"))
    assert e.value.code == "business_date.backwards"
    with pytest.raises(Forbidden):
        day_end.advance(uow, OFFICER, D("1403/02/01"))
    assert store.business_date.on == D("1403/01/15")
    assert store.audit == [] and uow.commits == 0
