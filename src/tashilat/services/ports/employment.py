"""Port: employment loans — agencies, banks, allocations, categories, monthly limits, the
SAMAT registry, applications, guarantees and instalments."""

from __future__ import annotations

from typing import Protocol


class EmploymentRepository(Protocol):
    """Employment loans: set-up, the registry, applications and their loans."""
