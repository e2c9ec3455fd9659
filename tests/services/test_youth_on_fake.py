"""The youth-fund use cases on the in-memory unit of work: no database, literal answers."""

from __future__ import annotations

import pytest

from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import account_month_start, parse_jalali
from tashilat.policy import PolicySnapshot
from tashilat.services import ledger, youth
from tashilat.services.errors import Conflict, Forbidden, NotFound, Refused
from tests.fakes import FakeStore, FakeUnitOfWork

from .conftest import ISFAHAN_BRANCH, OFFICER, OTHER_OFFICER

D = parse_jalali


def _customer(uow: FakeUnitOfWork, nid: str = "0499370899", birth: str = "1375/04/10") -> int:
    return youth.create_customer(
        uow, OFFICER, national_id=nid, name="  مشتری   آزمایشی ", birth_date=D(birth)
    ).id


def _open(uow: FakeUnitOfWork, policy: PolicySnapshot, cid: int, deposit: int = 20_000_000) -> int:
    return youth.open_account(
        uow,
        OFFICER,
        policy,
        customer_id=cid,
        city="تهران",
        opening_deposit=deposit,
        request_id=f"open-{cid}",
    ).id


def test_create_customer_records_a_clean_name_and_refuses_a_second_national_id(
    uow: FakeUnitOfWork, store: FakeStore
) -> None:
    cid = _customer(uow)
    c = store.customers.rows[cid]
    assert (c.national_id, c.name, c.branch_id) == ("0499370899", "مشتری آزمایشی", 1)
    assert uow.commits == 1
    with pytest.raises(Conflict) as e:
        _customer(uow)
    assert e.value.code == "customer.exists"
    assert len(store.customers.rows) == 1
    assert [a.action for a in store.audit] == ["customers.create"]


def test_create_customer_in_an_unknown_branch_is_not_found(uow: FakeUnitOfWork) -> None:
    from tashilat.services.auth import SYSTEM

    with pytest.raises(NotFound):
        youth.create_customer(
            uow, SYSTEM, national_id="0499370899", name="x", birth_date=D("1375/04/10"), branch_id=9
        )


def test_open_account_numbers_it_posts_the_opening_deposit_and_commits_once(
    uow: FakeUnitOfWork, store: FakeStore, policy: PolicySnapshot
) -> None:
    cid = _customer(uow)
    acc = youth.open_account(
        uow,
        OFFICER,
        policy,
        customer_id=cid,
        city="تهران",
        opening_deposit=20_000_000,
        request_id="open-1",
    )
    assert acc.number == "1403-0101-0000001"
    assert (acc.tier, acc.cohort, acc.status) == (1, 1403, "open")
    assert (acc.balance, acc.min_balance, acc.privilege_holder_id) == (20_000_000, 10_000_000, cid)
    assert acc.opened_on == D("1403/01/15")
    assert uow.commits == 2
    assert store.ledger.raw_balance("YF:1403-0101-0000001") == -20_000_000
    assert store.ledger.raw_balance(ledger.SETTLEMENT) == 20_000_000
    assert store.ledger.total() == 0


def test_open_account_below_the_minimum_deposit_is_refused_and_records_nothing(
    uow: FakeUnitOfWork, store: FakeStore, policy: PolicySnapshot
) -> None:
    cid = _customer(uow)
    with pytest.raises(Refused) as e:
        _open(uow, policy, cid, deposit=9_999_999)
    assert e.value.code == "account.opening_deposit_too_low"
    assert "10,000,000" in e.value.message_en
    assert store.accounts.rows == {} and store.ledger.postings == []


def test_deposit_is_idempotent_by_request_id(
    uow: FakeUnitOfWork, store: FakeStore, policy: PolicySnapshot
) -> None:
    acc_id = _open(uow, policy, _customer(uow))
    first = youth.deposit(uow, OFFICER, account_id=acc_id, amount=1_000_000, request_id="d-1")
    assert (first.balance, first.replayed) == (21_000_000, False)
    again = youth.deposit(uow, OFFICER, account_id=acc_id, amount=1_000_000, request_id="d-1")
    assert (again.balance, again.replayed, again.amount) == (21_000_000, True, 1_000_000)
    assert store.accounts.rows[acc_id].balance == 21_000_000
    assert len(store.ledger.entries) == 2
    with pytest.raises(Conflict) as e:
        youth.deposit(uow, OFFICER, account_id=acc_id, amount=2_000_000, request_id="d-1")
    assert e.value.code == "idempotency.mismatch"
    assert [a.action for a in store.audit].count("accounts.deposit") == 1


