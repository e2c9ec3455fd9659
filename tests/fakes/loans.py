"""In-memory ``services.ports.loans`` repository."""

from __future__ import annotations

from tests.fakes._instalments import FakeSchedules


class FakeLoanRepository(FakeSchedules):
    pass
