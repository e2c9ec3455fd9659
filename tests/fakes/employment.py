"""In-memory ``services.ports.employment`` repository.

It honours the port's contracts with plain Python: one holder per (national ID, slot), and
an introduction reserves on an allocation only when ``AllocationUse.shortfall`` finds none
of the three conditions broken (the allocation, the approved-category share, the repeat
share), so no sequence of calls reserves beyond them."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from tashilat.domain.programs.employment.allocation import AllocationUse
from tashilat.domain.programs.employment.rules import PriorLoan
from tashilat.domain.servicing import Instalment
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
from tests.fakes._instalments import FakeSchedules
from tests.fakes.calendar import FakeBusinessDateRepository


@dataclass(frozen=True)
class FakeSlotHolder:
    application_id: int | None
    samat_code: str | None = None
    samat_disbursed_on: date | None = None


@dataclass
class FakeEmploymentRepository:
    allocations: dict[tuple[int, str, int], AllocationUse] = field(default_factory=dict)
    slots: dict[tuple[str, int], FakeSlotHolder] = field(default_factory=dict)
    applications: dict[int, ApplicationRecord] = field(default_factory=dict)
    introduced: list[dict[str, Any]] = field(default_factory=list)
    guarantees: list[Any] = field(default_factory=list)
    applicants: dict[int, ApplicantRecord] = field(default_factory=dict)
    schedules: FakeSchedules = field(default_factory=FakeSchedules)
    # the registry: national ID -> the person's loans, and the loans by id
    samat: dict[str, list[PriorLoan]] = field(default_factory=dict)
    samat_loans: dict[int, SamatLoanRecord] = field(default_factory=dict)
    # (bank_id, year, month) -> [limit, used, exempt_used]
    monthly_limits: dict[tuple[int, int, int], list[int]] = field(default_factory=dict)
    agencies: dict[int, AgencyRecord] = field(default_factory=dict)
    banks: dict[int, BankRecord] = field(default_factory=dict)
    allocation_hashes: dict[int, str] = field(default_factory=dict)
    categories: set[tuple[int, int, str]] = field(default_factory=set)
    # the store's business date, read by an introduction (see FakeStore)
    calendar: FakeBusinessDateRepository = field(default_factory=FakeBusinessDateRepository)
    audit: list[Any] = field(default_factory=list)

    def wire(self, *, calendar: FakeBusinessDateRepository, audit: list[Any]) -> None:
        self.calendar, self.audit = calendar, audit

    # -- set-up ------------------------------------------------------------------------------

    def add_allocation(
        self,
        *,
        agency_id: int,
        province: str,
        year: int,
        amount: int,
        category_cap: int,
        repeat_cap: int,
        policy_hash: str = "",
    ) -> AllocationRecord | None:
        key = (agency_id, province, year)
        if key in self.allocations:
            return None
        use = AllocationUse(
            len(self.allocations) + 1, amount, 0, 0, category_cap, 0, 0, repeat_cap, 0, 0
        )
        self.allocations[key] = use
        self.allocation_hashes[use.id] = policy_hash
        return AllocationRecord(
            use.id, agency_id, province, year, amount, category_cap, repeat_cap,
            0, 0, 0, 0, 0, 0, policy_hash,
        )  # fmt: skip

    def agency_by_code(self, code: str) -> AgencyRecord | None:
        return next((a for a in self.agencies.values() if a.code == code), None)

    def bank_by_code(self, code: str) -> BankRecord | None:
        return next((b for b in self.banks.values() if b.code == code), None)

    def agency(self, agency_id: int) -> AgencyRecord:
        return self.agencies[agency_id]

    def bank(self, bank_id: int) -> BankRecord:
        return self.banks[bank_id]

    def add_agency(self, *, code: str, name_fa: str, name_en: str) -> AgencyRecord | None:
        if self.agency_by_code(code) is not None:
            return None
        a = AgencyRecord(len(self.agencies) + 1, code, name_fa, name_en)
        self.agencies[a.id] = a
        return a

    def add_bank(self, *, code: str, name_fa: str, name_en: str) -> BankRecord | None:
        if self.bank_by_code(code) is not None:
            return None
        b = BankRecord(len(self.banks) + 1, code, name_fa, name_en)
        self.banks[b.id] = b
        return b

    def add_category(self, *, agency_id: int, year: int, code: str, name_fa: str) -> bool:
        if (agency_id, year, code) in self.categories:
            return False
        self.categories.add((agency_id, year, code))
        return True

    def is_approved_category(self, agency_id: int, year: int, code: str) -> bool:
        return (agency_id, year, code) in self.categories

    def add_monthly_limit(self, *, bank_id: int, year: int, month: int, amount: int) -> bool:
        if (bank_id, year, month) in self.monthly_limits:
            return False
        self.monthly_limits[(bank_id, year, month)] = [amount, 0, 0]
        return True

    # -- the registry ------------------------------------------------------------------------

    def slots_taken(self, national_id: str) -> int:
        return sum(1 for nid, _ in self.slots if nid == national_id)

    def samat_code_exists(self, tracking_code: str) -> bool:
        return any(p.samat_code == tracking_code for v in self.samat.values() for p in v)

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
        assert not self.samat_code_exists(tracking_code), "the tracking code is unique"
        r = SamatLoanRecord(
            len(self.samat_loans) + 1,
            tracking_code,
            national_id,
            bank_code,
            agency_code,
            amount,
            disbursed_on,
            imported,
        )
        self.samat_loans[r.id] = r
        self.samat.setdefault(national_id, []).append(
            PriorLoan(tracking_code, disbursed_on, bank_code, agency_code, amount)
        )
        return r

    def hold_slot_with_loan(self, *, national_id: str, slot: int, samat_loan_id: int) -> None:
        assert (national_id, slot) not in self.slots, "one holder per slot"
        loan = self.samat_loans[samat_loan_id]
        self.slots[(national_id, slot)] = FakeSlotHolder(
            None, loan.tracking_code, loan.disbursed_on
        )

    def samat_loan(self, samat_loan_id: int) -> SamatLoanRecord | None:
        return self.samat_loans.get(samat_loan_id)

    # -- applicants and applications ---------------------------------------------------------

    def applicant(self, applicant_id: int) -> ApplicantRecord:
        return self.applicants[applicant_id]

    def applicant_by_national_id(self, national_id: str) -> ApplicantRecord | None:
        return next((a for a in self.applicants.values() if a.national_id == national_id), None)

    def add_applicant(
        self, *, national_id: str, name: str, legal_entity: bool, province: str
    ) -> ApplicantRecord:
        assert self.applicant_by_national_id(national_id) is None, "the national ID is unique"
        a = ApplicantRecord(len(self.applicants) + 1, national_id, name, legal_entity, province)
        self.applicants[a.id] = a
        return a

    def add_application(self, new: NewApplication) -> ApplicationRecord:
        app = ApplicationRecord(
            id=len(self.applications) + 1,
            bank_id=None,
            allocation_id=None,
            state="submitted",
            reasons="",
            introduced_on=None,
            approved_on=None,
            disbursed_on=None,
            closed_on=None,
            waiting_for_month=None,
            introduced_by=None,
            approved_by=None,
            disbursed_by=None,
            samat_loan_id=None,
            **dataclasses.asdict(new),
        )
        self.applications[app.id] = app
        return app

    def application(self, app_id: int, *, lock: bool = False) -> ApplicationRecord | None:
        return self.applications.get(app_id)

    def update_application(self, app_id: int, **changes: Any) -> None:
        self.applications[app_id] = dataclasses.replace(self.applications[app_id], **changes)

    def _scoped(self, scope: tuple[str, int | None] | None) -> list[ApplicationRecord]:
        apps = [self.applications[i] for i in sorted(self.applications)]
        if scope is None:
            return apps
        kind, id_ = scope
        if kind == "none" or id_ is None:
            return []
        return [a for a in apps if (a.agency_id if kind == "agency" else a.bank_id) == id_]

    def applications_page(
        self,
        scope: tuple[str, int | None] | None,
        *,
        state: str | None,
        offset: int,
        limit: int,
    ) -> tuple[list[ApplicationRecord], int]:
        apps = [a for a in self._scoped(scope) if not state or a.state == state]
        return apps[offset : offset + limit], len(apps)

    def applications_in_states(self, states: Sequence[str]) -> list[ApplicationRecord]:
        return [
            self.applications[i]
            for i in sorted(self.applications)
            if self.applications[i].state in states
        ]

    def introduction_context(self, app_id: int, bank_code: str) -> IntroductionContext | None:
        app = self.applications.get(app_id)
        if app is None:
            return None
        applicant = self.applicants[app.applicant_id]
        bank = self.bank_by_code(bank_code)
        return IntroductionContext(
            app,
            applicant,
            self.calendar.current(),
            None if bank is None else bank.id,
            bool(self.samat.get(applicant.national_id)),
        )

    # -- reports -----------------------------------------------------------------------------

    def allocation_rows(
        self, *, year: int | None, agency_id: int | None
    ) -> list[tuple[str, str, str, int, AllocationUse]]:
        rows = [
            (self.agencies[a].code, self.agencies[a].name_fa, province, y, use)
            for (a, province, y), use in self.allocations.items()
            if (not year or y == year) and (agency_id is None or a == agency_id)
        ]
        return sorted(rows, key=lambda r: (r[0], r[2]))

    def applications_by_category(
        self, scope: tuple[str, int | None] | None
    ) -> list[tuple[str, str | None, str, int, int]]:
        groups: dict[tuple[str, str | None, str], list[int]] = {}
        for a in self._scoped(scope):
            key = (self.agencies[a.agency_id].code, a.category_code, a.state)
            groups.setdefault(key, []).append(a.amount)
        return [
            (ag, c, st, len(v), sum(v))
            for (ag, c, st), v in sorted(
                groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or "", kv[0][2])
            )
        ]

    def applications_by_state(
        self, scope: tuple[str, int | None] | None
    ) -> list[tuple[str, int, int]]:
        groups: dict[str, list[int]] = {}
        for a in self._scoped(scope):
            groups.setdefault(a.state, []).append(a.amount)
        return [(st, len(v), sum(v)) for st, v in sorted(groups.items())]

    def disbursal_times(
        self, scope: tuple[str, int | None] | None
    ) -> list[tuple[str, str, date, date]]:
        return [
            (
                self.agencies[a.agency_id].code,
                self.banks[a.bank_id].code,
                a.submitted_on,
                a.disbursed_on,
            )
            for a in self._scoped(scope)
            if a.disbursed_on is not None and a.bank_id is not None
        ]

    # -- the port ----------------------------------------------------------------------------

    def reserve_introduction(
        self,
        *,
        application_id: int,
        national_id: str,
        slot: int,
        agency_id: int,
        province: str,
        year: int,
        amount: int,
        category: int,
        repeat_amount: int,
        bank_id: int,
        repeat: bool,
        on: date,
        user_id: int | None,
        username: str,
        request_id: str,
        detail: str,
    ) -> tuple[bool, int | None]:
        if (national_id, slot) in self.slots:
            return False, None
        self.slots[(national_id, slot)] = FakeSlotHolder(application_id)
        key = (agency_id, province, year)
        use = self.allocations.get(key)
        if use is None or use.shortfall(amount, category, repeat_amount) is not None:
            return True, None
        self.allocations[key] = dataclasses.replace(
            use,
            reserved=use.reserved + amount,
            category_reserved=use.category_reserved + category,
            repeat_reserved=use.repeat_reserved + repeat_amount,
        )
        if application_id in self.applications:
            self.update_application(
                application_id,
                state="introduced",
                bank_id=bank_id,
                repeat=repeat,
                introduced_on=on,
                introduced_by=user_id,
                allocation_id=use.id,
            )
        self.introduced.append(
            {"application_id": application_id, "username": username, "request_id": request_id}
        )
        from tests.fakes import AuditLine

        self.audit.append(
            AuditLine(
                datetime.now(UTC),
                user_id,
                username,
                "employment.introduce",
                f"application:{application_id}",
                request_id,
                "ok",
                detail,
            )
        )
        return True, use.id

    def use_monthly_limit(
        self, *, bank_id: int, year: int, month: int, amount: int, exempt: bool
    ) -> bool:
        row = self.monthly_limits.get((bank_id, year, month))
        if row is None:
            return True
        if exempt:
            row[2] += amount
            return True
        if row[1] + amount > row[0]:
            return False
        row[1] += amount
        return True

    def post_reservation(
        self,
        *,
        application_id: int,
        allocation_id: int,
        amount: int,
        category: int,
        repeat_amount: int,
        samat_loan_id: int,
    ) -> None:
        loan = self.samat_loans.get(samat_loan_id)
        for key, holder in self.slots.items():
            if holder.application_id == application_id:
                self.slots[key] = FakeSlotHolder(
                    application_id,
                    loan.tracking_code if loan else f"SAMAT-{samat_loan_id}",
                    loan.disbursed_on if loan else None,
                )
        self._move(
            allocation_id,
            reserved=-amount,
            posted=amount,
            category_reserved=-category,
            category_posted=category,
            repeat_reserved=-repeat_amount,
            repeat_posted=repeat_amount,
        )

    def release_reservation(
        self,
        *,
        application_id: int,
        allocation_id: int | None,
        amount: int,
        category: int,
        repeat_amount: int,
    ) -> None:
        if allocation_id is not None:
            self._move(
                allocation_id,
                reserved=-amount,
                category_reserved=-category,
                repeat_reserved=-repeat_amount,
            )
        self.slots = {
            k: h
            for k, h in self.slots.items()
            if h.application_id != application_id or h.samat_code is not None
        }

    def holds_slot(self, application_id: int) -> bool:
        return any(h.application_id == application_id for h in self.slots.values())

    def _move(self, allocation_id: int, **deltas: int) -> None:
        for key, use in self.allocations.items():
            if use.id == allocation_id:
                self.allocations[key] = dataclasses.replace(
                    use, **{f: getattr(use, f) + d for f, d in deltas.items()}
                )

    def prior_loans(self, national_id: str) -> list[PriorLoan]:
        return sorted(self.samat.get(national_id, []), key=lambda p: p.disbursed_on)

    def has_slot_in_progress(self, national_id: str) -> bool:
        return any(
            nid == national_id and h.samat_code is None for (nid, _), h in self.slots.items()
        )

    def add_guarantee(self, g: Any) -> int:
        self.guarantees.append(dataclasses.replace(g, id=len(self.guarantees) + 1))
        return len(self.guarantees)

    def guarantees_of(self, application_id: int) -> list[Any]:
        return [g for g in self.guarantees if g.application_id == application_id]

    def applicant_national_id(self, applicant_id: int) -> str:
        return self.applicants[applicant_id].national_id

    def add_instalments(self, application_id: int, rows: list[dict[str, Any]]) -> None:
        self.schedules.add_instalments(application_id, rows)

    def instalments(
        self, application_id: int, *, unpaid: bool = False, due_before: date | None = None
    ) -> list[Instalment]:
        return self.schedules.instalments(application_id, unpaid=unpaid, due_before=due_before)

    def save_instalments(self, insts: list[Instalment]) -> None:
        self.schedules.save_instalments(insts)

    def next_samat_code(self, jalali_year: int) -> str:
        taken = {p.samat_code for loans in self.samat.values() for p in loans}
        n = len(taken) + 1
        while f"SAMAT-{jalali_year}-{n:07d}" in taken:
            n += 1
        return f"SAMAT-{jalali_year}-{n:07d}"

    def allocation_use(self, agency_id: int, province: str, year: int) -> AllocationUse | None:
        return self.allocations.get((agency_id, province, year))

    def slot_holder(self, national_id: str, slot: int) -> FakeSlotHolder | None:
        return self.slots.get((national_id, slot))
