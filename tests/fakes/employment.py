"""In-memory ``services.ports.employment`` repository.

It honours the port's contracts with plain Python: one holder per (national ID, slot), and
an introduction reserves on an allocation only when ``AllocationUse.shortfall`` finds none
of the three conditions broken (the allocation, the approved-category share, the repeat
share), so no sequence of calls reserves beyond them."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tashilat.domain.programs.employment.allocation import AllocationUse
from tashilat.domain.programs.employment.rules import PriorLoan
from tashilat.domain.servicing import Instalment
from tests.fakes._instalments import FakeSchedules


@dataclass(frozen=True)
class FakeSlotHolder:
    application_id: int | None
    samat_code: str | None = None
    samat_disbursed_on: date | None = None


@dataclass
class FakeEmploymentRepository:
    allocations: dict[tuple[int, str, int], AllocationUse] = field(default_factory=dict)
    slots: dict[tuple[str, int], FakeSlotHolder] = field(default_factory=dict)
    applications: dict[int, dict[str, Any]] = field(default_factory=dict)
    introduced: list[dict[str, Any]] = field(default_factory=list)
    # (bank_id, year, month) -> [limit, used, exempt_used]
    guarantees: list[Any] = field(default_factory=list)
    applicants: dict[int, str] = field(default_factory=dict)
    schedules: FakeSchedules = field(default_factory=FakeSchedules)
    samat: dict[str, list[PriorLoan]] = field(default_factory=dict)
    monthly_limits: dict[tuple[int, int, int], list[int]] = field(default_factory=dict)

    # -- set-up for tests ------------------------------------------------------------------

    def add_allocation(
        self,
        *,
        agency_id: int,
        province: str,
        year: int,
        amount: int,
        category_cap: int,
        repeat_cap: int,
    ) -> AllocationUse:
        use = AllocationUse(
            len(self.allocations) + 1, amount, 0, 0, category_cap, 0, 0, repeat_cap, 0, 0
        )
        self.allocations[(agency_id, province, year)] = use
        return use

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
        self.applications.setdefault(application_id, {}).update(
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
        for key, holder in self.slots.items():
            if holder.application_id == application_id:
                self.slots[key] = FakeSlotHolder(application_id, f"SAMAT-{samat_loan_id}")
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
        return self.applicants[applicant_id]

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
