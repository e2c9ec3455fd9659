"""Loan schedules in memory, shared by the fake loan and employment repositories: records
are copied in and out, so nothing changes until it is saved."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from tashilat.domain.servicing import Instalment


class FakeSchedules:
    def __init__(self) -> None:
        self.schedules: dict[int, list[Instalment]] = {}

    def add_instalments(self, loan_id: int, rows: list[dict[str, Any]]) -> None:
        first = sum(len(v) for v in self.schedules.values()) + 1
        self.schedules[loan_id] = [Instalment(id=first + n, **r) for n, r in enumerate(rows)]

    def instalments(
        self, loan_id: int, *, unpaid: bool = False, due_before: date | None = None
    ) -> list[Instalment]:
        return [
            dataclasses.replace(i)
            for i in sorted(self.schedules.get(loan_id, []), key=lambda i: i.number)
            if not (unpaid and i.paid_on is not None) and (due_before is None or i.due < due_before)
        ]

    def save_instalments(self, insts: list[Instalment]) -> None:
        for saved in insts:
            for rows in self.schedules.values():
                for n, i in enumerate(rows):
                    if i.id == saved.id:
                        rows[n] = dataclasses.replace(saved)
