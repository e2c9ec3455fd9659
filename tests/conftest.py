"""Shared fixtures."""

from __future__ import annotations

import pytest

from tashilat.policy import PolicySnapshot, default_policy


@pytest.fixture(scope="session")
def policy() -> PolicySnapshot:
    return default_policy()