def test_deposit_of_zero_is_bad_input(uow: FakeUnitOfWork, policy: PolicySnapshot) -> None:
    acc_id = _open(uow, policy, _customer(uow))
    with pytest.raises(InvalidInput):
        youth.deposit(uow, OFFICER, account_id=acc_id, amount=0, request_id="d-0")


def test_withdrawal_down_to_the_floor_passes_and_one_rial_more_is_refused(
    uow: FakeUnitOfWork, store: FakeStore, policy: PolicySnapshot
) -> None:
    acc_id = _open(uow, policy, _customer(uow))
    m = youth.withdraw(uow, OFFICER, policy, account_id=acc_id, amount=10_000_000, request_id="w1")
    assert m.balance == 10_000_000
    with pytest.raises(Refused) as e:
        youth.withdraw(uow, OFFICER, policy, account_id=acc_id, amount=1, request_id="w2")
    assert e.value.code == "withdrawal.below_floor"
    assert store.accounts.rows[acc_id].balance == 10_000_000
    assert store.ledger.find_entry("w2") is None  # the refused entry was rolled back
    assert store.ledger.total() == 0


def test_statement_runs_the_balance_and_cuts_at_a_date(
    uow: FakeUnitOfWork, store: FakeStore, policy: PolicySnapshot
) -> None:
    acc_id = _open(uow, policy, _customer(uow))
    store.business_date.on = D("1403/02/15")
    youth.deposit(uow, OFFICER, account_id=acc_id, amount=1_000_000, request_id="d")
    store.business_date.on = D("1403/03/15")
    youth.withdraw(uow, OFFICER, policy, account_id=acc_id, amount=500_000, request_id="w")
    _, opening, lines = youth.statement(uow, OFFICER, acc_id)
    assert opening == 0
    assert [(x.kind, x.amount, x.balance) for x in lines] == [
        ("youth.open", 20_000_000, 20_000_000),
        ("youth.deposit", 1_000_000, 21_000_000),
        ("youth.withdraw", -500_000, 20_500_000),
    ]
    _, opening, lines = youth.statement(uow, OFFICER, acc_id, date_from=D("1403/03/01"))
    assert opening == 21_000_000
    assert [x.request_id for x in lines] == ["w"]


