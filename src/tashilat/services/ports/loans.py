"""Port: Housing loans and their instalments."""

from __future__ import annotations

from typing import Protocol


class LoanRepository(Protocol):
    """Housing loans and their instalments."""
