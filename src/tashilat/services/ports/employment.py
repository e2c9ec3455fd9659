"""Port: employment loans — agencies, banks, allocations, categories, monthly limits, the
SAMAT registry, applications, guarantees and instalments.

The limits many introductions compete for are decided by the repository, atomically, in
the transaction: ``reserve_introduction`` takes the person's loan slot and reserves the
allocation under its three conditions (``AllocationUse.shortfall``: the allocation, the
approved-category share, the repeat share) or changes nothing that the caller keeps."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from tashilat.domain.programs.employment.allocation import AllocationUse


class SlotHolder(Protocol):
    """Who holds a person's loan slot: an application in progress or a SAMAT loan."""

    application_id: int | None
    samat_code: str | None
    samat_disbursed_on: date | None


class EmploymentRepository(Protocol):
    """Employment loans: set-up, the registry, applications and their loans."""

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
        """Introduce the application: take slot ``slot`` of ``national_id``, reserve
        ``amount`` (``category`` of it against the approved-category share, ``repeat_amount``
        against the repeat share) on the agency's allocation for the province and year, mark
        the application introduced to ``bank_id`` on ``on`` and write the audit line.

        Returns ``(slot_ok, allocation_id)``: ``slot_ok`` False when somebody holds the slot;
        ``allocation_id`` None when there is no allocation or one of its conditions would be
        broken. Unless both succeed the caller must roll back: nothing done here is kept.
        Concurrent calls never reserve beyond an allocation or its shares."""
        ...

    def allocation_use(self, agency_id: int, province: str, year: int) -> AllocationUse | None:
        """The allocation's current use, to explain a refusal (None: no allocation)."""
        ...

    def slot_holder(self, national_id: str, slot: int) -> SlotHolder | None:
        """Who holds the person's slot ``slot`` (None: nobody)."""
        ...


__all__ = ["AllocationUse", "EmploymentRepository", "SlotHolder"]
