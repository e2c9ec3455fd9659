"""Port: Users, their tokens and roles."""

from __future__ import annotations

from typing import Protocol


class UserRepository(Protocol):
    """Users, their tokens and roles."""
