"""The plain reads and writes of ``EmploymentRepository`` on SQLAlchemy: agencies, banks,
allocations, categories, monthly limits, the SAMAT registry, applicants and applications.
Rows leave as the records of ``services.ports.employment_records``. The limits many requests
compete for are in ``repositories/employment.py``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import bindparam, false, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tashilat.adapters.db.models import (
    Agency,
    AgentBank,
    Allocation,
    Applicant,
    ApprovedCategory,
    BankMonthlyLimit,
    BusinessDate,
    EmploymentApplication,
    EmploymentSlot,
    SamatLoan,
)
from tashilat.services.ports.employment_records import (
    AgencyRecord,
    AllocationRecord,
    ApplicantRecord,
    ApplicationRecord,
    BankRecord,
    IntroductionContext,
    NewApplication,
    SamatLoanRecord,
)

_APPLICATION_FIELDS = tuple(ApplicationRecord.__dataclass_fields__)
_ALLOCATION_FIELDS = tuple(AllocationRecord.__dataclass_fields__)


def application_record(a: EmploymentApplication) -> ApplicationRecord:
    return ApplicationRecord(**{f: getattr(a, f) for f in _APPLICATION_FIELDS})


def applicant_record(a: Applicant) -> ApplicantRecord:
    return ApplicantRecord(a.id, a.national_id, a.name, a.legal_entity, a.province)


def samat_record(r: SamatLoan) -> SamatLoanRecord:
    return SamatLoanRecord(
        r.id,
        r.tracking_code,
        r.national_id,
        r.bank_code,
        r.agency_code,
        r.amount,
        r.disbursed_on,
        r.imported,
    )


def _agency(a: Agency) -> AgencyRecord:
    return AgencyRecord(a.id, a.code, a.name_fa, a.name_en)


def _bank(b: AgentBank) -> BankRecord:
    return BankRecord(b.id, b.code, b.name_fa, b.name_en)


def in_scope(scope: tuple[str, int | None] | None) -> list[Any]:
    """The applications of one agency, one bank, nobody, or (None) all. A missing id matches
    nothing: compared with NULL it would become ``IS NULL`` and match every application not
    yet introduced to a bank."""
    if scope is None:
        return []
    kind, id_ = scope
    if kind == "none" or id_ is None:
        return [false()]
    col = EmploymentApplication.agency_id if kind == "agency" else EmploymentApplication.bank_id
    return [col == id_]


def _introduction_statement() -> Any:
    """Built once: the application and applicant (locked), the business date, the bank's id
    and whether the person has SAMAT loans, in one round trip."""
    today = select(BusinessDate.current).where(BusinessDate.id == 1).scalar_subquery()
    bank_id = select(AgentBank.id).where(AgentBank.code == bindparam("bank_code")).scalar_subquery()
    priors = (
        select(func.count())
        .select_from(SamatLoan)
        .where(SamatLoan.national_id == Applicant.national_id)
        .scalar_subquery()
    )
    return (
        select(EmploymentApplication, Applicant, today, bank_id, priors)
        .join(Applicant, Applicant.id == EmploymentApplication.applicant_id)
        .where(EmploymentApplication.id == bindparam("app_id"))
        .with_for_update(of=EmploymentApplication)
    )


_INTRODUCTION = _introduction_statement()


class EmploymentRows:
    """The plain half of ``SqlEmploymentRepository`` (it shares the session)."""

    _s: Session

    def _added(self, row: Any) -> bool:
        """Flush one new row; False (the transaction then must roll back) when a unique key
        refuses it because a concurrent request recorded the same first."""
        self._s.add(row)
        try:
            self._s.flush()
        except IntegrityError:
            return False
        return True

    # -- set-up ----------------------------------------------------------------------------

    def agency_by_code(self, code: str) -> AgencyRecord | None:
        a = self._s.scalar(select(Agency).where(Agency.code == code))
        return None if a is None else _agency(a)

    def bank_by_code(self, code: str) -> BankRecord | None:
        b = self._s.scalar(select(AgentBank).where(AgentBank.code == code))
        return None if b is None else _bank(b)

    def agency(self, agency_id: int) -> AgencyRecord:
        a = self._s.get(Agency, agency_id)
        assert a is not None
        return _agency(a)

    def bank(self, bank_id: int) -> BankRecord:
        b = self._s.get(AgentBank, bank_id)
        assert b is not None
        return _bank(b)

    def add_agency(self, *, code: str, name_fa: str, name_en: str) -> AgencyRecord | None:
        if self._s.scalar(select(Agency.id).where(Agency.code == code)):
            return None
        a = Agency(code=code, name_fa=name_fa, name_en=name_en)
        self._s.add(a)
        self._s.flush()
        return _agency(a)

    def add_bank(self, *, code: str, name_fa: str, name_en: str) -> BankRecord | None:
        if self._s.scalar(select(AgentBank.id).where(AgentBank.code == code)):
            return None
        b = AgentBank(code=code, name_fa=name_fa, name_en=name_en)
        self._s.add(b)
        self._s.flush()
        return _bank(b)

    def add_allocation(
        self,
        *,
        agency_id: int,
        province: str,
        year: int,
        amount: int,
        category_cap: int,
        repeat_cap: int,
        policy_hash: str,
    ) -> AllocationRecord | None:
        existing = self._s.scalar(
            select(Allocation.id).where(
                Allocation.agency_id == agency_id,
                Allocation.province == province,
                Allocation.year == year,
            )
        )
        if existing is not None:
            return None
        row = Allocation(
            agency_id=agency_id,
            province=province,
            year=year,
            amount=amount,
            category_cap=category_cap,
            repeat_cap=repeat_cap,
            reserved=0,
            posted=0,
            category_reserved=0,
            category_posted=0,
            repeat_reserved=0,
            repeat_posted=0,
            policy_hash=policy_hash,
        )
        self._s.add(row)
        self._s.flush()
        return AllocationRecord(**{f: getattr(row, f) for f in _ALLOCATION_FIELDS})

    def add_category(self, *, agency_id: int, year: int, code: str, name_fa: str) -> bool:
        if self.is_approved_category(agency_id, year, code):
            return False
        return self._added(
            ApprovedCategory(agency_id=agency_id, year=year, code=code, name_fa=name_fa)
        )

    def is_approved_category(self, agency_id: int, year: int, code: str) -> bool:
        found = self._s.scalar(
            select(ApprovedCategory.id).where(
                ApprovedCategory.agency_id == agency_id,
                ApprovedCategory.year == year,
                ApprovedCategory.code == code,
            )
        )
        return found is not None

    def add_monthly_limit(self, *, bank_id: int, year: int, month: int, amount: int) -> bool:
        t = BankMonthlyLimit
        if self._s.scalar(
            select(t.id).where(t.bank_id == bank_id, t.year == year, t.month == month)
        ):
            return False
        return self._added(
            t(bank_id=bank_id, year=year, month=month, amount=amount, used=0, exempt_used=0)
        )

    # -- the SAMAT registry ----------------------------------------------------------------

    def slots_taken(self, national_id: str) -> int:
        n = self._s.scalar(
            select(func.count())
            .select_from(EmploymentSlot)
            .where(EmploymentSlot.national_id == national_id)
        )
        return int(n or 0)

    def samat_code_exists(self, tracking_code: str) -> bool:
        found = self._s.scalar(select(SamatLoan.id).where(SamatLoan.tracking_code == tracking_code))
        return found is not None

    def record_samat_loan(
        self,
        *,
        tracking_code: str,
        national_id: str,
        bank_code: str,
        agency_code: str,
        amount: int,
        disbursed_on: date,
        imported: bool,
    ) -> SamatLoanRecord:
        loan = SamatLoan(
            tracking_code=tracking_code,
            national_id=national_id,
            bank_code=bank_code,
            agency_code=agency_code,
            amount=amount,
            disbursed_on=disbursed_on,
            imported=imported,
        )
        self._s.add(loan)
        self._s.flush()
        return samat_record(loan)

    def hold_slot_with_loan(self, *, national_id: str, slot: int, samat_loan_id: int) -> None:
        self._s.add(
            EmploymentSlot(
                national_id=national_id, slot=slot, state="posted", samat_loan_id=samat_loan_id
            )
        )
        self._s.flush()

    def samat_loan(self, samat_loan_id: int) -> SamatLoanRecord | None:
        r = self._s.get(SamatLoan, samat_loan_id)
        return None if r is None else samat_record(r)

    # -- applicants and applications -------------------------------------------------------

    def applicant(self, applicant_id: int) -> ApplicantRecord:
        a = self._s.get(Applicant, applicant_id)
        assert a is not None
        return applicant_record(a)

    def applicant_by_national_id(self, national_id: str) -> ApplicantRecord | None:
        a = self._s.scalar(select(Applicant).where(Applicant.national_id == national_id))
        return None if a is None else applicant_record(a)

    def add_applicant(
        self, *, national_id: str, name: str, legal_entity: bool, province: str
    ) -> ApplicantRecord:
        a = Applicant(
            national_id=national_id, name=name, legal_entity=legal_entity, province=province
        )
        self._s.add(a)
        self._s.flush()
        return applicant_record(a)

    def add_application(self, new: NewApplication) -> ApplicationRecord:
        row = EmploymentApplication(
            **{f: getattr(new, f) for f in NewApplication.__dataclass_fields__},
            state="submitted",
        )
        self._s.add(row)
        self._s.flush()
        return application_record(row)

    def application(self, app_id: int, *, lock: bool = False) -> ApplicationRecord | None:
        q = select(EmploymentApplication).where(EmploymentApplication.id == app_id)
        if lock:
            q = q.with_for_update()
        a = self._s.scalar(q.execution_options(populate_existing=True))
        return None if a is None else application_record(a)

    def update_application(self, app_id: int, **changes: Any) -> None:
        unknown = set(changes) - set(_APPLICATION_FIELDS)
        assert not unknown, unknown
        self._s.execute(
            update(EmploymentApplication)
            .where(EmploymentApplication.id == app_id)
            .values(**changes)
        )

    def applications_page(
        self,
        scope: tuple[str, int | None] | None,
        *,
        state: str | None,
        offset: int,
        limit: int,
    ) -> tuple[list[ApplicationRecord], int]:
        q = select(EmploymentApplication).where(*in_scope(scope))
        if state:
            q = q.where(EmploymentApplication.state == state)
        total = self._s.scalar(select(func.count()).select_from(q.subquery())) or 0
        rows = self._s.scalars(q.order_by(EmploymentApplication.id).offset(offset).limit(limit))
        return [application_record(a) for a in rows], total

    def applications_in_states(self, states: Sequence[str]) -> list[ApplicationRecord]:
        rows = self._s.scalars(
            select(EmploymentApplication)
            .where(EmploymentApplication.state.in_(tuple(states)))
            .order_by(EmploymentApplication.id)
        )
        return [application_record(a) for a in rows]

    def introduction_context(self, app_id: int, bank_code: str) -> IntroductionContext | None:
        row = self._s.execute(_INTRODUCTION, {"app_id": app_id, "bank_code": bank_code}).first()
        if row is None:
            return None
        return IntroductionContext(
            application_record(row[0]),
            applicant_record(row[1]),
            row[2],
            row[3],
            bool(row[4]),
        )
