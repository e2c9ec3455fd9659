"""In-memory ``services.ports.auth`` repository."""

from __future__ import annotations


class FakeUserRepository:
    pass
