"""The report use cases on the in-memory reader: who sees which rows (branch, customer,
bank, agency), who counts as an approver or a payer, and how a repayment receipt reads
its journal entry. No database: the rows are put into the fake reader directly."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from tests.fakes import FakeStore, FakeUnitOfWork
from tests.fakes.reports import FakeCustomer

from tashilat.services import reports
from tashilat.services.auth import Actor
from tashilat.services.errors import Forbidden, NotFound
from tashilat.services.ports.reports import (
    AccountRow,
    ApplicationOwner,
    AuditRow,
    GuaranteeRow,
    LoanRow,
    MonthlyLimitRow,
    NamedRow,
    PostedEntry,
    Scope,
    UserRoleRow,
)

ADMIN = Actor(1, "admin", "admin")
AUDITOR = Actor(2, "audit", "auditor")
OFFICER_1 = Actor(3, "off1", "officer", branch_id=1)
SUPERVISOR_2 = Actor(4, "sup2", "supervisor", branch_id=2, bank_id=20)
CUSTOMER_7 = Actor(5, "cust7", "customer", customer_id=7)
AGENCY_OFFICER = Actor(6, "ag", "agency_officer", agency_id=30)
BANK_OFFICER = Actor(7, "bo", "bank_officer", bank_id=20)


def account(id_: int, branch_id: int, customer_id: int) -> AccountRow:
    return AccountRow(
        id=id_,
        number=f"Y-{id_}",
        branch_id=branch_id,
        branch_code=f"B{branch_id}",
        customer_id=customer_id,
        holder_national_id="0000000000",
        holder_name=f"holder {customer_id}",
        city="تهران",
        tier=1,
        cohort=1403,
        opened_on=date(2024, 3, 20),
        status="open",
        balance=1_000_000,
        min_balance=0,
        privilege_used=False,
        closed_on=None,
    )


def loan(id_: int, branch_id: int, customer_id: int, status: str, maker: int = 3) -> LoanRow:
    return LoanRow(
        id=id_,
        account_id=id_,
        account_number=f"Y-{id_}",
        branch_id=branch_id,
        branch_code=f"B{branch_id}",
        customer_id=customer_id,
        holder_name="h",
        principal=100_000_000,
        rate_percent="4",
        months=60,
        method="annuity",
        appraisal=0,
        status=status,
        requested_by_id=maker,
        requested_by="off1",
        requested_on=date(2025, 1, 1),
        approved_by_id=None,
        approved_by=None,
        approved_on=None,
        disbursed_on=None,
        settled_on=None,
        decision_note="",
        principal_repaid=0,
        outstanding_principal=0,
        overdue=0,
        penalty_outstanding=0,
    )


@pytest.fixture
def uow() -> FakeUnitOfWork:
    store = FakeStore()
    r = store.reports
    r.today = date(2025, 6, 1)
    r.account_rows = [account(1, 1, 7), account(2, 2, 8), account(3, 1, 9)]
    r.loan_rows = [
        loan(1, 1, 7, "requested"),
        loan(2, 2, 8, "requested"),
        loan(3, 1, 9, "disbursed"),
    ]
    r.customers = [FakeCustomer(7, "هفت", 1), FakeCustomer(8, "هشت", 2)]
    r.users = [
        UserRoleRow(1, "admin", "admin", None, None),
        UserRoleRow(3, "off1", "supervisor", 1, None),
        UserRoleRow(4, "sup2", "supervisor", 2, 20),
        UserRoleRow(8, "sup1", "supervisor", 1, 21),
    ]
    r.limits = [
        MonthlyLimitRow(20, "B20", "بانک ۲۰", "Bank 20", 1404, 1, 5_000, 1_000, 0),
        MonthlyLimitRow(21, "B21", "بانک ۲۱", "Bank 21", 1404, 1, 7_000, 0, 0),
    ]
    r.owners = {100: ApplicationOwner(agency_id=30, bank_id=20), 101: ApplicationOwner(31, 21)}
    r.guarantee_rows = {
        100: [GuaranteeRow(2, "cheque", None, None), GuaranteeRow(1, "x", "1", "A")]
    }
    return FakeUnitOfWork(store)


@pytest.mark.parametrize(
    ("actor", "scope"),
    [
        (ADMIN, Scope()),
        (AUDITOR, Scope()),
        (OFFICER_1, Scope(branch_id=1)),
        (CUSTOMER_7, Scope(customer_id=7)),
        (Actor(9, "lost", "officer"), Scope(nothing=True)),
        (Actor(9, "lost", "customer"), Scope(nothing=True)),
    ],
)
def test_scope_of_each_role(actor: Actor, scope: Scope) -> None:
    assert reports.scope_of(actor) == scope


@pytest.mark.parametrize(
    ("actor", "ids"),
    [
        (ADMIN, [1, 2, 3]),
        (AUDITOR, [1, 2, 3]),
        (OFFICER_1, [1, 3]),
        (SUPERVISOR_2, [2]),
        (CUSTOMER_7, [1]),
        (Actor(9, "lost", "officer"), []),
    ],
)
def test_accounts_and_loans_are_scoped(uow: FakeUnitOfWork, actor: Actor, ids: list[int]) -> None:
    rows, total = reports.accounts(uow, actor)
    assert [r.id for r in rows] == ids and total == len(ids)
    loans, total = reports.loans(uow, actor)
    assert [r.id for r in loans] == ids and total == len(ids)


def test_paging_keeps_the_total(uow: FakeUnitOfWork) -> None:
    rows, total = reports.accounts(uow, ADMIN, offset=1, limit=1)
    assert [r.id for r in rows] == [2] and total == 3


def test_pending_approvals_count_the_callers_branch(uow: FakeUnitOfWork) -> None:
    assert reports.pending_approvals(uow, ADMIN) == 2
    assert reports.pending_approvals(uow, OFFICER_1) == 1
    assert reports.pending_approvals(uow, CUSTOMER_7) == 1


def test_an_officer_may_not_open_another_branchs_loan(uow: FakeUnitOfWork) -> None:
    assert reports.loan(uow, OFFICER_1, 3).id == 3
    with pytest.raises(Forbidden):
        reports.loan(uow, OFFICER_1, 2)
    with pytest.raises(Forbidden):
        reports.loan(uow, CUSTOMER_7, 3)
    with pytest.raises(NotFound):
        reports.loan(uow, ADMIN, 99)


def test_approvers_are_of_the_loans_branch_or_admins_and_never_its_maker(
    uow: FakeUnitOfWork,
) -> None:
    row = reports.loan(uow, ADMIN, 1)  # branch 1, requested by user 3
    assert reports.approvers(uow, ADMIN, row) == ["admin", "sup1"]


def test_payers_are_of_the_loans_bank_or_admins_and_never_its_approver(
    uow: FakeUnitOfWork,
) -> None:
    assert reports.employment_payers(uow, ADMIN, bank_id=20, approved_by=None) == [
        "admin",
        "sup2",
    ]
    assert reports.employment_payers(uow, ADMIN, bank_id=20, approved_by=4) == ["admin"]
    assert reports.employment_payers(uow, ADMIN, bank_id=None, approved_by=None) == ["admin"]


def test_customer_names_only_in_scope(uow: FakeUnitOfWork) -> None:
    assert reports.customer_names(uow, ADMIN, [7, 8]) == {7: "هفت", 8: "هشت"}
    assert reports.customer_names(uow, OFFICER_1, [7, 8]) == {7: "هفت"}
    assert reports.customer_names(uow, CUSTOMER_7, [7, 8]) == {7: "هفت"}


@pytest.mark.parametrize(
    ("actor", "banks"),
    [
        (ADMIN, [20, 21]),
        (AUDITOR, [20, 21]),
        (BANK_OFFICER, [20]),
        (SUPERVISOR_2, [20]),
        (Actor(9, "nobank", "bank_officer"), []),
        (Actor(9, "nobank", "supervisor", branch_id=1), []),
        (AGENCY_OFFICER, []),
    ],
)
def test_monthly_limits_by_bank(uow: FakeUnitOfWork, actor: Actor, banks: list[int]) -> None:
    assert [m.bank_id for m in reports.bank_monthly_limits(uow, actor)] == banks


def test_remaining_limit_never_below_zero() -> None:
    over = MonthlyLimitRow(20, "B20", "", "", 1404, 1, 5_000, 6_000, 0)
    assert over.remaining == 0


@pytest.mark.parametrize(
    ("actor", "app_id", "ok"),
    [
        (AGENCY_OFFICER, 100, True),
        (AGENCY_OFFICER, 101, False),
        (BANK_OFFICER, 100, True),
        (BANK_OFFICER, 101, False),
        (Actor(9, "nobank", "bank_officer"), 100, False),
        (Actor(9, "noagency", "agency_officer"), 100, False),
        (AUDITOR, 101, True),
    ],
)
def test_guarantees_only_of_an_application_in_scope(
    uow: FakeUnitOfWork, actor: Actor, app_id: int, ok: bool
) -> None:
    if ok:
        got = reports.employment_guarantees(uow, actor, app_id)
        assert [g.id for g in got] == ([1, 2] if app_id == 100 else [])
    else:
        with pytest.raises(Forbidden):
            reports.employment_guarantees(uow, actor, app_id)


def test_guarantees_of_a_missing_application(uow: FakeUnitOfWork) -> None:
    with pytest.raises(NotFound):
        reports.employment_guarantees(uow, ADMIN, 5)


class _App:
    def __init__(self, id_: int, agency_id: int, bank_id: int | None, samat: int | None) -> None:
        self.id = id_
        self.agency_id = agency_id
        self.bank_id = bank_id
        self.applicant_id = id_ * 10
        self.submitted_by = 1
        self.introduced_by = None
        self.approved_by = 4
        self.disbursed_by = None
        self.samat_loan_id = samat


def test_employment_names_leave_out_applications_out_of_scope(uow: FakeUnitOfWork) -> None:
    r = uow.store.reports
    r.agency_rows = [NamedRow(30, "A30", "دستگاه", "Agency")]
    r.bank_rows = [NamedRow(20, "B20", "بانک", "Bank")]
    r.applicants = {1000: ("0012345678", "یک"), 1010: ("0087654321", "دو")}
    r.samat_codes = {500: "S-500", 501: "S-501"}
    apps = [_App(100, 30, 20, 500), _App(101, 31, 21, 501)]
    names = reports.employment_names(uow, AGENCY_OFFICER, apps)
    assert names.applicants == {1000: ("0012345678", "یک")}
    assert names.users == {1: "admin", 4: "sup2"}
    assert names.samat_codes == {100: "S-500"}
    assert names.agencies[30].code == "A30" and names.banks[20].code == "B20"


def test_audit_log_for_auditors_only_newest_first(uow: FakeUnitOfWork) -> None:
    at = datetime(2025, 6, 1, tzinfo=UTC)
    uow.store.reports.audit_rows = [
        AuditRow(i, at, u, a, f"loan/{i}", f"r{i}", "ok", "")
        for i, u, a in [(1, "off1", "loan.request"), (2, "", "login"), (3, "sup2", "loan.approve")]
    ]
    rows, total = reports.audit_log(uow, AUDITOR, limit=2)
    assert [r.id for r in rows] == [3, 2] and total == 3
    rows, total = reports.audit_log(uow, ADMIN, where=reports.AuditFilter(username="off1"))
    assert [r.id for r in rows] == [1] and total == 1
    assert reports.audit_choices(uow, AUDITOR) == (
        ["off1", "sup2"],
        ["loan.approve", "loan.request", "login"],
    )
    with pytest.raises(Forbidden):
        reports.audit_log(uow, OFFICER_1)


def test_loan_receipt_splits_a_repayment(uow: FakeUnitOfWork) -> None:
    r = uow.store.reports
    at = datetime(2025, 6, 1, 9, tzinfo=UTC)
    r.entries = [
        PostedEntry(10, date(2025, 1, 1), at, {"LOAN:3:PRINCIPAL": 100_000_000}),
        PostedEntry(
            11,
            date(2025, 6, 1),
            at,
            {
                "BANK:SETTLEMENT": 2_500_000,
                "LOAN:3:PRINCIPAL": -2_000_000,
                "LOAN:3:PENALTY": -100_000,
                "LOAN:3:PROFIT": -400_000,
            },
        ),
    ]
    r.entry_keys = {10: ("d1", "loan.disburse"), 11: ("t1", "loan.repay")}
    got = reports.loan_receipt(uow, OFFICER_1, 3, "t1")
    assert got is not None
    assert (got.amount, got.principal, got.profit, got.penalty) == (
        2_500_000,
        2_000_000,
        400_000,
        100_000,
    )
    assert got.balance_after == 98_000_000 and got.account_number == "Y-3"
    assert reports.loan_receipt(uow, OFFICER_1, 3, "nope") is None
    assert reports.loan_receipt(uow, OFFICER_1, 1, "t1") is None  # not this loan's entry


def test_business_date_unset_is_a_conflict(uow: FakeUnitOfWork) -> None:
    from tashilat.services.errors import Conflict

    uow.store.reports.today = None
    with pytest.raises(Conflict):
        reports.loans(uow, ADMIN)


def test_employment_receipt_splits_a_repayment_and_keeps_to_its_application(
    uow: FakeUnitOfWork,
) -> None:
    r = uow.store.reports
    r.owners = {100: ApplicationOwner(agency_id=30, bank_id=20), 101: ApplicationOwner(31, 21)}
    at = datetime(2025, 6, 1, 9, tzinfo=UTC)
    r.entries = [
        PostedEntry(20, date(2025, 1, 1), at, {"EMP:100:PRINCIPAL": 2_500_000_000}),
        PostedEntry(
            21,
            date(2025, 6, 1),
            at,
            {
                "BANK:SETTLEMENT": 30_000_000,
                "EMP:100:PENALTY": -1_200_000,
                "INCOME:FEES": -8_800_000,
                "EMP:100:PRINCIPAL": -20_000_000,
            },
        ),
        PostedEntry(22, date(2025, 6, 2), at, {"BANK:SETTLEMENT": 5_000, "INCOME:FEES": -5_000}),
    ]
    r.entry_keys = {
        20: ("d1", "employment.disburse"),
        21: ("t1", "employment.repay"),
        22: ("emp-repay:100:web-x", "employment.repay"),
    }
    got = reports.employment_receipt(uow, BANK_OFFICER, 100, "t1")
    assert got is not None
    assert (got.amount, got.penalty, got.profit, got.principal) == (
        30_000_000,
        1_200_000,
        8_800_000,
        20_000_000,
    )
    assert (got.balance_after, got.application_id, got.kind) == (
        2_480_000_000,
        100,
        "employment.repay",
    )
    # a payment of fees only touches none of the application's accounts: its tracking
    # number names the application
    fees = reports.employment_receipt(uow, BANK_OFFICER, 100, "emp-repay:100:web-x")
    assert fees is not None and (fees.amount, fees.profit, fees.principal) == (5_000, 5_000, 0)
    assert reports.employment_receipt(uow, BANK_OFFICER, 100, "nope") is None
    assert reports.employment_receipt(uow, BANK_OFFICER, 100, "d1") is None  # not a repayment
    assert reports.employment_receipt(uow, ADMIN, 101, "t1") is None  # not 101's entry
    assert reports.employment_receipt(uow, ADMIN, 101, "emp-repay:100:web-x") is None
    with pytest.raises(Forbidden):
        reports.employment_receipt(uow, BANK_OFFICER, 101, "t1")
    with pytest.raises(NotFound):
        reports.employment_receipt(uow, ADMIN, 999, "t1")