def test_entitlement_after_three_years_of_table_deposits(
    uow: FakeUnitOfWork, store: FakeStore, policy: PolicySnapshot
) -> None:
    start = D("1403/01/15")
    acc_id = _open(uow, policy, _customer(uow))
    for m in range(2, 37):
        store.business_date.on = account_month_start(start, m)
        amount = (20_000_000, 21_600_000, 23_200_000)[(m - 1) // 12]
        youth.deposit(uow, OFFICER, account_id=acc_id, amount=amount, request_id=f"dep-{m}")
    store.business_date.on = D("1406/01/15")
    _, decision = youth.account_entitlement(uow, OFFICER, policy, acc_id)
    assert decision.outcome == "eligible"
    assert decision.value.entitlement_rial == 16_000_000_000
    with pytest.raises(InvalidInput) as e:
        youth.account_entitlement(uow, OFFICER, policy, acc_id, as_of=D("1406/01/16"))
    assert e.value.code == "entitlement.future"


def test_a_loan_paid_out_on_the_account_uses_its_privilege(
    uow: FakeUnitOfWork, store: FakeStore, policy: PolicySnapshot
) -> None:
    acc_id = _open(uow, policy, _customer(uow))
    store.accounts.loans.append((acc_id, "disbursed", D("1403/01/15"), 5_000_000_000))
    _, decision = youth.account_entitlement(uow, OFFICER, policy, acc_id)
    assert decision.outcome == "privilege_used"
    assert decision.value.privilege_loan_rial == 5_000_000_000


def test_transfer_of_the_privilege_to_a_sibling(
    uow: FakeUnitOfWork, store: FakeStore, policy: PolicySnapshot
) -> None:
    holder = _customer(uow)
    sibling = _customer(uow, "0790419904")
    acc_id = _open(uow, policy, holder)
    with pytest.raises(Refused):
        youth.transfer_privilege(
            uow, OFFICER, policy, account_id=acc_id, to_national_id="0790419904", relation="friend"
        )
    with pytest.raises(Conflict) as e:
        youth.transfer_privilege(
            uow, OFFICER, policy, account_id=acc_id, to_national_id="0499370899", relation="sibling"
        )
    assert e.value.code == "transfer.same_holder"
    t = youth.transfer_privilege(
        uow, OFFICER, policy, account_id=acc_id, to_national_id="۰۷۹۰۴۱۹۹۰۴", relation="sibling"
    )
    assert (t.from_customer_id, t.to_customer_id, t.relation) == (holder, sibling, "sibling")
    assert store.accounts.rows[acc_id].privilege_holder_id == sibling


def test_a_used_privilege_cannot_be_transferred_and_nothing_changes(
    uow: FakeUnitOfWork, store: FakeStore, policy: PolicySnapshot
) -> None:
    import dataclasses

    holder = _customer(uow)
    _customer(uow, "0790419904")
    acc_id = _open(uow, policy, holder)
    store.accounts.rows[acc_id] = dataclasses.replace(
        store.accounts.rows[acc_id], privilege_used=True
    )
    with pytest.raises(Refused) as e:
        youth.transfer_privilege(
            uow, OFFICER, policy, account_id=acc_id, to_national_id="0790419904", relation="spouse"
        )
    assert e.value.code == "transfer.refused"
    assert [r.code for r in e.value.reasons if not r.passed] == ["transfer.privilege_used"]
    assert "امتیازی برای انتقال باقی نمانده است" in e.value.message_fa
    assert store.accounts.rows[acc_id].privilege_holder_id == holder
    assert store.accounts.transfer_rows == []


def test_close_pays_out_the_balance_unless_a_loan_is_open(
    uow: FakeUnitOfWork, store: FakeStore, policy: PolicySnapshot
) -> None:
    acc_id = _open(uow, policy, _customer(uow))
    store.accounts.loans.append((acc_id, "requested", None, 1_000_000_000))
    with pytest.raises(Conflict) as e:
        youth.close_account(uow, OFFICER, account_id=acc_id, request_id="c")
    assert e.value.code == "account.open_loan"
    store.accounts.loans.clear()
    m = youth.close_account(uow, OFFICER, account_id=acc_id, request_id="c")
    assert (m.amount, m.balance) == (20_000_000, 0)
    acc = store.accounts.rows[acc_id]
    assert (acc.status, acc.balance, acc.min_balance, acc.closed_on) == (
        "closed",
        0,
        0,
        D("1403/01/15"),
    )
    assert store.ledger.raw_balance("YF:1403-0101-0000001") == 0
    with pytest.raises(Conflict) as e:
        youth.deposit(uow, OFFICER, account_id=acc_id, amount=1, request_id="late")
    assert e.value.code == "account.closed"


def test_an_officer_of_another_branch_may_not_see_the_account(
    uow: FakeUnitOfWork, policy: PolicySnapshot
) -> None:
    acc_id = _open(uow, policy, _customer(uow))
    with pytest.raises(Forbidden):
        youth.get_account(uow, OTHER_OFFICER, acc_id)
    rows, total = youth.list_accounts(uow, OTHER_OFFICER, offset=0, limit=10)
    assert (rows, total) == ([], 0)
    assert OTHER_OFFICER.branch_id == ISFAHAN_BRANCH
    rows, total = youth.list_accounts(uow, OFFICER, offset=0, limit=10)
    assert [a.number for a in rows] == ["1403-0101-0000001"] and total == 1


def test_a_customer_created_concurrently_is_a_conflict_not_an_error(
    uow: FakeUnitOfWork, store: FakeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.fakes.youth import FakeCustomerRepository

    _customer(uow)
    # the other request's row is not seen by the check, only by the unique key
    monkeypatch.setattr(FakeCustomerRepository, "by_national_id", lambda self, nid: None)
    with pytest.raises(Conflict) as e:
        _customer(uow)
    assert (e.value.code, e.value.field) == ("customer.exists", "national_id")
    assert len(store.customers.rows) == 1


def test_a_deposit_above_the_balance_ceiling_is_bad_input(
    uow: FakeUnitOfWork, store: FakeStore, policy: PolicySnapshot
) -> None:
    from tashilat.domain.money import MAX_BALANCE_RIAL

    acc_id = _open(uow, policy, _customer(uow))
    with pytest.raises(InvalidInput) as e:
        youth.deposit(
            uow, OFFICER, account_id=acc_id, amount=MAX_BALANCE_RIAL, request_id="too-much"
        )
    assert e.value.code == "balance.too_large"
    assert store.accounts.rows[acc_id].balance == 20_000_000
