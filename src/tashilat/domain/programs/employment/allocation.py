"""An allocation's use, and the three conditions an introduction must meet against it
(docs/rules.md §2): the amount fits what is neither reserved nor posted, and the amount
counted against the approved-category share and against the repeat loans' share fits each
share's cap. The database enforces the same conditions in one conditional update."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AllocationUse:
    """An agency's allocation for a province and year, with what is reserved and posted."""

    id: int
    amount: int
    reserved: int
    posted: int
    category_cap: int
    category_reserved: int
    category_posted: int
    repeat_cap: int
    repeat_reserved: int
    repeat_posted: int

    @property
    def free(self) -> int:
        return self.amount - self.reserved - self.posted

    @property
    def category_left(self) -> int:
        return self.category_cap - self.category_reserved - self.category_posted

    @property
    def repeat_left(self) -> int:
        return self.repeat_cap - self.repeat_reserved - self.repeat_posted

    def shortfall(self, amount: int, category: int, repeat: int) -> str | None:
        """Which condition ``amount`` (of which ``category`` counts against the
        approved-category share and ``repeat`` against the repeat share) fails first:
        ``"exhausted"``, ``"category_share"``, ``"repeat_share"``; None when it fits."""
        if amount > self.free:
            return "exhausted"
        if category > self.category_left:
            return "category_share"
        if repeat > self.repeat_left:
            return "repeat_share"
        return None
