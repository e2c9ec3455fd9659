"""Savings profit posted by the day-end on the in-memory unit of work: once per account and
account month, idempotent on a rerun, literal amounts worked by hand (5% a year on the
month's lowest balance, rounded down)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tashilat.domain.jalali import parse_jalali
from tashilat.policy import PolicySnapshot, default_root, load_policy
from tashilat.services import day_end, employment, ledger, loans, youth, youth_profit
from tests.fakes import FakeStore, FakeUnitOfWork

from .conftest import OFFICER, SUPERVISOR

D = parse_jalali


@pytest.fixture(autouse=True)
def _no_loans(monkeypatch: pytest.MonkeyPatch) -> None:
    """The loan accruals read SQL tables the fake store does not have; no loans here."""
    monkeypatch.setattr(loans, "accrue_all", lambda u, to, *, user_id: 0)
    monkeypatch.setattr(employment, "accrue_all", lambda u, to, *, user_id: 0)


def _account(uow: FakeUnitOfWork, policy: PolicySnapshot, deposit: int = 10_000_000) -> int:
    cid = youth.create_customer(
        uow, OFFICER, national_id="0499370899", name="مشتری", birth_date=D("1375/04/10")
    ).id
    return youth.open_account(
        uow,
        OFFICER,
        policy,
        customer_id=cid,
        city="تهران",
        opening_deposit=deposit,
        request_id="open-1",
    ).id


def _profit_entries(store: FakeStore) -> list[tuple[str, str, int]]:
    out = []
    for eid, e in sorted(store.ledger.entries.items()):
        if e.kind == "youth.profit":
            credit = [x for i, _, x in store.ledger.postings if i == eid and x < 0]
            out.append((e.request_id, e.business_date.isoformat(), -sum(credit)))
    return out


def test_the_day_end_posts_each_months_profit_once(
    uow: FakeUnitOfWork, store: FakeStore, policy: PolicySnapshot
) -> None:
    acc_id = _account(uow, policy)  # opened 1403/01/15 with 10,000,000
    day_end.advance(uow, SUPERVISOR, D("1403/03/20"), policy=policy)
    # months 1 and 2 are complete: 41,666 on 10,000,000; 41,840 on 10,041,666
    assert _profit_entries(store) == [
        (f"yf-profit:{acc_id}:0001", "2024-05-04", 41_666),  # 1403/02/15
        (f"yf-profit:{acc_id}:0002", "2024-06-04", 41_840),  # 1403/03/15
    ]
    assert store.accounts.rows[acc_id].balance == 10_083_506
    assert store.ledger.raw_balance(ledger.SAVINGS_PROFIT_EXPENSE) == 83_506
    assert store.audit[-1].detail.endswith("savings profit 2 entries, 83506 rial")

    # a rerun at the same date posts nothing new
    with uow:
        again = youth_profit.post_all(uow, policy, D("1403/03/20"), user_id=None)
        uow.commit()
    assert again == youth_profit.Posted(0, 0, 0)
    assert len(_profit_entries(store)) == 2

    # the next month-end posts only month 3: 42,014 on 10,083,506
    day_end.advance(uow, SUPERVISOR, D("1403/04/15"), policy=policy)
    assert _profit_entries(store)[2:] == [(f"yf-profit:{acc_id}:0003", "2024-07-05", 42_014)]
    assert store.accounts.rows[acc_id].balance == 10_125_520


def test_profit_stays_out_of_the_structures_under_the_shipped_policy(
    uow: FakeUnitOfWork, store: FakeStore, policy: PolicySnapshot
) -> None:
    acc_id = _account(uow, policy)
    day_end.advance(uow, SUPERVISOR, D("1403/04/15"), policy=policy)
    s = youth.account_structures(uow, OFFICER, policy, acc_id)
    assert [v for _, _, v in s.months] == [10_000_000, 10_000_000, 10_000_000]
    # the statement shows the credits; the balance is the real one
    _, _, lines = youth.statement(uow, OFFICER, acc_id)
    assert [(ln.kind, ln.amount) for ln in lines] == [
        ("youth.open", 10_000_000),
        ("youth.profit", 41_666),
        ("youth.profit", 41_840),
        ("youth.profit", 42_014),
    ]
    assert lines[-1].balance == 10_125_520


def test_a_withdrawal_lowers_the_next_profit(
    uow: FakeUnitOfWork, store: FakeStore, policy: PolicySnapshot
) -> None:
    acc_id = _account(uow, policy, deposit=30_000_000)
    day_end.advance(uow, SUPERVISOR, D("1403/02/01"), policy=policy)
    youth.withdraw(uow, OFFICER, policy, account_id=acc_id, amount=15_000_000, request_id="w-1")
    day_end.advance(uow, SUPERVISOR, D("1403/02/15"), policy=policy)
    # month 1's lowest balance is 15,000,000 after the withdrawal on 1403/02/01: 62,500
    assert _profit_entries(store) == [(f"yf-profit:{acc_id}:0001", "2024-05-04", 62_500)]
    assert store.accounts.rows[acc_id].balance == 15_062_500


def test_a_closed_account_gets_no_profit(
    uow: FakeUnitOfWork, store: FakeStore, policy: PolicySnapshot
) -> None:
    acc_id = _account(uow, policy)
    youth.close_account(uow, OFFICER, account_id=acc_id, request_id="close-1")
    day_end.advance(uow, SUPERVISOR, D("1403/04/15"), policy=policy)
    assert _profit_entries(store) == []


def test_counted_profit_is_counted_once(
    uow: FakeUnitOfWork, store: FakeStore, tmp_path: Path
) -> None:
    """With profit counted in the averages (1% a month), the structures gain the profit
    credited before each month, once: the posted credits are not read a second time."""
    root = tmp_path / "parameters"
    shutil.copytree(default_root(), root)
    f = root / "youth_fund.yaml"
    data = yaml.safe_load(f.read_text(encoding="utf-8"))
    note = {"status": "assumed", "note": "test", "note_fa": "آزمون", "since": "1397/01/01"}
    data["savings_profit_rate_percent"]["values"] = [{**note, "value": 12}]
    data["profit_counts_toward_averages"]["values"] = [{**note, "value": True}]
    f.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    counting = load_policy(root)
    acc_id = _account(uow, counting, deposit=100_000_000)
    day_end.advance(uow, SUPERVISOR, D("1403/04/15"), policy=counting)
    assert store.accounts.rows[acc_id].balance == 103_030_100  # 100,000,000 × 1.01³
    s = youth.account_structures(uow, OFFICER, counting, acc_id)
    assert [v for _, _, v in s.months] == [100_000_000, 101_000_000, 102_010_000]
